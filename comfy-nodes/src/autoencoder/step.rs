//! `AutoencoderStep`: one Adam update of the encoder and the decoder per batch, minimising how
//! far each reconstruction is from its image (MSE, or BCE on logits for pixels in `[0, 1]`) —
//! plus, for a VAE, β times the KL divergence of its latent distribution from the prior — and
//! what its training state holds.
use super::config::{AutoencoderConfig, ReconstructionLoss};
use super::error::AutoencoderError;
use super::model::{output_fits, Autoencoder};
use super::vae::{kl_divergence, reparameterise, split_latent};
use crate::checkpoint::CheckpointError;
use crate::dataset::{Batch, DataLoader, PixelScale};
use crate::train::{LossName, StateReader, StateWriter, StepCtx, TrainError, TrainLoop, TrainStep};
use comfy_core::nn::{Mode, Sequential};
use comfy_core::random::{rng_from_seed, rng_from_state, rng_state, standard_normal, ComfyRng};
use comfy_core::{Activation, Adam, Backend, Optimizer, PortChoice, Tape, Tensor, Var};
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

/// An autoencoder, an optimizer per network and a VAE's noise generator.
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
    /// Draws a VAE's ε, seeded with the config's seed (unused by a plain autoencoder).
    noise_rng: ComfyRng,
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
            noise_rng: rng_from_seed(config.seed),
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

    /// One Adam update of both networks on images `[b, pixels]`; returns the losses before it
    /// (the reconstruction loss, and for a VAE the KL term).
    fn update(&mut self, images: &Tensor, ctx: &StepCtx<'_>) -> Result<Vec<f32>, TrainError> {
        let tape = Tape::new(self.backend.clone());
        let x = tape.constant(images)?;
        let e = self.model.encoder.params.bind(&tape, true)?;
        let d = self.model.decoder.params.bind(&tape, true)?;
        let encoded = self.model.encoder.forward(&e, &tape, x, None, Mode::Train)?.output;
        let (latent, kl) = if self.model.is_variational() {
            let (z, kl) = self.sample_latent(&tape, encoded)?;
            (z, Some(kl))
        } else {
            (encoded, None)
        };
        let out = self.trained_decoder.forward(&d, latent, None, Mode::Train)?.output;
        let out = out.reshape(x.shape())?;
        let per_pixel = match self.config.loss {
            ReconstructionLoss::Mse => out.mse(x)?,
            ReconstructionLoss::Bce => out.bce_with_logits(x)?,
        };
        let (loss, values) = match kl {
            None => {
                let value = per_pixel.item()?;
                ctx.check_finite("reconstruction", value)?;
                (per_pixel, vec![value])
            }
            Some(kl) => {
                // A VAE's reconstruction term is summed over each image's pixels.
                let rec = per_pixel.mul_scalar(self.model.image_size() as f32)?;
                let (r, k) = (rec.item()?, kl.item()?);
                ctx.check_finite("reconstruction", r)?;
                ctx.check_finite("kl", k)?;
                (rec.add(kl.mul_scalar(self.config.kl_weight)?)?, vec![r, k])
            }
        };
        let mut grads = tape.backward(loss)?;
        let (e_grads, d_grads) = (e.grads(&mut grads), d.grads(&mut grads));
        drop(grads);
        drop(tape);
        let be = self.backend.as_ref();
        self.opt_encoder.step(be, &mut self.model.encoder.params, &e_grads)?;
        self.opt_decoder.step(be, &mut self.model.decoder.params, &d_grads)?;
        Ok(values)
    }

    /// A VAE's `z = μ + σ·ε` for the encoder's output, with ε drawn from the noise generator,
    /// and the batch's KL term.
    fn sample_latent<'t>(&mut self, tape: &'t Tape, encoded: Var<'t>) -> Result<(Var<'t>, Var<'t>), TrainError> {
        let latent = self.model.latent_dim();
        let b = encoded.shape().rows_cols().0;
        let (mu, logvar) = split_latent(encoded, latent)?;
        let eps = Tensor::from_vec(standard_normal(&mut self.noise_rng, b * latent), [b, latent])?;
        let z = reparameterise(tape, mu, logvar, &eps)?;
        Ok((z, kl_divergence(mu, logvar)?))
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
        let loss = self.config.loss.name().to_uppercase();
        if !self.model.is_variational() {
            return vec![LossName::new("loss", loss)];
        }
        vec![
            LossName::new("reconstruction", format!("reconstruction ({loss} per image)")),
            LossName::new("kl", "KL divergence"),
        ]
    }

    fn loss_title(&self) -> String {
        if self.model.is_variational() {
            return "VAE losses".to_string();
        }
        "Autoencoder reconstruction loss".to_string()
    }

    fn check_data(&self, loader: &DataLoader) -> Result<(), TrainError> {
        self.model.check_image_size(loader.dataset().image_size())?;
        Ok(self.check_scale(loader.config().scale)?)
    }

    fn step(&mut self, batch: &Batch, ctx: &StepCtx<'_>) -> Result<Vec<f32>, TrainError> {
        self.update(&batch.images, ctx)
    }

    fn save_state(&self, out: &mut StateWriter<'_>) -> Result<(), CheckpointError> {
        out.meta("loss", self.config.loss.name());
        if self.model.is_variational() {
            out.meta("seed", self.config.seed);
            out.meta("kl_weight", self.config.kl_weight);
            out.meta("noise_rng", rng_state(&self.noise_rng));
        }
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
        let noise_rng = if self.model.is_variational() {
            Some(self.restored_noise(state)?)
        } else {
            None
        };
        let encoder = state.network(NETWORKS[0], &self.model.encoder.params)?;
        let decoder = state.network(NETWORKS[1], &self.model.decoder.params)?;
        let mut next = self.clone();
        encoder.install(&mut next.model.encoder.params, &mut next.opt_encoder);
        decoder.install(&mut next.model.decoder.params, &mut next.opt_decoder);
        if let Some(rng) = noise_rng {
            next.noise_rng = rng;
        }
        Ok(next)
    }
}

impl AutoencoderStep {
    /// A VAE state's noise generator, after checking its seed and β against this run's.
    fn restored_noise(&self, state: &StateReader<'_>) -> Result<ComfyRng, CheckpointError> {
        let seed = state.number("seed")?;
        if seed != self.config.seed {
            return Err(state.incompatible(format!(
                "it was written with noise seed {seed} and this run uses {}",
                self.config.seed
            )));
        }
        let kl_weight = state.meta("kl_weight")?;
        if kl_weight != self.config.kl_weight.to_string() {
            return Err(state.incompatible(format!(
                "it was written with KL weight {kl_weight} and this run uses {}",
                self.config.kl_weight
            )));
        }
        rng_from_state(state.meta("noise_rng")?)
            .ok_or_else(|| state.incompatible("`noise_rng` is not a generator position"))
    }
}
