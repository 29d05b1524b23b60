//! The forward and backward rules of the recorded ops that need more than a line or two:
//! batch normalisation and the gradient of a column slice.
use crate::backend::{Axis, Backend, BinaryOp, ReduceOp};
use crate::error::Result;
use crate::op::Contribution;
use crate::shape::Shape;
use crate::tensor::Tensor;

/// The tape entries of one batch normalisation.
#[derive(Clone, Copy)]
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

/// `y = γ (x − mean) invstd + β = x · scale + shift`, per column.
pub(crate) fn batch_norm(
    be: &dyn Backend,
    x: &Tensor,
    gamma: &Tensor,
    beta: &Tensor,
    mean: &Tensor,
    invstd: &Tensor,
) -> Result<Tensor> {
    let (scale, shift) = scale_and_shift(be, gamma, beta, mean, invstd)?;
    be.scale_shift(x, &scale, &shift)?.reshape(x.shape().clone())
}

/// Gradients of a batch normalisation. In training the statistics are the batch's own, so the
/// gradient flows through them (the backend's `batch_norm_grad`); in evaluation they are
/// constants: `dx = dy · γ invstd`, `dγ = Σ dy x̂`, `dβ = Σ dy`.
pub(crate) fn batch_norm_backward(
    be: &dyn Backend,
    v: &dyn Fn(usize) -> Tensor,
    dy: &Tensor,
    ids: BatchNormIds,
    training: bool,
    needs: &dyn Fn(usize) -> bool,
) -> Result<Vec<Contribution>> {
    let (x, gamma, mean, invstd) = (v(ids.x), v(ids.gamma), v(ids.mean), v(ids.invstd));
    let (dx, dgamma, dbeta) = if training {
        let (dx, dg, db) = be.batch_norm_grad(&x, dy, &mean, &invstd, &gamma)?;
        (Some(dx), Some(dg), Some(db))
    } else {
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
