//! The `Backend` trait: the one seam between the maths and the hardware that runs it.
//!
//! The tape and the optimizers only ever call these primitives with tensors the backend made,
//! so a device backend can keep every tensor resident for a whole training step. Data comes
//! back to the host only through [`Backend::to_host`].
use crate::conv::ConvGeometry;
use crate::error::Result;
use crate::shape::Shape;
use crate::tensor::Tensor;
use std::fmt;

pub use crate::elementwise::{bce_with_logits, sigmoid, BinaryOp, UnaryOp};

/// `act(y + b)` through the primitives (`b` broadcast along the rows).
fn bias_act<B: Backend + ?Sized>(be: &B, y: Tensor, b: Option<&Tensor>, act: Option<UnaryOp>) -> Result<Tensor> {
    let y = match b {
        Some(b) => be.binary(BinaryOp::Add, &y, b)?,
        None => y,
    };
    match act {
        Some(op) => be.unary(op, &y),
        None => Ok(y),
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

    /// 2-D convolution of NHWC images: `x` `[N, H, W, Cin]` and PyTorch's weight
    /// `[Cout, Cin, kh, kw]` give `[N, OH, OW, Cout]`, sized as `g` says (see [`ConvGeometry`]).
    fn conv2d(&self, x: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor>;

    /// `dL/dx` of [`Backend::conv2d`] from `dy` `[N, OH, OW, Cout]`: `[N, H, W, Cin]`. This is
    /// also the forward pass of the transposed convolution that `g` describes.
    fn conv2d_input_grad(&self, dy: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor>;

    /// `dL/dw` of [`Backend::conv2d`] from `x` and `dy`: `[Cout, Cin, kh, kw]`, each value summed
    /// over the batch's pixels in an order fixed by the shapes.
    fn conv2d_weight_grad(&self, x: &Tensor, dy: &Tensor, g: &ConvGeometry) -> Result<Tensor>;

    /// Per-column mean and biased variance of the matrix view `[rows, C]`, each `[C]`: batch
    /// normalisation's statistics of an NHWC activation. The default composes reductions.
    fn batch_norm_stats(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let (rows, cols) = x.shape().rows_cols();
        let inv = UnaryOp::MulScalar(1.0 / rows.max(1) as f32);
        let mean = self.unary(inv, &self.reduce(ReduceOp::Sum, x, Axis::Rows)?)?;
        let centred = self.binary(BinaryOp::Sub, x, &mean)?;
        let squares = self.binary(BinaryOp::Mul, &centred, &centred)?;
        let var = self.unary(inv, &self.reduce(ReduceOp::Sum, &squares, Axis::Rows)?)?;
        Ok((mean.reshape([cols])?, var.reshape([cols])?))
    }

    /// `act(x · scale + shift)` with one `scale` and `shift` per column (`[C]` each): batch
    /// normalisation's affine pass and the activation after it. The default is a broadcast
    /// multiply, add, then the activation.
    fn scale_shift(&self, x: &Tensor, scale: &Tensor, shift: &Tensor, act: Option<UnaryOp>) -> Result<Tensor> {
        let y = self.binary(BinaryOp::Mul, x, scale)?;
        let y = self.binary(BinaryOp::Add, &y, shift)?;
        act.map_or(Ok(y.clone()), |op| self.unary(op, &y))
    }

    /// `act(conv2d(x, w) + b)` (`b` one value per output channel). Backends may fuse the bias
    /// and the activation into the product; the default composes the primitives.
    fn conv2d_fused(
        &self,
        x: &Tensor,
        w: &Tensor,
        g: &ConvGeometry,
        b: Option<&Tensor>,
        act: Option<UnaryOp>,
    ) -> Result<Tensor> {
        let y = self.conv2d(x, w, g)?;
        bias_act(self, y, b, act)
    }

    /// `act(conv_transpose2d(x, w) + b)`: the input gradient of the convolution `g` describes,
    /// then a bias per output channel and the activation. The default composes the primitives.
    fn conv_transpose2d_fused(
        &self,
        x: &Tensor,
        w: &Tensor,
        g: &ConvGeometry,
        b: Option<&Tensor>,
        act: Option<UnaryOp>,
    ) -> Result<Tensor> {
        let y = self.conv2d_input_grad(x, w, g)?;
        bias_act(self, y, b, act)
    }

    /// The backward pass of training-mode batch normalisation `z = γ x̂ + β`,
    /// `x̂ = (x − mean) · invstd` with the batch's own statistics: `(dx, dγ, dβ)` with
    /// `dβ = Σ dz`, `dγ = Σ dz x̂` and `dx = γ invstd (dz − dβ/R − x̂ dγ/R)` over the `R` rows.
    /// With `act = Some((f, y))` the layer's output was `y = f(z)` and `dy` its gradient, so
    /// `dz = f'(z) dy` (from `y`; backends may fold it into their passes); else `dz = dy`. The
    /// default composes reductions and broadcasts.
    fn batch_norm_grad(
        &self,
        x: &Tensor,
        dy: &Tensor,
        mean: &Tensor,
        invstd: &Tensor,
        gamma: &Tensor,
        act: Option<(UnaryOp, &Tensor)>,
    ) -> Result<(Tensor, Tensor, Tensor)> {
        let dz = match act {
            Some((op, y)) => self.unary_grad(op, y, y, dy)?,
            None => dy.clone(),
        };
        let dy = &dz;
        let (rows, cols) = x.shape().rows_cols();
        let xhat = self.binary(BinaryOp::Mul, &self.binary(BinaryOp::Sub, x, mean)?, invstd)?;
        let dbeta = self.reduce(ReduceOp::Sum, dy, Axis::Rows)?.reshape([cols])?;
        let dgamma = self
            .reduce(ReduceOp::Sum, &self.binary(BinaryOp::Mul, dy, &xhat)?, Axis::Rows)?
            .reshape([cols])?;
        let inv_r = UnaryOp::MulScalar(1.0 / rows.max(1) as f32);
        let centred = self.binary(BinaryOp::Sub, dy, &self.unary(inv_r, &dbeta)?)?;
        let along = self.binary(BinaryOp::Mul, &xhat, &self.unary(inv_r, &dgamma)?)?;
        let scale = self.binary(BinaryOp::Mul, gamma, invstd)?;
        let dx = self.binary(BinaryOp::Mul, &self.binary(BinaryOp::Sub, &centred, &along)?, &scale)?;
        Ok((dx.reshape(x.shape().clone())?, dgamma, dbeta))
    }

    /// Joins tensors with equal row counts side by side, along the columns of the matrix view
    /// (the channels of NHWC images). Parts with the same leading dimensions keep them.
    fn concat_cols(&self, parts: &[&Tensor]) -> Result<Tensor>;

    /// Columns `start .. start + len` of the matrix view (a range of channels).
    fn slice_cols(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor>;

    /// `x` seen as `batch` matrices of `rows × cols`, each transposed: `[batch, cols, rows]`.
    /// Between NHWC (`[N, H·W, C]`) and PyTorch's NCHW order (`[N, C, H·W]`).
    fn transpose_batched(&self, x: &Tensor, batch: usize, rows: usize, cols: usize) -> Result<Tensor>;

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
