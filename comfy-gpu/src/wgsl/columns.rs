//! Joins and cuts along the columns of the matrix view (the channels of NHWC images) on
//! `columns.wgsl`, and batched transposes (NHWC ↔ NCHW) on `transpose.wgsl`.
use super::backend::{gpu, Inner};
use super::kernels::Kernel;
use super::params::{ColumnsParams, TransposeParams};
use comfy_core::host::{concat_cols_shape, slice_cols_shape, transpose_shape};
use comfy_core::{Result, Shape, Tensor};

impl Inner {
    /// Copies `width` columns from `src` (`src_cols` wide, from column `src_off`) into `dst`
    /// (`dst_cols` wide, from `dst_off`), for `rows` rows.
    fn copy_columns(
        &self,
        src: &Tensor,
        dst: &Tensor,
        rows: usize,
        width: usize,
        (src_cols, src_off): (usize, usize),
        (dst_cols, dst_off): (usize, usize),
    ) -> Result<()> {
        if rows * width == 0 {
            return Ok(());
        }
        let params = ColumnsParams {
            rows: rows as u32,
            width: width as u32,
            src_cols: src_cols as u32,
            src_off: src_off as u32,
            dst_cols: dst_cols as u32,
            dst_off: dst_off as u32,
            _pad: [0; 2],
        };
        let buffers = [gpu(src)?.buffer(), gpu(dst)?.buffer()];
        self.dispatch(Kernel::Columns, &buffers, &params, self.elementwise_grid(rows * width)?)
    }

    /// The parts side by side: one copy of columns per part.
    pub(crate) fn concat_cols(&self, parts: &[&Tensor]) -> Result<Tensor> {
        let shapes: Vec<&Shape> = parts.iter().map(|p| p.shape()).collect();
        let shape = concat_cols_shape(&shapes)?;
        let (rows, total) = shape.rows_cols();
        let out = self.alloc(shape)?;
        let mut offset = 0;
        for p in parts {
            let p = self.resident(p)?;
            let cols = p.shape().rows_cols().1;
            self.copy_columns(&p, &out, rows, cols, (cols, 0), (total, offset))?;
            offset += cols;
        }
        Ok(out)
    }

    /// Columns `start .. start + len`.
    pub(crate) fn slice_cols(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        let shape = slice_cols_shape(x.shape(), start, len)?;
        let x = self.resident(x)?;
        let (rows, cols) = x.shape().rows_cols();
        let out = self.alloc(shape)?;
        self.copy_columns(&x, &out, rows, len, (cols, start), (len, 0))?;
        Ok(out)
    }

    /// `batch` matrices of `rows × cols`, each transposed.
    pub(crate) fn transpose_batched(&self, x: &Tensor, batch: usize, rows: usize, cols: usize) -> Result<Tensor> {
        let shape = transpose_shape(x.shape(), batch, rows, cols)?;
        let x = self.resident(x)?;
        let out = self.alloc(shape)?;
        let len = x.numel();
        if len > 0 {
            let params = TransposeParams {
                batch: batch as u32,
                rows: rows as u32,
                cols: cols as u32,
                _pad: 0,
            };
            let buffers = [gpu(&x)?.buffer(), gpu(&out)?.buffer()];
            self.dispatch(Kernel::Transpose, &buffers, &params, self.elementwise_grid(len)?)?;
        }
        Ok(out)
    }
}
