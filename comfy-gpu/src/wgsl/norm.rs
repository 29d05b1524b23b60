//! Batch normalisation's kernels: the per-column statistics, the affine pass, and the two
//! passes of its backward (per-column sums, then the element-wise input gradient).
use super::backend::{gpu, Inner};
use super::kernels::{unary_code, Kernel, NO_ACT};
use super::params::{BnDxParams, RowsColsParams, ScaleShiftParams};
use comfy_core::{Error, Result, Shape, Tensor, UnaryOp};

/// Columns per `bn_stats.wgsl` / `bn_sums.wgsl` workgroup.
const GROUP_COLS: u64 = 16;

/// Checks that each of `per_col` holds one value per column of `x`.
fn check_columns(op: &'static str, x: &Tensor, per_col: &[&Tensor]) -> Result<(usize, usize)> {
    let (rows, cols) = x.shape().rows_cols();
    for t in per_col {
        if t.numel() != cols {
            return Err(Error::ShapeMismatch {
                op,
                lhs: x.shape().clone(),
                rhs: t.shape().clone(),
            });
        }
    }
    Ok((rows, cols))
}

impl Inner {
    /// Per-column mean and biased variance.
    pub(crate) fn batch_norm_stats(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let x = self.resident(x)?;
        let (rows, cols) = x.shape().rows_cols();
        let (mean, var) = (self.alloc(Shape::new([cols]))?, self.alloc(Shape::new([cols]))?);
        if cols > 0 {
            let params = RowsColsParams {
                rows: rows as u32,
                cols: cols as u32,
                _pad: [0; 2],
            };
            let groups = self.grid((cols as u64).div_ceil(GROUP_COLS))?;
            let buffers = [gpu(&x)?.buffer(), gpu(&mean)?.buffer(), gpu(&var)?.buffer()];
            self.dispatch(Kernel::BnStats, &buffers, &params, groups)?;
        }
        Ok((mean, var))
    }

    /// `act(x · scale + shift)` per column.
    pub(crate) fn scale_shift(
        &self,
        x: &Tensor,
        scale: &Tensor,
        shift: &Tensor,
        act: Option<UnaryOp>,
    ) -> Result<Tensor> {
        let (rows, cols) = check_columns("scale_shift", x, &[scale, shift])?;
        let (x, scale, shift) = (self.resident(x)?, self.resident(scale)?, self.resident(shift)?);
        let y = self.alloc(x.shape().clone())?;
        let len = rows * cols;
        if len > 0 {
            let (code, c) = act.map_or((NO_ACT, 0.0), unary_code);
            let params = ScaleShiftParams {
                len: len as u32,
                cols: cols as u32,
                c,
                _pad: 0,
            };
            let buffers = [
                gpu(&x)?.buffer(),
                gpu(&scale)?.buffer(),
                gpu(&shift)?.buffer(),
                gpu(&y)?.buffer(),
            ];
            self.dispatch(Kernel::ScaleShift(code), &buffers, &params, self.elementwise_grid(len)?)?;
        }
        Ok(y)
    }

    /// Training-mode batch normalisation's `(dx, dγ, dβ)`.
    pub(crate) fn batch_norm_grad(
        &self,
        x: &Tensor,
        dy: &Tensor,
        mean: &Tensor,
        invstd: &Tensor,
        gamma: &Tensor,
    ) -> Result<(Tensor, Tensor, Tensor)> {
        let (rows, cols) = check_columns("batch_norm_grad", x, &[mean, invstd, gamma])?;
        comfy_core::host::same_size("batch_norm_grad", x, dy)?;
        let [x, dy, mean, invstd, gamma] = [x, dy, mean, invstd, gamma].map(|t| self.resident(t));
        let (x, dy, mean, invstd, gamma) = (x?, dy?, mean?, invstd?, gamma?);
        let (dgamma, dbeta) = (self.alloc(Shape::new([cols]))?, self.alloc(Shape::new([cols]))?);
        let dx = self.alloc(x.shape().clone())?;
        if rows * cols == 0 {
            return Ok((dx, dgamma, dbeta));
        }
        let sums = RowsColsParams {
            rows: rows as u32,
            cols: cols as u32,
            _pad: [0; 2],
        };
        let buffers = [
            gpu(&x)?.buffer(),
            gpu(&dy)?.buffer(),
            gpu(&mean)?.buffer(),
            gpu(&invstd)?.buffer(),
            gpu(&dgamma)?.buffer(),
            gpu(&dbeta)?.buffer(),
        ];
        let groups = self.grid((cols as u64).div_ceil(GROUP_COLS))?;
        self.dispatch(Kernel::BnSums, &buffers, &sums, groups)?;
        // mean, invstd, γ, dγ, dβ side by side in one buffer (bn_dx.wgsl's `stats`).
        let stats = self.alloc(Shape::new([5, cols]))?;
        let bytes = cols as u64 * 4;
        for (i, t) in [&mean, &invstd, &gamma, &dgamma, &dbeta].into_iter().enumerate() {
            self.copy(gpu(t)?.buffer(), 0, gpu(&stats)?.buffer(), i as u64 * bytes, bytes);
        }
        let params = BnDxParams {
            len: (rows * cols) as u32,
            cols: cols as u32,
            inv_rows: 1.0 / rows as f32,
            _pad: 0,
        };
        let buffers = [
            gpu(&x)?.buffer(),
            gpu(&dy)?.buffer(),
            gpu(&stats)?.buffer(),
            gpu(&dx)?.buffer(),
        ];
        self.dispatch(Kernel::BnDx, &buffers, &params, self.elementwise_grid(rows * cols)?)?;
        Ok((dx, dgamma, dbeta))
    }
}
