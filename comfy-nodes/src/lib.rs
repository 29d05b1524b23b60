//! # comfy-nodes
//!
//! The built-in node pack of Comfy: datasets (MNIST IDX files, batching), the GAN
//! (generator, discriminator, trainer, generate), checkpoints (safetensors) and viewers.
#![warn(missing_docs)]

pub mod atomic;
pub mod autoencoder;
pub mod checkpoint;
pub mod console;
pub mod dataset;
pub mod gan;
pub mod nodes;
pub mod pipelines;
pub mod report;
pub mod viewer;

pub use nodes::register_all;
