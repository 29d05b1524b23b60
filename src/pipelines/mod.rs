//! Ready-made graphs, built from the built-in nodes: the MNIST GAN main job and the
//! autoencoder. The examples build them from their flags; `examples/workflows/` holds the same
//! graphs as JSON (a test keeps the two identical).
mod autoencoder;
mod gan;

pub use autoencoder::{autoencoder_graph, DEFAULT_AE_EPOCHS};
pub use gan::mnist_gan_graph;

use std::path::Path;

/// The settings of a training pipeline (the MNIST GAN's or the autoencoder's).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainSettings {
    /// Passes over the training set.
    pub epochs: u32,
    /// Images per step.
    pub batch_size: u32,
    /// Adam learning rate of both networks.
    pub lr: f64,
    /// Seed of everything random: data order, initial weights, noise.
    pub seed: u64,
    /// MNIST directory; empty for the bundled subset.
    pub data_dir: String,
    /// Where the pictures, CSV and checkpoints go.
    pub out_dir: String,
    /// A training-state file to continue from; empty to start afresh.
    pub resume_from: String,
}

impl TrainSettings {
    /// The main job's defaults: 100 epochs, batch 64, Adam 2e-4, seed 0, `out/mnist_gan`.
    pub fn mnist_gan() -> Self {
        TrainSettings {
            epochs: DEFAULT_EPOCHS,
            batch_size: 64,
            lr: 2e-4,
            seed: 0,
            data_dir: String::new(),
            out_dir: "out/mnist_gan".into(),
            resume_from: String::new(),
        }
    }
}

/// Epochs of the main job: enough for clear digits of every class, a few minutes on two cores.
pub const DEFAULT_EPOCHS: u32 = 100;

/// Where a training pipeline keeps its training state (written after every epoch and when
/// stopped; what `--resume` takes): `OUT/checkpoint/training_state.safetensors`.
pub fn training_state_path(out_dir: &str) -> String {
    path(&path(out_dir, "checkpoint"), "training_state.safetensors")
}

/// `dir/file` as a string (workflow paths are strings).
pub(crate) fn path(dir: &str, file: &str) -> String {
    Path::new(dir).join(file).to_string_lossy().into_owned()
}

/// The seed `base + offset` as a non-negative integer input.
pub(crate) fn seed(base: u64, offset: u64) -> i64 {
    (base.wrapping_add(offset) & i64::MAX as u64) as i64
}
