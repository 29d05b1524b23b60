//! Ops that are buffer copies or clears: zeros, concatenation and slicing along the rows.
use super::backend::{gpu, Inner};
use comfy_core::host::{concat_shape, slice_shape};
use comfy_core::{Result, Shape, Tensor};

impl Inner {
    /// A tensor of zeros.
    pub(crate) fn zeros(&self, shape: &Shape) -> Result<Tensor> {
        let t = self.alloc(shape.clone())?;
        self.clear(gpu(&t)?.buffer(), t.numel() as u64 * 4);
        Ok(t)
    }

    /// The parts stacked along the rows: one copy per part.
    pub(crate) fn concat_rows(&self, parts: &[&Tensor]) -> Result<Tensor> {
        let shape = concat_shape(parts)?;
        let out = self.alloc(shape)?;
        let mut offset = 0;
        for p in parts {
            let p = self.resident(p)?;
            let bytes = p.numel() as u64 * 4;
            self.copy(gpu(&p)?.buffer(), 0, gpu(&out)?.buffer(), offset, bytes);
            offset += bytes;
        }
        Ok(out)
    }

    /// Rows `start .. start + len`: one copy.
    pub(crate) fn slice_rows(&self, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        let shape = slice_shape(x.shape(), start, len)?;
        let x = self.resident(x)?;
        let (_, cols) = x.shape().rows_cols();
        let out = self.alloc(shape)?;
        let row_bytes = cols as u64 * 4;
        self.copy(
            gpu(&x)?.buffer(),
            start as u64 * row_bytes,
            gpu(&out)?.buffer(),
            0,
            len as u64 * row_bytes,
        );
        Ok(out)
    }
}
