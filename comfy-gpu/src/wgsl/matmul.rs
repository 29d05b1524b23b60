//! Matrix products on `matmul.wgsl`, and `linear` fused into one dispatch.
use super::backend::{backend_error, gpu, Inner};
use super::kernels::{unary_code, Kernel, MatmulVariant};
use super::params::MatmulParams;
use comfy_core::{matmul_dims, Result, Shape, Tensor, UnaryOp};

/// Rows and columns of C per workgroup (`TILE` in matmul.wgsl) of the narrow tile; a wide tile
/// is twice that.
const TILE: u64 = 64;

/// Whether a product of `m × n` outputs uses 128 × 128 tiles: only where the device allows
/// 16 × 16 invocations and the wide slabs' 16.5 KiB of workgroup memory (more than WebGPU's
/// and Vulkan's guaranteed minimums). Then `COMFY_MATMUL_TILE=64|128` forces one size (for
/// benchmarks); otherwise products of at least `WIDE_MIN_OUTPUTS` outputs use the wide tile,
/// which needs fewer loads per multiply-add but yields a quarter as many workgroups.
fn wide_tile(m: usize, n: usize, limits: &wgpu::Limits) -> bool {
    let fits = limits.max_compute_invocations_per_workgroup >= 256
        && limits.max_compute_workgroup_size_x >= 16
        && limits.max_compute_workgroup_size_y >= 16
        && limits.max_compute_workgroup_storage_size >= WIDE_WORKGROUP_BYTES;
    if !fits {
        return false;
    }
    static FORCED: std::sync::OnceLock<Option<bool>> = std::sync::OnceLock::new();
    let forced = FORCED.get_or_init(|| match std::env::var("COMFY_MATMUL_TILE").as_deref() {
        Ok("128") => Some(true),
        Ok("64") => Some(false),
        _ => None,
    });
    forced.unwrap_or(m.saturating_mul(n) >= WIDE_MIN_OUTPUTS)
}

/// See [`wide_tile`].
const WIDE_MIN_OUTPUTS: usize = 2048 * 2048;
/// Workgroup memory of the wide tile: the A slab (512 vec4s) and the padded B slab (544).
const WIDE_WORKGROUP_BYTES: u32 = (512 + 544) * 16;

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
            wide: wide_tile(m, n, &self.gpu.limits),
        };
        let params = MatmulParams {
            m: m as u32,
            n: n as u32,
            k: k as u32,
            c,
        };
        let tile = if variant.wide { 2 * TILE } else { TILE };
        let (gx, gy) = ((n as u64).div_ceil(tile), (m as u64).div_ceil(tile));
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
