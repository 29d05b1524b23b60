//! `GanStep`: one discriminator update and one generator update per batch, as in PyTorch's
//! classic MNIST GAN (non-saturating BCE loss, Adam), and what its training state holds.
use super::config::GanTrainConfig;
use crate::checkpoint::CheckpointError;
use crate::dataset::Batch;
use crate::network::Network;
use crate::train::{LossName, StateReader, StateWriter, StepCtx, TrainError, TrainLoop, TrainStep};
use comfy_core::nn::Mode;
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
    /// must be the discriminator's input, the discriminator must give one logit, and both must
    /// be conditional on the same classes (or neither).
    pub fn new(
        mut generator: Network,
        mut discriminator: Network,
        backend: Arc<dyn Backend>,
        config: GanTrainConfig,
    ) -> Result<Self, TrainError> {
        let (g, d) = (&generator, &discriminator);
        if g.output_size() != d.input_size() || d.output_size() != 1 || g.classes() != d.classes() {
            return Err(TrainError::Tensor(comfy_core::Error::invalid(
                "gan",
                format!(
                    "generator output {} must equal discriminator input {}, the discriminator must output 1 logit (has {}), and both must know the same classes (generator {}, discriminator {})",
                    g.output(),
                    d.input(),
                    d.output_size(),
                    g.classes(),
                    d.classes()
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

    /// The batch's labels when the networks are conditional.
    fn labels<'b>(&self, batch: &'b Batch) -> Result<Option<&'b [u8]>, TrainError> {
        if self.generator.classes() == 0 {
            return Ok(None);
        }
        match &batch.labels {
            Some(labels) => Ok(Some(labels)),
            None => Err(TrainError::Tensor(comfy_core::Error::invalid(
                "gan",
                "a conditional GAN needs labelled images, and this dataset has no labels",
            ))),
        }
    }

    /// One D update and one G update on a batch of real images; returns (D, G) loss.
    fn update(&mut self, batch: &Batch, ctx: &StepCtx<'_>) -> Result<(f32, f32), TrainError> {
        let real = &batch.images;
        let labels = self.labels(batch)?;
        let b = real.shape().rows_cols().0;
        let latent = self.generator.input_size();
        let z = Tensor::from_vec(standard_normal(&mut self.latent_rng, b * latent), [b, latent])?;
        let tape = Tape::new(self.backend.clone());
        let g = self.generator.params.bind(&tape, true)?;
        let fake = self
            .generator
            .forward(&g, &tape, tape.constant(&z)?, labels, Mode::Train)?;

        let d_value = self.discriminator_update(real, &fake.output.value(), labels)?;
        ctx.check_finite("discriminator", d_value)?;

        // Generator: the same G(z) through the updated D, non-saturating loss (G(z) → 1).
        let ones = tape.constant(&Tensor::full([b, 1], 1.0))?;
        let d_frozen = self.discriminator.params.bind(&tape, false)?;
        let judged = self
            .discriminator
            .forward(&d_frozen, &tape, fake.output, labels, Mode::Train)?;
        let g_loss = judged.output.bce_with_logits(ones)?;
        let g_value = g_loss.item()?;
        ctx.check_finite("generator", g_value)?;
        let mut grads = tape.backward(g_loss)?;
        let g_grads = g.grads(&mut grads);
        drop(grads);
        let (g_stats, d_stats) = (fake.batch_stats, judged.batch_stats);
        // Dropping the tape first leaves the optimizer the only owner of G's parameters, so
        // Adam updates them in place instead of copying.
        drop(tape);
        let be = self.backend.as_ref();
        // Batch norm's running statistics move as in PyTorch: every forward pass in training
        // mode, D's in the generator's update too.
        self.discriminator
            .arch
            .update_running_stats(be, &mut self.discriminator.params, &d_stats)?;
        self.generator
            .arch
            .update_running_stats(be, &mut self.generator.params, &g_stats)?;
        self.opt_g.step(be, &mut self.generator.params, &g_grads)?;
        Ok((d_value, g_value))
    }

    /// One discriminator update: real → 1 (less label smoothing), G(z) → 0. `fake` is a
    /// plain value (detached from G). Runs on a tape of its own, dropped before Adam updates
    /// D's parameters in place. A loss that is not finite is returned without updating.
    ///
    /// Without batch norm, real and fake go through D as one batch of `2b`:
    /// `bce(D(x), 1) + bce(D(G(z)), 0)` is twice the mean over the joined batch. With it, they
    /// go through separately (each batch normalised on its own statistics, as PyTorch's DCGAN
    /// trains), and both passes move the running statistics.
    fn discriminator_update(&mut self, real: &Tensor, fake: &Tensor, labels: Option<&[u8]>) -> Result<f32, TrainError> {
        let b = real.shape().rows_cols().0;
        let smooth = 1.0 - self.config.label_smoothing;
        let tape = Tape::new(self.backend.clone());
        let d = self.discriminator.params.bind(&tape, true)?;
        let net = &self.discriminator;
        let (d_loss, stats) = if net.has_batch_norm() {
            let on_real = net.forward(&d, &tape, tape.constant(real)?, labels, Mode::Train)?;
            let on_fake = net.forward(&d, &tape, tape.constant(fake)?, labels, Mode::Train)?;
            let real_loss = on_real
                .output
                .bce_with_logits(tape.constant(&Tensor::full([b, 1], smooth))?)?;
            let fake_loss = on_fake.output.bce_with_logits(tape.constant(&Tensor::zeros([b, 1]))?)?;
            let stats = [on_real.batch_stats, on_fake.batch_stats].concat();
            (real_loss.add(fake_loss)?, stats)
        } else {
            let mut targets = vec![smooth; b];
            targets.resize(2 * b, 0.0);
            let fake = fake.reshape(real.shape().clone())?;
            let both = Var::concat_rows(&[tape.constant(real)?, tape.constant(&fake)?])?;
            let both_labels = labels.map(|l| [l, l].concat());
            let logits = net
                .forward(&d, &tape, both, both_labels.as_deref(), Mode::Train)?
                .output;
            let target = tape.constant(&Tensor::from_vec(targets, [2 * b, 1])?)?;
            (logits.bce_with_logits(target)?.mul_scalar(2.0)?, Vec::new())
        };
        let d_value = d_loss.item()?;
        if !d_value.is_finite() {
            return Ok(d_value);
        }
        let mut grads = tape.backward(d_loss)?;
        let d_grads = d.grads(&mut grads);
        drop(grads);
        drop(tape);
        let be = self.backend.as_ref();
        self.discriminator
            .arch
            .update_running_stats(be, &mut self.discriminator.params, &stats)?;
        self.opt_d.step(be, &mut self.discriminator.params, &d_grads)?;
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
        let (d, g) = self.update(batch, ctx)?;
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
