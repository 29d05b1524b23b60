//! Datasets: MNIST IDX files, image folders, batching, and the image set they produce.
mod error;
mod folder;
pub mod idx;
mod image_set;
mod loader;
mod mnist;

pub use error::DatasetError;
pub use folder::{
    decode_image, load_image_folder, ColorMode, FolderOptions, MAX_DECODE_BYTES, MAX_FOLDER_BYTES, MAX_FOLDER_FILES,
    MAX_IMAGE_SIDE, MAX_LABELS, MAX_TARGET_SIDE,
};
pub use image_set::ImageDataset;
pub use loader::{Batch, DataLoader, LoaderConfig, PixelScale};
pub use mnist::{bundled_mnist_dir, load_mnist, Split};
