//! Autoencoder training: one Adam update of both networks per batch, minimising how far each
//! reconstruction is from its image (MSE, or BCE on logits for pixels in `[0, 1]`).
use super::error::AutoencoderError;
use super::model::{output_fits, Autoencoder};
use crate::dataset::{DataLoader, PixelScale};
use comfy_core::{Activation, Adam, Backend, Mlp, Optimizer, Tape, Tensor};
use std::sync::Arc;
use std::time::Instant;

/// How a reconstruction is compared with its image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReconstructionLoss {
    /// Mean squared error per pixel; works with any output range that fits the data.
    Mse,
    /// Mean binary cross-entropy per pixel, computed stably from the decoder's logits (its
    /// sigmoid left out); needs a sigmoid decoder and pixels in `[0, 1]`. Sharper than MSE on
    /// mostly black-or-white images such as digits.
    Bce,
}

impl ReconstructionLoss {
    /// `mse` or `bce`.
    pub fn name(self) -> &'static str {
        match self {
            ReconstructionLoss::Mse => "mse",
            ReconstructionLoss::Bce => "bce",
        }
    }
}

/// Settings of a training run.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoencoderConfig {
    /// Passes over the dataset.
    pub epochs: usize,
    /// Adam's learning rate (both networks).
    pub lr: f32,
    /// Adam's β1.
    pub beta1: f32,
    /// Adam's β2.
    pub beta2: f32,
    /// The reconstruction loss.
    pub loss: ReconstructionLoss,
}

impl Default for AutoencoderConfig {
    fn default() -> Self {
        AutoencoderConfig {
            epochs: 10,
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            loss: ReconstructionLoss::Bce,
        }
    }
}

/// What one step did, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReconstructionStep {
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
    /// The batch's reconstruction loss.
    pub loss: f32,
    /// Steps per second so far.
    pub steps_per_sec: f64,
    /// Estimated seconds left.
    pub eta_secs: f64,
}

/// One row of the loss history.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReconstructionRecord {
    /// Global step (0-based).
    pub step: usize,
    /// Epoch (0-based).
    pub epoch: usize,
    /// The batch's reconstruction loss.
    pub loss: f32,
}

/// Receives progress while training runs, and can stop it. `()` ignores everything.
pub trait AutoencoderObserver {
    /// After every step.
    fn on_step(&mut self, _report: &ReconstructionStep) {}
    /// After every epoch, with the networks as they are now.
    fn on_epoch_end(&mut self, _epoch: usize, _model: &Autoencoder) -> Result<(), String> {
        Ok(())
    }
    /// Checked before every step: `true` stops training with [`AutoencoderError::Cancelled`].
    fn should_stop(&self) -> bool {
        false
    }
}

impl AutoencoderObserver for () {}

/// An autoencoder, an optimizer per network, and the loss history.
pub struct AutoencoderTrainer {
    /// The networks being trained (their parameters live on the backend).
    pub model: Autoencoder,
    /// The encoder's optimizer.
    pub opt_encoder: Adam,
    /// The decoder's optimizer.
    pub opt_decoder: Adam,
    /// Losses of every step taken so far.
    pub history: Vec<ReconstructionRecord>,
    /// The decoder as trained: with BCE its sigmoid is left out, so it outputs logits.
    trained_decoder: Mlp,
    backend: Arc<dyn Backend>,
    config: AutoencoderConfig,
}

impl AutoencoderTrainer {
    /// Moves the networks onto `backend` and sets up Adam for each.
    pub fn new(
        mut model: Autoencoder,
        backend: Arc<dyn Backend>,
        config: AutoencoderConfig,
    ) -> Result<Self, AutoencoderError> {
        model.encoder.params.upload(backend.as_ref())?;
        model.decoder.params.upload(backend.as_ref())?;
        let mut trained_decoder = model.decoder.mlp.clone();
        if config.loss == ReconstructionLoss::Bce {
            trained_decoder.output = Activation::Identity;
        }
        let adam = || Adam::new(config.lr, config.beta1, config.beta2);
        Ok(AutoencoderTrainer {
            model,
            opt_encoder: adam(),
            opt_decoder: adam(),
            history: Vec::new(),
            trained_decoder,
            backend,
            config,
        })
    }

    /// The backend training runs on.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Checks that the loss and the decoder's output range suit pixels scaled with `scale`.
    pub fn check_scale(&self, scale: PixelScale) -> Result<(), AutoencoderError> {
        let activation = self.model.decoder.mlp.output;
        let bce = self.config.loss == ReconstructionLoss::Bce;
        if bce && (activation != Activation::Sigmoid || scale != PixelScale::ZeroToOne) {
            return Err(AutoencoderError::BceNeedsSigmoid { activation, scale });
        }
        if !output_fits(activation, scale) {
            return Err(AutoencoderError::OutputRange { activation, scale });
        }
        Ok(())
    }

    /// One Adam update of both networks on a batch `[b, pixels]`; returns the loss before it.
    /// `at` is (global step, epoch), for the error when the loss is not finite.
    pub fn step(&mut self, images: &Tensor, at: (usize, usize)) -> Result<f32, AutoencoderError> {
        let (step, epoch) = at;
        let tape = Tape::new(self.backend.clone());
        let x = tape.constant(images)?;
        let e = self.model.encoder.params.bind(&tape, true)?;
        let d = self.model.decoder.params.bind(&tape, true)?;
        let latent = self.model.encoder.mlp.forward(&e, x)?;
        let out = self.trained_decoder.forward(&d, latent)?;
        let loss = match self.config.loss {
            ReconstructionLoss::Mse => out.mse(x)?,
            ReconstructionLoss::Bce => out.bce_with_logits(x)?,
        };
        let value = loss.item()?;
        if !value.is_finite() {
            return Err(AutoencoderError::NonFinite { value, step, epoch });
        }
        let mut grads = tape.backward(loss)?;
        let (e_grads, d_grads) = (e.grads(&mut grads), d.grads(&mut grads));
        drop(grads);
        drop(tape);
        let be = self.backend.as_ref();
        self.opt_encoder.step(be, &mut self.model.encoder.params, &e_grads)?;
        self.opt_decoder.step(be, &mut self.model.decoder.params, &d_grads)?;
        Ok(value)
    }

    /// Trains for the configured epochs, reporting to `observer` after every step and epoch.
    /// Checks first that the loader's images and pixel scale suit the model and the loss.
    pub fn train(
        &mut self,
        loader: &DataLoader,
        observer: &mut dyn AutoencoderObserver,
    ) -> Result<(), AutoencoderError> {
        self.model.check_image_size(loader.dataset().image_size())?;
        self.check_scale(loader.config().scale)?;
        let per_epoch = loader.batches_per_epoch();
        let start_epoch = self.history.last().map_or(0, |r| r.epoch + 1);
        let total = per_epoch * self.config.epochs;
        let started = Instant::now();
        let mut done = 0usize;
        for epoch in start_epoch..self.config.epochs {
            for (i, batch) in loader.epoch(epoch).enumerate() {
                let global = epoch * per_epoch + i;
                if observer.should_stop() {
                    return Err(AutoencoderError::Cancelled { step: global });
                }
                let loss = self.step(&batch.images, (global, epoch))?;
                self.history.push(ReconstructionRecord {
                    step: global,
                    epoch,
                    loss,
                });
                done += 1;
                let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                observer.on_step(&ReconstructionStep {
                    epoch,
                    step_in_epoch: i,
                    steps_per_epoch: per_epoch,
                    global_step: global,
                    total_steps: total,
                    loss,
                    steps_per_sec: rate,
                    eta_secs: total.saturating_sub(global + 1) as f64 / rate,
                });
            }
            observer
                .on_epoch_end(epoch, &self.model)
                .map_err(AutoencoderError::Observer)?;
        }
        Ok(())
    }

    /// The networks with their parameters read back to host memory (for checkpoints).
    pub fn model_on_host(&self) -> Result<Autoencoder, AutoencoderError> {
        self.model.to_host(self.backend.as_ref())
    }
}
