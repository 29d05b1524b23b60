//! `TrainObserver`: what watches a training run — progress, per-epoch pictures, stopping.
use super::report::StepReport;

/// Receives a training run's progress and can stop it. `M` is the model being trained (its
/// [`TrainStep`](super::TrainStep)), handed over after every epoch so an observer can draw
/// samples or reconstructions from it.
pub trait TrainObserver<M: ?Sized> {
    /// After every step.
    fn on_step(&mut self, _report: &StepReport) {}
    /// After every epoch (0-based), with the model as it is now.
    fn on_epoch_end(&mut self, _epoch: usize, _model: &M) -> Result<(), String> {
        Ok(())
    }
    /// Checked before every step: `true` stops training with
    /// [`TrainError::Cancelled`](super::TrainError::Cancelled).
    fn should_stop(&self) -> bool {
        false
    }
}

/// An observer that does nothing.
pub struct Silent;

impl<M: ?Sized> TrainObserver<M> for Silent {}

impl<M: ?Sized> TrainObserver<M> for () {}
