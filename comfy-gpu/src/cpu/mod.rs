//! The rayon CPU backend: a packed, cache-blocked matrix product with an AVX2 + FMA
//! micro-kernel (chosen at run time, with a portable fallback) and parallel element-wise ops.
//!
//! Tensors live in host memory. Work is split between rayon's threads in pieces fixed by the
//! shapes alone, and no sum depends on which thread ran what, so the same inputs give
//! bit-identical outputs on every run.
//!
//! ```
//! use comfy_core::{Backend, Tensor};
//! use comfy_gpu::cpu::CpuBackend;
//!
//! # fn main() -> comfy_core::Result<()> {
//! let be = CpuBackend::new();
//! let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], [2, 2])?;
//! let b = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0], [2, 2])?;
//! // a · bᵀ with b the identity is a itself.
//! assert_eq!(be.to_host(&be.matmul(&a, &b, false, true)?)?, vec![1.0, 2.0, 3.0, 4.0]);
//! # Ok(())
//! # }
//! ```
mod blocked;
mod conv;
mod elementwise;
mod kernel;
mod kernel_avx2;
mod kernel_avx512;
mod matmul;
mod norm;
mod optim;
mod pack;
mod par;
mod reduce;
mod scratch;
mod source;
mod thin;
mod tiles;

use comfy_core::host::{
    concat_shape, host, host_concat_cols, host_mut, host_slice_cols, host_transpose, same_size, slice_shape,
};
use comfy_core::{
    matmul_dims, AdamStep, Axis, Backend, BinaryLayout, BinaryOp, Broadcast, ConvGeometry, ReduceOp, Result, SgdStep,
    Shape, Tensor, UnaryOp,
};
use matmul::{Epilogue, Product};

/// How the CPU backend computes the input gradient of `g` (and the transposed convolution it
/// is): `phases` (one implicit GEMM per residue class of the stride) or `col2im` (a dense
/// product and a scatter, for tiny outputs). For tests and benchmark tables.
pub fn conv_input_grad_method(g: &ConvGeometry) -> &'static str {
    match conv::input_grad::method(g) {
        conv::input_grad::Method::Phases => "phases",
        conv::input_grad::Method::Col2im => "col2im",
    }
}

/// The column count of `x`'s matrix view, checking that each of `per_col` has one value per
/// column.
fn per_column(op: &'static str, x: &Tensor, per_col: &[&Tensor]) -> Result<usize> {
    let cols = x.shape().rows_cols().1;
    match per_col.iter().find(|t| t.numel() != cols) {
        Some(t) => Err(comfy_core::Error::ShapeMismatch {
            op,
            lhs: x.shape().clone(),
            rhs: t.shape().clone(),
        }),
        None => Ok(cols),
    }
}

/// A convolution's bias as host values, checking that it holds one per output channel.
fn per_channel_bias<'a>(op: &'static str, b: Option<&'a Tensor>, channels: usize) -> Result<Option<&'a [f32]>> {
    match b {
        Some(b) if b.numel() != channels => Err(comfy_core::Error::ShapeMismatch {
            op,
            lhs: Shape::new([channels]),
            rhs: b.shape().clone(),
        }),
        Some(b) => Ok(Some(host(b, op)?)),
        None => Ok(None),
    }
}

/// The rayon CPU backend (host tensors, rayon's global thread pool).
#[derive(Debug, Default, Clone)]
pub struct CpuBackend;

impl CpuBackend {
    /// A backend using rayon's global thread pool.
    pub fn new() -> Self {
        CpuBackend
    }

    /// Name of the matrix-product micro-kernel this CPU runs (`avx512`, `avx2+fma` or
    /// `portable`).
    pub fn kernel_name(&self) -> &'static str {
        match kernel::Kernel::detect() {
            kernel::Kernel::Avx512(_) => "avx512",
            kernel::Kernel::Avx2(_) => "avx2+fma",
            kernel::Kernel::Portable => "portable",
        }
    }

    fn product(&self, a: &Tensor, b: &Tensor, ta: bool, tb: bool, epi: Epilogue<'_>) -> Result<Tensor> {
        let (m, k, n) = matmul_dims(a.shape(), b.shape(), ta, tb)?;
        let p = Product {
            a: host(a, "matmul")?,
            b: host(b, "matmul")?,
            m,
            k,
            n,
            trans_a: ta,
            trans_b: tb,
        };
        Tensor::from_vec(matmul::gemm(p, epi), [m, n])
    }
}

impl Backend for CpuBackend {
    fn name(&self) -> String {
        "cpu".into()
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
        self.product(a, b, ta, tb, Epilogue::default())
    }

    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        Tensor::from_vec(elementwise::unary(op, host(x, "unary")?), x.shape().clone())
    }

    fn unary_grad(&self, op: UnaryOp, x: &Tensor, y: &Tensor, dy: &Tensor) -> Result<Tensor> {
        same_size("unary_grad", x, y)?;
        same_size("unary_grad", x, dy)?;
        let (xv, yv, dv) = (host(x, "unary_grad")?, host(y, "unary_grad")?, host(dy, "unary_grad")?);
        Tensor::from_vec(elementwise::unary_grad(op, xv, yv, dv), x.shape().clone())
    }

    fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        let l = BinaryLayout::of(op.name(), a.shape(), b.shape())?;
        let out = elementwise::binary(op, &l, host(a, op.name())?, host(b, op.name())?);
        Tensor::from_vec(out, l.out)
    }

    fn reduce(&self, op: ReduceOp, x: &Tensor, axis: Axis) -> Result<Tensor> {
        let (rows, cols) = x.shape().rows_cols();
        let out = reduce::reduce(op, host(x, "reduce")?, rows, cols, axis);
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
        Tensor::from_vec(elementwise::bce_with_logits(xv, tv), x.shape().clone())
    }

    fn conv2d(&self, x: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        g.expect("conv2d", "input", x.shape(), &g.input_shape())?;
        g.expect("conv2d", "weight", w.shape(), &g.weight_shape())?;
        let out = conv::conv2d(host(x, "conv2d")?, host(w, "conv2d")?, g, Epilogue::default());
        Tensor::from_vec(out, g.output_shape())
    }

    fn conv2d_input_grad(&self, dy: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        let op = "conv2d_input_grad";
        g.expect(op, "output gradient", dy.shape(), &g.output_shape())?;
        g.expect(op, "weight", w.shape(), &g.weight_shape())?;
        let out = conv::input_grad::input_grad(host(dy, op)?, host(w, op)?, g, Epilogue::default());
        Tensor::from_vec(out, g.input_shape())
    }

    /// Fused: the bias and the activation run on each output tile of the implicit GEMM while
    /// it is in cache, instead of as two more passes over the output.
    fn conv2d_fused(
        &self,
        x: &Tensor,
        w: &Tensor,
        g: &ConvGeometry,
        b: Option<&Tensor>,
        act: Option<UnaryOp>,
    ) -> Result<Tensor> {
        g.expect("conv2d", "input", x.shape(), &g.input_shape())?;
        g.expect("conv2d", "weight", w.shape(), &g.weight_shape())?;
        let bias = per_channel_bias("conv2d", b, g.out_c)?;
        let out = conv::conv2d(host(x, "conv2d")?, host(w, "conv2d")?, g, Epilogue { bias, act });
        Tensor::from_vec(out, g.output_shape())
    }

    /// Fused as [`CpuBackend::conv2d_fused`] is.
    fn conv_transpose2d_fused(
        &self,
        x: &Tensor,
        w: &Tensor,
        g: &ConvGeometry,
        b: Option<&Tensor>,
        act: Option<UnaryOp>,
    ) -> Result<Tensor> {
        let op = "conv_transpose2d";
        g.expect(op, "input", x.shape(), &g.output_shape())?;
        g.expect(op, "weight", w.shape(), &g.weight_shape())?;
        let bias = per_channel_bias(op, b, g.in_c)?;
        let out = conv::input_grad::input_grad(host(x, op)?, host(w, op)?, g, Epilogue { bias, act });
        Tensor::from_vec(out, g.input_shape())
    }

    fn conv2d_weight_grad(&self, x: &Tensor, dy: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        let op = "conv2d_weight_grad";
        g.expect(op, "input", x.shape(), &g.input_shape())?;
        g.expect(op, "output gradient", dy.shape(), &g.output_shape())?;
        let out = conv::weight_grad(host(x, op)?, host(dy, op)?, g);
        Tensor::from_vec(out, g.weight_shape())
    }

    fn batch_norm_stats(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let (rows, cols) = x.shape().rows_cols();
        let (mean, var) = norm::stats(host(x, "batch_norm_stats")?, rows, cols);
        Ok((Tensor::from_vec(mean, [cols])?, Tensor::from_vec(var, [cols])?))
    }

    fn scale_shift(&self, x: &Tensor, scale: &Tensor, shift: &Tensor, act: Option<UnaryOp>) -> Result<Tensor> {
        let cols = per_column("scale_shift", x, &[scale, shift])?;
        let (sv, bv) = (host(scale, "scale_shift")?, host(shift, "scale_shift")?);
        let y = norm::scale_shift(host(x, "scale_shift")?, cols, sv, bv, act);
        Tensor::from_vec(y, x.shape().clone())
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
        let op = "batch_norm_grad";
        let cols = per_column(op, x, &[mean, invstd, gamma])?;
        same_size(op, x, dy)?;
        let act = match act {
            Some((f, y)) => {
                same_size(op, x, y)?;
                Some((f, host(y, op)?))
            }
            None => None,
        };
        let per_col = norm::PerColumn {
            mean: host(mean, op)?,
            invstd: host(invstd, op)?,
            gamma: host(gamma, op)?,
        };
        let (dx, dg, db) = norm::grad(host(x, op)?, host(dy, op)?, cols, per_col, act);
        Ok((
            Tensor::from_vec(dx, x.shape().clone())?,
            Tensor::from_vec(dg, [cols])?,
            Tensor::from_vec(db, [cols])?,
        ))
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
        optim::adam(p, g, m, v, h);
        Ok(())
    }

    fn sgd_step(&self, param: &mut Tensor, grad: &Tensor, velocity: &mut Tensor, h: &SgdStep) -> Result<()> {
        same_size("sgd_step", param, grad)?;
        same_size("sgd_step", param, velocity)?;
        let g = host(grad, "sgd_step")?;
        let (p, buf) = (host_mut(param, "sgd_step")?, host_mut(velocity, "sgd_step")?);
        optim::sgd(p, g, buf, h);
        Ok(())
    }

    /// Fused: the bias add and the activation run on each output tile of the product while it
    /// is in cache, instead of as two more passes (and two more allocations) over the output.
    /// The values are the unfused composite's bit for bit (same f32 operations, same order).
    ///
    /// Measured (`cargo bench --bench activations -- linear`, 2 threads, leaky ReLU): 7–25 %
    /// faster than matmul + add + unary on the GAN's batch-64 layers (64×512×1024: 467 vs
    /// 534 µs; 64×1024×784: 781 µs vs 1.01 ms), 3 % at batch 256; with tanh, whose libm calls
    /// dominate, 2–10 %.
    fn linear(&self, x: &Tensor, w: &Tensor, b: Option<&Tensor>, act: Option<UnaryOp>) -> Result<Tensor> {
        let (m, _, n) = matmul_dims(x.shape(), w.shape(), false, true)?;
        let bias = match b {
            None => None,
            Some(b) => {
                let l = BinaryLayout::of("add", &Shape::new([m, n]), b.shape())?;
                // One value per output column; with one column (or one row) a scalar (or a full
                // operand) is that too, element for element.
                let per_column = match l.rhs {
                    Broadcast::Row => true,
                    Broadcast::Scalar => n == 1,
                    Broadcast::Full => m == 1,
                    Broadcast::Col => false,
                };
                if !per_column || l.out.dims() != [m, n] {
                    // Not a per-column bias: let the primitives broadcast it.
                    let y = self.binary(BinaryOp::Add, &self.matmul(x, w, false, true)?, b)?;
                    return match act {
                        Some(op) => self.unary(op, &y),
                        None => Ok(y),
                    };
                }
                Some(host(b, "linear")?)
            }
        };
        self.product(x, w, false, true, Epilogue { bias, act })
    }
}
