//! `TrainLoop`: epochs, data order, resuming, cancelling, progress, the loss history, NaN
//! stops and training states — everything a training run does besides the model's own step.
use super::error::{Checkpointing, SavedState, TrainError};
use super::history::{LossHistory, LossRecord};
use super::observer::TrainObserver;
use super::report::StepReport;
use super::state::{StateReader, StateWriter};
use super::step::{StepCtx, TrainStep};
use crate::checkpoint::{load_tensors, save_tensors, CheckpointError};
use crate::dataset::DataLoader;
use comfy_core::{Backend, Tensor};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Trains a model, one [`TrainStep::step`] per batch, epoch after epoch.
///
/// The data order of each epoch comes from the loader's seed and the epoch number, so a run
/// continued from a training state ([`TrainLoop::restore_state`]) sees the same batches, and
/// with the model's own random positions restored, takes the same steps as a run that was
/// never stopped.
pub struct TrainLoop<S: TrainStep> {
    /// The model being trained and its step.
    pub model: S,
    /// The losses of every step taken so far.
    pub history: LossHistory,
    epochs: usize,
    checkpointing: Option<Checkpointing>,
    last_saved: Option<SavedState>,
}

impl<S: TrainStep> TrainLoop<S> {
    /// A loop that trains `model` for `epochs` passes over the data.
    pub fn new(model: S, epochs: usize) -> Self {
        let history = LossHistory::new(model.loss_title(), model.loss_names());
        TrainLoop {
            model,
            history,
            epochs,
            checkpointing: None,
            last_saved: None,
        }
    }

    /// Passes over the data the run makes in all (a resumed run counts the epochs it did before).
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// Writes the training state as `checkpointing` says while [`TrainLoop::train`] runs.
    pub fn set_checkpointing(&mut self, checkpointing: Option<Checkpointing>) {
        self.checkpointing = checkpointing;
    }

    /// The newest training state written (or restored) by this loop.
    pub fn last_saved(&self) -> Option<&SavedState> {
        self.last_saved.as_ref()
    }

    /// Trains until the configured epochs are done, reporting to `observer` after every step
    /// and epoch. Continues after the steps already in the history (a restored state). With
    /// checkpointing on, the state is written after every `every_epochs` epochs, after the last
    /// one, and when the observer stops the run.
    pub fn train(&mut self, loader: &DataLoader, observer: &mut dyn TrainObserver<S>) -> Result<(), TrainError> {
        self.model.check_data(loader)?;
        let per_epoch = loader.batches_per_epoch();
        let first = self.history.len();
        let total = per_epoch * self.epochs;
        let names: Arc<[_]> = self.history.names.clone().into();
        let started = Instant::now();
        let mut done = 0usize;
        for epoch in first / per_epoch..self.epochs {
            let skip = if epoch == first / per_epoch {
                first % per_epoch
            } else {
                0
            };
            for (i, batch) in loader.epoch_from(epoch, skip) {
                let global = epoch * per_epoch + i;
                if observer.should_stop() {
                    let checkpoint = self.checkpoint(per_epoch)?;
                    return Err(TrainError::Cancelled {
                        step: global,
                        checkpoint,
                    });
                }
                let ctx = StepCtx {
                    step: global,
                    epoch,
                    last_saved: self.last_saved.as_ref(),
                };
                let losses = self.model.step(&batch, &ctx)?;
                self.history.records.push(LossRecord {
                    step: global,
                    epoch,
                    values: losses.clone(),
                });
                done += 1;
                let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                observer.on_step(&StepReport {
                    epoch,
                    step_in_epoch: i,
                    steps_per_epoch: per_epoch,
                    global_step: global,
                    total_steps: total,
                    names: names.clone(),
                    losses,
                    steps_per_sec: rate,
                    eta_secs: total.saturating_sub(global + 1) as f64 / rate,
                });
            }
            observer
                .on_epoch_end(epoch, &self.model)
                .map_err(TrainError::Observer)?;
            let every = self.checkpointing.as_ref().map_or(0, |c| c.every_epochs.max(1));
            if every > 0 && ((epoch + 1) % every == 0 || epoch + 1 == self.epochs) {
                self.checkpoint(per_epoch)?;
            }
        }
        Ok(())
    }

    /// Writes the state where checkpointing says, if it is on; returns what was written.
    fn checkpoint(&mut self, steps_per_epoch: usize) -> Result<Option<SavedState>, TrainError> {
        let Some(c) = &self.checkpointing else { return Ok(None) };
        let path = c.path.clone();
        self.save_state(&path, steps_per_epoch)?;
        let saved = SavedState {
            path,
            steps: self.history.len(),
        };
        self.last_saved = Some(saved.clone());
        Ok(Some(saved))
    }

    /// Writes the whole training state to `path`, atomically: a kill at any moment leaves the
    /// previous file or the new one, never a part. `steps_per_epoch` is recorded so that a
    /// resume with another batch size or dataset is refused.
    pub fn save_state(&self, path: &Path, steps_per_epoch: usize) -> Result<(), CheckpointError> {
        let backend = self.model_backend();
        let mut out = StateWriter::new(path, backend.as_ref());
        out.meta("format", S::STATE_FORMAT);
        out.meta("steps", self.history.len());
        out.meta("steps_per_epoch", steps_per_epoch);
        self.model.save_state(&mut out)?;
        for (i, name) in self.history.names.iter().enumerate() {
            let column = self.history.column(i);
            let n = column.len();
            let t = Tensor::from_vec(column, [n]).map_err(|source| CheckpointError::Tensor {
                path: path.into(),
                source,
            })?;
            out.tensor(format!("history/{}", name.key), &t)?;
        }
        save_tensors(path, out.tensors.iter().map(|(n, t)| (n.as_str(), t)), out.meta)
    }

    /// Replaces the model's state, the loss history and the noise positions with those of the
    /// training state at `path`; [`TrainLoop::train`] then continues after its last step. The
    /// file must have been written for the same model (names and shapes), `steps_per_epoch`
    /// and seeds; nothing is changed unless everything fits. The file then counts as the last
    /// good state (a NaN stop names it).
    pub fn restore_state(&mut self, path: &Path, steps_per_epoch: usize) -> Result<(), CheckpointError> {
        let ckpt = load_tensors(path)?;
        let format = ckpt.metadata.get("format").map_or("none", String::as_str);
        if format != S::STATE_FORMAT {
            return Err(CheckpointError::Incompatible {
                path: path.into(),
                msg: format!(
                    "it is not {} {} training state (format `{format}`, expected `{}`); model files such as generator.safetensors hold weights only",
                    article(S::MODEL),
                    S::MODEL,
                    S::STATE_FORMAT
                ),
            });
        }
        let mut state = StateReader::new(path, self.model_backend(), ckpt.tensors, ckpt.metadata)?;
        let written_per_epoch = state.number("steps_per_epoch")?;
        if written_per_epoch != steps_per_epoch as u64 {
            return Err(state.incompatible(format!(
                "it was written with {written_per_epoch} steps per epoch and this run has {steps_per_epoch} (another batch size or dataset)"
            )));
        }
        let steps = usize::try_from(state.number("steps")?).map_err(|_| state.incompatible("too many steps"))?;
        let model = self.model.restored(&mut state)?;
        let history = self.restored_history(&mut state, steps, steps_per_epoch)?;
        state.finish()?;
        // Everything fits and is on the backend: move it in (nothing below can fail).
        self.model = model;
        self.history = history;
        self.last_saved = Some(SavedState {
            path: path.into(),
            steps,
        });
        Ok(())
    }

    /// The loss history of a state: one `history/KEY` column of `steps` values per loss.
    fn restored_history(
        &self,
        state: &mut StateReader<'_>,
        steps: usize,
        steps_per_epoch: usize,
    ) -> Result<LossHistory, CheckpointError> {
        let columns: std::collections::HashMap<String, Tensor> = state.take("history").into_iter().collect();
        let mut values = Vec::new();
        for name in &self.history.names {
            let t = columns
                .get(&name.key)
                .ok_or_else(|| state.incompatible(format!("missing tensor `history/{}`", name.key)))?;
            if t.shape().dims() != [steps] {
                return Err(state.incompatible(format!(
                    "`history/{}` has shape {:?}, expected [{steps}]",
                    name.key,
                    t.shape().dims()
                )));
            }
            values.push(t.to_vec().map_err(|source| CheckpointError::Tensor {
                path: state.path().into(),
                source,
            })?);
        }
        if let Some(extra) = columns.keys().find(|k| self.history.index_of(k).is_none()) {
            return Err(state.incompatible(format!("unexpected tensor `history/{extra}`")));
        }
        let mut history = LossHistory::new(self.history.title.clone(), self.history.names.clone());
        history.records = (0..steps)
            .map(|step| LossRecord {
                step,
                epoch: step / steps_per_epoch.max(1),
                values: values.iter().map(|column| column[step]).collect(),
            })
            .collect();
        Ok(history)
    }

    fn model_backend(&self) -> Arc<dyn Backend> {
        self.model.backend().clone()
    }
}

/// `a` or `an` before `word`.
fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}
