//! The real-vs-fake view's layout and drawing: the caption with its colour legend, and each
//! half's heading, summary and framed, scored cells.
use image::{imageops, Rgb, RgbImage};
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{fill, text_style, Canvas, DrawError};
use super::classified::{ClassifiedOptions, Judged, JUDGED_FAKE, JUDGED_REAL, MARGIN};
use super::error::ViewerError;
use super::grid::{image_grid, GridOptions};
use super::text::Typeface;

/// Frame of an image whose score is NaN.
const NO_VERDICT: Rgb<u8> = Rgb([140, 140, 148]);
const TEXT: Rgb<u8> = Rgb([34, 34, 40]);
const MUTED: Rgb<u8> = Rgb([100, 100, 110]);
const LABEL: Rgb<u8> = Rgb([255, 255, 255]);
const CELL_GAP: i64 = 6;
/// Line heights of the caption text and of the title.
const CAPTION: u32 = 18;
const TITLE: u32 = 27;
const SWATCH: i64 = 16;
const LEGEND_GAP: i64 = 28;

/// Pixel sizes of one half's cells: the upscaled image inside a frame whose bottom edge is a
/// band holding the score.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cells {
    image: (i64, i64),
    border: i64,
    band: i64,
    score_text: u32,
    cols: i64,
    rows: i64,
}

impl Cells {
    /// The cells of `half` laid out by `options`.
    pub fn new(half: &Judged<'_>, options: &ClassifiedOptions) -> Self {
        let (h, w) = half.images.size();
        let s = i64::from(options.scale);
        let image = (w as i64 * s, h as i64 * s);
        // Scores in 18-pixel text where a "0.00" (35 px) fits in the image's width, else 11.
        let (score_text, band) = if image.0 >= 40 { (18, 22) } else { (11, 11) };
        let cols = i64::from(options.cols);
        Cells {
            image,
            border: 1 + s.min(3),
            band,
            score_text,
            cols,
            rows: (half.count() as i64 + cols - 1) / cols,
        }
    }

    /// Width and height of one framed cell.
    fn cell(&self) -> (i64, i64) {
        (self.image.0 + 2 * self.border, self.image.1 + self.border + self.band)
    }

    /// Width and height of all cells with the gaps between them.
    pub fn block(&self) -> (i64, i64) {
        let (w, h) = self.cell();
        let span = |n: i64, size: i64| (n * size + (n - 1) * CELL_GAP).max(0);
        (span(self.cols, w), span(self.rows, h))
    }

    /// Top-left corner of cell `i` relative to the block.
    fn origin(&self, i: usize) -> (i64, i64) {
        let (w, h) = self.cell();
        let (row, col) = (i as i64 / self.cols, i as i64 % self.cols);
        (col * (w + CELL_GAP), row * (h + CELL_GAP))
    }
}

/// One half of the view: its heading, its summary line and its cells.
pub(super) struct Half<'h, 'a> {
    pub judged: &'h Judged<'a>,
    pub heading: &'static str,
    pub summary: String,
    pub cells: Cells,
}

impl Half<'_, '_> {
    /// Width of the widest of its cells, heading and summary.
    pub fn width(&self, face: &Typeface) -> i64 {
        let text = |t: &str| i64::from(face.size(t, CAPTION as f32).0);
        self.cells.block().0.max(text(self.heading)).max(text(&self.summary))
    }
}

/// Rows of the caption: title, gap, legend, gap. Panels start below.
pub(super) fn caption_height() -> i64 {
    MARGIN + i64::from(TITLE) + 10 + i64::from(CAPTION) + 18
}

/// Rows of a panel's heading and summary before its cells.
pub(super) fn heading_height() -> i64 {
    2 * i64::from(CAPTION) + 4 + 10
}

fn legend_items(threshold: f32) -> [(Option<Rgb<u8>>, String); 3] {
    [
        (Some(JUDGED_REAL), format!("judged real (P >= {threshold:.2})")),
        (Some(JUDGED_FAKE), format!("judged fake (P < {threshold:.2})")),
        (None, "number = P(real) according to D".to_string()),
    ]
}

/// Width of the caption's colour legend.
pub(super) fn legend_width(face: &Typeface, threshold: f32) -> i64 {
    let items = legend_items(threshold);
    let text: i64 = items
        .iter()
        .map(|(_, t)| i64::from(face.size(t, CAPTION as f32).0))
        .sum();
    let swatches = items.iter().filter(|(c, _)| c.is_some()).count() as i64 * (SWATCH + 8);
    text + swatches + LEGEND_GAP * (items.len() as i64 - 1)
}

/// Draws `text` with the top-left corner of its line box at `(x, y)`.
fn label(
    area: &DrawingArea<Canvas<'_>, Shift>,
    text: &str,
    (x, y): (i64, i64),
    size: u32,
    color: Rgb<u8>,
) -> Result<(), DrawError> {
    area.draw_text(text, &text_style(size, color), (x as i32, y as i32))
}

/// The title and the colour legend.
pub(super) fn draw_caption(
    area: &DrawingArea<Canvas<'_>, Shift>,
    face: &Typeface,
    threshold: f32,
) -> Result<(), DrawError> {
    let title = "Real vs fake: which images the discriminator D believes are real";
    label(area, title, (MARGIN, MARGIN), TITLE, TEXT)?;
    let y = MARGIN + i64::from(TITLE) + 10;
    let mut x = MARGIN;
    for (color, text) in legend_items(threshold) {
        let ink = match color {
            Some(c) => {
                let mid = y + i64::from(CAPTION) / 2;
                fill(
                    area,
                    (x as i32, (mid - SWATCH / 2) as i32, SWATCH as i32, SWATCH as i32),
                    c,
                )?;
                x += SWATCH + 8;
                TEXT
            }
            None => MUTED,
        };
        label(area, &text, (x, y), CAPTION, ink)?;
        x += i64::from(face.size(&text, CAPTION as f32).0) + LEGEND_GAP;
    }
    Ok(())
}

/// A half's heading, summary, frames and scores, with its top-left corner at `at`.
pub(super) fn draw_half(
    area: &DrawingArea<Canvas<'_>, Shift>,
    half: &Half<'_, '_>,
    (x, y): (i64, i64),
    threshold: f32,
) -> Result<(), DrawError> {
    label(area, half.heading, (x, y), CAPTION, TEXT)?;
    label(area, &half.summary, (x, y + i64::from(CAPTION) + 4), CAPTION, MUTED)?;
    let c = half.cells;
    let (w, h) = c.cell();
    let top = y + heading_height();
    for (i, &p) in half.judged.p_real.iter().enumerate() {
        let (ox, oy) = c.origin(i);
        let (cx, cy) = (x + ox, top + oy);
        // Rounded down, so a score shown as the threshold (0.50) is never a "fake" one (0.4996).
        let score = format!("{:.2}", (p * 100.0).floor() / 100.0);
        let (color, score) = if p.is_nan() {
            (NO_VERDICT, "NaN".to_string())
        } else if p >= threshold {
            (JUDGED_REAL, score)
        } else {
            (JUDGED_FAKE, score)
        };
        fill(area, (cx as i32, cy as i32, w as i32, h as i32), color)?;
        let style = text_style(c.score_text, LABEL).pos(Pos::new(HPos::Center, VPos::Center));
        let centre = (cx + w / 2, cy + c.border + c.image.1 + c.band / 2);
        area.draw_text(&score, &style, (centre.0 as i32, centre.1 as i32))?;
    }
    Ok(())
}

/// Copies a half's images into its frames, whose block's top-left corner is at `at`.
pub(super) fn paste_half(
    img: &mut RgbImage,
    half: &Half<'_, '_>,
    (x, y): (i64, i64),
    options: &ClassifiedOptions,
) -> Result<(), ViewerError> {
    if half.judged.count() == 0 {
        return Ok(());
    }
    let c = half.cells;
    // The images themselves, tiled without padding, then copied cell by cell into the frames.
    let grid_options = GridOptions {
        padding: 0,
        ..GridOptions::new(c.rows as u32, c.cols as u32)
            .with_scale(options.scale)
            .with_range(options.range)
    };
    let tiles = image_grid(&half.judged.images, &grid_options)?;
    let (w, h) = (c.image.0 as u32, c.image.1 as u32);
    for i in 0..half.judged.count() {
        let (ox, oy) = c.origin(i);
        let (col, row) = ((i as i64 % c.cols) as u32, (i as i64 / c.cols) as u32);
        let tile = imageops::crop_imm(&tiles, col * w, row * h, w, h).to_image();
        imageops::replace(img, &tile, x + ox + c.border, y + oy + c.border);
    }
    Ok(())
}
