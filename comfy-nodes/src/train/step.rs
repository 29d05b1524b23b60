//! `TrainStep`: the one thing a model supplies to the training loop — its update on a batch,
//! and what its training state holds.
use super::error::{SavedState, TrainError};
use super::history::LossName;
use super::state::{StateReader, StateWriter};
use crate::checkpoint::CheckpointError;
use crate::dataset::{Batch, DataLoader};
use comfy_core::Backend;
use std::sync::Arc;

/// Where the loop is when it calls [`TrainStep::step`].
#[derive(Clone, Copy, Debug)]
pub struct StepCtx<'a> {
    /// 0-based step over the whole run.
    pub step: usize,
    /// 0-based epoch.
    pub epoch: usize,
    /// The newest complete training state, named by a NaN stop.
    pub last_saved: Option<&'a SavedState>,
}

impl StepCtx<'_> {
    /// `Err(TrainError::NonFinite)` for a NaN or infinite `value` of the loss `which`: call it
    /// before any update uses the loss, so that a bad loss never reaches the weights.
    pub fn check_finite(&self, which: &'static str, value: f32) -> Result<(), TrainError> {
        if value.is_finite() {
            return Ok(());
        }
        Err(TrainError::NonFinite {
            which,
            value,
            step: self.step,
            epoch: self.epoch,
            last_checkpoint: self.last_saved.cloned(),
        })
    }
}

/// A model's training step, run by [`TrainLoop`](super::TrainLoop), which owns everything
/// else: epochs, data order, resuming, cancelling, progress, the loss history, NaN stops and
/// training states.
pub trait TrainStep: Sized {
    /// What the model is called in messages (`GAN`, `autoencoder`).
    const MODEL: &'static str;

    /// The `format` metadata of this model's training-state files.
    const STATE_FORMAT: &'static str;

    /// The backend the model trains on.
    fn backend(&self) -> &Arc<dyn Backend>;

    /// The losses [`TrainStep::step`] returns, in order.
    fn loss_names(&self) -> Vec<LossName>;

    /// The title of the loss chart (`GAN losses`).
    fn loss_title(&self) -> String;

    /// Checks, before the first step, that the loader's images suit the model.
    fn check_data(&self, _loader: &DataLoader) -> Result<(), TrainError> {
        Ok(())
    }

    /// One update on `batch`, returning its losses in the order of [`TrainStep::loss_names`].
    /// Each loss goes through [`StepCtx::check_finite`] before an update uses it.
    fn step(&mut self, batch: &Batch, ctx: &StepCtx<'_>) -> Result<Vec<f32>, TrainError>;

    /// Adds the model's part of a training state: its networks, optimizer moments and random
    /// positions, and the settings a resume must match.
    fn save_state(&self, out: &mut StateWriter<'_>) -> Result<(), CheckpointError>;

    /// A copy of this model with its part of the training state `state` put in: everything is
    /// checked against this model and uploaded to its backend; `self` is left unchanged, so a
    /// state that does not fit changes nothing.
    fn restored(&self, state: &mut StateReader<'_>) -> Result<Self, CheckpointError>;
}
