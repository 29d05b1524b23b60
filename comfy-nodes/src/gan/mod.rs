//! The GAN: generator and discriminator networks, training, and generation.
mod model;
mod train;

pub use model::{default_discriminator, default_generator, generate, latent_batch, Network};
pub use train::{GanTrainConfig, GanTrainer, LossRecord, Silent, StepReport, TrainError, TrainObserver};
