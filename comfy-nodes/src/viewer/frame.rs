//! The plot frame: the text sizes, where the plot area sits on the canvas and the ticks of both
//! axes, measured with the embedded font before anything is drawn.
use super::plot::LinePlot;
use super::text::Typeface;
use super::ticks::{format_tick, nice_ticks, Ticks};

/// Length of a tick mark outside the plot area.
pub(super) const TICK_LEN: i32 = 5;
/// From the axis to a tick label: plotters sets labels twice the tick length away.
const LABEL_GAP: i32 = 2 * TICK_LEN;

/// An axis-aligned rectangle in pixels: `x..x + w` across and `y..y + h` down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    /// `(x, y, w, h)`, as the canvas' `fill` and `outline` take it.
    pub fn xywh(self) -> (i32, i32, i32, i32) {
        (self.x, self.y, self.w, self.h)
    }
}

/// Where the plot area sits on the canvas, what size its text is and which ticks its axes get.
pub(super) struct Frame {
    /// 2 on canvases of at least 640x400, else 1: text sizes, gaps and the default pen scale by it.
    pub scale: u32,
    /// Line height of tick labels, axis titles and the legend.
    pub text: u32,
    /// Line height of the title.
    pub title: u32,
    /// The plot area: the data maps onto these pixels.
    pub plot: Rect,
    /// Ticks of the horizontal axis; its ends are the first and last tick.
    pub x_ticks: Ticks,
    /// Ticks of the vertical axis.
    pub y_ticks: Ticks,
}

impl Frame {
    /// Lays out `plot` around its data `bounds` (`x_min, x_max, y_min, y_max`; `None` for no data).
    pub fn new(plot: &LinePlot, bounds: Option<(f64, f64, f64, f64)>, face: &Typeface) -> Self {
        let s: i32 = if plot.width >= 640 && plot.height >= 400 { 2 } else { 1 };
        // Line heights of labels and title; capitals are 0.63 of a line (11 pixels of 18).
        let (text, title): (u32, u32) = if s == 2 { (18, 27) } else { (11, 16) };
        let (x0, x1, y0, y1) = bounds.unwrap_or((0.0, 1.0, 0.0, 1.0));
        let (width, height) = (plot.width as i32, plot.height as i32);
        let (line, gap) = (text as i32, 4 * s);
        let label_width = |v: f64, step: f64| face.size(&format_tick(v, step), text as f32).0 as i32;
        // A text band: one line plus a gap, or nothing for empty text.
        let band = |text: &str, height: i32| if text.is_empty() { 0 } else { height + gap };
        let top = band(&plot.title, title as i32) + line;
        let bottom = (height - (LABEL_GAP + line + band(&plot.x_label, line) + gap)).max(top + 1);
        let y_ticks = nice_ticks(y0, y1, ((bottom - top) / (45 * s)).max(2) as usize);
        let widest = y_ticks.values.iter().map(|&v| label_width(v, y_ticks.step)).max();
        let left = gap + band(&plot.y_label, line) + widest.unwrap_or(0) + LABEL_GAP;
        let x_target = |right: i32| ((right - left) / (70 * s)).max(2) as usize;
        let mut right = width - 12 * s;
        let mut x_ticks = nice_ticks(x0, x1, x_target(right));
        // The last x label is centred on the axis end: keep its right half on the canvas.
        let last_half = x_ticks.values.last().map_or(0, |&v| label_width(v, x_ticks.step) / 2);
        if width - right < last_half + gap {
            right = width - last_half - gap;
            x_ticks = nice_ticks(x0, x1, x_target(right));
        }
        let right = right.max(left + 1);
        Frame {
            scale: s.unsigned_abs(),
            text,
            title,
            plot: Rect {
                x: left,
                y: top,
                w: right - left,
                h: bottom - top,
            },
            x_ticks,
            y_ticks,
        }
    }
}
