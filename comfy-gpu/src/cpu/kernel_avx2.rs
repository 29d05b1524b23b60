//! The AVX2 + FMA micro-kernel: a `6 × 16` block of C kept in twelve `ymm` registers.
//!
//! This file holds the CPU backend's `unsafe` code but for the two lines in `matmul` that hand
//! over output written through `MaybeUninit`. Its safe entry point,
//! [`Avx2Fma::tile`], checks every length the kernel relies on, and an [`Avx2Fma`] value exists
//! only once the CPU has been found to support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::kernel::{Dest, MR, NR};

/// Proof that the running CPU has AVX2 and FMA (made only by [`Avx2Fma::detect`]).
#[derive(Clone, Copy, Debug)]
pub struct Avx2Fma(());

impl Avx2Fma {
    /// `Some` when the CPU supports AVX2 and FMA (the result is cached by the standard library).
    pub fn detect() -> Option<Self> {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Some(Avx2Fma(()));
            }
        }
        None
    }

    /// `C[r][col .. col + NR] (+)= Σ_p a[p·MR + r] · b[p·NR .. p·NR + NR]` for the `MR` rows
    /// of `rows`: the sum, taken from zero, is added to the current C values when `accumulate`
    /// is set and `T` is `f32`, else stored over them (C is then never read).
    ///
    /// Panics if `rows` is not `MR` rows each reaching `col + NR`, or `a`/`b` hold fewer than
    /// `kc` steps.
    #[inline]
    pub fn tile<T: Dest>(self, kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [T]], col: usize, accumulate: bool) {
        assert!(a.len() >= kc * MR && b.len() >= kc * NR, "packed slivers too short");
        assert_eq!(rows.len(), MR, "a micro-tile has MR rows");
        let accumulate = accumulate && T::ADD;
        let c: [*mut f32; MR] = std::array::from_fn(|r| rows[r][col..col + NR].as_mut_ptr().cast::<f32>());
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `self` proves AVX2 and FMA are available. `a` holds `kc·MR` and `b` `kc·NR`
        // values (asserted above), which is all the kernel reads. Each `c[r]` points at `NR`
        // writable values of a distinct row slice borrowed mutably for this call (the slicing
        // above checked the bounds), so the kernel's reads and writes stay inside them; it reads
        // them only when `accumulate`, which needs `T = f32`: values, not uninitialised memory
        // (`MaybeUninit<f32>` has the layout of `f32`, so the cast pointer is valid for writes).
        unsafe {
            kernel_6x16(kc, a.as_ptr(), b.as_ptr(), &c, accumulate)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (kc, c, accumulate);
            unreachable!("Avx2Fma cannot be detected off x86_64")
        }
    }
}

impl Avx2Fma {
    /// Like [`Avx2Fma::tile`] for the first 8 of the `NR` columns only (an edge sliver with at
    /// most 8 live columns), with the same arithmetic per value at half the cost.
    ///
    /// Panics if `rows` is not `MR` rows each reaching `col + 8`, or `a`/`b` hold fewer than
    /// `kc` steps.
    #[inline]
    pub fn tile_half<T: Dest>(
        self,
        kc: usize,
        a: &[f32],
        b: &[f32],
        rows: &mut [&mut [T]],
        col: usize,
        accumulate: bool,
    ) {
        assert!(a.len() >= kc * MR && b.len() >= kc * NR, "packed slivers too short");
        assert_eq!(rows.len(), MR, "a micro-tile has MR rows");
        let accumulate = accumulate && T::ADD;
        let c: [*mut f32; MR] = std::array::from_fn(|r| rows[r][col..col + 8].as_mut_ptr().cast::<f32>());
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `tile`, with `8` values behind each `c[r]` (checked by the slicing) and
        // only the first 8 of each step of `b` read.
        unsafe {
            kernel_6x8(kc, a.as_ptr(), b.as_ptr(), &c, accumulate)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (kc, c, accumulate);
            unreachable!("Avx2Fma cannot be detected off x86_64")
        }
    }
}

/// The half-width kernel: six `ymm` accumulators, one per row.
///
/// # Safety
/// As [`kernel_6x16`], with 8 values behind each `c[r]` instead of `NR`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn kernel_6x8(kc: usize, a: *const f32, b: *const f32, c: &[*mut f32; MR], accumulate: bool) {
    let mut acc = [_mm256_setzero_ps(); MR];
    for p in 0..kc {
        let bp = _mm256_loadu_ps(b.add(p * NR));
        for (r, acc) in acc.iter_mut().enumerate() {
            *acc = _mm256_fmadd_ps(_mm256_broadcast_ss(&*a.add(p * MR + r)), bp, *acc);
        }
    }
    for (r, &acc) in acc.iter().enumerate() {
        let v = if accumulate {
            _mm256_add_ps(_mm256_loadu_ps(c[r]), acc)
        } else {
            acc
        };
        _mm256_storeu_ps(c[r], v);
    }
}

/// One step of the k loop: the `NR` values of B at step `p` times each of the `MR` values of A.
#[cfg(target_arch = "x86_64")]
macro_rules! step {
    ($a:expr, $b:expr, $p:expr, $acc:ident) => {{
        let b0 = _mm256_loadu_ps($b.add($p * NR));
        let b1 = _mm256_loadu_ps($b.add($p * NR + 8));
        let ap = $a.add($p * MR);
        let a0 = _mm256_broadcast_ss(&*ap);
        $acc[0] = _mm256_fmadd_ps(a0, b0, $acc[0]);
        $acc[1] = _mm256_fmadd_ps(a0, b1, $acc[1]);
        let a1 = _mm256_broadcast_ss(&*ap.add(1));
        $acc[2] = _mm256_fmadd_ps(a1, b0, $acc[2]);
        $acc[3] = _mm256_fmadd_ps(a1, b1, $acc[3]);
        let a2 = _mm256_broadcast_ss(&*ap.add(2));
        $acc[4] = _mm256_fmadd_ps(a2, b0, $acc[4]);
        $acc[5] = _mm256_fmadd_ps(a2, b1, $acc[5]);
        let a3 = _mm256_broadcast_ss(&*ap.add(3));
        $acc[6] = _mm256_fmadd_ps(a3, b0, $acc[6]);
        $acc[7] = _mm256_fmadd_ps(a3, b1, $acc[7]);
        let a4 = _mm256_broadcast_ss(&*ap.add(4));
        $acc[8] = _mm256_fmadd_ps(a4, b0, $acc[8]);
        $acc[9] = _mm256_fmadd_ps(a4, b1, $acc[9]);
        let a5 = _mm256_broadcast_ss(&*ap.add(5));
        $acc[10] = _mm256_fmadd_ps(a5, b0, $acc[10]);
        $acc[11] = _mm256_fmadd_ps(a5, b1, $acc[11]);
    }};
}

/// The register-blocked kernel (see [`Avx2Fma::tile`] for what it computes).
///
/// # Safety
/// The CPU must support AVX2 and FMA; `a` must be valid for `kc·MR` reads, `b` for `kc·NR`
/// reads, and each `c[r]` for `NR` writes and, when `accumulate`, reads of initialised values;
/// none of them overlapping `a` or `b`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn kernel_6x16(kc: usize, a: *const f32, b: *const f32, c: &[*mut f32; MR], accumulate: bool) {
    let mut acc = [_mm256_setzero_ps(); 2 * MR];
    if accumulate {
        // C is read only after the k loop: fetching it now hides the miss behind the loop.
        for &row in c {
            _mm_prefetch::<_MM_HINT_T0>(row as *const i8);
            _mm_prefetch::<_MM_HINT_T0>(row.add(NR - 1) as *const i8);
        }
    }
    let (mut a, mut b) = (a, b);
    // Four steps per iteration keep the loop overhead off the two FMA pipes.
    for _ in 0..kc / 4 {
        step!(a, b, 0, acc);
        step!(a, b, 1, acc);
        step!(a, b, 2, acc);
        step!(a, b, 3, acc);
        a = a.add(4 * MR);
        b = b.add(4 * NR);
    }
    for _ in 0..kc % 4 {
        step!(a, b, 0, acc);
        a = a.add(MR);
        b = b.add(NR);
    }
    for r in 0..MR {
        let (mut lo, mut hi) = (acc[2 * r], acc[2 * r + 1]);
        if accumulate {
            lo = _mm256_add_ps(_mm256_loadu_ps(c[r]), lo);
            hi = _mm256_add_ps(_mm256_loadu_ps(c[r].add(8)), hi);
        }
        _mm256_storeu_ps(c[r], lo);
        _mm256_storeu_ps(c[r].add(8), hi);
    }
}

impl Avx2Fma {
    /// Interleaves `W` rows into a packed sliver: `out[p·W + r] = rows[r][p]` for every step `p`
    /// of `out` (`W` is 6 or 16, the two sliver widths). Eight steps at a time go through an
    /// 8 × 8 register transpose instead of `W` scalar loads and stores each.
    ///
    /// Panics if `W` is neither 6 nor 16, or a row is shorter than `out.len() / W`.
    pub fn gather<const W: usize>(self, out: &mut [f32], rows: &[&[f32]; W]) {
        assert!(W == 6 || W == 16, "gather packs slivers of 6 or 16");
        let kc = out.len() / W;
        assert!(rows.iter().all(|r| r.len() >= kc), "rows shorter than the sliver");
        let src: [*const f32; W] = std::array::from_fn(|r| rows[r].as_ptr());
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `self` proves AVX2 is available. Each `src[r]` is valid for `kc` reads
        // (asserted above) and `out` for `kc · W` writes; `gather_rows` stays inside both.
        unsafe {
            gather_rows::<W>(out.as_mut_ptr(), &src, kc)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (src, kc);
            unreachable!("Avx2Fma cannot be detected off x86_64")
        }
    }
}

/// `out[p·W + r] = src[r][p]` for `p < kc`, `r < W`, eight rows and eight steps at a time.
///
/// # Safety
/// AVX2 must be available; `src[r]` valid for `kc` reads and `out` for `kc · W` writes, not
/// overlapping.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gather_rows<const W: usize>(out: *mut f32, src: &[*const f32; W], kc: usize) {
    let full = kc / 8 * 8;
    // Lanes 0..6 of a group of six rows.
    let six = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
    for g in (0..W).step_by(8) {
        let live = 8.min(W - g);
        for p in (0..full).step_by(8) {
            let r: [__m256; 8] = std::array::from_fn(|i| {
                if i < live {
                    _mm256_loadu_ps(src[g + i].add(p))
                } else {
                    _mm256_setzero_ps()
                }
            });
            let c = transpose8(r);
            for (i, &col) in c.iter().enumerate() {
                let dst = out.add((p + i) * W + g);
                if live == 8 {
                    _mm256_storeu_ps(dst, col);
                } else if p + i + 1 < kc {
                    // Two lanes spill into the next step's first rows, written after this.
                    _mm256_storeu_ps(dst, col);
                } else {
                    _mm256_maskstore_ps(dst, six, col);
                }
            }
        }
    }
    for p in full..kc {
        for (r, &row) in src.iter().enumerate() {
            *out.add(p * W + r) = *row.add(p);
        }
    }
}

/// Transposes eight rows of eight values: column `i` of the result holds value `i` of each row.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn transpose8(r: [__m256; 8]) -> [__m256; 8] {
    let t0 = _mm256_unpacklo_ps(r[0], r[1]);
    let t1 = _mm256_unpackhi_ps(r[0], r[1]);
    let t2 = _mm256_unpacklo_ps(r[2], r[3]);
    let t3 = _mm256_unpackhi_ps(r[2], r[3]);
    let t4 = _mm256_unpacklo_ps(r[4], r[5]);
    let t5 = _mm256_unpackhi_ps(r[4], r[5]);
    let t6 = _mm256_unpacklo_ps(r[6], r[7]);
    let t7 = _mm256_unpackhi_ps(r[6], r[7]);
    let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
    let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
    let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
    let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
    let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
    let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
    let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
    let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
    [
        _mm256_permute2f128_ps::<0x20>(u0, u4),
        _mm256_permute2f128_ps::<0x20>(u1, u5),
        _mm256_permute2f128_ps::<0x20>(u2, u6),
        _mm256_permute2f128_ps::<0x20>(u3, u7),
        _mm256_permute2f128_ps::<0x31>(u0, u4),
        _mm256_permute2f128_ps::<0x31>(u1, u5),
        _mm256_permute2f128_ps::<0x31>(u2, u6),
        _mm256_permute2f128_ps::<0x31>(u3, u7),
    ]
}
