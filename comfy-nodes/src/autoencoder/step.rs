//! `AutoencoderStep`: one Adam update of the encoder and the decoder per batch, minimising how
//! far each reconstruction is from its image (MSE, or BCE on logits for pixels in `[0, 1]`),
//! and what its training state holds.
use super::config::{AutoencoderConfig, ReconstructionLoss};
use super::error::AutoencoderError;
use super::model::{output_fits, Autoencoder};
use crate::checkpoint::CheckpointError;
use crate::dataset::{Batch, DataLoader, PixelScale};
use crate::train::{LossName, StateReader, StateWriter, StepCtx, TrainError, TrainLoop, TrainStep};
use comfy_core::nn::{Mode, Sequential};
use comfy_core::{Activation, Adam, Backend, Optimizer, PortChoice, Tape, Tensor};
use std::sync::Arc;

/// The `format` metadata value of an autoencoder training state.
pub const AUTOENCODER_STATE_FORMAT: &str = "comfy-autoencoder-training-state/1";

/// An autoencoder trained by the one training loop.
pub type AutoencoderTrainer = TrainLoop<AutoencoderStep>;

/// A training loop for `model` on `backend`.
pub fn trainer(
    model: Autoencoder,
    backend: Arc<dyn Backend>,
    config: AutoencoderConfig,
) -> Result<AutoencoderTrainer, TrainError> {
    let epochs = config.epochs;
    Ok(TrainLoop::new(AutoencoderStep::new(model, backend, config)?, epochs))
}

impl From<AutoencoderError> for TrainError {
    fn from(e: AutoencoderError) -> Self {
        TrainError::Model(Box::new(e))
    }
}

/// An autoencoder and an optimizer per network.
#[derive(Clone)]
pub struct AutoencoderStep {
    /// The networks being trained (their parameters live on the backend).
    pub model: Autoencoder,
    /// The encoder's optimizer.
    pub opt_encoder: Adam,
    /// The decoder's optimizer.
    pub opt_decoder: Adam,
    /// The decoder as trained: with BCE its sigmoid is left out, so it outputs logits.
    trained_decoder: Sequential,
    backend: Arc<dyn Backend>,
    config: AutoencoderConfig,
}

impl AutoencoderStep {
    /// Moves the networks onto `backend` and sets up Adam for each.
    pub fn new(
        mut model: Autoencoder,
        backend: Arc<dyn Backend>,
        config: AutoencoderConfig,
    ) -> Result<Self, TrainError> {
        model.encoder.params.upload(backend.as_ref())?;
        model.decoder.params.upload(backend.as_ref())?;
        let trained_decoder = match config.loss {
            ReconstructionLoss::Bce => model.decoder.arch_without_output_activation()?,
            ReconstructionLoss::Mse => model.decoder.arch.clone(),
        };
        let adam = || Adam::new(config.lr, config.beta1, config.beta2);
        Ok(AutoencoderStep {
            model,
            opt_encoder: adam(),
            opt_decoder: adam(),
            trained_decoder,
            backend,
            config,
        })
    }

    /// The settings this step runs with.
    pub fn config(&self) -> &AutoencoderConfig {
        &self.config
    }

    /// Checks that the loss and the decoder's output range suit pixels scaled with `scale`.
    pub fn check_scale(&self, scale: PixelScale) -> Result<(), AutoencoderError> {
        let activation = self.model.decoder.output_activation();
        let bce = self.config.loss == ReconstructionLoss::Bce;
        if bce && (activation != Activation::Sigmoid || scale != PixelScale::ZeroToOne) {
            return Err(AutoencoderError::BceNeedsSigmoid { activation, scale });
        }
        if !output_fits(activation, scale) {
            return Err(AutoencoderError::OutputRange { activation, scale });
        }
        Ok(())
    }

    /// The networks with their parameters read back to host memory (for checkpoints).
    pub fn model_on_host(&self) -> Result<Autoencoder, AutoencoderError> {
        self.model.to_host(self.backend.as_ref())
    }

    /// One Adam update of both networks on images `[b, pixels]`; returns the loss before it.
    fn update(&mut self, images: &Tensor, ctx: &StepCtx<'_>) -> Result<f32, TrainError> {
        let tape = Tape::new(self.backend.clone());
        let x = tape.constant(images)?;
        let e = self.model.encoder.params.bind(&tape, true)?;
        let d = self.model.decoder.params.bind(&tape, true)?;
        let latent = self.model.encoder.forward(&e, &tape, x, None, Mode::Train)?.output;
        let out = self.trained_decoder.forward(&d, latent, None, Mode::Train)?.output;
        let out = out.reshape(x.shape())?;
        let loss = match self.config.loss {
            ReconstructionLoss::Mse => out.mse(x)?,
            ReconstructionLoss::Bce => out.bce_with_logits(x)?,
        };
        let value = loss.item()?;
        ctx.check_finite("reconstruction", value)?;
        let mut grads = tape.backward(loss)?;
        let (e_grads, d_grads) = (e.grads(&mut grads), d.grads(&mut grads));
        drop(grads);
        drop(tape);
        let be = self.backend.as_ref();
        self.opt_encoder.step(be, &mut self.model.encoder.params, &e_grads)?;
        self.opt_decoder.step(be, &mut self.model.decoder.params, &d_grads)?;
        Ok(value)
    }
}

/// Tensor groups of the two networks in a training state.
const NETWORKS: [&str; 2] = ["encoder", "decoder"];

/// The state holds both networks with their Adam moments and step counts, and the loss the
/// run minimises (a resume must use the same).
impl TrainStep for AutoencoderStep {
    const MODEL: &'static str = "autoencoder";
    const STATE_FORMAT: &'static str = AUTOENCODER_STATE_FORMAT;

    fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    fn loss_names(&self) -> Vec<LossName> {
        vec![LossName::new("loss", self.config.loss.name().to_uppercase())]
    }

    fn loss_title(&self) -> String {
        "Autoencoder reconstruction loss".to_string()
    }

    fn check_data(&self, loader: &DataLoader) -> Result<(), TrainError> {
        self.model.check_image_size(loader.dataset().image_size())?;
        Ok(self.check_scale(loader.config().scale)?)
    }

    fn step(&mut self, batch: &Batch, ctx: &StepCtx<'_>) -> Result<Vec<f32>, TrainError> {
        Ok(vec![self.update(&batch.images, ctx)?])
    }

    fn save_state(&self, out: &mut StateWriter<'_>) -> Result<(), CheckpointError> {
        out.meta("loss", self.config.loss.name());
        out.network(NETWORKS[0], &self.model.encoder.params, &self.opt_encoder)?;
        out.network(NETWORKS[1], &self.model.decoder.params, &self.opt_decoder)
    }

    fn restored(&self, state: &mut StateReader<'_>) -> Result<Self, CheckpointError> {
        let loss = state.meta("loss")?;
        if loss != self.config.loss.name() {
            return Err(state.incompatible(format!(
                "it was written with the {loss} loss and this run uses {}",
                self.config.loss.name()
            )));
        }
        let encoder = state.network(NETWORKS[0], &self.model.encoder.params)?;
        let decoder = state.network(NETWORKS[1], &self.model.decoder.params)?;
        let mut next = self.clone();
        encoder.install(&mut next.model.encoder.params, &mut next.opt_encoder);
        decoder.install(&mut next.model.decoder.params, &mut next.opt_decoder);
        Ok(next)
    }
}
