//! The AVX-512 micro-kernel: a `6 × 32` block of C — two neighbouring packed B slivers at once —
//! kept in twelve `zmm` registers.
//!
//! Each value is the same chain as in the AVX2 kernel: `acc = fma(a, b, acc)` in `p` order from
//! zero, then added to C or stored over it, so the two kernels give the same bits (tested).
//! Where the cores have full-width 512-bit FMA units (AMD Zen 5; measured here: 237 against 119
//! GFLOP/s per core for the same FMA loop on `zmm` and `ymm` registers) it does twice the
//! multiply-adds per instruction.
//!
//! Its safe entry point, [`Avx512Fma::tile_pair`], checks every length the kernel relies on,
//! and an [`Avx512Fma`] value exists only once the CPU has been found to support AVX-512F
//! (and AVX2 and FMA, for the edge tiles).
#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::kernel::{Dest, MR, NR};
use super::kernel_avx2::Avx2Fma;

/// Proof that the running CPU has AVX-512F, AVX2 and FMA (made only by [`Avx512Fma::detect`]).
#[derive(Clone, Copy, Debug)]
pub struct Avx512Fma(Avx2Fma);

impl Avx512Fma {
    /// `Some` when the CPU supports AVX-512F as well as AVX2 and FMA.
    pub fn detect() -> Option<Self> {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f") {
                return Avx2Fma::detect().map(Avx512Fma);
            }
        }
        None
    }

    /// The AVX2 kernels, for edge tiles.
    pub fn avx2(self) -> Avx2Fma {
        self.0
    }

    /// `C[r][col .. col + 2·NR] (+)= Σ_p a[p·MR + r] · (b0 | b1)[p·NR ..]` for the `MR` rows of
    /// `rows`: the first `NR` columns from sliver `b0`, the next from `b1`, each sum taken from
    /// zero and added to C when `accumulate` (and `T` is `f32`), else stored over it.
    ///
    /// Panics if `rows` is not `MR` rows each reaching `col + 2·NR`, or `a`, `b0` or `b1` hold
    /// fewer than `kc` steps.
    #[inline]
    pub fn tile_pair<T: Dest>(
        self,
        kc: usize,
        a: &[f32],
        (b0, b1): (&[f32], &[f32]),
        rows: &mut [&mut [T]],
        col: usize,
        accumulate: bool,
    ) {
        assert!(
            a.len() >= kc * MR && b0.len() >= kc * NR && b1.len() >= kc * NR,
            "packed slivers too short"
        );
        assert_eq!(rows.len(), MR, "a micro-tile has MR rows");
        let accumulate = accumulate && T::ADD;
        let c: [*mut f32; MR] = std::array::from_fn(|r| rows[r][col..col + 2 * NR].as_mut_ptr().cast::<f32>());
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `self` proves AVX-512F is available. `a` holds `kc·MR` values and `b0`, `b1`
        // `kc·NR` each (asserted above), which is all the kernel reads. Each `c[r]` points at
        // `2·NR` writable values of a distinct row slice borrowed mutably for this call (the
        // slicing above checked the bounds); they are read only when `accumulate`, which needs
        // `T = f32` (values, not uninitialised memory; `MaybeUninit<f32>` has the layout of
        // `f32`, so the cast pointer is valid for writes).
        unsafe {
            kernel_6x32(kc, a.as_ptr(), (b0.as_ptr(), b1.as_ptr()), &c, accumulate)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (kc, c, accumulate);
            unreachable!("Avx512Fma cannot be detected off x86_64")
        }
    }
}

/// One step of the k loop: the `2·NR` values of B at step `p` times each of the `MR` values of A.
#[cfg(target_arch = "x86_64")]
macro_rules! step {
    ($a:expr, $b0:expr, $b1:expr, $p:expr, $acc:ident) => {{
        let lo = _mm512_loadu_ps($b0.add($p * NR));
        let hi = _mm512_loadu_ps($b1.add($p * NR));
        let ap = $a.add($p * MR);
        let a0 = _mm512_set1_ps(*ap);
        $acc[0] = _mm512_fmadd_ps(a0, lo, $acc[0]);
        $acc[1] = _mm512_fmadd_ps(a0, hi, $acc[1]);
        let a1 = _mm512_set1_ps(*ap.add(1));
        $acc[2] = _mm512_fmadd_ps(a1, lo, $acc[2]);
        $acc[3] = _mm512_fmadd_ps(a1, hi, $acc[3]);
        let a2 = _mm512_set1_ps(*ap.add(2));
        $acc[4] = _mm512_fmadd_ps(a2, lo, $acc[4]);
        $acc[5] = _mm512_fmadd_ps(a2, hi, $acc[5]);
        let a3 = _mm512_set1_ps(*ap.add(3));
        $acc[6] = _mm512_fmadd_ps(a3, lo, $acc[6]);
        $acc[7] = _mm512_fmadd_ps(a3, hi, $acc[7]);
        let a4 = _mm512_set1_ps(*ap.add(4));
        $acc[8] = _mm512_fmadd_ps(a4, lo, $acc[8]);
        $acc[9] = _mm512_fmadd_ps(a4, hi, $acc[9]);
        let a5 = _mm512_set1_ps(*ap.add(5));
        $acc[10] = _mm512_fmadd_ps(a5, lo, $acc[10]);
        $acc[11] = _mm512_fmadd_ps(a5, hi, $acc[11]);
    }};
}

/// The register-blocked kernel (see [`Avx512Fma::tile_pair`] for what it computes).
///
/// # Safety
/// The CPU must support AVX-512F; `a` must be valid for `kc·MR` reads, `b0` and `b1` for `kc·NR`
/// reads each, and each `c[r]` for `2·NR` writes and, when `accumulate`, reads of initialised
/// values; none of them overlapping `a`, `b0` or `b1`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn kernel_6x32(
    kc: usize,
    a: *const f32,
    (b0, b1): (*const f32, *const f32),
    c: &[*mut f32; MR],
    accumulate: bool,
) {
    let mut acc = [_mm512_setzero_ps(); 2 * MR];
    if accumulate {
        // C is read only after the k loop: fetching it now hides the miss behind the loop.
        for &row in c {
            _mm_prefetch::<_MM_HINT_T0>(row as *const i8);
            _mm_prefetch::<_MM_HINT_T0>(row.add(2 * NR - 1) as *const i8);
        }
    }
    let (mut a, mut b0, mut b1) = (a, b0, b1);
    // Four steps per iteration keep the loop overhead off the two FMA pipes.
    for _ in 0..kc / 4 {
        step!(a, b0, b1, 0, acc);
        step!(a, b0, b1, 1, acc);
        step!(a, b0, b1, 2, acc);
        step!(a, b0, b1, 3, acc);
        a = a.add(4 * MR);
        b0 = b0.add(4 * NR);
        b1 = b1.add(4 * NR);
    }
    for _ in 0..kc % 4 {
        step!(a, b0, b1, 0, acc);
        a = a.add(MR);
        b0 = b0.add(NR);
        b1 = b1.add(NR);
    }
    for r in 0..MR {
        let (mut lo, mut hi) = (acc[2 * r], acc[2 * r + 1]);
        if accumulate {
            lo = _mm512_add_ps(_mm512_loadu_ps(c[r]), lo);
            hi = _mm512_add_ps(_mm512_loadu_ps(c[r].add(NR)), hi);
        }
        _mm512_storeu_ps(c[r], lo);
        _mm512_storeu_ps(c[r].add(NR), hi);
    }
}
