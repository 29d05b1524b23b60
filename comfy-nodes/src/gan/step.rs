//! `GanStep`: one discriminator update and one generator update per batch, as in PyTorch's
//! classic MNIST GAN (non-saturating BCE loss, Adam), and what its training state holds.
use super::config::GanTrainConfig;
use crate::checkpoint::CheckpointError;
use crate::dataset::Batch;
use crate::network::Network;
use crate::train::{LossName, StateReader, StateWriter, StepCtx, TrainError, TrainLoop, TrainStep};
use comfy_core::random::{rng_from_seed, rng_from_state, rng_state, standard_normal, ComfyRng};
use comfy_core::{Adam, Backend, Optimizer, Tape, Tensor, Var};
use std::sync::Arc;

/// The `format` metadata value of a GAN training state.
pub const TRAINING_STATE_FORMAT: &str = "comfy-gan-training-state/1";

/// A GAN trained by the one training loop.
pub type GanTrainer = TrainLoop<GanStep>;

/// A training loop for `generator` against `discriminator` on `backend`.
pub fn trainer(
    generator: Network,
    discriminator: Network,
    backend: Arc<dyn Backend>,
    config: GanTrainConfig,
) -> Result<GanTrainer, TrainError> {
    let epochs = config.epochs;
    Ok(TrainLoop::new(
        GanStep::new(generator, discriminator, backend, config)?,
        epochs,
    ))
}

/// A generator, a discriminator, their optimizers and the latent-noise generator.
#[derive(Clone)]
pub struct GanStep {
    /// The generator (its parameters live on the backend).
    pub generator: Network,
    /// The discriminator.
    pub discriminator: Network,
    /// The generator's optimizer.
    pub opt_g: Adam,
    /// The discriminator's optimizer.
    pub opt_d: Adam,
    backend: Arc<dyn Backend>,
    config: GanTrainConfig,
    latent_rng: ComfyRng,
}

impl GanStep {
    /// Moves the networks onto `backend` and sets up Adam for each. The generator's output
    /// must be the discriminator's input, and the discriminator must give one logit.
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
        Ok(GanStep {
            generator,
            discriminator,
            opt_g: Adam::new(config.lr_g, config.beta1, config.beta2),
            opt_d: Adam::new(config.lr_d, config.beta1, config.beta2),
            latent_rng: rng_from_seed(config.seed),
            backend,
            config,
        })
    }

    /// The settings this step runs with.
    pub fn config(&self) -> &GanTrainConfig {
        &self.config
    }

    /// The networks with their parameters read back to host memory (for checkpoints).
    pub fn networks_on_host(&self) -> Result<(Network, Network), TrainError> {
        let be = self.backend.as_ref();
        Ok((self.generator.to_host(be)?, self.discriminator.to_host(be)?))
    }

    /// One D update and one G update on real images `[b, pixels]`; returns (D, G) loss.
    fn update(&mut self, real: &Tensor, ctx: &StepCtx<'_>) -> Result<(f32, f32), TrainError> {
        let b = real.shape().rows_cols().0;
        let latent = self.generator.mlp.input_size();
        let z = Tensor::from_vec(standard_normal(&mut self.latent_rng, b * latent), [b, latent])?;
        let tape = Tape::new(self.backend.clone());
        let g = self.generator.params.bind(&tape, true)?;
        let fake = self.generator.mlp.forward(&g, tape.constant(&z)?)?;

        let d_value = self.discriminator_update(real, &fake.value())?;
        ctx.check_finite("discriminator", d_value)?;

        // Generator: the same G(z) through the updated D, non-saturating loss (G(z) → 1).
        let ones = tape.constant(&Tensor::full([b, 1], 1.0))?;
        let d_frozen = self.discriminator.params.bind(&tape, false)?;
        let g_loss = self.discriminator.mlp.forward(&d_frozen, fake)?.bce_with_logits(ones)?;
        let g_value = g_loss.item()?;
        ctx.check_finite("generator", g_value)?;
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
    /// `bce(D(x), 1) + bce(D(G(z)), 0)` is twice the mean over the joined batch. A loss that is
    /// not finite is returned without updating.
    fn discriminator_update(&mut self, real: &Tensor, fake: &Tensor) -> Result<f32, TrainError> {
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
}

/// Tensor groups of the two networks in a training state.
const NETWORKS: [&str; 2] = ["generator", "discriminator"];

/// The state holds both networks with their Adam moments and step counts (see
/// [`StateWriter::network`]), the noise `seed` (a resume must use the same) and the position
/// of the latent-noise generator (`latent_rng`).
impl TrainStep for GanStep {
    const MODEL: &'static str = "GAN";
    const STATE_FORMAT: &'static str = TRAINING_STATE_FORMAT;

    fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    fn loss_names(&self) -> Vec<LossName> {
        vec![LossName::new("d_loss", "D loss"), LossName::new("g_loss", "G loss")]
    }

    fn loss_title(&self) -> String {
        "GAN losses".to_string()
    }

    fn step(&mut self, batch: &Batch, ctx: &StepCtx<'_>) -> Result<Vec<f32>, TrainError> {
        let (d, g) = self.update(&batch.images, ctx)?;
        Ok(vec![d, g])
    }

    fn save_state(&self, out: &mut StateWriter<'_>) -> Result<(), CheckpointError> {
        out.meta("seed", self.config.seed);
        out.meta("latent_rng", rng_state(&self.latent_rng));
        out.network(NETWORKS[0], &self.generator.params, &self.opt_g)?;
        out.network(NETWORKS[1], &self.discriminator.params, &self.opt_d)
    }

    fn restored(&self, state: &mut StateReader<'_>) -> Result<Self, CheckpointError> {
        let seed = state.number("seed")?;
        if seed != self.config.seed {
            return Err(state.incompatible(format!(
                "it was written with noise seed {seed} and this run uses {}",
                self.config.seed
            )));
        }
        let latent_rng = rng_from_state(state.meta("latent_rng")?)
            .ok_or_else(|| state.incompatible("`latent_rng` is not a generator position"))?;
        let generator = state.network(NETWORKS[0], &self.generator.params)?;
        let discriminator = state.network(NETWORKS[1], &self.discriminator.params)?;
        let mut next = self.clone();
        generator.install(&mut next.generator.params, &mut next.opt_g);
        discriminator.install(&mut next.discriminator.params, &mut next.opt_d);
        next.latent_rng = latent_rng;
        Ok(next)
    }
}
