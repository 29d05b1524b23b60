//! The plot frame: where the plot area sits, how data maps to pixels, and the grid, axes,
//! ticks and lines drawn on it.
use image::{Rgb, RgbImage};

use super::draw::{fill_rect, line, stroke_rect, Rect};
use super::font::{draw_text, text_height, text_width, CAP_HEIGHT};
use super::plot::{LinePlot, Series, AXIS, GRID, TEXT, TICK_LEN};
use super::ticks::{format_tick, nice_ticks, Ticks};

fn label_width(value: f64, step: f64, scale: u32) -> i64 {
    i64::from(text_width(&format_tick(value, step), scale))
}

fn widest_label(ticks: &Ticks, scale: u32) -> i64 {
    ticks
        .values
        .iter()
        .map(|&v| label_width(v, ticks.step, scale))
        .max()
        .unwrap_or(0)
}

/// Where the plot area sits on the canvas and how data maps onto it.
pub(super) struct Frame {
    /// Text scale: 2 on canvases of at least 640x400, else 1.
    pub scale: u32,
    pub plot: Rect,
    x_ticks: Ticks,
    y_ticks: Ticks,
}

impl Frame {
    /// Lays out `plot` around its data `bounds` (`x_min, x_max, y_min, y_max`; `None` for no data).
    pub fn new(plot: &LinePlot, bounds: Option<(f64, f64, f64, f64)>) -> Self {
        let s = if plot.width >= 640 && plot.height >= 400 { 2 } else { 1 };
        let (x0, x1, y0, y1) = bounds.unwrap_or((0.0, 1.0, 0.0, 1.0));
        let (line, gap) = (i64::from(text_height(s)), i64::from(4 * s));
        // A text band: one line plus a gap, or nothing for empty text.
        let band = |text: &str, height: i64| if text.is_empty() { 0 } else { height + gap };
        let top = band(&plot.title, i64::from(text_height(s + 1))) + line;
        let bottom = i64::from(plot.height) - (TICK_LEN + i64::from(3 * s) + line + band(&plot.x_label, line) + gap);
        let y_ticks = nice_ticks(y0, y1, ((bottom - top) / i64::from(45 * s)).max(2) as usize);
        let left = gap + band(&plot.y_label, line) + widest_label(&y_ticks, s) + i64::from(3 * s) + TICK_LEN;
        let x_target = |right: i64| ((right - left) / i64::from(70 * s)).max(2) as usize;
        let mut right = i64::from(plot.width) - i64::from(12 * s);
        let mut x_ticks = nice_ticks(x0, x1, x_target(right));
        // The last x label is centred on the axis end: keep its right half on the canvas.
        let last_half = x_ticks
            .values
            .last()
            .map_or(0, |&v| label_width(v, x_ticks.step, s) / 2);
        if i64::from(plot.width) - right < last_half + gap {
            right = i64::from(plot.width) - last_half - gap;
            x_ticks = nice_ticks(x0, x1, x_target(right));
        }
        let plot = Rect::new(left, top, right - left, bottom - top);
        Frame {
            scale: s,
            plot,
            x_ticks,
            y_ticks,
        }
    }

    /// Pixel column of data coordinate `x`.
    fn px(&self, x: f64) -> i64 {
        // Data lies within the axis; the clamp only bounds line lengths for values past 1e300.
        let t = ((x - self.x_ticks.min) / (self.x_ticks.max - self.x_ticks.min)).clamp(-1.0, 2.0);
        self.plot.x + (t * (self.plot.w - 1) as f64).round() as i64
    }

    /// Pixel row of data coordinate `y` (up the page).
    fn py(&self, y: f64) -> i64 {
        let t = ((y - self.y_ticks.min) / (self.y_ticks.max - self.y_ticks.min)).clamp(-1.0, 2.0);
        self.plot.y + self.plot.h - 1 - (t * (self.plot.h - 1) as f64).round() as i64
    }

    pub fn draw_grid(&self, img: &mut RgbImage) {
        let p = self.plot;
        for &v in &self.x_ticks.values {
            fill_rect(img, &p, Rect::new(self.px(v), p.y, 1, p.h), GRID);
        }
        for &v in &self.y_ticks.values {
            fill_rect(img, &p, Rect::new(p.x, self.py(v), p.w, 1), GRID);
        }
    }

    /// The frame, tick marks and tick labels.
    pub fn draw_axes(&self, img: &mut RgbImage) {
        let (p, s) = (self.plot, self.scale);
        let all = Rect::of_image(img);
        stroke_rect(img, &all, Rect::new(p.x - 1, p.y - 1, p.w + 2, p.h + 2), AXIS);
        let gap = TICK_LEN + i64::from(3 * s);
        for &v in &self.x_ticks.values {
            let (x, label) = (self.px(v), format_tick(v, self.x_ticks.step));
            fill_rect(img, &all, Rect::new(x, p.y + p.h + 1, 1, TICK_LEN), AXIS);
            let lx = x - i64::from(text_width(&label, s)) / 2;
            draw_text(img, lx as i32, (p.y + p.h + gap) as i32, &label, s, TEXT);
        }
        for &v in &self.y_ticks.values {
            let (y, label) = (self.py(v), format_tick(v, self.y_ticks.step));
            fill_rect(img, &all, Rect::new(p.x - 1 - TICK_LEN, y, TICK_LEN, 1), AXIS);
            // Right-aligned beside the tick, digits centred on it.
            let (lx, ly) = (
                p.x - gap - i64::from(text_width(&label, s)),
                y - i64::from(CAP_HEIGHT * s) / 2,
            );
            draw_text(img, lx as i32, ly as i32, &label, s, TEXT);
        }
    }

    /// Draws one series; with more points than about two per pixel column it draws each column's
    /// min..max span joined column to column, which looks the same as every segment but costs
    /// O(points + width).
    pub fn draw_series(&self, img: &mut RgbImage, series: &Series, color: Rgb<u8>) {
        let pen = i64::from(self.scale);
        let points: Vec<(i64, i64)> = series.finite_points().map(|(x, y)| (self.px(x), self.py(y))).collect();
        match points.as_slice() {
            [] => {}
            [(x, y)] => {
                let r = 2 * pen;
                fill_rect(img, &self.plot, Rect::new(x - r, y - r, 2 * r + 1, 2 * r + 1), color);
            }
            _ if points.len() > 2 * self.plot.w as usize => self.draw_envelope(img, &points, pen, color),
            _ => {
                for pair in points.windows(2) {
                    line(img, &self.plot, pair[0], pair[1], pen, color);
                }
            }
        }
    }

    fn draw_envelope(&self, img: &mut RgbImage, points: &[(i64, i64)], pen: i64, color: Rgb<u8>) {
        // Per column: (lowest row, highest row, first row, last row) of the points that land there.
        let mut columns: Vec<Option<(i64, i64, i64, i64)>> = vec![None; self.plot.w.max(0) as usize];
        for &(x, y) in points {
            let Some(column) = columns.get_mut((x - self.plot.x).max(0) as usize) else {
                continue;
            };
            *column = Some(match *column {
                None => (y, y, y, y),
                Some((lo, hi, first, _)) => (lo.min(y), hi.max(y), first, y),
            });
        }
        let mut previous: Option<(i64, i64)> = None;
        for (i, column) in columns.iter().enumerate() {
            let Some((lo, hi, first, last)) = *column else { continue };
            let x = self.plot.x + i as i64;
            if let Some(end) = previous {
                line(img, &self.plot, end, (x, first), pen, color);
            }
            line(img, &self.plot, (x, lo), (x, hi), pen, color);
            previous = Some((x, last));
        }
    }
}
