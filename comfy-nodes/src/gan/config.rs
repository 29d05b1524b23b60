//! `GanTrainConfig`: the settings of a GAN training run.

/// Settings of a GAN training run.
#[derive(Clone, Debug, PartialEq)]
pub struct GanTrainConfig {
    /// Passes over the dataset.
    pub epochs: usize,
    /// Generator learning rate.
    pub lr_g: f32,
    /// Discriminator learning rate.
    pub lr_d: f32,
    /// Adam's β1.
    pub beta1: f32,
    /// Adam's β2.
    pub beta2: f32,
    /// One-sided label smoothing: real images are labelled `1 - label_smoothing`.
    pub label_smoothing: f32,
    /// Seed of the latent noise.
    pub seed: u64,
}

impl Default for GanTrainConfig {
    fn default() -> Self {
        GanTrainConfig {
            epochs: 10,
            lr_g: 2e-4,
            lr_d: 2e-4,
            beta1: 0.5,
            beta2: 0.999,
            label_smoothing: 0.0,
            seed: 0,
        }
    }
}
