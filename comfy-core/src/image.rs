//! `Image`: 8-bit pixels that nodes pass around, preview while they run, and save as PNG.
use std::fmt;

/// Why an [`Image`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// A channel count other than 1 (grey), 3 (RGB) or 4 (RGBA).
    #[error("an image has 1, 3 or 4 channels, not {0}")]
    Channels(u8),
    /// A width or height of zero.
    #[error("an image cannot be {width}x{height}: both sides must be at least 1")]
    Empty {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
    /// A size whose byte count does not fit in memory addresses.
    #[error("a {width}x{height}x{channels} image is too large")]
    TooLarge {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
        /// Requested channel count.
        channels: u8,
    },
    /// A pixel buffer whose length is not `width * height * channels`.
    #[error("a {width}x{height}x{channels} image needs {expected} bytes, got {found}")]
    Length {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// Channels.
        channels: u8,
        /// `width * height * channels`.
        expected: usize,
        /// Bytes given.
        found: usize,
    },
}

/// An 8-bit image, rows top to bottom, channels interleaved (grey, RGB or RGBA).
///
/// The constructor checks the dimensions, so every `Image` is well formed.
///
/// ```
/// use comfy_core::Image;
/// let img = Image::new(2, 1, 1, vec![0, 255]).unwrap();
/// assert_eq!(img.pixel(1, 0), Some(&[255u8][..]));
/// assert!(Image::new(2, 2, 2, vec![0; 8]).is_err()); // two channels is not a format
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    width: u32,
    height: u32,
    channels: u8,
    pixels: Vec<u8>,
}

impl Image {
    /// An image over `pixels`, whose length must be `width * height * channels`.
    pub fn new(width: u32, height: u32, channels: u8, pixels: Vec<u8>) -> Result<Self, ImageError> {
        let expected = Self::byte_len(width, height, channels)?;
        if pixels.len() != expected {
            return Err(ImageError::Length {
                width,
                height,
                channels,
                expected,
                found: pixels.len(),
            });
        }
        Ok(Image {
            width,
            height,
            channels,
            pixels,
        })
    }

    /// An image filled with one byte value.
    pub fn filled(width: u32, height: u32, channels: u8, value: u8) -> Result<Self, ImageError> {
        let len = Self::byte_len(width, height, channels)?;
        Self::new(width, height, channels, vec![value; len])
    }

    /// An image from values in `[0, 1]` (as a generator's output, rescaled), clamped and
    /// rounded to bytes; NaN becomes 0.
    pub fn from_unit_f32(width: u32, height: u32, channels: u8, values: &[f32]) -> Result<Self, ImageError> {
        let pixels = values.iter().map(|&v| unit_to_byte(v)).collect();
        Self::new(width, height, channels, pixels)
    }

    /// `width * height * channels`, checked.
    fn byte_len(width: u32, height: u32, channels: u8) -> Result<usize, ImageError> {
        if !matches!(channels, 1 | 3 | 4) {
            return Err(ImageError::Channels(channels));
        }
        if width == 0 || height == 0 {
            return Err(ImageError::Empty { width, height });
        }
        (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(channels as usize))
            .ok_or(ImageError::TooLarge {
                width,
                height,
                channels,
            })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Channels per pixel: 1 (grey), 3 (RGB) or 4 (RGBA).
    pub fn channels(&self) -> u8 {
        self.channels
    }

    /// All bytes, row-major with interleaved channels.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The bytes, giving up the image.
    pub fn into_pixels(self) -> Vec<u8> {
        self.pixels
    }

    /// The channels of the pixel at column `x`, row `y`; `None` outside the image.
    pub fn pixel(&self, x: u32, y: u32) -> Option<&[u8]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let c = self.channels as usize;
        let start = (y as usize * self.width as usize + x as usize) * c;
        self.pixels.get(start..start + c)
    }
}

/// `v` in `[0, 1]` to a byte, clamped and rounded; NaN to 0.
fn unit_to_byte(v: f32) -> u8 {
    if v.is_nan() {
        return 0;
    }
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Image({}x{}x{})", self.width, self.height, self.channels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_dimensions() {
        assert_eq!(Image::new(1, 1, 2, vec![0; 2]), Err(ImageError::Channels(2)));
        assert!(matches!(Image::new(0, 3, 1, vec![]), Err(ImageError::Empty { .. })));
        assert!(matches!(
            Image::new(2, 2, 3, vec![0; 11]),
            Err(ImageError::Length {
                expected: 12,
                found: 11,
                ..
            })
        ));
        // u32::MAX² · 4 overflows a 64-bit usize: refused before anything is allocated.
        assert!(matches!(
            Image::filled(u32::MAX, u32::MAX, 4, 0),
            Err(ImageError::TooLarge { .. })
        ));
    }

    #[test]
    fn unit_floats_become_bytes() {
        let img = Image::from_unit_f32(4, 1, 1, &[-1.0, 0.5, 2.0, f32::NAN]).unwrap();
        assert_eq!(img.pixels(), &[0, 128, 255, 0]);
        assert_eq!(img.pixel(2, 0), Some(&[255u8][..]));
        assert_eq!(img.pixel(4, 0), None);
    }
}
