//! Ready-made graphs, built from the built-in nodes: the MNIST GAN main job and the
//! autoencoder. The examples build them from their flags; `examples/workflows/` holds the same
//! graphs as JSON (a test keeps the two identical).
mod autoencoder;
mod gan;

pub use autoencoder::{autoencoder_graph, autoencoder_model_graph, AutoencoderModel, DEFAULT_AE_EPOCHS};
pub use gan::{gan_graph, mnist_gan_graph, GanModel, GanOptions};

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
    /// The main job's defaults for the default networks: batch 64, Adam 2e-4, seed 0,
    /// `out/mnist_gan` (see [`TrainSettings::gan`]).
    pub fn mnist_gan() -> Self {
        Self::gan(GanModel::default())
    }

    /// The GAN pipeline's defaults for `model`: its default epochs, batch 64, Adam 2e-4, seed 0,
    /// `out/mnist_gan`.
    pub fn gan(model: GanModel) -> Self {
        TrainSettings {
            epochs: model.default_epochs(),
            batch_size: 64,
            lr: 2e-4,
            seed: 0,
            data_dir: String::new(),
            out_dir: "out/mnist_gan".into(),
            resume_from: String::new(),
        }
    }
}

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
