//! The forward and backward rules of the recorded ops that need more than a line or two:
//! convolutions, batch normalisation and the gradient of a column slice.
use crate::backend::{Axis, Backend, BinaryOp, ReduceOp, UnaryOp};
use crate::conv::ConvGeometry;
use crate::error::Result;
use crate::op::Contribution;
use crate::shape::Shape;
use crate::tensor::Tensor;

/// The tape entries and geometry of one convolution, with its bias and activation.
#[derive(Clone, Debug)]
pub(crate) struct ConvIds {
    pub x: usize,
    pub w: usize,
    pub b: Option<usize>,
    pub act: Option<UnaryOp>,
    pub g: ConvGeometry,
}

/// `dz = act'(z) · dy` from the output `y = act(z)` (or `dy` itself without an activation).
fn through_act(be: &dyn Backend, act: Option<UnaryOp>, y: &Tensor, dy: &Tensor) -> Result<Tensor> {
    match act {
        Some(op) => be.unary_grad(op, y, y, dy),
        None => Ok(dy.clone()),
    }
}

/// Gradients of `y = act(conv(x, w) + b)`: `dz` through the activation, then for a convolution
/// `dx = conv_transpose(dz, w)`, `dw = Σ_pixels patch(x) dz`; for a transposed one the roles
/// swap (`dx = conv(dz, w)`, `dw = Σ_pixels patch(dz) x`); `db = Σ_rows dz`.
pub(crate) fn conv_backward(
    be: &dyn Backend,
    v: &dyn Fn(usize) -> Tensor,
    y: &Tensor,
    dy: &Tensor,
    c: &ConvIds,
    transposed: bool,
    needs: &dyn Fn(usize) -> bool,
) -> Result<Vec<Contribution>> {
    let dz = through_act(be, c.act, y, dy)?;
    let mut out = Vec::new();
    if needs(c.x) {
        let dx = if transposed {
            be.conv2d(&dz, &v(c.w), &c.g)?
        } else {
            be.conv2d_input_grad(&dz, &v(c.w), &c.g)?
        };
        out.push((c.x, dx));
    }
    if needs(c.w) {
        let dw = if transposed {
            be.conv2d_weight_grad(&dz, &v(c.x), &c.g)?
        } else {
            be.conv2d_weight_grad(&v(c.x), &dz, &c.g)?
        };
        out.push((c.w, dw));
    }
    if let Some(b) = c.b.filter(|&b| needs(b)) {
        out.push((
            b,
            be.reduce(ReduceOp::Sum, &dz, Axis::Rows)?
                .reshape(v(b).shape().clone())?,
        ));
    }
    Ok(out)
}

/// The tape entries of one batch normalisation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BatchNormIds {
    pub x: usize,
    pub gamma: usize,
    pub beta: usize,
    pub mean: usize,
    pub invstd: usize,
}

/// `scale = γ invstd` and `shift = β − mean · scale`, `[C]` each.
fn scale_and_shift(
    be: &dyn Backend,
    gamma: &Tensor,
    beta: &Tensor,
    mean: &Tensor,
    invstd: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let scale = be.binary(BinaryOp::Mul, gamma, invstd)?;
    let shift = be.binary(BinaryOp::Sub, beta, &be.binary(BinaryOp::Mul, mean, &scale)?)?;
    Ok((scale, shift))
}

/// `y = act(γ (x − mean) invstd + β) = act(x · scale + shift)`, per column.
pub(crate) fn batch_norm(
    be: &dyn Backend,
    v: &dyn Fn(usize) -> Tensor,
    ids: BatchNormIds,
    act: Option<UnaryOp>,
) -> Result<Tensor> {
    let x = v(ids.x);
    let (scale, shift) = scale_and_shift(be, &v(ids.gamma), &v(ids.beta), &v(ids.mean), &v(ids.invstd))?;
    be.scale_shift(&x, &scale, &shift, act)?.reshape(x.shape().clone())
}

/// Gradients of a batch normalisation (first through its activation, from the output `y`).
/// In training the statistics are the batch's own, so the gradient flows through them (the
/// backend's `batch_norm_grad`); in evaluation they are constants: `dx = dz · γ invstd`,
/// `dγ = Σ dz x̂`, `dβ = Σ dz`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn batch_norm_backward(
    be: &dyn Backend,
    v: &dyn Fn(usize) -> Tensor,
    y: &Tensor,
    dy: &Tensor,
    ids: BatchNormIds,
    training: bool,
    act: Option<UnaryOp>,
    needs: &dyn Fn(usize) -> bool,
) -> Result<Vec<Contribution>> {
    let (x, gamma, mean, invstd) = (v(ids.x), v(ids.gamma), v(ids.mean), v(ids.invstd));
    let (dx, dgamma, dbeta) = if training {
        let (dx, dg, db) = be.batch_norm_grad(&x, dy, &mean, &invstd, &gamma, act.map(|op| (op, y)))?;
        (Some(dx), Some(dg), Some(db))
    } else {
        let dz = through_act(be, act, y, dy)?;
        let dy = &dz;
        let cols = gamma.numel();
        let dx = needs(ids.x)
            .then(|| be.binary(BinaryOp::Mul, dy, &be.binary(BinaryOp::Mul, &gamma, &invstd)?))
            .transpose()?;
        let dg = needs(ids.gamma)
            .then(|| -> Result<Tensor> {
                let xhat = be.binary(BinaryOp::Mul, &be.binary(BinaryOp::Sub, &x, &mean)?, &invstd)?;
                be.reduce(ReduceOp::Sum, &be.binary(BinaryOp::Mul, dy, &xhat)?, Axis::Rows)?
                    .reshape([cols])
            })
            .transpose()?;
        let db = needs(ids.beta)
            .then(|| be.reduce(ReduceOp::Sum, dy, Axis::Rows)?.reshape([cols]))
            .transpose()?;
        (dx, dg, db)
    };
    let mut out = Vec::new();
    for (id, g) in [(ids.x, dx), (ids.gamma, dgamma), (ids.beta, dbeta)] {
        if let Some(g) = g.filter(|_| needs(id)) {
            out.push((id, g.reshape(v(id).shape().clone())?));
        }
    }
    Ok(out)
}

/// The gradient of `slice_cols(x, start, len)`: `dy` in its columns, zeros in the others.
pub(crate) fn slice_cols_backward(
    be: &dyn Backend,
    x: &Tensor,
    dy: &Tensor,
    start: usize,
    len: usize,
) -> Result<Tensor> {
    let (rows, cols) = x.shape().rows_cols();
    let dy = dy.reshape([rows, len])?;
    let mut pieces = Vec::new();
    if start > 0 {
        pieces.push(be.zeros(&Shape::new([rows, start]))?);
    }
    pieces.push(dy);
    if start + len < cols {
        pieces.push(be.zeros(&Shape::new([rows, cols - start - len]))?);
    }
    be.concat_cols(&pieces.iter().collect::<Vec<_>>())?
        .reshape(x.shape().clone())
}
