//! `AutoencoderConfig` and `ReconstructionLoss`: the settings of an autoencoder run.

/// How a reconstruction is compared with its image (`bce` or `mse` on the trainer node).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, comfy_core::PortChoice)]
pub enum ReconstructionLoss {
    /// Mean binary cross-entropy per pixel, computed stably from the decoder's logits (its
    /// sigmoid left out); needs a sigmoid decoder and pixels in `[0, 1]`. Sharper than MSE on
    /// mostly black-or-white images such as digits.
    Bce,
    /// Mean squared error per pixel; works with any output range that fits the data.
    Mse,
}

/// Settings of a training run.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoencoderConfig {
    /// Passes over the dataset.
    pub epochs: usize,
    /// Adam's learning rate (both networks).
    pub lr: f32,
    /// Adam's β1.
    pub beta1: f32,
    /// Adam's β2.
    pub beta2: f32,
    /// The reconstruction loss.
    pub loss: ReconstructionLoss,
    /// A VAE's β: the weight of the KL term against the reconstruction (1 for the plain VAE).
    pub kl_weight: f32,
    /// Seed of a VAE's noise ε (`z = μ + σ·ε`); part of the training state.
    pub seed: u64,
}

impl Default for AutoencoderConfig {
    fn default() -> Self {
        AutoencoderConfig {
            epochs: 10,
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            loss: ReconstructionLoss::Bce,
            kl_weight: 1.0,
            seed: 0,
        }
    }
}
