//! Element-wise kernels: unary functions and their derivatives, broadcast binary ops, and
//! binary cross-entropy with logits.
use super::backend::{gpu, Inner};
use super::kernels::{binary_code, Kernel};
use super::params::{BinaryParams, LenParams, UnaryParams};
use comfy_core::host::same_size;
use comfy_core::{BinaryLayout, BinaryOp, Broadcast, Result, Tensor, UnaryOp};

/// The broadcast code of `binary.wgsl`.
fn broadcast_code(b: Broadcast) -> u32 {
    match b {
        Broadcast::Full => 0,
        Broadcast::Row => 1,
        Broadcast::Col => 2,
        Broadcast::Scalar => 3,
    }
}

impl Inner {
    /// `f(x)`.
    pub(crate) fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        let x = self.resident(x)?;
        let y = self.alloc(x.shape().clone())?;
        let len = x.numel();
        if len > 0 {
            let (code, params) = UnaryParams::for_op(op, len);
            let buffers = [gpu(&x)?.buffer(), gpu(&y)?.buffer()];
            self.dispatch(Kernel::Unary(code), &buffers, &params, self.elementwise_grid(len)?)?;
        }
        Ok(y)
    }

    /// `f'(x) dy` from `x`, `y = f(x)` and `dy`.
    pub(crate) fn unary_grad(&self, op: UnaryOp, x: &Tensor, y: &Tensor, dy: &Tensor) -> Result<Tensor> {
        same_size("unary_grad", x, y)?;
        same_size("unary_grad", x, dy)?;
        let (x, y, dy) = (self.resident(x)?, self.resident(y)?, self.resident(dy)?);
        let dx = self.alloc(x.shape().clone())?;
        let len = x.numel();
        if len > 0 {
            let (code, params) = UnaryParams::for_op(op, len);
            let buffers = [
                gpu(&x)?.buffer(),
                gpu(&y)?.buffer(),
                gpu(&dy)?.buffer(),
                gpu(&dx)?.buffer(),
            ];
            self.dispatch(Kernel::UnaryGrad(code), &buffers, &params, self.elementwise_grid(len)?)?;
        }
        Ok(dx)
    }

    /// `a ∘ b`, broadcasting as [`BinaryLayout`] says.
    pub(crate) fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        let layout = BinaryLayout::of(op.name(), a.shape(), b.shape())?;
        let (a, b) = (self.resident(a)?, self.resident(b)?);
        let out = self.alloc(layout.out.clone())?;
        let len = layout.rows * layout.cols;
        if len > 0 {
            let params = BinaryParams {
                len: len as u32,
                cols: layout.cols as u32,
                lhs: broadcast_code(layout.lhs),
                rhs: broadcast_code(layout.rhs),
            };
            let buffers = [gpu(&a)?.buffer(), gpu(&b)?.buffer(), gpu(&out)?.buffer()];
            self.dispatch(
                Kernel::Binary(binary_code(op)),
                &buffers,
                &params,
                self.elementwise_grid(len)?,
            )?;
        }
        Ok(out)
    }

    /// `max(x, 0) - x t + ln(1 + e^-|x|)` element by element.
    pub(crate) fn bce_with_logits(&self, x: &Tensor, t: &Tensor) -> Result<Tensor> {
        same_size("bce_with_logits", x, t)?;
        let (x, t) = (self.resident(x)?, self.resident(t)?);
        let out = self.alloc(x.shape().clone())?;
        let len = x.numel();
        if len > 0 {
            let params = LenParams {
                len: len as u32,
                _pad: [0; 3],
            };
            let buffers = [gpu(&x)?.buffer(), gpu(&t)?.buffer(), gpu(&out)?.buffer()];
            self.dispatch(Kernel::Bce, &buffers, &params, self.elementwise_grid(len)?)?;
        }
        Ok(out)
    }
}
