//! One DCGAN training step at the tape level, built on comfy-core's layer lists alone, as
//! `benches/torch_dcgan_bench.py` runs it in PyTorch: the issue-14 MNIST DCGAN
//! ([`DcganConfig::default`]), DCGAN initialisation, BCE with logits, Adam (lr 2e-4, betas
//! 0.5 / 0.999) for each network.
//!
//! One step: `fake = G(z)`; D update on `D(real)` against ones and `D(fake)` (a constant)
//! against zeros; G update through the updated D (bound as constants) on the same `fake`
//! against ones. Every pass is in training mode, as PyTorch's modules are by default: each of
//! D's three passes and G's one normalise with their own batch's statistics and fold them into
//! the running ones, in PyTorch's order. Each update's tape is dropped before its optimizer
//! step, so parameters are updated in place, not copied on write.
#![allow(dead_code)]

use comfy::core::nn::{DcganConfig, Init, Mode, Sequential};
use comfy::core::random::{rng_from_seed, standard_normal, ComfyRng};
use comfy::core::{Adam, Backend, Optimizer, ParamStore, Result, Tape, Tensor};
use std::sync::Arc;

/// Both networks, their parameters and optimizers.
pub struct Dcgan {
    backend: Arc<dyn Backend>,
    cfg: DcganConfig,
    g: Sequential,
    d: Sequential,
    gp: ParamStore,
    dp: ParamStore,
    g_opt: Adam,
    d_opt: Adam,
    rng: ComfyRng,
    batch: usize,
    ones: Tensor,
    zeros: Tensor,
}

impl Dcgan {
    /// Fresh networks of `cfg` from `seed`, parameters resident on `backend`, for batches of
    /// `batch` images.
    pub fn new(backend: Arc<dyn Backend>, cfg: DcganConfig, batch: usize, seed: u64) -> Result<Self> {
        let (g, d) = (cfg.generator()?, cfg.discriminator()?);
        let mut rng = rng_from_seed(seed);
        let (mut gp, mut dp) = (g.init(&mut rng, Init::Dcgan)?, d.init(&mut rng, Init::Dcgan)?);
        gp.upload(backend.as_ref())?;
        dp.upload(backend.as_ref())?;
        Ok(Dcgan {
            cfg,
            g,
            d,
            gp,
            dp,
            g_opt: Adam::new(2e-4, 0.5, 0.999),
            d_opt: Adam::new(2e-4, 0.5, 0.999),
            rng,
            batch,
            ones: backend.upload(&Tensor::full([batch, 1], 1.0))?,
            zeros: backend.upload(&Tensor::zeros([batch, 1]))?,
            backend,
        })
    }

    /// The images per batch.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// One D update and one G update on `real` (`[batch, 784]` or `[batch, 28, 28, 1]`, values
    /// in [-1, 1]); returns `(loss_d, loss_g)` read back to the host.
    pub fn step(&mut self, real: &Tensor) -> Result<(f32, f32)> {
        let be = self.backend.clone();
        let noise = standard_normal(&mut self.rng, self.batch * self.cfg.latent);
        let z = Tensor::from_vec(noise, [self.batch, self.cfg.latent])?;
        let tape = Tape::new(be.clone());
        let g_vars = self.gp.bind(&tape, true)?;
        let fake = self.g.forward(&g_vars, tape.constant(&z)?, None, Mode::Train)?;

        // D update on its own tape: real against ones, G(z) (a constant here) against zeros.
        let loss_d = {
            let d_tape = Tape::new(be.clone());
            let d_vars = self.dp.bind(&d_tape, true)?;
            let on_real = self.d.forward(&d_vars, d_tape.constant(real)?, None, Mode::Train)?;
            let on_fake = self
                .d
                .forward(&d_vars, d_tape.constant(&fake.output.value())?, None, Mode::Train)?;
            let loss = on_real
                .output
                .bce_with_logits(d_tape.constant(&self.ones)?)?
                .add(on_fake.output.bce_with_logits(d_tape.constant(&self.zeros)?)?)?;
            let d_grads = d_vars.grads(&mut d_tape.backward(loss)?);
            let value = loss.item()?;
            let stats = [on_real.batch_stats, on_fake.batch_stats];
            drop(d_vars);
            drop(d_tape);
            for s in &stats {
                self.d.update_running_stats(be.as_ref(), &mut self.dp, s)?;
            }
            self.d_opt.step(be.as_ref(), &mut self.dp, &d_grads)?;
            value
        };

        // G update through the updated D, bound as constants, on the same G(z).
        let d_frozen = self.dp.bind(&tape, false)?;
        let judged = self.d.forward(&d_frozen, fake.output, None, Mode::Train)?;
        let loss_g = judged.output.bce_with_logits(tape.constant(&self.ones)?)?;
        let g_grads = g_vars.grads(&mut tape.backward(loss_g)?);
        let losses = (loss_d, loss_g.item()?);
        let (d_stats, g_stats) = (judged.batch_stats, fake.batch_stats);
        drop(d_frozen);
        drop(g_vars);
        drop(tape);
        self.d.update_running_stats(be.as_ref(), &mut self.dp, &d_stats)?;
        self.g.update_running_stats(be.as_ref(), &mut self.gp, &g_stats)?;
        self.g_opt.step(be.as_ref(), &mut self.gp, &g_grads)?;
        Ok(losses)
    }
}
