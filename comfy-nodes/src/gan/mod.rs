//! The GAN: generator and discriminator networks, training, and generation.
mod model;
mod state;
mod train;

pub use model::{default_discriminator, default_generator, generate, latent_batch, Network};
pub use state::TRAINING_STATE_FORMAT;
pub use train::{
    Checkpointing, GanTrainConfig, GanTrainer, LossRecord, SavedState, Silent, StepReport, TrainError, TrainObserver,
};
