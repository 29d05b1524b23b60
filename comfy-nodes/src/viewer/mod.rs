//! Pictures for people: image grids of samples, loss-curve charts, and atomic PNG saving.
//!
//! Plain functions over host data; the node pack wraps them as nodes.
//!
//! - [`image_grid`] tiles a batch of `f32` images (grayscale `[N, H*W]`, `[N, C, H, W]` or
//!   `[N, H, W, C]`) into one [`RgbImage`], with padding, optional integer upscaling, and NaN
//!   pixels in a loud colour.
//! - [`LinePlot`] draws named [`Series`] as a line chart with "nice" ticks, axis titles and a
//!   legend, through plotters, with anti-aliased [`text`] in the embedded TrueType font
//!   (DejaVu Sans, licence in `comfy-nodes/fonts/`): no font needs to be installed.
//! - [`save_png`] writes a picture atomically (temporary file, fsync, rename).
//!
//! ```
//! use comfy_nodes::viewer::{image_grid, GridOptions, ImageBatch, LinePlot, Series};
//!
//! // Four 2x2 grayscale images in tanh range, tiled 2x2 and upscaled 3x.
//! let pixels = vec![0.0f32; 4 * 2 * 2];
//! let batch = ImageBatch::gray(&pixels, 4, 2, 2)?;
//! let grid = image_grid(&batch, &GridOptions::new(2, 2).with_scale(3))?;
//! assert_eq!(grid.dimensions(), (2 * 2 * 3 + 3 * 2, 2 * 2 * 3 + 3 * 2));
//!
//! let plot = LinePlot::new("training").with_series(Series::from_values("loss", [3.0f32, 2.0, 1.5]));
//! assert_eq!(plot.render()?.dimensions(), (800, 500));
//! # Ok::<(), comfy_nodes::viewer::ViewerError>(())
//! ```
mod axis;
mod canvas;
mod chart;
mod classified;
mod classified_layout;
mod error;
mod frame;
mod grid;
mod legend;
mod loss_chart;
mod plot;
mod png;
mod reconstruction;
mod stroke;
pub mod text;
mod ticks;

pub use classified::{real_vs_fake, ClassifiedError, ClassifiedOptions, Judged, JUDGED_FAKE, JUDGED_REAL};
pub use error::ViewerError;
pub use grid::{
    image_grid, GridOptions, ImageBatch, PixelLayout, ValueRange, DEFAULT_NAN_COLOR, DEFAULT_PADDING_COLOR,
};
pub use image::{Rgb, RgbImage};
pub use loss_chart::{loss_chart, moving_mean, smoothing_window};
pub use plot::{LinePlot, Series, MIN_PLOT_SIZE, PALETTE};
pub use png::save_png;
pub use reconstruction::{reconstruction_grid, ReconstructionOptions};
pub use ticks::{format_tick, nice_ticks, Ticks};

/// The most pixels a grid or plot may have (64 Mi, about 200 MB of RGB).
pub const MAX_PIXELS: u64 = 1 << 26;
