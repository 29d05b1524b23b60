//! `image_grid`: tile a batch of images (MNIST digits, generator samples) into one picture.
use image::{Rgb, RgbImage};

use super::error::ViewerError;
use super::MAX_PIXELS;

/// How pixel values map to brightness: the low end is black, the high end white.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueRange {
    /// `-1.0..=1.0`, the output range of `tanh` (most GAN generators).
    #[default]
    MinusOneToOne,
    /// `0.0..=1.0`, the output range of `sigmoid` and of normalised datasets.
    ZeroToOne,
}

impl ValueRange {
    /// Maps `v` to an 8-bit level, clamping values outside the range; `None` for NaN.
    pub fn to_u8(self, v: f32) -> Option<u8> {
        if v.is_nan() {
            return None;
        }
        let unit = match self {
            ValueRange::MinusOneToOne => (v + 1.0) * 0.5,
            ValueRange::ZeroToOne => v,
        };
        Some((unit.clamp(0.0, 1.0) * 255.0).round() as u8)
    }
}

/// Where the channel axis sits in a batch buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelLayout {
    /// `[N, C, H, W]`, the layout of convolution tensors.
    Nchw,
    /// `[N, H, W, C]`, interleaved pixels as image files store them.
    Nhwc,
}

/// A borrowed, validated batch of `count` images of `height x width` pixels with 1 or 3 channels.
#[derive(Debug, Clone, Copy)]
pub struct ImageBatch<'a> {
    pixels: &'a [f32],
    count: usize,
    channels: usize,
    height: usize,
    width: usize,
    layout: PixelLayout,
}

impl<'a> ImageBatch<'a> {
    /// Grayscale images stored as `[N, H*W]` (equivalently `[N, 1, H, W]`), e.g. flattened MNIST.
    pub fn gray(pixels: &'a [f32], count: usize, height: usize, width: usize) -> Result<Self, ViewerError> {
        Self::new(pixels, count, 1, height, width, PixelLayout::Nchw)
    }

    /// Images stored as `[N, C, H, W]` with `C` = 1 or 3.
    pub fn nchw(
        pixels: &'a [f32],
        count: usize,
        channels: usize,
        height: usize,
        width: usize,
    ) -> Result<Self, ViewerError> {
        Self::new(pixels, count, channels, height, width, PixelLayout::Nchw)
    }

    /// Images stored as `[N, H, W, C]` with `C` = 1 or 3.
    pub fn nhwc(
        pixels: &'a [f32],
        count: usize,
        height: usize,
        width: usize,
        channels: usize,
    ) -> Result<Self, ViewerError> {
        Self::new(pixels, count, channels, height, width, PixelLayout::Nhwc)
    }

    fn new(
        pixels: &'a [f32],
        count: usize,
        channels: usize,
        height: usize,
        width: usize,
        layout: PixelLayout,
    ) -> Result<Self, ViewerError> {
        if channels != 1 && channels != 3 {
            return Err(ViewerError::Channels(channels));
        }
        if height == 0 || width == 0 {
            return Err(ViewerError::EmptyImage { height, width });
        }
        let expected = count
            .checked_mul(channels)
            .and_then(|v| v.checked_mul(height))
            .and_then(|v| v.checked_mul(width));
        if expected != Some(pixels.len()) {
            return Err(ViewerError::PixelCount {
                count,
                channels,
                height,
                width,
                expected: expected.unwrap_or(usize::MAX),
                actual: pixels.len(),
            });
        }
        Ok(ImageBatch {
            pixels,
            count,
            channels,
            height,
            width,
            layout,
        })
    }

    /// Number of images.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Height and width of every image, in pixels.
    pub fn size(&self) -> (usize, usize) {
        (self.height, self.width)
    }

    /// The value of channel `c` of pixel (`y`, `x`) of image `i`; indices are in range by construction.
    fn value(&self, i: usize, c: usize, y: usize, x: usize) -> f32 {
        let (ch, h, w) = (self.channels, self.height, self.width);
        let index = match self.layout {
            PixelLayout::Nchw => ((i * ch + c) * h + y) * w + x,
            PixelLayout::Nhwc => ((i * h + y) * w + x) * ch + c,
        };
        self.pixels.get(index).copied().unwrap_or(f32::NAN)
    }

    /// The display colour of pixel (`y`, `x`) of image `i`, or `None` if any channel is NaN.
    fn color(&self, i: usize, y: usize, x: usize, range: ValueRange) -> Option<Rgb<u8>> {
        if self.channels == 1 {
            let v = range.to_u8(self.value(i, 0, y, x))?;
            return Some(Rgb([v, v, v]));
        }
        let r = range.to_u8(self.value(i, 0, y, x))?;
        let g = range.to_u8(self.value(i, 1, y, x))?;
        let b = range.to_u8(self.value(i, 2, y, x))?;
        Some(Rgb([r, g, b]))
    }
}

/// Layout and colours of an image grid. Build with [`GridOptions::new`] or [`GridOptions::fit`]
/// and adjust the public fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridOptions {
    /// Cells down.
    pub rows: u32,
    /// Cells across.
    pub cols: u32,
    /// Pixels between cells and around the border (not scaled).
    pub padding: u32,
    /// Integer upscale factor applied to every image (nearest neighbour); 4 makes a 28 px digit 112 px.
    pub scale: u32,
    /// How pixel values map to brightness.
    pub range: ValueRange,
    /// Colour of the padding and of cells with no image.
    pub padding_color: Rgb<u8>,
    /// Colour of pixels whose value is NaN.
    pub nan_color: Rgb<u8>,
}

/// Default padding: a dark grey that frames black-background digits without glaring.
pub const DEFAULT_PADDING_COLOR: Rgb<u8> = Rgb([72, 72, 80]);
/// Default colour for NaN pixels: magenta, which no grayscale image contains.
pub const DEFAULT_NAN_COLOR: Rgb<u8> = Rgb([255, 0, 255]);

impl GridOptions {
    /// `rows x cols` cells, 2 px dark-grey padding, no upscaling, values in `-1..=1`.
    pub fn new(rows: u32, cols: u32) -> Self {
        GridOptions {
            rows,
            cols,
            padding: 2,
            scale: 1,
            range: ValueRange::MinusOneToOne,
            padding_color: DEFAULT_PADDING_COLOR,
            nan_color: DEFAULT_NAN_COLOR,
        }
    }

    /// The most nearly square grid that holds `count` images (columns >= rows); 1x1 for zero.
    pub fn fit(count: usize) -> Self {
        let count = count.max(1);
        let mut cols = 1usize;
        while cols * cols < count {
            cols += 1;
        }
        let rows = count.div_ceil(cols);
        Self::new(rows.min(u32::MAX as usize) as u32, cols.min(u32::MAX as usize) as u32)
    }

    /// Returns these options with the upscale factor set to `scale`.
    pub fn with_scale(mut self, scale: u32) -> Self {
        self.scale = scale;
        self
    }

    /// Returns these options with the value range set to `range`.
    pub fn with_range(mut self, range: ValueRange) -> Self {
        self.range = range;
        self
    }
}

/// Output size of a grid along one axis: `cells * size * scale + (cells + 1) * padding`.
fn side(cells: u32, size: usize, scale: u32, padding: u32) -> u64 {
    let cells = u64::from(cells);
    let content = cells.saturating_mul(size as u64).saturating_mul(u64::from(scale));
    content.saturating_add((cells + 1).saturating_mul(u64::from(padding)))
}

/// Tiles `batch` row by row into a `rows x cols` grid.
///
/// The output is `cols*W*scale + (cols+1)*padding` wide and `rows*H*scale + (rows+1)*padding`
/// high. Values are clamped to the range, NaN pixels take `nan_color`, cells past the last image
/// keep the padding colour, and images beyond `rows * cols` are left out.
pub fn image_grid(batch: &ImageBatch<'_>, options: &GridOptions) -> Result<RgbImage, ViewerError> {
    let GridOptions {
        rows,
        cols,
        padding,
        scale,
        ..
    } = *options;
    if rows == 0 || cols == 0 {
        return Err(ViewerError::EmptyGrid { rows, cols });
    }
    if scale == 0 {
        return Err(ViewerError::ZeroScale);
    }
    let (h, w) = batch.size();
    let width = side(cols, w, scale, padding);
    let height = side(rows, h, scale, padding);
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(ViewerError::TooLarge {
            what: "image grid",
            width,
            height,
            limit: MAX_PIXELS,
        });
    }
    let mut out = RgbImage::from_pixel(width as u32, height as u32, options.padding_color);
    let cells = (rows as usize).saturating_mul(cols as usize);
    for i in 0..batch.count().min(cells) {
        let (row, col) = ((i / cols as usize) as u32, (i % cols as usize) as u32);
        let x0 = padding + col * (w as u32 * scale + padding);
        let y0 = padding + row * (h as u32 * scale + padding);
        draw_cell(&mut out, batch, i, (x0, y0), options);
    }
    Ok(out)
}

/// Draws image `i` with its top-left corner at `origin`, each pixel as a `scale x scale` block.
fn draw_cell(out: &mut RgbImage, batch: &ImageBatch<'_>, i: usize, origin: (u32, u32), options: &GridOptions) {
    let (h, w) = batch.size();
    let s = options.scale;
    for y in 0..h {
        for x in 0..w {
            let color = batch.color(i, y, x, options.range).unwrap_or(options.nan_color);
            let (px, py) = (origin.0 + x as u32 * s, origin.1 + y as u32 * s);
            for dy in 0..s {
                for dx in 0..s {
                    if let Some(p) = out.get_pixel_mut_checked(px + dx, py + dy) {
                        *p = color;
                    }
                }
            }
        }
    }
}
