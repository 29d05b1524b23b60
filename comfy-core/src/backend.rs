//! The `Backend` trait: the one seam between the maths and the hardware that runs it.
//!
//! The tape and the optimizers only ever call these primitives with tensors the backend made,
//! so a device backend can keep every tensor resident for a whole training step. Data comes
//! back to the host only through [`Backend::to_host`].
use crate::error::Result;
use crate::shape::Shape;
use crate::tensor::Tensor;
use std::fmt;

/// Element-wise functions of one tensor, with their derivative rules.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `max(x, 0)`
    Relu,
    /// `x` if `x > 0`, else `slope * x`
    LeakyRelu(f32),
    /// `1 / (1 + e^-x)`
    Sigmoid,
    /// `tanh(x)`
    Tanh,
    /// `e^x`
    Exp,
    /// `ln x`
    Log,
    /// `x + c`
    AddScalar(f32),
    /// `x * c`
    MulScalar(f32),
}

impl UnaryOp {
    /// The function at one point.
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            UnaryOp::Neg => -x,
            UnaryOp::Relu => x.max(0.0),
            UnaryOp::LeakyRelu(s) => {
                if x > 0.0 {
                    x
                } else {
                    s * x
                }
            }
            UnaryOp::Sigmoid => sigmoid(x),
            UnaryOp::Tanh => x.tanh(),
            UnaryOp::Exp => x.exp(),
            UnaryOp::Log => x.ln(),
            UnaryOp::AddScalar(c) => x + c,
            UnaryOp::MulScalar(c) => x * c,
        }
    }

    /// `dL/dx` from the input `x`, the output `y = f(x)` and the upstream gradient `dy`.
    #[inline]
    pub fn grad(self, x: f32, y: f32, dy: f32) -> f32 {
        match self {
            UnaryOp::Neg => -dy,
            // d relu/dx = 1 where x > 0, else 0.
            UnaryOp::Relu => {
                if x > 0.0 {
                    dy
                } else {
                    0.0
                }
            }
            UnaryOp::LeakyRelu(s) => {
                if x > 0.0 {
                    dy
                } else {
                    s * dy
                }
            }
            // d sigmoid/dx = y (1 - y)
            UnaryOp::Sigmoid => dy * y * (1.0 - y),
            // d tanh/dx = 1 - y²
            UnaryOp::Tanh => dy * (1.0 - y * y),
            // d e^x/dx = e^x = y
            UnaryOp::Exp => dy * y,
            // d ln x/dx = 1/x
            UnaryOp::Log => dy / x,
            UnaryOp::AddScalar(_) => dy,
            UnaryOp::MulScalar(c) => dy * c,
        }
    }

    /// True when the derivative can be computed from the output alone, so that a fused
    /// `linear` needs to keep only its output (relu family with a positive slope, sigmoid, tanh).
    pub fn grad_from_output(self) -> bool {
        match self {
            UnaryOp::Relu | UnaryOp::Sigmoid | UnaryOp::Tanh => true,
            UnaryOp::LeakyRelu(s) => s > 0.0,
            _ => false,
        }
    }
}

/// A numerically stable logistic function.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Binary cross-entropy of a logit `x` against a target `t`, computed without overflow:
/// `max(x, 0) - x t + ln(1 + e^-|x|)`.
#[inline]
pub fn bce_with_logits(x: f32, t: f32) -> f32 {
    x.max(0.0) - x * t + (-x.abs()).exp().ln_1p()
}

/// Element-wise functions of two tensors (see [`crate::BinaryLayout`] for broadcasting).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BinaryOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
}

impl BinaryOp {
    /// The function at one point.
    #[inline]
    pub fn apply(self, a: f32, b: f32) -> f32 {
        match self {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::Div => a / b,
        }
    }

    /// Name used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "div",
        }
    }
}

/// Reductions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceOp {
    /// Sum of the values.
    Sum,
    /// Largest value (not differentiated; used to stabilise softmax).
    Max,
}

/// Which way a reduction collapses the tensor's matrix view `[rows, cols]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Over the rows (the batch): the result is `[1, cols]`.
    Rows,
    /// Over the columns (the features): the result is `[rows, 1]`.
    Cols,
    /// Over everything: the result is `[1]`.
    All,
}

impl Axis {
    /// Shape of the result of reducing a tensor of shape `s` along this axis.
    pub fn reduced_shape(self, s: &Shape) -> Shape {
        let (r, c) = s.rows_cols();
        match self {
            Axis::Rows => Shape::new([1, c]),
            Axis::Cols => Shape::new([r, 1]),
            Axis::All => Shape::new([1]),
        }
    }
}

/// Hyper-parameters of one Adam update, as PyTorch's `torch.optim.Adam` applies them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamStep {
    /// Learning rate.
    pub lr: f32,
    /// Decay of the first moment.
    pub beta1: f32,
    /// Decay of the second moment.
    pub beta2: f32,
    /// Added to the denominator.
    pub eps: f32,
    /// L2 penalty added to the gradient (`g + wd * p`, not decoupled).
    pub weight_decay: f32,
    /// 1-based step count, for bias correction.
    pub step: u32,
}

/// Hyper-parameters of one SGD update, as PyTorch's `torch.optim.SGD` applies them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdStep {
    /// Learning rate.
    pub lr: f32,
    /// Momentum factor (0 disables the velocity buffer).
    pub momentum: f32,
    /// L2 penalty added to the gradient.
    pub weight_decay: f32,
    /// Nesterov momentum.
    pub nesterov: bool,
    /// The first step initialises the velocity with the gradient itself.
    pub first: bool,
}

/// The primitives that the tape and the optimizers need. Implemented by
/// [`ReferenceBackend`](crate::ReferenceBackend) here and by comfy-gpu's rayon and WGSL backends.
///
/// Every method takes tensors made by this backend (or host tensors, which every backend accepts)
/// and returns tensors in the backend's own storage. Shapes are checked; a bad one is an error.
pub trait Backend: Send + Sync + fmt::Debug {
    /// A short name for messages and benchmark tables (`reference`, `cpu`, `wgpu`…).
    fn name(&self) -> String;

    /// Moves a host tensor into this backend's storage (a no-op for CPU backends).
    fn upload(&self, t: &Tensor) -> Result<Tensor>;

    /// Reads a tensor's values back to the host.
    fn to_host(&self, t: &Tensor) -> Result<Vec<f32>>;

    /// `t` as a host tensor of the same shape: `t` itself when it is one already, else its
    /// values read back with [`Backend::to_host`].
    fn to_host_tensor(&self, t: &Tensor) -> Result<Tensor> {
        if t.host_data().is_some() {
            return Ok(t.clone());
        }
        Tensor::from_vec(self.to_host(t)?, t.shape().clone())
    }

    /// A tensor of zeros in this backend's storage.
    fn zeros(&self, shape: &Shape) -> Result<Tensor>;

    /// Matrix product of the matrix views, `op(a) · op(b)`, where `op` transposes when its flag
    /// is set. `a` is `[m, k]` (or `[k, m]` transposed), `b` is `[k, n]` (or `[n, k]`).
    fn matmul(&self, a: &Tensor, b: &Tensor, trans_a: bool, trans_b: bool) -> Result<Tensor>;

    /// `f(x)` element by element.
    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor>;

    /// `dL/dx` element by element from `x`, `y = f(x)` and `dy`.
    fn unary_grad(&self, op: UnaryOp, x: &Tensor, y: &Tensor, dy: &Tensor) -> Result<Tensor>;

    /// `a ∘ b` element by element, broadcasting as [`crate::BinaryLayout`] describes.
    fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor>;

    /// Sum or max along an axis of the matrix view.
    fn reduce(&self, op: ReduceOp, x: &Tensor, axis: Axis) -> Result<Tensor>;

    /// Stacks tensors with equal column counts along the rows.
    fn concat_rows(&self, parts: &[&Tensor]) -> Result<Tensor>;

    /// Rows `start .. start + len` of the matrix view.
    fn slice_rows(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor>;

    /// Element-wise binary cross-entropy of logits `x` against targets `t` (same shape).
    fn bce_with_logits(&self, x: &Tensor, t: &Tensor) -> Result<Tensor>;

    /// One Adam update, in place on `param`, `m` and `v`.
    fn adam_step(&self, param: &mut Tensor, grad: &Tensor, m: &mut Tensor, v: &mut Tensor, h: &AdamStep) -> Result<()>;

    /// One SGD update, in place on `param` and the velocity buffer.
    fn sgd_step(&self, param: &mut Tensor, grad: &Tensor, velocity: &mut Tensor, h: &SgdStep) -> Result<()>;

    /// `act(x · wᵀ + b)`: a linear layer with PyTorch's `[out, in]` weight layout. Backends may
    /// fuse it; the default composes the primitives.
    fn linear(&self, x: &Tensor, w: &Tensor, b: Option<&Tensor>, act: Option<UnaryOp>) -> Result<Tensor> {
        let mut y = self.matmul(x, w, false, true)?;
        if let Some(b) = b {
            y = self.binary(BinaryOp::Add, &y, b)?;
        }
        match act {
            Some(op) => self.unary(op, &y),
            None => Ok(y),
        }
    }

    /// `x` repeated to fill `shape` (the gradient of a reduction). The default adds `x` to zeros.
    fn broadcast_to(&self, x: &Tensor, shape: &Shape) -> Result<Tensor> {
        let zeros = self.zeros(shape)?;
        self.binary(BinaryOp::Add, &zeros, x)
    }

    /// Waits until queued work has finished (for timing). CPU backends are always finished.
    fn synchronize(&self) -> Result<()> {
        Ok(())
    }
}
