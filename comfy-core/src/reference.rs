//! The reference backend: plain loops, obviously correct, the ground truth for every test.
//!
//! Sums and dot products accumulate in `f64` so that finite-difference checks against it are
//! sharp. It is not fast; comfy-gpu provides the fast backends.
use crate::backend::{bce_with_logits, AdamStep, Axis, Backend, BinaryOp, ReduceOp, SgdStep, UnaryOp};
use crate::columns::{
    concat_cols_host, concat_cols_shape, slice_cols_host, slice_cols_shape, transpose_host, transpose_shape,
};
use crate::conv::ConvGeometry;
use crate::error::{Error, Result};
use crate::reference_conv;
use crate::shape::{matmul_dims, BinaryLayout, Shape};
use crate::tensor::Tensor;

/// The plain reference implementation of [`Backend`] on host memory.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReferenceBackend;

/// The values of a host tensor, or an error naming the op for a device tensor.
pub fn host<'a>(t: &'a Tensor, op: &'static str) -> Result<&'a [f32]> {
    t.host_data().ok_or_else(|| {
        Error::invalid(
            op,
            format!("tensor {t:?} is on a device; this backend works on host memory"),
        )
    })
}

/// Mutable values of a host tensor (copied first if shared), or an error for a device tensor.
pub fn host_mut<'a>(t: &'a mut Tensor, op: &'static str) -> Result<&'a mut [f32]> {
    let desc = format!("{t:?}");
    t.host_data_mut().ok_or_else(|| {
        Error::invalid(
            op,
            format!("tensor {desc} is on a device; this backend works on host memory"),
        )
    })
}

/// Checks that two tensors have the same number of elements.
pub fn same_size(op: &'static str, a: &Tensor, b: &Tensor) -> Result<()> {
    if a.numel() != b.numel() {
        return Err(Error::ShapeMismatch {
            op,
            lhs: a.shape().clone(),
            rhs: b.shape().clone(),
        });
    }
    Ok(())
}

/// Shape of `concat_rows(parts)`, checking that the column counts agree. Parts with the same
/// inner dimensions keep them (`[2, 1, 28, 28]` + `[3, 1, 28, 28]` is `[5, 1, 28, 28]`); others
/// give a matrix `[rows, cols]`.
pub fn concat_shape(parts: &[&Tensor]) -> Result<Shape> {
    let first = parts
        .first()
        .ok_or_else(|| Error::invalid("concat_rows", "nothing to concatenate"))?;
    let (_, cols) = first.shape().rows_cols();
    let mut rows = 0;
    for p in parts {
        let (r, c) = p.shape().rows_cols();
        if c != cols {
            return Err(Error::ShapeMismatch {
                op: "concat_rows",
                lhs: first.shape().clone(),
                rhs: p.shape().clone(),
            });
        }
        rows += r;
    }
    let dims = first.shape().dims();
    let same_inner = dims.len() >= 2 && parts.iter().all(|p| p.shape().dims().get(1..) == dims.get(1..));
    if same_inner {
        let mut out = dims.to_vec();
        out[0] = parts.iter().map(|p| p.shape().dims()[0]).sum();
        Ok(Shape::new(out))
    } else {
        Ok(Shape::new([rows, cols]))
    }
}

/// Shape of `slice_rows(x, start, len)`, checking the range.
pub fn slice_shape(x: &Shape, start: usize, len: usize) -> Result<Shape> {
    let (rows, cols) = x.rows_cols();
    if start.checked_add(len).is_none_or(|end| end > rows) {
        return Err(Error::invalid(
            "slice_rows",
            format!("rows {start}..{} out of range for {x}", start.saturating_add(len)),
        ));
    }
    Ok(Shape::new([len, cols]))
}

/// [`Backend::concat_cols`] of host tensors.
pub fn host_concat_cols(parts: &[&Tensor]) -> Result<Tensor> {
    let shapes: Vec<&Shape> = parts.iter().map(|p| p.shape()).collect();
    let shape = concat_cols_shape(&shapes)?;
    let pieces = parts
        .iter()
        .map(|p| Ok((host(p, "concat_cols")?, p.shape().rows_cols().1)))
        .collect::<Result<Vec<_>>>()?;
    Tensor::from_vec(concat_cols_host(&pieces, shape.rows_cols().0), shape)
}

/// [`Backend::slice_cols`] of a host tensor.
pub fn host_slice_cols(x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
    let shape = slice_cols_shape(x.shape(), start, len)?;
    let cols = x.shape().rows_cols().1;
    Tensor::from_vec(slice_cols_host(host(x, "slice_cols")?, cols, start, len), shape)
}

/// [`Backend::transpose_batched`] of a host tensor.
pub fn host_transpose(x: &Tensor, batch: usize, rows: usize, cols: usize) -> Result<Tensor> {
    let shape = transpose_shape(x.shape(), batch, rows, cols)?;
    Tensor::from_vec(transpose_host(host(x, "transpose_batched")?, batch, rows, cols), shape)
}

impl Backend for ReferenceBackend {
    fn name(&self) -> String {
        "reference".into()
    }

    fn upload(&self, t: &Tensor) -> Result<Tensor> {
        host(t, "upload")?;
        Ok(t.clone())
    }

    fn to_host(&self, t: &Tensor) -> Result<Vec<f32>> {
        Ok(host(t, "to_host")?.to_vec())
    }

    fn zeros(&self, shape: &Shape) -> Result<Tensor> {
        Ok(Tensor::zeros(shape.clone()))
    }

    fn matmul(&self, a: &Tensor, b: &Tensor, ta: bool, tb: bool) -> Result<Tensor> {
        let (m, k, n) = matmul_dims(a.shape(), b.shape(), ta, tb)?;
        let (av, bv) = (host(a, "matmul")?, host(b, "matmul")?);
        let a_at = |i: usize, p: usize| if ta { av[p * m + i] } else { av[i * k + p] };
        let b_at = |p: usize, j: usize| if tb { bv[j * k + p] } else { bv[p * n + j] };
        let mut out = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let dot: f64 = (0..k).map(|p| a_at(i, p) as f64 * b_at(p, j) as f64).sum();
                out[i * n + j] = dot as f32;
            }
        }
        Tensor::from_vec(out, [m, n])
    }

    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        let out = host(x, "unary")?.iter().map(|&v| op.apply(v)).collect();
        Tensor::from_vec(out, x.shape().clone())
    }

    fn unary_grad(&self, op: UnaryOp, x: &Tensor, y: &Tensor, dy: &Tensor) -> Result<Tensor> {
        same_size("unary_grad", x, y)?;
        same_size("unary_grad", x, dy)?;
        let (xv, yv, dv) = (host(x, "unary_grad")?, host(y, "unary_grad")?, host(dy, "unary_grad")?);
        let out = (0..xv.len()).map(|i| op.grad(xv[i], yv[i], dv[i])).collect();
        Tensor::from_vec(out, x.shape().clone())
    }

    fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        let l = BinaryLayout::of(op.name(), a.shape(), b.shape())?;
        let (av, bv) = (host(a, op.name())?, host(b, op.name())?);
        let mut out = Vec::with_capacity(l.rows * l.cols);
        for i in 0..l.rows {
            for j in 0..l.cols {
                out.push(op.apply(av[l.lhs.index(i, j, l.cols)], bv[l.rhs.index(i, j, l.cols)]));
            }
        }
        Tensor::from_vec(out, l.out)
    }

    fn reduce(&self, op: ReduceOp, x: &Tensor, axis: Axis) -> Result<Tensor> {
        let (rows, cols) = x.shape().rows_cols();
        let xv = host(x, "reduce")?;
        let fold = |idx: &mut dyn Iterator<Item = usize>| -> f32 {
            match op {
                ReduceOp::Sum => idx.map(|i| xv[i] as f64).sum::<f64>() as f32,
                ReduceOp::Max => idx.map(|i| xv[i]).fold(f32::NEG_INFINITY, f32::max),
            }
        };
        let out: Vec<f32> = match axis {
            Axis::Rows => (0..cols).map(|j| fold(&mut (0..rows).map(|i| i * cols + j))).collect(),
            Axis::Cols => (0..rows).map(|i| fold(&mut (i * cols..(i + 1) * cols))).collect(),
            Axis::All => vec![fold(&mut (0..rows * cols))],
        };
        Tensor::from_vec(out, axis.reduced_shape(x.shape()))
    }

    fn concat_rows(&self, parts: &[&Tensor]) -> Result<Tensor> {
        let shape = concat_shape(parts)?;
        let mut out = Vec::with_capacity(shape.numel());
        for p in parts {
            out.extend_from_slice(host(p, "concat_rows")?);
        }
        Tensor::from_vec(out, shape)
    }

    fn slice_rows(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        let shape = slice_shape(x.shape(), start, len)?;
        let (_, cols) = x.shape().rows_cols();
        let xv = host(x, "slice_rows")?;
        Tensor::from_vec(xv[start * cols..(start + len) * cols].to_vec(), shape)
    }

    fn bce_with_logits(&self, x: &Tensor, t: &Tensor) -> Result<Tensor> {
        same_size("bce_with_logits", x, t)?;
        let (xv, tv) = (host(x, "bce_with_logits")?, host(t, "bce_with_logits")?);
        let out = xv.iter().zip(tv).map(|(&x, &t)| bce_with_logits(x, t)).collect();
        Tensor::from_vec(out, x.shape().clone())
    }

    fn conv2d(&self, x: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        reference_conv::conv2d(x, w, g)
    }

    fn conv2d_input_grad(&self, dy: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        reference_conv::conv2d_input_grad(dy, w, g)
    }

    fn conv2d_weight_grad(&self, x: &Tensor, dy: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        reference_conv::conv2d_weight_grad(x, dy, g)
    }

    fn concat_cols(&self, parts: &[&Tensor]) -> Result<Tensor> {
        host_concat_cols(parts)
    }

    fn slice_cols(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        host_slice_cols(x, start, len)
    }

    fn transpose_batched(&self, x: &Tensor, batch: usize, rows: usize, cols: usize) -> Result<Tensor> {
        host_transpose(x, batch, rows, cols)
    }

    fn adam_step(&self, param: &mut Tensor, grad: &Tensor, m: &mut Tensor, v: &mut Tensor, h: &AdamStep) -> Result<()> {
        same_size("adam_step", param, grad)?;
        same_size("adam_step", param, m)?;
        same_size("adam_step", param, v)?;
        let g = host(grad, "adam_step")?;
        let (p, m, v) = (
            host_mut(param, "adam_step")?,
            host_mut(m, "adam_step")?,
            host_mut(v, "adam_step")?,
        );
        let bc1 = 1.0 - h.beta1.powi(h.step as i32);
        let bc2 = 1.0 - h.beta2.powi(h.step as i32);
        for i in 0..p.len() {
            let gi = g[i] + h.weight_decay * p[i];
            m[i] = h.beta1 * m[i] + (1.0 - h.beta1) * gi;
            v[i] = h.beta2 * v[i] + (1.0 - h.beta2) * gi * gi;
            // PyTorch: p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
            p[i] -= (h.lr / bc1) * m[i] / (v[i].sqrt() / bc2.sqrt() + h.eps);
        }
        Ok(())
    }

    fn sgd_step(&self, param: &mut Tensor, grad: &Tensor, velocity: &mut Tensor, h: &SgdStep) -> Result<()> {
        same_size("sgd_step", param, grad)?;
        same_size("sgd_step", param, velocity)?;
        let g = host(grad, "sgd_step")?;
        let (p, buf) = (host_mut(param, "sgd_step")?, host_mut(velocity, "sgd_step")?);
        for i in 0..p.len() {
            let mut gi = g[i] + h.weight_decay * p[i];
            if h.momentum != 0.0 {
                buf[i] = if h.first { gi } else { h.momentum * buf[i] + gi };
                gi = if h.nesterov { gi + h.momentum * buf[i] } else { buf[i] };
            }
            p[i] -= h.lr * gi;
        }
        Ok(())
    }
}
