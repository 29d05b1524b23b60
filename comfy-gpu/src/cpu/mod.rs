//! The rayon CPU backend.
//!
//! PLACEHOLDER: delegates to the reference backend until the rayon backend lands.
use comfy_core::{
    AdamStep, Axis, Backend, BinaryOp, ReduceOp, ReferenceBackend, Result, SgdStep, Shape, Tensor, UnaryOp,
};

/// The rayon CPU backend.
#[derive(Debug, Default, Clone)]
pub struct CpuBackend;

impl CpuBackend {
    /// A backend using rayon's global thread pool.
    pub fn new() -> Self {
        CpuBackend
    }
}

impl Backend for CpuBackend {
    fn name(&self) -> String {
        "cpu".into()
    }
    fn upload(&self, t: &Tensor) -> Result<Tensor> {
        ReferenceBackend.upload(t)
    }
    fn to_host(&self, t: &Tensor) -> Result<Vec<f32>> {
        ReferenceBackend.to_host(t)
    }
    fn zeros(&self, shape: &Shape) -> Result<Tensor> {
        ReferenceBackend.zeros(shape)
    }
    fn matmul(&self, a: &Tensor, b: &Tensor, ta: bool, tb: bool) -> Result<Tensor> {
        ReferenceBackend.matmul(a, b, ta, tb)
    }
    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        ReferenceBackend.unary(op, x)
    }
    fn unary_grad(&self, op: UnaryOp, x: &Tensor, y: &Tensor, dy: &Tensor) -> Result<Tensor> {
        ReferenceBackend.unary_grad(op, x, y, dy)
    }
    fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        ReferenceBackend.binary(op, a, b)
    }
    fn reduce(&self, op: ReduceOp, x: &Tensor, axis: Axis) -> Result<Tensor> {
        ReferenceBackend.reduce(op, x, axis)
    }
    fn concat_rows(&self, parts: &[&Tensor]) -> Result<Tensor> {
        ReferenceBackend.concat_rows(parts)
    }
    fn slice_rows(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        ReferenceBackend.slice_rows(x, start, len)
    }
    fn bce_with_logits(&self, x: &Tensor, t: &Tensor) -> Result<Tensor> {
        ReferenceBackend.bce_with_logits(x, t)
    }
    fn adam_step(&self, p: &mut Tensor, g: &Tensor, m: &mut Tensor, v: &mut Tensor, h: &AdamStep) -> Result<()> {
        ReferenceBackend.adam_step(p, g, m, v, h)
    }
    fn sgd_step(&self, p: &mut Tensor, g: &Tensor, vel: &mut Tensor, h: &SgdStep) -> Result<()> {
        ReferenceBackend.sgd_step(p, g, vel, h)
    }
}
