//! Reductions along the rows, the columns, or everything.
use super::backend::{gpu, Inner};
use super::kernels::{reduce_code, Kernel, NEG_INF_BITS};
use super::params::{ReduceColsParams, ReduceRowsParams};
use comfy_core::{Axis, ReduceOp, Result, Shape, Tensor};

/// Up to this many values, a whole-tensor reduction is one workgroup's job.
const ONE_PASS: usize = 1 << 16;

/// Above [`ONE_PASS`], the first pass folds chunks of this many values.
const CHUNK: usize = 4096;

/// Columns per `reduce_rows.wgsl` workgroup.
const ROWS_GROUP_COLS: u64 = 16;

impl Inner {
    /// Sum or max along `axis` of the matrix view.
    pub(crate) fn reduce(&self, op: ReduceOp, x: &Tensor, axis: Axis) -> Result<Tensor> {
        let x = self.resident(x)?;
        let (rows, cols) = x.shape().rows_cols();
        let out_shape = axis.reduced_shape(x.shape());
        match axis {
            Axis::Rows => self.reduce_rows(op, &x, rows, cols, out_shape),
            Axis::Cols => self.reduce_cols(op, &x, rows, cols, rows * cols, out_shape),
            Axis::All if rows * cols <= ONE_PASS => self.reduce_cols(op, &x, 1, rows * cols, rows * cols, out_shape),
            Axis::All => {
                let len = rows * cols;
                let chunks = len.div_ceil(CHUNK);
                let partial = self.reduce_cols(op, &x, chunks, CHUNK, len, Shape::new([chunks]))?;
                self.reduce_cols(op, &partial, 1, chunks, chunks, out_shape)
            }
        }
    }

    /// `out[j] = fold_i x[i, j]`.
    fn reduce_rows(&self, op: ReduceOp, x: &Tensor, rows: usize, cols: usize, shape: Shape) -> Result<Tensor> {
        let out = self.alloc(shape)?;
        if cols > 0 {
            let params = ReduceRowsParams {
                rows: rows as u32,
                cols: cols as u32,
                neg_inf_bits: NEG_INF_BITS,
                _pad: 0,
            };
            let groups = self.grid((cols as u64).div_ceil(ROWS_GROUP_COLS))?;
            let buffers = [gpu(x)?.buffer(), gpu(&out)?.buffer()];
            self.dispatch(Kernel::ReduceRows(reduce_code(op)), &buffers, &params, groups)?;
        }
        Ok(out)
    }

    /// `out[i] = fold_j x[i * cols + j]` over flat indices below `len`.
    fn reduce_cols(
        &self,
        op: ReduceOp,
        x: &Tensor,
        rows: usize,
        cols: usize,
        len: usize,
        shape: Shape,
    ) -> Result<Tensor> {
        let out = self.alloc(shape)?;
        if rows > 0 {
            let params = ReduceColsParams {
                rows: rows as u32,
                cols: cols as u32,
                len: len as u32,
                neg_inf_bits: NEG_INF_BITS,
            };
            let buffers = [gpu(x)?.buffer(), gpu(&out)?.buffer()];
            self.dispatch(
                Kernel::ReduceCols(reduce_code(op)),
                &buffers,
                &params,
                self.grid(rows as u64)?,
            )?;
        }
        Ok(out)
    }
}
