//! Optimizer updates as kernels, in place on the parameter and its state buffers, so that
//! parameters never leave the device.
use super::backend::{gpu, Inner};
use super::kernels::Kernel;
use super::params::{AdamParams, SgdParams};
use comfy_core::host::same_size;
use comfy_core::{AdamStep, Result, SgdStep, Tensor};

impl Inner {
    /// One Adam update of `param`, `m` and `v` (see adam.wgsl for the formula).
    pub(crate) fn adam_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        m: &mut Tensor,
        v: &mut Tensor,
        h: &AdamStep,
    ) -> Result<()> {
        same_size("adam_step", param, grad)?;
        same_size("adam_step", param, m)?;
        same_size("adam_step", param, v)?;
        let grad = self.resident(grad)?;
        self.make_exclusive(param)?;
        self.make_exclusive(m)?;
        self.make_exclusive(v)?;
        let len = param.numel();
        if len == 0 {
            return Ok(());
        }
        // Bias corrections in f32 on the host, exactly as the reference backend computes them.
        let bc1 = 1.0 - h.beta1.powi(h.step as i32);
        let bc2 = 1.0 - h.beta2.powi(h.step as i32);
        let params = AdamParams {
            len: len as u32,
            beta1: h.beta1,
            beta2: h.beta2,
            eps: h.eps,
            weight_decay: h.weight_decay,
            step_size: h.lr / bc1,
            sqrt_bc2: bc2.sqrt(),
            _pad: 0,
        };
        let buffers = [
            gpu(&grad)?.buffer(),
            gpu(param)?.buffer(),
            gpu(m)?.buffer(),
            gpu(v)?.buffer(),
        ];
        self.dispatch(Kernel::Adam, &buffers, &params, self.elementwise_grid(len)?)
    }

    /// One SGD update of `param` and `velocity` (see sgd.wgsl for the formula).
    pub(crate) fn sgd_step(&self, param: &mut Tensor, grad: &Tensor, velocity: &mut Tensor, h: &SgdStep) -> Result<()> {
        same_size("sgd_step", param, grad)?;
        same_size("sgd_step", param, velocity)?;
        let grad = self.resident(grad)?;
        self.make_exclusive(param)?;
        self.make_exclusive(velocity)?;
        let len = param.numel();
        if len == 0 {
            return Ok(());
        }
        let params = SgdParams {
            len: len as u32,
            lr: h.lr,
            momentum: h.momentum,
            weight_decay: h.weight_decay,
            nesterov: u32::from(h.nesterov),
            first: u32::from(h.first),
            _pad: [0; 2],
        };
        let buffers = [gpu(&grad)?.buffer(), gpu(param)?.buffer(), gpu(velocity)?.buffer()];
        self.dispatch(Kernel::Sgd, &buffers, &params, self.elementwise_grid(len)?)
    }
}
