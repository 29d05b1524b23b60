//! The recorded operations: each one's forward (a backend call) beside its backward rule.
use crate::backend::{Axis, Backend, BinaryOp, ReduceOp, UnaryOp};
use crate::error::Result;
use crate::op_nn;
use crate::shape::{BinaryLayout, Broadcast, Shape};
use crate::tensor::Tensor;

/// One operation on the tape. Operands are indices of earlier tape entries.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// An input or parameter: nothing to differentiate through.
    Leaf,
    Matmul {
        a: usize,
        b: usize,
        ta: bool,
        tb: bool,
    },
    /// `act(x · wᵀ + b)`; `act` is one whose derivative follows from the output.
    Linear {
        x: usize,
        w: usize,
        b: Option<usize>,
        act: Option<UnaryOp>,
    },
    Unary {
        op: UnaryOp,
        x: usize,
    },
    Binary {
        op: BinaryOp,
        a: usize,
        b: usize,
    },
    Sum {
        x: usize,
        axis: Axis,
    },
    Reshape {
        x: usize,
        shape: Shape,
    },
    Concat {
        parts: Vec<usize>,
    },
    SliceRows {
        x: usize,
        start: usize,
        len: usize,
    },
    BceWithLogits {
        x: usize,
        t: usize,
    },
    /// `act(conv2d(x, w) + b)` of NHWC `x` and PyTorch-layout `w`; `act` is one whose
    /// derivative follows from the output.
    Conv2d(op_nn::ConvIds),
    /// `act(conv_transpose2d(x, w) + b)`: the input gradient of the convolution `g` describes.
    ConvTranspose2d(op_nn::ConvIds),
    /// `act(γ (x − mean) invstd + β)` per column; `mean` and `invstd` are leaves. In training
    /// they are the batch's own statistics, and the gradient flows through them too.
    BatchNorm {
        ids: op_nn::BatchNormIds,
        training: bool,
        act: Option<UnaryOp>,
    },
    ConcatCols {
        parts: Vec<usize>,
    },
    SliceCols {
        x: usize,
        start: usize,
        len: usize,
    },
    /// `batch` matrices of `rows × cols`, each transposed.
    TransposeBatched {
        x: usize,
        batch: usize,
        rows: usize,
        cols: usize,
    },
}

/// A gradient flowing back to the operand `usize`.
pub(crate) type Contribution = (usize, Tensor);

impl Op {
    /// The tape entries this op reads.
    pub(crate) fn inputs(&self) -> Vec<usize> {
        match self {
            Op::Leaf => vec![],
            Op::Matmul { a, b, .. } | Op::Binary { a, b, .. } => vec![*a, *b],
            Op::Linear { x, w, b, .. } => [Some(*x), Some(*w), *b].into_iter().flatten().collect(),
            Op::Unary { x, .. }
            | Op::Sum { x, .. }
            | Op::Reshape { x, .. }
            | Op::SliceRows { x, .. }
            | Op::SliceCols { x, .. }
            | Op::TransposeBatched { x, .. } => vec![*x],
            Op::Concat { parts } | Op::ConcatCols { parts } => parts.clone(),
            Op::BceWithLogits { x, t } => vec![*x, *t],
            Op::Conv2d(c) | Op::ConvTranspose2d(c) => [Some(c.x), Some(c.w), c.b].into_iter().flatten().collect(),
            Op::BatchNorm { ids: i, .. } => vec![i.x, i.gamma, i.beta, i.mean, i.invstd],
        }
    }

    /// Computes this op's value from its operands' values.
    pub(crate) fn forward(&self, be: &dyn Backend, v: &dyn Fn(usize) -> Tensor) -> Result<Tensor> {
        match self {
            Op::Leaf => Err(crate::Error::invalid(
                "forward",
                "a leaf is recorded with its value, not computed",
            )),
            Op::Matmul { a, b, ta, tb } => be.matmul(&v(*a), &v(*b), *ta, *tb),
            Op::Linear { x, w, b, act } => be.linear(&v(*x), &v(*w), b.map(v).as_ref(), *act),
            Op::Unary { op, x } => be.unary(*op, &v(*x)),
            Op::Binary { op, a, b } => be.binary(*op, &v(*a), &v(*b)),
            Op::Sum { x, axis } => be.reduce(ReduceOp::Sum, &v(*x), *axis),
            Op::Reshape { x, shape } => v(*x).reshape(shape.clone()),
            Op::Concat { parts } => {
                let values: Vec<Tensor> = parts.iter().map(|&p| v(p)).collect();
                be.concat_rows(&values.iter().collect::<Vec<_>>())
            }
            Op::SliceRows { x, start, len } => be.slice_rows(&v(*x), *start, *len),
            Op::BceWithLogits { x, t } => be.bce_with_logits(&v(*x), &v(*t)),
            Op::Conv2d(c) => be.conv2d_fused(&v(c.x), &v(c.w), &c.g, c.b.map(v).as_ref(), c.act),
            Op::ConvTranspose2d(c) => be.conv_transpose2d_fused(&v(c.x), &v(c.w), &c.g, c.b.map(v).as_ref(), c.act),
            Op::BatchNorm { ids, act, .. } => op_nn::batch_norm(be, v, *ids, *act),
            Op::ConcatCols { parts } => {
                let values: Vec<Tensor> = parts.iter().map(|&p| v(p)).collect();
                be.concat_cols(&values.iter().collect::<Vec<_>>())
            }
            Op::SliceCols { x, start, len } => be.slice_cols(&v(*x), *start, *len),
            Op::TransposeBatched { x, batch, rows, cols } => be.transpose_batched(&v(*x), *batch, *rows, *cols),
        }
    }

    /// Pushes `dy` (the gradient of this op's output `y`) back to the operands for which
    /// `needs(id)` holds.
    pub(crate) fn backward(
        &self,
        be: &dyn Backend,
        v: &dyn Fn(usize) -> Tensor,
        y: &Tensor,
        dy: &Tensor,
        needs: &dyn Fn(usize) -> bool,
    ) -> Result<Vec<Contribution>> {
        let mut out = Vec::new();
        match *self {
            Op::Leaf => {}
            Op::Matmul { a, b, ta, tb } => {
                let (av, bv) = (v(a), v(b));
                // C = op(A)·op(B): dA = dC·op(B)ᵀ, dB = op(A)ᵀ·dC, re-expressed without copies.
                if needs(a) {
                    let da = match (ta, tb) {
                        (false, false) => be.matmul(dy, &bv, false, true)?,
                        (false, true) => be.matmul(dy, &bv, false, false)?,
                        (true, false) => be.matmul(&bv, dy, false, true)?,
                        (true, true) => be.matmul(&bv, dy, true, true)?,
                    };
                    out.push((a, da.reshape(av.shape().clone())?));
                }
                if needs(b) {
                    let db = match (ta, tb) {
                        (false, false) => be.matmul(&av, dy, true, false)?,
                        (false, true) => be.matmul(dy, &av, true, false)?,
                        (true, false) => be.matmul(&av, dy, false, false)?,
                        (true, true) => be.matmul(dy, &av, true, true)?,
                    };
                    out.push((b, db.reshape(bv.shape().clone())?));
                }
            }
            Op::Linear { x, w, b, act } => {
                // z = x·wᵀ + b, y = act(z): dz = act'(z)·dy (from y), dx = dz·w, dw = dzᵀ·x, db = Σ_rows dz.
                let dz = match act {
                    Some(op) => be.unary_grad(op, y, y, dy)?,
                    None => dy.clone(),
                };
                let (xv, wv) = (v(x), v(w));
                if needs(x) {
                    out.push((x, be.matmul(&dz, &wv, false, false)?.reshape(xv.shape().clone())?));
                }
                if needs(w) {
                    out.push((w, be.matmul(&dz, &xv, true, false)?.reshape(wv.shape().clone())?));
                }
                if let Some(b) = b.filter(|&b| needs(b)) {
                    out.push((
                        b,
                        be.reduce(ReduceOp::Sum, &dz, Axis::Rows)?
                            .reshape(v(b).shape().clone())?,
                    ));
                }
            }
            Op::Unary { op, x } => {
                if needs(x) {
                    out.push((x, be.unary_grad(op, &v(x), y, dy)?));
                }
            }
            Op::Binary { op, a, b } => {
                let (av, bv) = (v(a), v(b));
                let layout = BinaryLayout::of(op.name(), av.shape(), bv.shape())?;
                // Gradients with the output's shape, then summed down to each operand's shape.
                let (da, db) = match op {
                    // d(a+b) = da + db
                    BinaryOp::Add => (Some(dy.clone()), Some(dy.clone())),
                    // d(a-b) = da - db
                    BinaryOp::Sub => (
                        Some(dy.clone()),
                        needs(b).then(|| be.unary(UnaryOp::Neg, dy)).transpose()?,
                    ),
                    // d(ab) = b da + a db
                    BinaryOp::Mul => (
                        needs(a).then(|| be.binary(BinaryOp::Mul, dy, &bv)).transpose()?,
                        needs(b).then(|| be.binary(BinaryOp::Mul, dy, &av)).transpose()?,
                    ),
                    // d(a/b) = da / b - a db / b²  (= -y/b db)
                    BinaryOp::Div => (
                        needs(a).then(|| be.binary(BinaryOp::Div, dy, &bv)).transpose()?,
                        needs(b)
                            .then(|| -> Result<Tensor> {
                                let y_over_b = be.binary(BinaryOp::Div, y, &bv)?;
                                let t = be.binary(BinaryOp::Mul, dy, &y_over_b)?;
                                be.unary(UnaryOp::Neg, &t)
                            })
                            .transpose()?,
                    ),
                };
                if let Some(da) = da.filter(|_| needs(a)) {
                    out.push((a, sum_to(be, &da, layout.lhs, av.shape())?));
                }
                if let Some(db) = db.filter(|_| needs(b)) {
                    out.push((b, sum_to(be, &db, layout.rhs, bv.shape())?));
                }
            }
            Op::Sum { x, .. } => {
                if needs(x) {
                    // d Σx / dx = 1: the gradient is dy spread back over the summed axis.
                    out.push((x, be.broadcast_to(dy, v(x).shape())?));
                }
            }
            Op::Reshape { x, .. } => {
                if needs(x) {
                    out.push((x, dy.reshape(v(x).shape().clone())?));
                }
            }
            Op::Concat { ref parts } => {
                let mut row = 0;
                for &p in parts {
                    let pv = v(p);
                    let (rows, _) = pv.shape().rows_cols();
                    if needs(p) {
                        out.push((p, be.slice_rows(dy, row, rows)?.reshape(pv.shape().clone())?));
                    }
                    row += rows;
                }
            }
            Op::SliceRows { x, start, len } => {
                if needs(x) {
                    // The slice's gradient, with zeros for the rows it did not take.
                    let xv = v(x);
                    let (rows, cols) = xv.shape().rows_cols();
                    let mut pieces = Vec::new();
                    if start > 0 {
                        pieces.push(be.zeros(&Shape::new([start, cols]))?);
                    }
                    pieces.push(dy.clone());
                    if start + len < rows {
                        pieces.push(be.zeros(&Shape::new([rows - start - len, cols]))?);
                    }
                    let full = be.concat_rows(&pieces.iter().collect::<Vec<_>>())?;
                    out.push((x, full.reshape(xv.shape().clone())?));
                }
            }
            Op::BceWithLogits { x, t } => {
                let (xv, tv) = (v(x), v(t));
                // ℓ = max(x,0) - x t + ln(1 + e^-|x|): dℓ/dx = σ(x) - t, dℓ/dt = -x.
                if needs(x) {
                    let s = be.unary(UnaryOp::Sigmoid, &xv)?;
                    let g = be.binary(BinaryOp::Sub, &s, &tv)?;
                    out.push((x, be.binary(BinaryOp::Mul, dy, &g)?));
                }
                if needs(t) {
                    let neg_x = be.unary(UnaryOp::Neg, &xv)?;
                    out.push((t, be.binary(BinaryOp::Mul, dy, &neg_x)?));
                }
            }
            Op::Conv2d(ref c) => out.extend(op_nn::conv_backward(be, v, y, dy, c, false, needs)?),
            Op::ConvTranspose2d(ref c) => out.extend(op_nn::conv_backward(be, v, y, dy, c, true, needs)?),
            Op::BatchNorm { ids, training, act } => {
                out.extend(op_nn::batch_norm_backward(be, v, y, dy, ids, training, act, needs)?);
            }
            Op::ConcatCols { ref parts } => {
                let mut col = 0;
                for &p in parts {
                    let pv = v(p);
                    let (_, cols) = pv.shape().rows_cols();
                    if needs(p) {
                        out.push((p, be.slice_cols(dy, col, cols)?.reshape(pv.shape().clone())?));
                    }
                    col += cols;
                }
            }
            Op::SliceCols { x, start, len } => {
                if needs(x) {
                    out.push((x, op_nn::slice_cols_backward(be, &v(x), dy, start, len)?));
                }
            }
            Op::TransposeBatched { x, batch, rows, cols } => {
                // A transpose's gradient is the transpose back.
                if needs(x) {
                    let back = be.transpose_batched(dy, batch, cols, rows)?;
                    out.push((x, back.reshape(v(x).shape().clone())?));
                }
            }
        }
        Ok(out)
    }
}

/// Sums a gradient of the output's shape down to an operand that was broadcast as `how`.
fn sum_to(be: &dyn Backend, g: &Tensor, how: Broadcast, shape: &Shape) -> Result<Tensor> {
    let reduced = match how {
        Broadcast::Full => g.clone(),
        Broadcast::Row => be.reduce(ReduceOp::Sum, g, Axis::Rows)?,
        Broadcast::Col => be.reduce(ReduceOp::Sum, g, Axis::Cols)?,
        Broadcast::Scalar => be.reduce(ReduceOp::Sum, g, Axis::All)?,
    };
    reduced.reshape(shape.clone())
}
