//! What the trainer nodes share: resuming from a training state, writing one on a cadence, and
//! turning a stop into the engine's cancellation.
use crate::train::{Checkpointing, TrainError, TrainLoop, TrainStep};
use comfy_core::{NodeError, NodeInputs, ReadPath, WritePath};

/// The training-state inputs of a trainer node.
#[derive(NodeInputs)]
pub struct CheckpointInputs {
    /// The training-state file (networks, Adam moments, loss history, noise positions), rewritten atomically every checkpoint_every epochs and when the run is stopped; empty for none.
    #[port(default = "")]
    pub checkpoint_path: WritePath,
    /// Epochs between training-state writes.
    #[port(default = 1, min = 1, max = 100_000)]
    pub checkpoint_every: usize,
    /// A training-state file to continue from (same networks, batch size, dataset and seeds); training goes on to `epochs`.
    #[port(default = "")]
    pub resume_from: ReadPath,
}

impl CheckpointInputs {
    /// Restores `trainer` from `resume_from` when it is given, and turns checkpointing on when
    /// `checkpoint_path` is; returns whether the run was resumed.
    pub(super) fn apply<S: TrainStep>(
        &self,
        trainer: &mut TrainLoop<S>,
        steps_per_epoch: usize,
    ) -> Result<bool, NodeError> {
        if let Some(from) = self.resume_from.get() {
            trainer.restore_state(from, steps_per_epoch).map_err(NodeError::other)?;
        }
        if let Some(path) = self.checkpoint_path.get() {
            trainer.set_checkpointing(Some(Checkpointing {
                path: path.to_path_buf(),
                every_epochs: self.checkpoint_every,
            }));
        }
        Ok(self.resume_from.get().is_some())
    }
}

/// A training error as a node error: a stop is the run's cancellation, not a failure.
pub(super) fn train_error(e: TrainError) -> NodeError {
    match e {
        TrainError::Cancelled { .. } => NodeError::Cancelled,
        other => NodeError::other(other),
    }
}
