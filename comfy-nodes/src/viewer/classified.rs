//! `real_vs_fake`: real and generated images side by side, each framed in the colour of the
//! discriminator's verdict and labelled with its score, under a caption that says which half
//! is which and what the colours mean.
use image::{Rgb, RgbImage};

use super::canvas::{draw_on, fill};
use super::classified_layout::{
    caption_height, draw_caption, draw_half, heading_height, legend_width, paste_half, Cells, Half,
};
use super::error::ViewerError;
use super::grid::{ImageBatch, ValueRange};
use super::text::Typeface;
use super::MAX_PIXELS;

/// Frame of an image the discriminator judged real.
pub const JUDGED_REAL: Rgb<u8> = Rgb([26, 145, 66]);
/// Frame of an image the discriminator judged fake.
pub const JUDGED_FAKE: Rgb<u8> = Rgb([206, 38, 38]);
const BACKGROUND: Rgb<u8> = Rgb([255, 255, 255]);
const DIVIDER: Rgb<u8> = Rgb([210, 210, 216]);
pub(super) const MARGIN: i64 = 16;
const PANEL_GAP: i64 = 36;

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
    pub(super) images: ImageBatch<'a>,
    pub(super) p_real: &'a [f32],
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
    let face = Typeface::embedded()?;
    let halves = halves(real, generated, options);
    let panels = halves[0].width(&face) + PANEL_GAP + halves[1].width(&face);
    let width = 2 * MARGIN + panels.max(legend_width(&face, t));
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
    let top = caption_height();
    let divider_x = MARGIN + halves[0].width(&face) + PANEL_GAP / 2;
    let origins = [(MARGIN, top), (divider_x + PANEL_GAP / 2, top)];
    draw_on(&mut img, "real-vs-fake view", |area| {
        draw_caption(area, &face, t)?;
        fill(
            area,
            (divider_x as i32, top as i32, 1, (height - top - MARGIN) as i32),
            DIVIDER,
        )?;
        draw_half(area, &halves[0], origins[0], t)?;
        draw_half(area, &halves[1], origins[1], t)
    })?;
    for (half, at) in halves.iter().zip(origins) {
        paste_half(&mut img, half, (at.0, at.1 + heading_height()), options)?;
    }
    Ok(img)
}

/// The two halves, each with its heading and the count of its verdicts.
fn halves<'h, 'a>(real: &'h Judged<'a>, generated: &'h Judged<'a>, options: &ClassifiedOptions) -> [Half<'h, 'a>; 2] {
    let t = options.threshold;
    [
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
    ]
}
