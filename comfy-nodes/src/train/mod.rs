//! The one training loop every model shares.
//!
//! A model supplies its step ([`TrainStep`]: one update on a batch, and what its training
//! state holds); [`TrainLoop`] owns the rest — epochs, the seeded data order, resuming
//! mid-run, cancelling at a step boundary, steps/s and ETA, progress for a
//! [`TrainObserver`], the [`LossHistory`] by name, NaN stops that name the step and the last
//! good state, and writing and restoring training states on a [`Checkpointing`] cadence.
mod error;
mod history;
mod observer;
mod report;
mod state;
mod step;
mod training_loop;

pub use error::{Checkpointing, SavedState, TrainError};
pub use history::{LossHistory, LossName, LossRecord};
pub use observer::{Silent, TrainObserver};
pub use report::{format_eta, StepReport};
pub use state::{RestoredNetwork, StateReader, StateWriter};
pub use step::{StepCtx, TrainStep};
pub use training_loop::TrainLoop;
