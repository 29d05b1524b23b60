//! The autoencoder: an MLP encoder squeezes each image into a short latent vector, an MLP
//! decoder rebuilds the image from it, and both learn together to make the copy match.
//!
//! The networks are [`Network`](crate::gan::Network)s, the same model value the GAN uses, so
//! checkpoints, the `SaveModel`/`LoadModel` nodes and the model nodes' widths and activations
//! work for both.
mod error;
mod model;
mod pipeline;
mod train;

pub use error::AutoencoderError;
pub use model::{default_decoder, default_encoder, output_fits, reconstruction_error, Autoencoder};
pub use pipeline::{autoencoder_graph, DEFAULT_AE_EPOCHS};
pub use train::{
    AutoencoderConfig, AutoencoderObserver, AutoencoderTrainer, ReconstructionLoss, ReconstructionRecord,
    ReconstructionStep,
};
