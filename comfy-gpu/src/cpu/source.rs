//! Where a product's operand comes from: a matrix in memory, or the patches of an NHWC image
//! that a convolution multiplies (an implicit im2col, packed straight from the image).
use super::conv::patches::Patches;
use super::pack::{pack_group, Operand};

/// One operand of a blocked product, as the packers read it.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// A row-major matrix, possibly transposed.
    Dense(Operand<'a>),
    /// `op(A)` is the patch matrix: one row per output pixel, one column per (tap, channel).
    PatchRows(Patches<'a>),
    /// The patch matrix with k running over its rows (output pixels) and the slivers over its
    /// columns (tap, channel): `op(B)` of `dW = dYᵀ · patches`, or `op(A)` of
    /// `dWᵀ = patchesᵀ · dY` (weight gradients).
    PatchCols(Patches<'a>),
}

impl Source<'_> {
    /// The dimension cut into slivers: rows of `op(A)` or columns of `op(B)`.
    pub fn outer(&self) -> usize {
        match self {
            Source::Dense(op) => op.outer,
            Source::PatchRows(p) => p.rows(),
            Source::PatchCols(p) => p.cols(),
        }
    }

    /// Whether the operand only exists as it is packed (so packing it whole up front would
    /// build the full im2col matrix).
    pub fn is_implicit(&self) -> bool {
        !matches!(self, Source::Dense(_))
    }

    /// Length of the packed form with slivers of width `w`.
    pub fn packed_len(&self, w: usize) -> usize {
        match self {
            Source::Dense(op) => op.packed_len(w),
            Source::PatchRows(p) => p.rows().div_ceil(w) * w * p.cols(),
            Source::PatchCols(p) => p.cols().div_ceil(w) * w * p.rows(),
        }
    }

    /// Packs steps `p0 .. p0 + kc` of the slivers that `out` holds, the first one starting at
    /// row/column `first` (see [`pack_group`]).
    pub fn pack_group<const W: usize>(&self, out: &mut [f32], first: usize, p0: usize, kc: usize) {
        match self {
            Source::Dense(op) => pack_group::<W>(out, *op, first, p0, kc),
            Source::PatchRows(p) => p.pack_rows::<W>(out, first, p0, kc),
            Source::PatchCols(p) => p.pack_cols::<W>(out, first, p0, kc),
        }
    }
}
