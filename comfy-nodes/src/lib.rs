//! # comfy-nodes
//!
//! The built-in node pack of Comfy: datasets (MNIST IDX files, image folders, batching), the
//! GAN (generator, discriminator, trainer, generate), the autoencoder, checkpoints
//! (safetensors), viewers (sample grids, loss curves, the real-vs-fake view) and the live HTML
//! report. [`register_all`] adds every node to a registry.
#![warn(missing_docs)]

/// Atomic file writes (from comfy-core, where workflows are saved the same way).
pub mod atomic {
    pub use comfy_core::atomic::atomic_write;
}
pub mod autoencoder;
pub mod checkpoint;
pub mod dataset;
#[doc(hidden)]
pub mod fuzz_checks;
pub mod gan;
pub mod model_file;
pub mod network;
pub mod nodes;
pub mod report;
pub mod train;
pub mod viewer;

pub use nodes::register_all;
