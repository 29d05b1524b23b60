//! The AVX2 + FMA micro-kernel: a `6 × 16` block of C kept in twelve `ymm` registers.
//!
//! This is the only file of the CPU backend with `unsafe` code. Its safe entry point,
//! [`Avx2Fma::tile`], checks every length the kernel relies on, and an [`Avx2Fma`] value exists
//! only once the CPU has been found to support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::kernel::{MR, NR};

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

    /// `C[r][col .. col + NR] (+)= Σ_p a[p·MR + r] · b[p·NR .. p·NR + NR]` for the `MR` rows of
    /// `rows`; the sum starts from the current C values when `accumulate` is set, else from zero.
    ///
    /// Panics if `rows` is not `MR` rows each reaching `col + NR`, or `a`/`b` hold fewer than
    /// `kc` steps of packed values.
    #[inline]
    pub fn tile(self, kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [f32]], col: usize, accumulate: bool) {
        assert!(a.len() >= kc * MR && b.len() >= kc * NR, "packed panels too short");
        assert_eq!(rows.len(), MR, "a micro-tile has MR rows");
        let c: [*mut f32; MR] = std::array::from_fn(|r| rows[r][col..col + NR].as_mut_ptr());
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `self` proves AVX2 and FMA are available. `a` holds `kc·MR` and `b` `kc·NR`
        // values (asserted above), which is all the kernel reads. Each `c[r]` points at `NR`
        // writable values of a distinct row slice borrowed mutably for this call (the slicing
        // above checked the bounds), so the kernel's reads and writes stay inside them.
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
/// reads, and each `c[r]` for `NR` reads and writes, none of them overlapping `a` or `b`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn kernel_6x16(kc: usize, a: *const f32, b: *const f32, c: &[*mut f32; MR], accumulate: bool) {
    let mut acc = [_mm256_setzero_ps(); 2 * MR];
    if accumulate {
        for r in 0..MR {
            acc[2 * r] = _mm256_loadu_ps(c[r]);
            acc[2 * r + 1] = _mm256_loadu_ps(c[r].add(8));
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
        _mm256_storeu_ps(c[r], acc[2 * r]);
        _mm256_storeu_ps(c[r].add(8), acc[2 * r + 1]);
    }
}
