//! GAN training: one discriminator update and one generator update per batch, as in
//! PyTorch's classic MNIST GAN (non-saturating BCE loss, Adam).
use super::model::Network;
use crate::dataset::DataLoader;
use comfy_core::random::{rng_from_seed, standard_normal};
use comfy_core::{Adam, Backend, Optimizer, Tape, Tensor, Var};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Settings of a training run.
#[derive(Clone, Debug, PartialEq)]
pub struct GanTrainConfig {
    /// Passes over the dataset.
    pub epochs: usize,
    /// Generator learning rate.
    pub lr_g: f32,
    /// Discriminator learning rate.
    pub lr_d: f32,
    /// Adam's β1.
    pub beta1: f32,
    /// Adam's β2.
    pub beta2: f32,
    /// One-sided label smoothing: real images are labelled `1 - label_smoothing`.
    pub label_smoothing: f32,
    /// Seed of the latent noise.
    pub seed: u64,
}

impl Default for GanTrainConfig {
    fn default() -> Self {
        GanTrainConfig {
            epochs: 10,
            lr_g: 2e-4,
            lr_d: 2e-4,
            beta1: 0.5,
            beta2: 0.999,
            label_smoothing: 0.0,
            seed: 0,
        }
    }
}

/// What one step did, for progress reports and the loss history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepReport {
    /// 0-based epoch.
    pub epoch: usize,
    /// 0-based step within the epoch.
    pub step_in_epoch: usize,
    /// Steps per epoch.
    pub steps_per_epoch: usize,
    /// 0-based step over the whole run.
    pub global_step: usize,
    /// Total steps of the run.
    pub total_steps: usize,
    /// Discriminator loss.
    pub d_loss: f32,
    /// Generator loss.
    pub g_loss: f32,
    /// Steps per second so far.
    pub steps_per_sec: f64,
    /// Estimated seconds left.
    pub eta_secs: f64,
}

/// One row of the loss history.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LossRecord {
    /// Global step (0-based).
    pub step: usize,
    /// Epoch (0-based).
    pub epoch: usize,
    /// Discriminator loss.
    pub d_loss: f32,
    /// Generator loss.
    pub g_loss: f32,
}

/// Where and how often a trainer writes its whole state (see [`GanTrainer::save_state`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpointing {
    /// The training-state file, rewritten atomically each time.
    pub path: PathBuf,
    /// Write after every this many epochs (and after the last one, and when stopped).
    pub every_epochs: usize,
}

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

/// "the last good checkpoint is …" or "no checkpoint was written".
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
    #[error("{which} loss became {value} at step {step} (epoch {}); training stopped before updating the weights with it; {}", .epoch + 1, last_good(.last_checkpoint))]
    NonFinite {
        /// `discriminator` or `generator`.
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
    /// A tensor operation failed.
    #[error(transparent)]
    Tensor(#[from] comfy_core::Error),
    /// Writing or reading a training state failed.
    #[error(transparent)]
    Checkpoint(#[from] crate::checkpoint::CheckpointError),
    /// The observer failed (writing a preview, say).
    #[error("{0}")]
    Observer(String),
}

/// Receives progress while training runs, and can stop it.
pub trait TrainObserver {
    /// After every step.
    fn on_step(&mut self, _report: &StepReport) {}
    /// After every epoch, with the networks as they are now.
    fn on_epoch_end(&mut self, _epoch: usize, _generator: &Network) -> Result<(), String> {
        Ok(())
    }
    /// Checked before every step: `true` stops training with [`TrainError::Cancelled`].
    fn should_stop(&self) -> bool {
        false
    }
}

/// An observer that does nothing.
pub struct Silent;
impl TrainObserver for Silent {}

/// A generator, a discriminator, their optimizers, and the loss history.
pub struct GanTrainer {
    /// The generator.
    pub generator: Network,
    /// The discriminator.
    pub discriminator: Network,
    /// The generator's optimizer.
    pub opt_g: Adam,
    /// The discriminator's optimizer.
    pub opt_d: Adam,
    /// Losses of every step taken so far.
    pub history: Vec<LossRecord>,
    pub(super) backend: Arc<dyn Backend>,
    pub(super) config: GanTrainConfig,
    pub(super) latent_rng: comfy_core::random::ComfyRng,
    checkpointing: Option<Checkpointing>,
    pub(super) last_saved: Option<SavedState>,
}

impl GanTrainer {
    /// Moves the networks onto `backend` and sets up Adam for each.
    pub fn new(
        mut generator: Network,
        mut discriminator: Network,
        backend: Arc<dyn Backend>,
        config: GanTrainConfig,
    ) -> Result<Self, TrainError> {
        if generator.mlp.output_size() != discriminator.mlp.input_size() || discriminator.mlp.output_size() != 1 {
            return Err(TrainError::Tensor(comfy_core::Error::invalid(
                "gan",
                format!(
                    "generator output {} must equal discriminator input {}, and the discriminator must output 1 logit (has {})",
                    generator.mlp.output_size(),
                    discriminator.mlp.input_size(),
                    discriminator.mlp.output_size()
                ),
            )));
        }
        generator.params.upload(backend.as_ref())?;
        discriminator.params.upload(backend.as_ref())?;
        let opt_g = Adam::new(config.lr_g, config.beta1, config.beta2);
        let opt_d = Adam::new(config.lr_d, config.beta1, config.beta2);
        let latent_rng = rng_from_seed(config.seed);
        Ok(GanTrainer {
            generator,
            discriminator,
            opt_g,
            opt_d,
            history: Vec::new(),
            backend,
            config,
            latent_rng,
            checkpointing: None,
            last_saved: None,
        })
    }

    /// Writes the training state as `checkpointing` says while [`GanTrainer::train`] runs.
    pub fn set_checkpointing(&mut self, checkpointing: Option<Checkpointing>) {
        self.checkpointing = checkpointing;
    }

    /// The newest training state written by this trainer.
    pub fn last_saved(&self) -> Option<&SavedState> {
        self.last_saved.as_ref()
    }

    /// The settings this trainer runs with.
    pub fn config(&self) -> &GanTrainConfig {
        &self.config
    }

    /// The backend training runs on.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// One D update and one G update on a batch of real images `[b, 784]`; returns (D, G) loss.
    pub fn step(&mut self, real: &Tensor, at: (usize, usize)) -> Result<(f32, f32), TrainError> {
        let b = real.shape().rows_cols().0;
        let latent = self.generator.mlp.input_size();
        let z = Tensor::from_vec(standard_normal(&mut self.latent_rng, b * latent), [b, latent])?;
        let tape = Tape::new(self.backend.clone());
        let g = self.generator.params.bind(&tape, true)?;
        let fake = self.generator.mlp.forward(&g, tape.constant(&z)?)?;

        let d_value = self.discriminator_step(real, &fake.value())?;
        self.check_finite("discriminator", d_value, at)?;

        // Generator: the same G(z) through the updated D, non-saturating loss (G(z) → 1).
        let ones = tape.constant(&Tensor::full([b, 1], 1.0))?;
        let d_frozen = self.discriminator.params.bind(&tape, false)?;
        let g_loss = self.discriminator.mlp.forward(&d_frozen, fake)?.bce_with_logits(ones)?;
        let g_value = g_loss.item()?;
        self.check_finite("generator", g_value, at)?;
        let mut grads = tape.backward(g_loss)?;
        let g_grads = g.grads(&mut grads);
        drop(grads);
        // Dropping the tape first leaves the optimizer the only owner of G's parameters, so
        // Adam updates them in place instead of copying.
        drop(tape);
        self.opt_g
            .step(self.backend.as_ref(), &mut self.generator.params, &g_grads)?;
        Ok((d_value, g_value))
    }

    /// One discriminator update: real → 1 (less label smoothing), G(z) → 0. `fake` is a
    /// plain value (detached from G). Runs on a tape of its own, dropped before Adam updates
    /// D's parameters in place. Real and fake go through D as one batch of `2b`:
    /// `bce(D(x), 1) + bce(D(G(z)), 0)` is twice the mean over the joined batch.
    fn discriminator_step(&mut self, real: &Tensor, fake: &Tensor) -> Result<f32, TrainError> {
        let b = real.shape().rows_cols().0;
        let mut targets = vec![1.0 - self.config.label_smoothing; b];
        targets.resize(2 * b, 0.0);
        let tape = Tape::new(self.backend.clone());
        let d = self.discriminator.params.bind(&tape, true)?;
        let both = Var::concat_rows(&[tape.constant(real)?, tape.constant(fake)?])?;
        let logits = self.discriminator.mlp.forward(&d, both)?;
        let target = tape.constant(&Tensor::from_vec(targets, [2 * b, 1])?)?;
        let d_loss = logits.bce_with_logits(target)?.mul_scalar(2.0)?;
        let d_value = d_loss.item()?;
        if !d_value.is_finite() {
            return Ok(d_value);
        }
        let mut grads = tape.backward(d_loss)?;
        let d_grads = d.grads(&mut grads);
        drop(grads);
        drop(tape);
        self.opt_d
            .step(self.backend.as_ref(), &mut self.discriminator.params, &d_grads)?;
        Ok(d_value)
    }

    /// Trains until the configured epochs are done, reporting to `observer` after every step
    /// and epoch. Continues after the steps already in `history` (a restored state, see
    /// [`GanTrainer::restore_state`]): the data order and the noise then match an uninterrupted
    /// run's. With checkpointing on, the state is written after every `every_epochs` epochs,
    /// after the last one, and when the observer stops the run.
    pub fn train(&mut self, loader: &DataLoader, observer: &mut dyn TrainObserver) -> Result<(), TrainError> {
        let per_epoch = loader.batches_per_epoch();
        let first = self.history.len();
        let total = per_epoch * self.config.epochs;
        let started = Instant::now();
        let mut done = 0usize;
        for epoch in first / per_epoch..self.config.epochs {
            let order = loader.order(epoch);
            let skip = if epoch == first / per_epoch {
                first % per_epoch
            } else {
                0
            };
            for i in skip..per_epoch {
                let Some(batch) = loader.batch(&order, i) else { break };
                let global = epoch * per_epoch + i;
                if observer.should_stop() {
                    let checkpoint = self.checkpoint(per_epoch)?;
                    return Err(TrainError::Cancelled {
                        step: global,
                        checkpoint,
                    });
                }
                let (d_loss, g_loss) = self.step(&batch.images, (global, epoch))?;
                self.history.push(LossRecord {
                    step: global,
                    epoch,
                    d_loss,
                    g_loss,
                });
                done += 1;
                let secs = started.elapsed().as_secs_f64().max(1e-9);
                let rate = done as f64 / secs;
                observer.on_step(&StepReport {
                    epoch,
                    step_in_epoch: i,
                    steps_per_epoch: per_epoch,
                    global_step: global,
                    total_steps: total,
                    d_loss,
                    g_loss,
                    steps_per_sec: rate,
                    eta_secs: (total.saturating_sub(global + 1)) as f64 / rate,
                });
            }
            observer
                .on_epoch_end(epoch, &self.generator)
                .map_err(TrainError::Observer)?;
            let every = self.checkpointing.as_ref().map_or(0, |c| c.every_epochs.max(1));
            if every > 0 && ((epoch + 1) % every == 0 || epoch + 1 == self.config.epochs) {
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

    /// The networks with their parameters read back to host memory (for checkpoints).
    pub fn networks_on_host(&self) -> Result<(Network, Network), TrainError> {
        let be = self.backend.as_ref();
        let g = Network {
            mlp: self.generator.mlp.clone(),
            params: self.generator.params.to_host(be)?,
        };
        let d = Network {
            mlp: self.discriminator.mlp.clone(),
            params: self.discriminator.params.to_host(be)?,
        };
        Ok((g, d))
    }
}

impl GanTrainer {
    /// `Err(NonFinite)` for a NaN or infinite loss at `(step, epoch)`, naming the last state saved.
    fn check_finite(&self, which: &'static str, value: f32, (step, epoch): (usize, usize)) -> Result<(), TrainError> {
        if value.is_finite() {
            return Ok(());
        }
        Err(TrainError::NonFinite {
            which,
            value,
            step,
            epoch,
            last_checkpoint: self.last_saved.clone(),
        })
    }
}
