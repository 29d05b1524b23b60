//! The GAN: generator and discriminator networks, their training step, and generation.
mod config;
mod model;
mod step;

pub use crate::network::Network;
pub use config::GanTrainConfig;
pub use model::{default_discriminator, default_generator, generate, latent_batch};
pub use step::{trainer, GanStep, GanTrainer, TRAINING_STATE_FORMAT};
