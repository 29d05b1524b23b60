//! The micro-kernel seam: which kernel runs, the portable fallback, and edge tiles.
//!
//! A micro-kernel multiplies a packed `kc × MR` sliver of A by a packed `kc × NR` sliver of B
//! into an `MR × NR` block of C. Each C value of a k block is one chain of multiply-adds in `p`
//! order from zero, then stored or added to the value already in C. Its result depends only on
//! the data and on where the k blocks start — never on how the work was split between threads.
use super::kernel_avx2::Avx2Fma;

/// Rows of C per micro-tile.
pub const MR: usize = 6;
/// Columns of C per micro-tile (two 8-wide vectors).
pub const NR: usize = 16;

/// The micro-kernel chosen for this CPU.
#[derive(Clone, Copy, Debug)]
pub enum Kernel {
    /// `std::arch` AVX2 + FMA intrinsics.
    Avx2(Avx2Fma),
    /// Plain loops that the compiler vectorises for the baseline target.
    Portable,
}

impl Kernel {
    /// The fastest kernel that this CPU runs.
    pub fn detect() -> Self {
        match Avx2Fma::detect() {
            Some(k) => Kernel::Avx2(k),
            None => Kernel::Portable,
        }
    }

    /// Runs one micro-tile on `kc` steps of a packed A sliver and a packed B sliver: `rows` are
    /// the tile's C rows (at most `MR`), each holding the tile's columns from `col` on, of which
    /// `width ≤ NR` are written. Edge tiles go through a full-size scratch block so that every C
    /// value sees the same arithmetic as in a full tile (a half-width kernel does the sums when
    /// at most 8 columns are live).
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn tile(
        self,
        kc: usize,
        a: &[f32],
        b: &[f32],
        rows: &mut [&mut [f32]],
        col: usize,
        width: usize,
        accumulate: bool,
    ) {
        if rows.len() == MR && width == NR {
            self.full(kc, a, b, rows, col, accumulate);
            return;
        }
        let mut block = [[0.0f32; NR]; MR];
        if accumulate {
            for (dst, src) in block.iter_mut().zip(rows.iter()) {
                dst[..width].copy_from_slice(&src[col..col + width]);
            }
        }
        let mut block_rows = block.each_mut().map(|r| &mut r[..]);
        match self {
            Kernel::Avx2(k) if width <= NR / 2 => k.tile_half(kc, a, b, &mut block_rows, 0, accumulate),
            _ => self.full(kc, a, b, &mut block_rows, 0, accumulate),
        }
        for (src, dst) in block.iter().zip(rows.iter_mut()) {
            dst[col..col + width].copy_from_slice(&src[..width]);
        }
    }

    #[inline]
    fn full(self, kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [f32]], col: usize, accumulate: bool) {
        match self {
            Kernel::Avx2(k) => k.tile(kc, a, b, rows, col, accumulate),
            Kernel::Portable => portable(kc, a, b, rows, col, accumulate),
        }
    }
}

/// The fallback kernel: the same sums as the AVX2 one, as plain `a * b + c` loops.
fn portable(kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [f32]], col: usize, accumulate: bool) {
    let mut acc = [[0.0f32; NR]; MR];
    for (ap, bp) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(kc) {
        for (acc_row, &ar) in acc.iter_mut().zip(ap) {
            for (c, &bv) in acc_row.iter_mut().zip(bp) {
                *c += ar * bv;
            }
        }
    }
    for (src, dst) in acc.iter().zip(rows.iter_mut()) {
        let dst = &mut dst[col..col + NR];
        if accumulate {
            dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
        } else {
            dst.copy_from_slice(src);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both kernels against a plain triple loop on full and edge tiles.
    #[test]
    fn kernels_agree_with_loops() {
        let kc = 37;
        let a: Vec<f32> = (0..kc * MR).map(|i| ((i * 7) % 13) as f32 - 6.0).collect();
        let b: Vec<f32> = (0..kc * NR).map(|i| ((i * 5) % 11) as f32 - 5.0).collect();
        let expect = |r: usize, j: usize| (0..kc).map(|p| a[p * MR + r] * b[p * NR + j]).sum::<f32>() + 1.0;
        let mut kernels = vec![Kernel::Portable];
        if let Some(k) = Avx2Fma::detect() {
            kernels.push(Kernel::Avx2(k));
        }
        for kernel in kernels {
            // Full, half-width edge, full-width edge, and a short one.
            for (h, w) in [(MR, NR), (MR, 8), (3, 5), (5, 12)] {
                let mut c = vec![vec![1.0f32; NR + 2]; h];
                let mut rows: Vec<&mut [f32]> = c.iter_mut().map(|r| &mut r[..]).collect();
                kernel.tile(kc, &a, &b, &mut rows, 1, w, true);
                for (r, row) in c.iter().enumerate() {
                    for j in 0..w {
                        // Small integers: every order of summation is exact.
                        assert_eq!(row[1 + j], expect(r, j), "{kernel:?} ({r}, {j})");
                    }
                    assert_eq!((row[0], row[1 + w]), (1.0, 1.0), "{kernel:?} wrote outside the tile");
                }
            }
        }
    }
}
