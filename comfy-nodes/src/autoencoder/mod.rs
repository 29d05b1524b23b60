//! The autoencoder: an encoder (MLP or convolutional) squeezes each image into a short latent
//! vector, a decoder rebuilds the image from it, and both learn together to make the copy
//! match. A VAE's encoder writes a distribution (μ, log σ²) instead; the decoder reads a draw
//! from it, and a KL term keeps it near the prior `N(0, 1)`, so that decoding draws from the
//! prior gives new images.
//!
//! The networks are [`Network`](crate::network::Network)s, the same model value the GAN uses,
//! so checkpoints, the `SaveModel`/`LoadModel` nodes and the model nodes' widths and activations
//! work for both. Training runs on the one [`TrainLoop`](crate::train::TrainLoop), so an
//! autoencoder run stops, saves and resumes exactly as a GAN run does.
mod config;
mod conv;
mod error;
mod model;
mod step;
mod vae;

pub use config::{AutoencoderConfig, ReconstructionLoss};
pub use conv::ConvAutoencoderConfig;
pub use error::AutoencoderError;
pub use model::{default_decoder, default_encoder, output_fits, reconstruction_error, Autoencoder};
pub use step::{trainer, AutoencoderStep, AutoencoderTrainer, AUTOENCODER_STATE_FORMAT};
pub use vae::{kl_divergence, reparameterise, split_latent};
