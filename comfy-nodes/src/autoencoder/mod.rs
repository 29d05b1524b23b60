//! The autoencoder: an MLP encoder squeezes each image into a short latent vector, an MLP
//! decoder rebuilds the image from it, and both learn together to make the copy match.
//!
//! The networks are [`Network`](crate::network::Network)s, the same model value the GAN uses,
//! so checkpoints, the `SaveModel`/`LoadModel` nodes and the model nodes' widths and activations
//! work for both. Training runs on the one [`TrainLoop`](crate::train::TrainLoop), so an
//! autoencoder run stops, saves and resumes exactly as a GAN run does.
mod config;
mod error;
mod model;
mod step;

pub use config::{AutoencoderConfig, ReconstructionLoss};
pub use error::AutoencoderError;
pub use model::{default_decoder, default_encoder, output_fits, reconstruction_error, Autoencoder};
pub use step::{trainer, AutoencoderStep, AutoencoderTrainer, AUTOENCODER_STATE_FORMAT};
