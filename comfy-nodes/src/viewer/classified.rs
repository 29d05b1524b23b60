//! `real_vs_fake`: real and generated images side by side, each framed in the colour of the
//! discriminator's verdict and labelled with its score, under a caption that says which half
//! is which and what the colours mean.
use image::{Rgb, RgbImage};

use super::draw::{fill_rect, Rect};
use super::error::ViewerError;
use super::font::{draw_text, text_height, text_width, CAP_HEIGHT};
use super::grid::{image_grid, GridOptions, ImageBatch, ValueRange};
use super::MAX_PIXELS;

/// Frame of an image the discriminator judged real.
pub const JUDGED_REAL: Rgb<u8> = Rgb([26, 145, 66]);
/// Frame of an image the discriminator judged fake.
pub const JUDGED_FAKE: Rgb<u8> = Rgb([206, 38, 38]);
/// Frame of an image whose score is NaN.
const NO_VERDICT: Rgb<u8> = Rgb([140, 140, 148]);
const BACKGROUND: Rgb<u8> = Rgb([255, 255, 255]);
const TEXT: Rgb<u8> = Rgb([34, 34, 40]);
const MUTED: Rgb<u8> = Rgb([100, 100, 110]);
const DIVIDER: Rgb<u8> = Rgb([210, 210, 216]);
const LABEL: Rgb<u8> = Rgb([255, 255, 255]);
const MARGIN: i64 = 16;
const CELL_GAP: i64 = 6;
const PANEL_GAP: i64 = 36;
/// Scale of the caption text.
const CAPTION: u32 = 2;

/// Why a real-vs-fake view could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ClassifiedError {
    /// A half with a different number of scores than images.
    #[error("real-vs-fake view: the {half} half has {images} images but {scores} scores")]
    ScoreCount {
        /// `real` or `generated`.
        half: &'static str,
        /// Images given.
        images: usize,
        /// Scores given.
        scores: usize,
    },
    /// A threshold outside `0..=1`.
    #[error("real-vs-fake view: the threshold must be a probability in 0..=1, got {0}")]
    Threshold(f32),
    /// Columns or scale of zero.
    #[error("real-vs-fake view: columns and scale must be at least 1, got {cols} columns, scale {scale}")]
    Layout {
        /// Requested columns.
        cols: u32,
        /// Requested scale.
        scale: u32,
    },
    /// Drawing failed.
    #[error(transparent)]
    Viewer(#[from] ViewerError),
}

/// Images and, for each, the discriminator's probability that it is real.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    images: ImageBatch<'a>,
    p_real: &'a [f32],
}

impl<'a> Judged<'a> {
    /// Real images with their scores (one per image).
    pub fn real(images: ImageBatch<'a>, p_real: &'a [f32]) -> Result<Self, ClassifiedError> {
        Self::new(images, p_real, "real")
    }

    /// Generated images with their scores (one per image).
    pub fn generated(images: ImageBatch<'a>, p_real: &'a [f32]) -> Result<Self, ClassifiedError> {
        Self::new(images, p_real, "generated")
    }

    fn new(images: ImageBatch<'a>, p_real: &'a [f32], half: &'static str) -> Result<Self, ClassifiedError> {
        if images.count() != p_real.len() {
            return Err(ClassifiedError::ScoreCount {
                half,
                images: images.count(),
                scores: p_real.len(),
            });
        }
        Ok(Judged { images, p_real })
    }

    /// How many were judged real (`p >= threshold`).
    pub fn judged_real(&self, threshold: f32) -> usize {
        self.p_real.iter().filter(|&&p| p >= threshold).count()
    }

    /// Number of images.
    pub fn count(&self) -> usize {
        self.p_real.len()
    }
}

/// Layout and verdict rule of a real-vs-fake view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassifiedOptions {
    /// Cells across each half.
    pub cols: u32,
    /// Integer upscaling of every image.
    pub scale: u32,
    /// Scores at or above this count as "judged real".
    pub threshold: f32,
    /// How pixel values map to brightness.
    pub range: ValueRange,
}

impl Default for ClassifiedOptions {
    /// 8 columns, 2× upscaling, threshold 0.5, pixels in `-1..=1`.
    fn default() -> Self {
        ClassifiedOptions {
            cols: 8,
            scale: 2,
            threshold: 0.5,
            range: ValueRange::MinusOneToOne,
        }
    }
}

/// Pixel sizes of one half's cells: the upscaled image inside a frame whose bottom edge is a
/// band holding the score.
#[derive(Debug, Clone, Copy)]
struct Cells {
    image: (i64, i64),
    border: i64,
    band: i64,
    text_scale: u32,
    cols: i64,
    rows: i64,
}

impl Cells {
    fn new(half: &Judged<'_>, options: &ClassifiedOptions) -> Self {
        let (h, w) = half.images.size();
        let s = i64::from(options.scale);
        let image = (w as i64 * s, h as i64 * s);
        // Scores in 2x text where a "0.00" (38 px) fits in the image's width.
        let text_scale = if image.0 >= 40 { 2 } else { 1 };
        let cols = i64::from(options.cols);
        Cells {
            image,
            border: 1 + s.min(3),
            band: i64::from((CAP_HEIGHT + 4) * text_scale),
            text_scale,
            cols,
            rows: (half.count() as i64 + cols - 1) / cols,
        }
    }

    /// Width and height of one framed cell.
    fn cell(&self) -> (i64, i64) {
        (self.image.0 + 2 * self.border, self.image.1 + self.border + self.band)
    }

    /// Width and height of all cells with the gaps between them.
    fn block(&self) -> (i64, i64) {
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
struct Half<'h, 'a> {
    judged: &'h Judged<'a>,
    heading: &'static str,
    summary: String,
    cells: Cells,
}

impl Half<'_, '_> {
    fn width(&self) -> i64 {
        let text = |t: &str| i64::from(text_width(t, CAPTION));
        self.cells.block().0.max(text(self.heading)).max(text(&self.summary))
    }
}

fn line_height() -> i64 {
    i64::from(text_height(CAPTION))
}

/// Rows of the caption: title, gap, legend, gap. Panels start below.
fn caption_height() -> i64 {
    MARGIN + i64::from(text_height(CAPTION + 1)) + 10 + line_height() + 18
}

/// Rows of a panel's heading and summary before its cells.
fn heading_height() -> i64 {
    2 * line_height() + 4 + 10
}

/// Draws the real-vs-fake view: real images on the left, generated ones on the right, each
/// framed green when the discriminator judged it real (`p_real >= threshold`) and red when it
/// judged it fake, with `p_real` printed under it; the caption explains the halves and colours.
pub fn real_vs_fake(
    real: &Judged<'_>,
    generated: &Judged<'_>,
    options: &ClassifiedOptions,
) -> Result<RgbImage, ClassifiedError> {
    if !(0.0..=1.0).contains(&options.threshold) {
        return Err(ClassifiedError::Threshold(options.threshold));
    }
    if options.cols == 0 || options.scale == 0 {
        return Err(ClassifiedError::Layout {
            cols: options.cols,
            scale: options.scale,
        });
    }
    let t = options.threshold;
    let halves = [
        Half {
            judged: real,
            heading: "REAL (from the dataset)",
            summary: format!("{} of {} judged real", real.judged_real(t), real.count()),
            cells: Cells::new(real, options),
        },
        Half {
            judged: generated,
            heading: "GENERATED (by the generator)",
            summary: format!("D fooled by {} of {}", generated.judged_real(t), generated.count()),
            cells: Cells::new(generated, options),
        },
    ];
    let panels = halves[0].width() + PANEL_GAP + halves[1].width();
    let width = 2 * MARGIN + panels.max(legend_width(t));
    let block = halves[0].cells.block().1.max(halves[1].cells.block().1);
    let height = caption_height() + heading_height() + block + MARGIN;
    if (width as u64).saturating_mul(height as u64) > MAX_PIXELS {
        return Err(ViewerError::TooLarge {
            what: "real-vs-fake view",
            width: width as u64,
            height: height as u64,
            limit: MAX_PIXELS,
        }
        .into());
    }
    let mut img = RgbImage::from_pixel(width as u32, height as u32, BACKGROUND);
    draw_caption(&mut img, t);
    let top = caption_height();
    let divider_x = MARGIN + halves[0].width() + PANEL_GAP / 2;
    let all = Rect::of_image(&img);
    fill_rect(
        &mut img,
        &all,
        Rect::new(divider_x, top, 1, height - top - MARGIN),
        DIVIDER,
    );
    draw_half(&mut img, &halves[0], (MARGIN, top), options)?;
    draw_half(&mut img, &halves[1], (divider_x + PANEL_GAP / 2, top), options)?;
    Ok(img)
}

fn legend_items(threshold: f32) -> [(Option<Rgb<u8>>, String); 3] {
    [
        (Some(JUDGED_REAL), format!("judged real (P >= {threshold:.2})")),
        (Some(JUDGED_FAKE), format!("judged fake (P < {threshold:.2})")),
        (None, "number = P(real) according to D".to_string()),
    ]
}

const SWATCH: i64 = 16;
const LEGEND_GAP: i64 = 28;

fn legend_width(threshold: f32) -> i64 {
    let items = legend_items(threshold);
    let text: i64 = items.iter().map(|(_, t)| i64::from(text_width(t, CAPTION))).sum();
    let swatches = items.iter().filter(|(c, _)| c.is_some()).count() as i64 * (SWATCH + 8);
    text + swatches + LEGEND_GAP * (items.len() as i64 - 1)
}

/// The title and the colour legend.
fn draw_caption(img: &mut RgbImage, threshold: f32) {
    let title = "Real vs fake: which images the discriminator D believes are real";
    draw_text(img, MARGIN as i32, MARGIN as i32, title, CAPTION + 1, TEXT);
    let y = MARGIN + i64::from(text_height(CAPTION + 1)) + 10;
    let all = Rect::of_image(img);
    let mut x = MARGIN;
    for (color, text) in legend_items(threshold) {
        let ink = match color {
            Some(c) => {
                let mid = y + i64::from(CAP_HEIGHT * CAPTION) / 2;
                fill_rect(img, &all, Rect::new(x, mid - SWATCH / 2, SWATCH, SWATCH), c);
                x += SWATCH + 8;
                TEXT
            }
            None => MUTED,
        };
        draw_text(img, x as i32, y as i32, &text, CAPTION, ink);
        x += i64::from(text_width(&text, CAPTION)) + LEGEND_GAP;
    }
}

/// A half's heading, summary and framed cells, with its top-left corner at `at`.
fn draw_half(
    img: &mut RgbImage,
    half: &Half<'_, '_>,
    at: (i64, i64),
    options: &ClassifiedOptions,
) -> Result<(), ViewerError> {
    let (x, y) = at;
    draw_text(img, x as i32, y as i32, half.heading, CAPTION, TEXT);
    draw_text(
        img,
        x as i32,
        (y + line_height() + 4) as i32,
        &half.summary,
        CAPTION,
        MUTED,
    );
    let count = half.judged.count();
    if count == 0 {
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
    let top = y + heading_height();
    for (i, &p) in half.judged.p_real.iter().enumerate() {
        let (ox, oy) = c.origin(i);
        let tile = ((i as i64 % c.cols) * c.image.0, (i as i64 / c.cols) * c.image.1);
        draw_cell(img, &tiles, tile, (x + ox, top + oy), &c, p, options.threshold);
    }
    Ok(())
}

/// One frame in the verdict's colour, the image from `tiles` at `tile`, and the score.
fn draw_cell(
    img: &mut RgbImage,
    tiles: &RgbImage,
    tile: (i64, i64),
    at: (i64, i64),
    c: &Cells,
    p: f32,
    threshold: f32,
) {
    // Rounded down, so a score shown as the threshold (0.50) is never a "fake" one (0.4996).
    let label = format!("{:.2}", (p * 100.0).floor() / 100.0);
    let (color, label) = if p.is_nan() {
        (NO_VERDICT, "NaN".to_string())
    } else if p >= threshold {
        (JUDGED_REAL, label)
    } else {
        (JUDGED_FAKE, label)
    };
    let (w, h) = c.cell();
    let all = Rect::of_image(img);
    fill_rect(img, &all, Rect::new(at.0, at.1, w, h), color);
    for dy in 0..c.image.1 {
        for dx in 0..c.image.0 {
            let source = tiles.get_pixel_checked((tile.0 + dx) as u32, (tile.1 + dy) as u32);
            let (px, py) = (at.0 + c.border + dx, at.1 + c.border + dy);
            if let (Some(&pixel), Some(out)) = (source, img.get_pixel_mut_checked(px as u32, py as u32)) {
                *out = pixel;
            }
        }
    }
    let ts = c.text_scale;
    let tx = at.0 + (w - i64::from(text_width(&label, ts))) / 2;
    let ty = at.1 + c.border + c.image.1 + (c.band - i64::from(CAP_HEIGHT * ts)) / 2;
    draw_text(img, tx as i32, ty as i32, &label, ts, LABEL);
}
