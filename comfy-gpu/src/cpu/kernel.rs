//! The micro-kernel seam: which kernel runs, the portable fallback, and edge tiles.
//!
//! A micro-kernel multiplies a packed `kc × MR` sliver of A by a packed `kc × NR` sliver of B
//! into an `MR × NR` block of C. Each C value of a k block is one chain of multiply-adds in `p`
//! order from zero, then stored or added to the value already in C. Its result depends only on
//! the data and on where the k blocks start — never on how the work was split between threads.
use super::kernel_avx2::Avx2Fma;
use super::kernel_avx512::Avx512Fma;
use std::mem::MaybeUninit;

/// Rows of C per micro-tile.
pub const MR: usize = 6;
/// Columns of C per micro-tile (two 8-wide vectors).
pub const NR: usize = 16;

/// What a micro-tile's sums go into: C values that already hold the sums of earlier k blocks
/// (`f32`: the sums are added to them), or output not yet written (`MaybeUninit<f32>`: the sums
/// are stored over it, and nothing there is read). The first k block of a product writes
/// through `MaybeUninit`, so the output is never zero-filled first.
pub trait Dest: Sized + sealed::Sealed {
    /// Whether the sums are added to the values there.
    const ADD: bool;
    /// Writes `src` over `dst` (of the same length).
    fn store(dst: &mut [Self], src: &[f32]);
    /// Copies the values there into `dst`; does nothing where nothing is there yet.
    fn load(src: &[Self], dst: &mut [f32]);
}

impl Dest for f32 {
    const ADD: bool = true;
    fn store(dst: &mut [f32], src: &[f32]) {
        dst.copy_from_slice(src);
    }
    fn load(src: &[f32], dst: &mut [f32]) {
        dst.copy_from_slice(src);
    }
}

impl Dest for MaybeUninit<f32> {
    const ADD: bool = false;
    fn store(dst: &mut [Self], src: &[f32]) {
        assert_eq!(dst.len(), src.len(), "store of unequal lengths");
        dst.iter_mut().zip(src).for_each(|(d, &s)| {
            d.write(s);
        });
    }
    fn load(_: &[Self], _: &mut [f32]) {}
}

mod sealed {
    /// Only the two kinds of C row above are written by the kernels.
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for std::mem::MaybeUninit<f32> {}
}

/// The micro-kernel chosen for this CPU.
#[derive(Clone, Copy, Debug)]
pub enum Kernel {
    /// `std::arch` AVX-512 intrinsics for pairs of B slivers (`6 × 32` blocks), AVX2 for the
    /// rest: the same sums as [`Kernel::Avx2`], bit for bit.
    Avx512(Avx512Fma),
    /// `std::arch` AVX2 + FMA intrinsics.
    Avx2(Avx2Fma),
    /// Plain loops that the compiler vectorises for the baseline target.
    Portable,
}

impl Kernel {
    /// The fastest kernel that this CPU runs. `COMFY_CPU_KERNEL=avx2` keeps to the AVX2 kernel
    /// on an AVX-512 CPU, to compare the two (the results are the same bits either way).
    pub fn detect() -> Self {
        static AVX2_ONLY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let avx2_only = *AVX2_ONLY.get_or_init(|| std::env::var("COMFY_CPU_KERNEL").is_ok_and(|v| v == "avx2"));
        match (Avx512Fma::detect(), Avx2Fma::detect()) {
            (Some(k), _) if !avx2_only => Kernel::Avx512(k),
            (_, Some(k)) => Kernel::Avx2(k),
            _ => Kernel::Portable,
        }
    }

    /// The `6 × 32` kernel over two B slivers at once, where this CPU has one.
    pub fn pair(self) -> Option<Avx512Fma> {
        match self {
            Kernel::Avx512(k) => Some(k),
            _ => None,
        }
    }

    /// The kernel for one sliver at a time.
    fn single(self) -> Self {
        match self {
            Kernel::Avx512(k) => Kernel::Avx2(k.avx2()),
            other => other,
        }
    }

    /// Runs one micro-tile on `kc` steps of a packed A sliver and a packed B sliver: `rows` are
    /// the tile's C rows (at most `MR`), each holding the tile's columns from `col` on, of which
    /// `width ≤ NR` are written (added to when `T` is `f32`, stored over when it is
    /// `MaybeUninit<f32>`). Edge tiles go through a full-size scratch block so that every C
    /// value sees the same arithmetic as in a full tile (a half-width kernel does the sums when
    /// at most 8 columns are live).
    #[inline]
    pub fn tile<T: Dest>(self, kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [T]], col: usize, width: usize) {
        let this = self.single();
        if rows.len() == MR && width == NR {
            this.full(kc, a, b, rows, col, T::ADD);
            return;
        }
        let mut block = [[0.0f32; NR]; MR];
        for (dst, src) in block.iter_mut().zip(rows.iter()) {
            T::load(&src[col..col + width], &mut dst[..width]);
        }
        let mut block_rows = block.each_mut().map(|r| &mut r[..]);
        let block_rows = &mut block_rows[..];
        // The block holds values, so it is added to exactly when the C rows are.
        match this {
            Kernel::Avx2(k) if width <= NR / 2 => k.tile_half(kc, a, b, block_rows, 0, T::ADD),
            _ => this.full(kc, a, b, block_rows, 0, T::ADD),
        }
        for (src, dst) in block.iter().zip(rows.iter_mut()) {
            T::store(&mut dst[col..col + width], &src[..width]);
        }
    }

    /// A full micro-tile: the sums are added to C when `accumulate` (and `T` is `f32`), else
    /// stored over it.
    #[inline]
    fn full<T: Dest>(self, kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [T]], col: usize, accumulate: bool) {
        match self.single() {
            Kernel::Avx2(k) => k.tile(kc, a, b, rows, col, accumulate),
            _ => portable(kc, a, b, rows, col, accumulate),
        }
    }
}

/// The fallback kernel: the same sums as the AVX2 one, as plain `a * b + c` loops.
fn portable<T: Dest>(kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [T]], col: usize, accumulate: bool) {
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
            let mut sum = [0.0f32; NR];
            T::load(dst, &mut sum);
            sum.iter_mut().zip(src).for_each(|(d, s)| *d += s);
            T::store(dst, &sum);
        } else {
            T::store(dst, src);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `6 × 32` AVX-512 kernel gives the AVX2 kernel's bits on both of its slivers, adding
    /// to C and storing over it (random values: any change in the order of the sums shows).
    #[test]
    fn pair_kernel_matches_the_avx2_kernel_bit_for_bit() {
        let (Some(k512), Some(k2)) = (Avx512Fma::detect(), Avx2Fma::detect()) else {
            eprintln!("skipped: no AVX-512 on this CPU");
            return;
        };
        let kc = 203;
        let val = |i: usize| ((i as f32 * 0.618_034).fract() - 0.5) * 3.1;
        let a: Vec<f32> = (0..kc * MR).map(val).collect();
        let b: Vec<f32> = (0..2 * kc * NR).map(|i| val(i + 7)).collect();
        let (b0, b1) = b.split_at(kc * NR);
        for accumulate in [false, true] {
            let mut pair = vec![vec![0.25f32; 2 * NR + 3]; MR];
            let mut rows: Vec<&mut [f32]> = pair.iter_mut().map(|r| &mut r[..]).collect();
            k512.tile_pair(kc, &a, (b0, b1), &mut rows, 1, accumulate);
            let mut one = vec![vec![0.25f32; 2 * NR + 3]; MR];
            let mut rows: Vec<&mut [f32]> = one.iter_mut().map(|r| &mut r[..]).collect();
            k2.tile(kc, &a, b0, &mut rows, 1, accumulate);
            k2.tile(kc, &a, b1, &mut rows, 1 + NR, accumulate);
            assert_eq!(pair, one, "accumulate {accumulate}");
        }
    }

    /// Both kernels against a plain triple loop on full and edge tiles, adding to C (`f32`
    /// rows) and storing over it (`MaybeUninit<f32>` rows).
    #[test]
    fn kernels_agree_with_loops() {
        let kc = 37;
        let a: Vec<f32> = (0..kc * MR).map(|i| ((i * 7) % 13) as f32 - 6.0).collect();
        let b: Vec<f32> = (0..kc * NR).map(|i| ((i * 5) % 11) as f32 - 5.0).collect();
        let sum = |r: usize, j: usize| (0..kc).map(|p| a[p * MR + r] * b[p * NR + j]).sum::<f32>();
        let mut kernels = vec![Kernel::Portable];
        if let Some(k) = Avx2Fma::detect() {
            kernels.push(Kernel::Avx2(k));
        }
        for kernel in kernels {
            // Full, half-width edge, full-width edge, and a short one.
            for (h, w) in [(MR, NR), (MR, 8), (3, 5), (5, 12)] {
                let mut c = vec![vec![1.0f32; NR + 2]; h];
                let mut rows: Vec<&mut [f32]> = c.iter_mut().map(|r| &mut r[..]).collect();
                kernel.tile(kc, &a, &b, &mut rows, 1, w);
                let mut u = vec![vec![MaybeUninit::new(7.0f32); NR + 2]; h];
                let mut rows: Vec<&mut [MaybeUninit<f32>]> = u.iter_mut().map(|r| &mut r[..]).collect();
                kernel.tile(kc, &a, &b, &mut rows, 1, w);
                for (r, (added, stored)) in c.iter().zip(&u).enumerate() {
                    // SAFETY: every value of `u` was initialised above.
                    let stored: Vec<f32> = stored.iter().map(|v| unsafe { v.assume_init() }).collect();
                    for j in 0..w {
                        // Small integers: every order of summation is exact.
                        assert_eq!(added[1 + j], sum(r, j) + 1.0, "{kernel:?} ({r}, {j}) added");
                        assert_eq!(stored[1 + j], sum(r, j), "{kernel:?} ({r}, {j}) stored");
                    }
                    assert_eq!(
                        (added[0], added[1 + w]),
                        (1.0, 1.0),
                        "{kernel:?} wrote outside the tile"
                    );
                    assert_eq!(
                        (stored[0], stored[1 + w]),
                        (7.0, 7.0),
                        "{kernel:?} wrote outside the tile"
                    );
                }
            }
        }
    }
}
