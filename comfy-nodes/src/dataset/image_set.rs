//! `ImageDataset`: images as bytes, with optional labels — what every dataset node produces.
use super::error::DatasetError;
use std::path::PathBuf;

/// A set of equally sized images stored as bytes (0 = black, 255 = white), `[n, height, width,
/// channels]` row-major, with an optional class label per image.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageDataset {
    pixels: Vec<u8>,
    labels: Option<Vec<u8>>,
    len: usize,
    height: usize,
    width: usize,
    channels: usize,
    source: PathBuf,
}

impl ImageDataset {
    /// Checks and wraps the pixels; `source` names where they came from, for errors.
    pub fn new(
        pixels: Vec<u8>,
        labels: Option<Vec<u8>>,
        (height, width, channels): (usize, usize, usize),
        source: impl Into<PathBuf>,
    ) -> Result<Self, DatasetError> {
        let source = source.into();
        let bad = |msg: String| DatasetError::Inconsistent {
            path: source.clone(),
            msg,
        };
        let per_image = height * width * channels;
        if per_image == 0 || ![1, 3].contains(&channels) {
            return Err(bad(format!("image size {height}×{width}×{channels} is not usable")));
        }
        if !pixels.len().is_multiple_of(per_image) {
            return Err(bad(format!(
                "{} bytes is not a whole number of {per_image}-byte images",
                pixels.len()
            )));
        }
        let len = pixels.len() / per_image;
        if len == 0 {
            return Err(DatasetError::Empty { path: source });
        }
        if let Some(l) = &labels {
            if l.len() != len {
                return Err(bad(format!("{len} images but {} labels", l.len())));
            }
        }
        Ok(ImageDataset {
            pixels,
            labels,
            len,
            height,
            width,
            channels,
            source,
        })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: an empty dataset is refused by [`ImageDataset::new`].
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Image height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Image width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// 1 (grayscale) or 3 (RGB).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Values per image (`height × width × channels`).
    pub fn image_size(&self) -> usize {
        self.height * self.width * self.channels
    }

    /// The bytes of image `i`, if it exists.
    pub fn image(&self, i: usize) -> Option<&[u8]> {
        let n = self.image_size();
        self.pixels.get(i * n..(i + 1) * n)
    }

    /// All pixels.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The labels, if the dataset has them.
    pub fn labels(&self) -> Option<&[u8]> {
        self.labels.as_deref()
    }

    /// Where the images came from.
    pub fn source(&self) -> &std::path::Path {
        &self.source
    }
}
