//! `reconstruction_grid`: images in the top rows, their reconstructions below, each block
//! captioned, so that every image sits straight above its copy.
use image::{Rgb, RgbImage};

use super::error::ViewerError;
use super::grid::{image_grid, GridOptions, ImageBatch, ValueRange, DEFAULT_PADDING_COLOR};
use super::text::draw_text;
use super::MAX_PIXELS;

/// Caption colour: light grey, readable on the dark padding.
const CAPTION: Rgb<u8> = Rgb([225, 225, 230]);

/// Layout of a reconstruction grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReconstructionOptions {
    /// Images per row.
    pub cols: u32,
    /// Integer upscaling of every image.
    pub scale: u32,
    /// How pixel values map to brightness (both blocks).
    pub range: ValueRange,
}

impl ReconstructionOptions {
    /// `cols` images per row, upscaled twice, values in `0..=1`.
    pub fn new(cols: u32) -> Self {
        ReconstructionOptions {
            cols,
            scale: 2,
            range: ValueRange::ZeroToOne,
        }
    }
}

/// Draws `originals` as a grid captioned "originals" and, below it, `reconstructions` in the
/// same grid captioned "reconstructions": image `i` of one batch sits straight above image `i`
/// of the other when both have the same count and size.
pub fn reconstruction_grid(
    originals: &ImageBatch<'_>,
    reconstructions: &ImageBatch<'_>,
    options: &ReconstructionOptions,
) -> Result<RgbImage, ViewerError> {
    let cols = options.cols.max(1);
    let block = |batch: &ImageBatch<'_>| {
        let rows = batch.count().div_ceil(cols as usize).max(1);
        let grid = GridOptions::new(rows.min(u32::MAX as usize) as u32, cols)
            .with_scale(options.scale)
            .with_range(options.range);
        image_grid(batch, &grid)
    };
    let (top, bottom) = (block(originals)?, block(reconstructions)?);
    // Caption bands 24 pixels high with 18-pixel text where "reconstructions" fits twice over,
    // else 15 with 11-pixel text (capitals 7 pixels high).
    let (band, text) = if top.width() >= 240 { (24, 18) } else { (15, 11) };
    let width = top.width().max(bottom.width());
    let height = u64::from(band) * 2 + u64::from(top.height()) + u64::from(bottom.height());
    if u64::from(width) * height > MAX_PIXELS {
        return Err(ViewerError::TooLarge {
            what: "reconstruction grid",
            width: u64::from(width),
            height,
            limit: MAX_PIXELS,
        });
    }
    let mut out = RgbImage::from_pixel(width, height as u32, DEFAULT_PADDING_COLOR);
    let lower = band + top.height();
    for (y, caption, picture) in [(0, "originals", &top), (lower, "reconstructions", &bottom)] {
        draw_text(&mut out, (4, (y + (band - text) / 2) as i32), caption, text, CAPTION)?;
        image::imageops::replace(&mut out, picture, 0, i64::from(y + band));
    }
    Ok(out)
}
