//! Datasets: MNIST IDX files, batching, and the image set they produce.
mod error;
pub mod idx;
mod image_set;
mod loader;
mod mnist;

pub use error::DatasetError;
pub use image_set::ImageDataset;
pub use loader::{Batch, DataLoader, LoaderConfig, PixelScale};
pub use mnist::{bundled_mnist_dir, load_mnist, Split};
