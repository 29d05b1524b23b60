//! `impl Backend for WgpuBackend`: each primitive forwards to the file that implements it.
use super::backend::WgpuBackend;
use super::matmul::Epilogue;
use super::storage::BACKEND_NAME;
use comfy_core::{
    AdamStep, Axis, Backend, BinaryOp, ConvGeometry, ReduceOp, Result, SgdStep, Shape, Storage, Tensor, UnaryOp,
};

impl Backend for WgpuBackend {
    fn name(&self) -> String {
        BACKEND_NAME.into()
    }

    fn upload(&self, t: &Tensor) -> Result<Tensor> {
        self.inner.resident(t)
    }

    fn to_host(&self, t: &Tensor) -> Result<Vec<f32>> {
        match t.storage() {
            Storage::Host(v) => Ok(v.to_vec()),
            Storage::Device(_) => {
                let t = self.inner.resident(t)?;
                self.inner.read(&t)
            }
        }
    }

    fn zeros(&self, shape: &Shape) -> Result<Tensor> {
        self.inner.zeros(shape)
    }

    fn matmul(&self, a: &Tensor, b: &Tensor, trans_a: bool, trans_b: bool) -> Result<Tensor> {
        let none = Epilogue { bias: None, act: None };
        self.inner.matmul_fused(a, b, trans_a, trans_b, none)
    }

    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        self.inner.unary(op, x)
    }

    fn unary_grad(&self, op: UnaryOp, x: &Tensor, y: &Tensor, dy: &Tensor) -> Result<Tensor> {
        self.inner.unary_grad(op, x, y, dy)
    }

    fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        self.inner.binary(op, a, b)
    }

    fn reduce(&self, op: ReduceOp, x: &Tensor, axis: Axis) -> Result<Tensor> {
        self.inner.reduce(op, x, axis)
    }

    fn concat_rows(&self, parts: &[&Tensor]) -> Result<Tensor> {
        self.inner.concat_rows(parts)
    }

    fn slice_rows(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        self.inner.slice_rows(x, start, len)
    }

    fn bce_with_logits(&self, x: &Tensor, t: &Tensor) -> Result<Tensor> {
        self.inner.bce_with_logits(x, t)
    }

    fn conv2d(&self, x: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        self.inner.conv2d(x, w, g)
    }

    fn conv2d_input_grad(&self, dy: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        self.inner.conv2d_input_grad(dy, w, g)
    }

    fn conv2d_weight_grad(&self, x: &Tensor, dy: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        self.inner.conv2d_weight_grad(x, dy, g)
    }

    fn batch_norm_stats(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        self.inner.batch_norm_stats(x)
    }

    fn scale_shift(&self, x: &Tensor, scale: &Tensor, shift: &Tensor, act: Option<UnaryOp>) -> Result<Tensor> {
        self.inner.scale_shift(x, scale, shift, act)
    }

    fn batch_norm_grad(
        &self,
        x: &Tensor,
        dy: &Tensor,
        mean: &Tensor,
        invstd: &Tensor,
        gamma: &Tensor,
        act: Option<(UnaryOp, &Tensor)>,
    ) -> Result<(Tensor, Tensor, Tensor)> {
        // The activation's derivative as its own pass, then the two batch-norm passes.
        let dz = match act {
            Some((op, y)) => self.inner.unary_grad(op, y, y, dy)?,
            None => dy.clone(),
        };
        self.inner.batch_norm_grad(x, &dz, mean, invstd, gamma)
    }

    fn concat_cols(&self, parts: &[&Tensor]) -> Result<Tensor> {
        self.inner.concat_cols(parts)
    }

    fn slice_cols(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        self.inner.slice_cols(x, start, len)
    }

    fn transpose_batched(&self, x: &Tensor, batch: usize, rows: usize, cols: usize) -> Result<Tensor> {
        self.inner.transpose_batched(x, batch, rows, cols)
    }

    fn adam_step(&self, param: &mut Tensor, grad: &Tensor, m: &mut Tensor, v: &mut Tensor, h: &AdamStep) -> Result<()> {
        self.inner.adam_step(param, grad, m, v, h)
    }

    fn sgd_step(&self, param: &mut Tensor, grad: &Tensor, velocity: &mut Tensor, h: &SgdStep) -> Result<()> {
        self.inner.sgd_step(param, grad, velocity, h)
    }

    fn linear(&self, x: &Tensor, w: &Tensor, b: Option<&Tensor>, act: Option<UnaryOp>) -> Result<Tensor> {
        self.inner.linear(x, w, b, act)
    }

    fn synchronize(&self) -> Result<()> {
        self.inner.wait()
    }
}
