//! A backend that forwards every call to another and adds up the time each primitive takes:
//! where a training step's time goes, per op family. Meaningful for backends that finish
//! their work before returning (the CPU ones).
#![allow(dead_code)]

use comfy::core::{AdamStep, Axis, Backend, BinaryOp, ConvGeometry, ReduceOp, Result, SgdStep, Shape, Tensor, UnaryOp};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// `inner` with a clock on every primitive.
pub struct Timed {
    inner: Arc<dyn Backend>,
    totals: Mutex<BTreeMap<String, (Duration, u64)>>,
}

impl fmt::Debug for Timed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timed({:?})", self.inner)
    }
}

impl Timed {
    /// A clock around `inner`.
    pub fn new(inner: Arc<dyn Backend>) -> Self {
        Timed {
            inner,
            totals: Mutex::new(BTreeMap::new()),
        }
    }

    fn time<R>(&self, what: impl Into<String>, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let r = f();
        let dt = t.elapsed();
        let mut totals = self.totals.lock().unwrap_or_else(PoisonError::into_inner);
        let e = totals.entry(what.into()).or_default();
        e.0 += dt;
        e.1 += 1;
        r
    }

    /// Time and calls per primitive so far, then forgets them.
    pub fn take(&self) -> Vec<(String, Duration, u64)> {
        let mut totals = self.totals.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut *totals)
            .into_iter()
            .map(|(k, (d, n))| (k, d, n))
            .collect()
    }
}

/// `name` with the convolution's sizes: `conv2d 64·14×14×64 → 7×7×128 k4`.
fn conv_name(name: &str, g: &ConvGeometry) -> String {
    format!(
        "{name} {}×{}×{} → {}×{}×{} k{}",
        g.in_h, g.in_w, g.in_c, g.out_h, g.out_w, g.out_c, g.kernel[0]
    )
}

fn unary_name(op: UnaryOp) -> String {
    let s = format!("{op:?}");
    s.split('(').next().unwrap_or(&s).to_lowercase()
}

impl Backend for Timed {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn upload(&self, t: &Tensor) -> Result<Tensor> {
        self.time("upload", || self.inner.upload(t))
    }
    fn to_host(&self, t: &Tensor) -> Result<Vec<f32>> {
        self.time("to_host", || self.inner.to_host(t))
    }
    fn zeros(&self, shape: &Shape) -> Result<Tensor> {
        self.time("zeros", || self.inner.zeros(shape))
    }
    fn matmul(&self, a: &Tensor, b: &Tensor, ta: bool, tb: bool) -> Result<Tensor> {
        self.time("matmul", || self.inner.matmul(a, b, ta, tb))
    }
    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        self.time(format!("unary {}", unary_name(op)), || self.inner.unary(op, x))
    }
    fn unary_grad(&self, op: UnaryOp, x: &Tensor, y: &Tensor, dy: &Tensor) -> Result<Tensor> {
        self.time(format!("unary_grad {}", unary_name(op)), || {
            self.inner.unary_grad(op, x, y, dy)
        })
    }
    fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        self.time(format!("binary {}", op.name()), || self.inner.binary(op, a, b))
    }
    fn reduce(&self, op: ReduceOp, x: &Tensor, axis: Axis) -> Result<Tensor> {
        self.time(format!("reduce {axis:?}"), || self.inner.reduce(op, x, axis))
    }
    fn concat_rows(&self, parts: &[&Tensor]) -> Result<Tensor> {
        self.time("concat_rows", || self.inner.concat_rows(parts))
    }
    fn slice_rows(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        self.time("slice_rows", || self.inner.slice_rows(x, start, len))
    }
    fn bce_with_logits(&self, x: &Tensor, t: &Tensor) -> Result<Tensor> {
        self.time("bce_with_logits", || self.inner.bce_with_logits(x, t))
    }
    fn adam_step(&self, p: &mut Tensor, g: &Tensor, m: &mut Tensor, v: &mut Tensor, h: &AdamStep) -> Result<()> {
        self.time("adam_step", || self.inner.adam_step(p, g, m, v, h))
    }
    fn sgd_step(&self, p: &mut Tensor, g: &Tensor, v: &mut Tensor, h: &SgdStep) -> Result<()> {
        self.time("sgd_step", || self.inner.sgd_step(p, g, v, h))
    }
    fn linear(&self, x: &Tensor, w: &Tensor, b: Option<&Tensor>, act: Option<UnaryOp>) -> Result<Tensor> {
        self.time("linear", || self.inner.linear(x, w, b, act))
    }
    fn broadcast_to(&self, x: &Tensor, shape: &Shape) -> Result<Tensor> {
        self.time("broadcast_to", || self.inner.broadcast_to(x, shape))
    }
    fn conv2d(&self, x: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        self.time(conv_name("conv2d", g), || self.inner.conv2d(x, w, g))
    }
    fn conv2d_input_grad(&self, dy: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        self.time(conv_name("conv2d_input_grad", g), || {
            self.inner.conv2d_input_grad(dy, w, g)
        })
    }
    fn conv2d_weight_grad(&self, x: &Tensor, dy: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        self.time(conv_name("conv2d_weight_grad", g), || {
            self.inner.conv2d_weight_grad(x, dy, g)
        })
    }
    fn batch_norm_stats(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        self.time("batch_norm_stats", || self.inner.batch_norm_stats(x))
    }
    fn scale_shift(&self, x: &Tensor, scale: &Tensor, shift: &Tensor, act: Option<UnaryOp>) -> Result<Tensor> {
        self.time("scale_shift", || self.inner.scale_shift(x, scale, shift, act))
    }
    fn conv2d_fused(
        &self,
        x: &Tensor,
        w: &Tensor,
        g: &ConvGeometry,
        b: Option<&Tensor>,
        act: Option<UnaryOp>,
    ) -> Result<Tensor> {
        self.time(conv_name("conv2d", g), || self.inner.conv2d_fused(x, w, g, b, act))
    }
    fn conv_transpose2d_fused(
        &self,
        x: &Tensor,
        w: &Tensor,
        g: &ConvGeometry,
        b: Option<&Tensor>,
        act: Option<UnaryOp>,
    ) -> Result<Tensor> {
        self.time("conv2d_input_grad", || {
            self.inner.conv_transpose2d_fused(x, w, g, b, act)
        })
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
        self.time("batch_norm_grad", || {
            self.inner.batch_norm_grad(x, dy, mean, invstd, gamma, act)
        })
    }
    fn concat_cols(&self, parts: &[&Tensor]) -> Result<Tensor> {
        self.time("concat_cols", || self.inner.concat_cols(parts))
    }
    fn slice_cols(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        self.time("slice_cols", || self.inner.slice_cols(x, start, len))
    }
    fn transpose_batched(&self, x: &Tensor, batch: usize, rows: usize, cols: usize) -> Result<Tensor> {
        self.time("transpose_batched", || {
            self.inner.transpose_batched(x, batch, rows, cols)
        })
    }
    fn synchronize(&self) -> Result<()> {
        self.time("synchronize", || self.inner.synchronize())
    }
}
