//! Matrix products on `matmul.wgsl`, and `linear` fused into one dispatch.
use super::backend::{backend_error, gpu, Inner};
use super::kernels::{unary_code, Kernel, MatmulParams, MatmulVariant};
use comfy_core::{matmul_dims, Result, Shape, Tensor, UnaryOp};

/// Rows and columns of C per workgroup (`TILE` in matmul.wgsl).
const TILE: u64 = 64;

/// What a product adds after `op(a) · op(b)`.
pub(crate) struct Epilogue<'a> {
    /// A row `[n]` added to every row.
    pub bias: Option<&'a Tensor>,
    /// Applied last.
    pub act: Option<UnaryOp>,
}

impl Inner {
    /// `op(a) · op(b)`, then the epilogue, as an `[m, n]` tensor.
    pub(crate) fn matmul_fused(&self, a: &Tensor, b: &Tensor, ta: bool, tb: bool, epi: Epilogue<'_>) -> Result<Tensor> {
        let (m, k, n) = matmul_dims(a.shape(), b.shape(), ta, tb)?;
        let (a, b) = (self.resident(a)?, self.resident(b)?);
        let bias = epi.bias.map(|t| self.resident(t)).transpose()?;
        let out = self.alloc(Shape::new([m, n]))?;
        if m == 0 || n == 0 {
            return Ok(out);
        }
        let (act, c) = match epi.act {
            Some(op) => {
                let (code, c) = unary_code(op);
                (Some(code), c)
            }
            None => (None, 0.0),
        };
        let variant = MatmulVariant {
            trans_a: ta,
            trans_b: tb,
            // The contiguous dimension of each operand is a whole number of vec4s.
            vec_a: if ta { m % 4 == 0 } else { k % 4 == 0 },
            vec_b: if tb { k % 4 == 0 } else { n % 4 == 0 },
            bias: bias.is_some(),
            act,
        };
        let params = MatmulParams {
            m: m as u32,
            n: n as u32,
            k: k as u32,
            c,
        };
        let (gx, gy) = ((n as u64).div_ceil(TILE), (m as u64).div_ceil(TILE));
        let max = u64::from(self.gpu.limits.max_compute_workgroups_per_dimension);
        if gx > max || gy > max {
            return Err(backend_error(format!(
                "matmul {m}×{k}·{k}×{n} exceeds the device's grid"
            )));
        }
        let (ab, bb, ob) = (gpu(&a)?.buffer(), gpu(&b)?.buffer(), gpu(&out)?.buffer());
        // Without a bias the kernel never reads binding 2; `a` stands in (read-only twice is fine).
        let biasb = match &bias {
            Some(t) => gpu(t)?.buffer(),
            None => ab,
        };
        let buffers = [ab, bb, biasb, ob];
        self.dispatch(Kernel::Matmul(variant), &buffers, &params, [gx as u32, gy as u32, 1])?;
        Ok(out)
    }

    /// `act(x · wᵀ + b)` in one dispatch when `b` is a row of the output's width; otherwise the
    /// primitives, which report the shape error.
    pub(crate) fn linear(&self, x: &Tensor, w: &Tensor, b: Option<&Tensor>, act: Option<UnaryOp>) -> Result<Tensor> {
        let (_, _, n) = matmul_dims(x.shape(), w.shape(), false, true)?;
        if let Some(bias) = b {
            if bias.numel() != n {
                let y = self.matmul_fused(x, w, false, true, Epilogue { bias: None, act: None })?;
                let y = self.binary(comfy_core::BinaryOp::Add, &y, bias)?;
                return match act {
                    Some(op) => self.unary(op, &y),
                    None => Ok(y),
                };
            }
        }
        self.matmul_fused(x, w, false, true, Epilogue { bias: b, act })
    }
}
