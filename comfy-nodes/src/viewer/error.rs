//! `ViewerError`: everything that can go wrong while drawing or saving a picture.
use std::path::PathBuf;

/// Why a grid, plot, view or PNG could not be made.
///
/// Argument errors say which argument and what was expected; IO and encode errors name the path.
#[derive(Debug, thiserror::Error)]
pub enum ViewerError {
    /// A grid with zero rows or zero columns.
    #[error("image grid: needs at least one row and one column, got {rows} rows x {cols} cols")]
    EmptyGrid {
        /// Requested rows.
        rows: u32,
        /// Requested columns.
        cols: u32,
    },
    /// Images with zero height or width.
    #[error("image batch: each image must be at least 1x1 pixels, got {height}x{width} (HxW)")]
    EmptyImage {
        /// Requested height.
        height: usize,
        /// Requested width.
        width: usize,
    },
    /// A channel count other than 1 (grayscale) or 3 (RGB).
    #[error("image batch: expected 1 (grayscale) or 3 (RGB) channels, got {0}")]
    Channels(usize),
    /// A pixel buffer whose length is not `count * channels * height * width`.
    #[error(
        "image batch: {count} images of {channels}x{height}x{width} (CxHxW) need {expected} values, \
         the pixel buffer holds {actual}"
    )]
    PixelCount {
        /// Number of images.
        count: usize,
        /// Channels per pixel.
        channels: usize,
        /// Image height.
        height: usize,
        /// Image width.
        width: usize,
        /// `count * channels * height * width`.
        expected: usize,
        /// Length of the buffer given.
        actual: usize,
    },
    /// An upscale factor of zero.
    #[error("image grid: the upscale factor must be at least 1, got 0")]
    ZeroScale,
    /// A picture that would be larger than [`MAX_PIXELS`](crate::viewer::MAX_PIXELS).
    #[error("{what}: the picture would be {width}x{height} pixels, more than the limit of {limit} pixels")]
    TooLarge {
        /// What was being drawn.
        what: &'static str,
        /// Width it would have.
        width: u64,
        /// Height it would have.
        height: u64,
        /// The pixel-count limit.
        limit: u64,
    },
    /// A plot canvas too small to hold its axes and labels.
    #[error("line plot: {width}x{height} is too small, the smallest plot is {min_width}x{min_height}")]
    PlotTooSmall {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
        /// Smallest accepted width.
        min_width: u32,
        /// Smallest accepted height.
        min_height: u32,
    },
    /// The embedded font could not be parsed (a damaged `comfy-nodes/fonts/DejaVuSans.ttf`).
    #[error("the embedded font comfy-nodes/fonts/DejaVuSans.ttf cannot be read as a TrueType font")]
    Font,
    /// plotters failed to draw on the picture.
    #[error("{what}: drawing failed: {message}")]
    Draw {
        /// What was being drawn.
        what: &'static str,
        /// plotters' error.
        message: String,
    },
    /// Reading or writing the file system failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// PNG encoding failed.
    #[error("{}: cannot encode PNG: {source}", path.display())]
    Encode {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: image::ImageError,
    },
}
