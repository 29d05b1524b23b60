//! `TrainError`: why training stopped early, and `SavedState`, the state it can go back to.
use crate::checkpoint::CheckpointError;
use std::path::PathBuf;

/// A training state that was written completely.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedState {
    /// The file.
    pub path: PathBuf,
    /// Steps it holds: a resumed run continues with this (0-based) step.
    pub steps: usize,
}

impl std::fmt::Display for SavedState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (after {} steps)", self.path.display(), self.steps)
    }
}

/// "the last good training state is …" or "no training state was written".
fn last_good(saved: &Option<SavedState>) -> String {
    match saved {
        Some(s) => format!("the last good training state is {s}"),
        None => "no training state was written in this run".into(),
    }
}

/// "the training state is saved in …" or "no training state was written".
fn saved_on_stop(saved: &Option<SavedState>) -> String {
    match saved {
        Some(s) => format!("the training state is saved in {s}"),
        None => "no training state was written (no checkpoint path was set)".into(),
    }
}

/// Why training stopped early.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A loss became NaN or infinite; the update that would have used it was not applied.
    #[error("{which} loss became {value} at step {step} (epoch {}); training stopped before updating the weights with it (a lower learning rate may help); {}", .epoch + 1, last_good(.last_checkpoint))]
    NonFinite {
        /// Which loss (`discriminator`, `generator`, `reconstruction`).
        which: &'static str,
        /// The bad value.
        value: f32,
        /// Global step.
        step: usize,
        /// Epoch (0-based; the message counts from 1, as the progress line does).
        epoch: usize,
        /// The newest complete training state, if checkpointing is on and one was written.
        last_checkpoint: Option<SavedState>,
    },
    /// The observer asked to stop; with checkpointing on, the state was saved first.
    #[error("training stopped before step {step}; {}", saved_on_stop(.checkpoint))]
    Cancelled {
        /// The first step not taken.
        step: usize,
        /// The state written on stopping.
        checkpoint: Option<SavedState>,
    },
    /// The model cannot train on this data, or its parts do not fit together.
    #[error(transparent)]
    Model(Box<dyn std::error::Error + Send + Sync>),
    /// A tensor operation failed.
    #[error(transparent)]
    Tensor(#[from] comfy_core::Error),
    /// Writing or reading a training state failed.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The observer failed (writing a preview, say).
    #[error("{0}")]
    Observer(String),
}

/// Where and how often a training loop writes its whole state.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpointing {
    /// The training-state file, rewritten atomically each time.
    pub path: PathBuf,
    /// Write after every this many epochs (and after the last one, and when stopped).
    pub every_epochs: usize,
}
