//! One MLP-GAN training step, built from comfy-core alone, as
//! `shared/anchors/torch_gan_bench.py` runs it in PyTorch:
//!
//! G: z(100) → 256 → 512 → 1024 → 784, LeakyReLU(0.2), Tanh; D: 784 → 512 → 256 → 1,
//! LeakyReLU(0.2), logit. D loss = bce(D(x), 1) + bce(D(G(z)), 0) with G(z) detached; G loss =
//! bce(D(G(z)), 1) with the same G(z) and D bound as constants after D's update. Adam, lr 2e-4,
//! betas (0.5, 0.999). One step = one D update + one G update. Each update's tape is dropped
//! before its optimizer step, so parameters are updated in place, not copied on write.
#![allow(dead_code)]

use comfy::core::random::{rng_from_seed, standard_normal, uniform, ComfyRng};
use comfy::core::{Activation, Adam, Backend, Init, Mlp, Optimizer, ParamStore, Result, Tape, Tensor};
use std::sync::Arc;

/// Width of the noise.
pub const NOISE: usize = 100;
/// Width of an image.
pub const IMAGE: usize = 784;

/// Both networks, their optimizers and a fixed batch of "real" images.
pub struct Gan {
    backend: Arc<dyn Backend>,
    g: Mlp,
    d: Mlp,
    gp: ParamStore,
    dp: ParamStore,
    g_opt: Adam,
    d_opt: Adam,
    rng: ComfyRng,
    batch: usize,
    real: Tensor,
    ones: Tensor,
    zeros: Tensor,
}

impl Gan {
    /// Fresh networks from `seed`, parameters resident on `backend`.
    pub fn new(backend: Arc<dyn Backend>, batch: usize, seed: u64) -> Result<Self> {
        let g = Mlp::new(
            vec![NOISE, 256, 512, 1024, IMAGE],
            Activation::LeakyRelu(0.2),
            Activation::Tanh,
        )?;
        let d = Mlp::new(
            vec![IMAGE, 512, 256, 1],
            Activation::LeakyRelu(0.2),
            Activation::Identity,
        )?;
        let mut rng = rng_from_seed(seed);
        let (mut gp, mut dp) = (g.init(&mut rng, Init::PyTorch)?, d.init(&mut rng, Init::PyTorch)?);
        gp.upload(backend.as_ref())?;
        dp.upload(backend.as_ref())?;
        let real = Tensor::from_vec(uniform(&mut rng, batch * IMAGE, -1.0, 1.0), [batch, IMAGE])?;
        Ok(Gan {
            g,
            d,
            gp,
            dp,
            g_opt: Adam::new(2e-4, 0.5, 0.999),
            d_opt: Adam::new(2e-4, 0.5, 0.999),
            rng,
            batch,
            real,
            ones: Tensor::full([batch, 1], 1.0),
            zeros: Tensor::zeros([batch, 1]),
            backend,
        })
    }

    /// One D update and one G update; returns `(loss_d, loss_g)` read back to the host.
    pub fn step(&mut self) -> Result<(f32, f32)> {
        let be = self.backend.clone();
        let z = Tensor::from_vec(standard_normal(&mut self.rng, self.batch * NOISE), [self.batch, NOISE])?;
        let tape = Tape::new(be.clone());
        let g_vars = self.gp.bind(&tape, true)?;
        let fake = self.g.forward(&g_vars, tape.constant(&z)?)?;

        // D update on its own tape, so that D's parameters are not shared with a live tape when
        // Adam updates them in place: real against ones, G(z) (a constant here) against zeros.
        let loss_d = {
            let d_tape = Tape::new(be.clone());
            let d_vars = self.dp.bind(&d_tape, true)?;
            let on_real = self.d.forward(&d_vars, d_tape.constant(&self.real)?)?;
            let on_fake = self.d.forward(&d_vars, d_tape.constant(&fake.value())?)?;
            let loss = on_real
                .bce_with_logits(d_tape.constant(&self.ones)?)?
                .add(on_fake.bce_with_logits(d_tape.constant(&self.zeros)?)?)?;
            let d_grads = d_vars.grads(&mut d_tape.backward(loss)?);
            let value = loss.item()?;
            drop(d_tape);
            self.d_opt.step(be.as_ref(), &mut self.dp, &d_grads)?;
            value
        };

        // G update through the updated D, bound as constants, on the same G(z).
        let d_frozen = self.dp.bind(&tape, false)?;
        let loss_g = self
            .d
            .forward(&d_frozen, fake)?
            .bce_with_logits(tape.constant(&self.ones)?)?;
        let g_grads = g_vars.grads(&mut tape.backward(loss_g)?);
        let losses = (loss_d, loss_g.item()?);
        drop(tape);
        self.g_opt.step(be.as_ref(), &mut self.gp, &g_grads)?;
        Ok(losses)
    }
}
