//! What the trainer nodes share: resuming from a training state, writing one on a cadence, and
//! turning a stop into the engine's cancellation.
use crate::train::{Checkpointing, TrainError, TrainLoop, TrainStep};
use comfy_core::{InputPort, Inputs, NodeError, NodeSchema};
use std::path::{Path, PathBuf};

/// Adds the `checkpoint_path`, `checkpoint_every` and `resume_from` inputs of a trainer node.
pub(super) fn checkpoint_ports(schema: NodeSchema) -> NodeSchema {
    schema
        .input(InputPort::string("checkpoint_path").default("").tooltip("the training-state file (networks, Adam moments, loss history, noise positions), rewritten atomically every checkpoint_every epochs and when the run is stopped; empty for none"))
        .input(InputPort::int("checkpoint_every").default(1).range(1, 100_000).tooltip("epochs between training-state writes"))
        .input(InputPort::string("resume_from").default("").tooltip("a training-state file to continue from (same networks, batch size, dataset and seeds); training goes on to `epochs`"))
}

/// Restores `trainer` from `resume_from` when it is given, and turns checkpointing on when
/// `checkpoint_path` is; returns whether the run was resumed.
pub(super) fn resume_and_checkpoint<S: TrainStep>(
    trainer: &mut TrainLoop<S>,
    inputs: &Inputs,
    steps_per_epoch: usize,
) -> Result<bool, NodeError> {
    let resume_from = inputs.string("resume_from")?;
    if !resume_from.is_empty() {
        trainer
            .restore_state(Path::new(resume_from), steps_per_epoch)
            .map_err(NodeError::other)?;
    }
    let checkpoint_path = inputs.string("checkpoint_path")?;
    if !checkpoint_path.is_empty() {
        trainer.set_checkpointing(Some(Checkpointing {
            path: PathBuf::from(checkpoint_path),
            every_epochs: usize::try_from(inputs.int("checkpoint_every")?).unwrap_or(1).max(1),
        }));
    }
    Ok(!resume_from.is_empty())
}

/// A training error as a node error: a stop is the run's cancellation, not a failure.
pub(super) fn train_error(e: TrainError) -> NodeError {
    match e {
        TrainError::Cancelled { .. } => NodeError::Cancelled,
        other => NodeError::other(other),
    }
}
