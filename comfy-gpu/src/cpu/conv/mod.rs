//! Convolutions as implicit GEMMs through the packed AVX2 product (see [`super::blocked`]).
//!
//! - **Forward**: `Y [pixels × Cout] = patches(x) · Wᵀ`, the patch matrix (one row per output
//!   pixel, one column per tap and channel) packed straight from the NHWC image into the
//!   kernel's A slivers, the weight in tap-major order as B.
//! - **Weight gradient**: `dW [Cout × taps·Cin] = dYᵀ · patches(x)`, the patches packed as B
//!   slivers (one step of k per pixel): every value sums the batch's pixels in order, in
//!   blocks fixed by the shapes, so it is bit-for-bit the same from run to run.
//! - **Input gradient** (and a transposed convolution's forward pass): see [`input_grad`].
//!
//! With one output channel (or one input channel in an input gradient) the products are
//! matrix-vector products, done by [`thin`] instead.
pub(crate) mod input_grad;
pub(crate) mod patches;
mod thin;
mod weights;

use super::blocked::{self, Problem};
use super::matmul::{par_min_macs, Epilogue};
use super::pack::Operand;
use super::par::{for_row_chunks, Work};
use super::source::Source;
use comfy_core::host::transpose_host;
use comfy_core::ConvGeometry;
use patches::{Patches, Taps};
use std::mem::MaybeUninit;

/// Whether a convolution of `macs` multiply-adds is split between threads.
pub(crate) fn parallel(macs: usize) -> bool {
    rayon::current_num_threads() > 1 && macs >= par_min_macs()
}

/// Runs `f` on rayon's pool: handed over once, whole, when called from outside it and
/// `parallel` (forks inside are then cheap), else right here.
pub(crate) fn on_pool<R: Send>(parallel: bool, f: impl FnOnce() -> R + Send) -> R {
    if parallel && rayon::current_thread_index().is_none() {
        rayon::scope(|_| f())
    } else {
        f()
    }
}

/// The patches of the forward convolution over the input image `x`.
fn forward_patches<'a>(x: &'a [f32], g: &ConvGeometry) -> Patches<'a> {
    let s = &g.spec;
    let axis = |a: usize| Taps {
        count: g.kernel[a],
        first: -(s.padding[a] as isize),
        delta: s.dilation[a] as isize,
    };
    Patches {
        src: x,
        batch: g.batch,
        size: [g.in_h, g.in_w],
        c: g.in_c,
        grid: [g.out_h, g.out_w],
        step: s.stride,
        taps: [axis(0), axis(1)],
    }
}

/// A buffer of `len` values that `fill` writes every one of.
fn written(len: usize, fill: impl FnOnce(&mut [MaybeUninit<f32>])) -> Vec<f32> {
    let mut out = Vec::with_capacity(len);
    fill(&mut out.spare_capacity_mut()[..len]);
    // SAFETY: every caller's `fill` writes all `len` values: a blocked product writes each of
    // its rows in its first k block, and the thin loops write one value per row slice; the
    // slices cover the buffer. A panic on the way leaves `out` empty.
    unsafe { out.set_len(len) };
    out
}

/// `epi` on every `n`-wide row of `out` (for the results that the blocked product's own
/// epilogue did not cover).
pub(crate) fn finish(out: &mut [f32], n: usize, epi: Epilogue<'_>, par: bool) {
    if epi.is_empty() || n == 0 {
        return;
    }
    let work = if par { Work::Light } else { Work::Never };
    for_row_chunks(out, n, work, |_, rows| {
        rows.chunks_mut(n).for_each(|row| epi.apply(row, 0))
    });
}

/// `epi(conv2d(x, w))`: `[N·OH·OW, Cout]` values, NHWC, the bias and activation applied to
/// each tile of the product while it is in cache.
pub fn conv2d(x: &[f32], w: &[f32], g: &ConvGeometry, epi: Epilogue<'_>) -> Vec<f32> {
    let par = parallel(g.macs());
    on_pool(par, || {
        let wt = weights::tap_major(w, g, par);
        let patches = forward_patches(x, g);
        let (m, k, n) = (g.out_pixels(), g.patch_len(), g.out_c);
        let mut y = written(m * n, |out| {
            let rows: Vec<&mut [MaybeUninit<f32>]> = out.chunks_mut(n).collect();
            if n == 1 {
                thin::patch_gemv(&patches, &wt, rows, par);
                return;
            }
            let problem = Problem {
                a: Source::PatchRows(patches),
                b: Source::Dense(Operand::b(&wt, k, n, true)),
                k,
                rows,
                epi,
            };
            blocked::run(vec![problem], par);
        });
        if n == 1 {
            finish(&mut y, n, epi, par);
        }
        y
    })
}

/// `dw` of `conv2d`, `[Cout, Cin, kh, kw]`.
///
/// `dW = dYᵀ · patches` (`Cout × taps·Cin`), or, when the patch is the narrower side (a
/// single-channel image's 16 taps against 64 output channels), `dWᵀ = patchesᵀ · dY` so that
/// the output channels run along the micro-kernel's wide side (AVX-512 pairs of slivers, not
/// one sliver of 16); either way each value sums the pixels in order.
pub fn weight_grad(x: &[f32], dy: &[f32], g: &ConvGeometry) -> Vec<f32> {
    let par = parallel(g.macs());
    on_pool(par, || {
        let patches = forward_patches(x, g);
        let (cout, pixels, patch) = (g.out_c, g.out_pixels(), g.patch_len());
        let tap_major = if cout == 1 {
            thin::patch_gemv_t(&patches, dy, par)
        } else if patch < cout {
            let dwt = written(patch * cout, |out| {
                let problem = Problem {
                    a: Source::PatchCols(patches),
                    b: Source::Dense(Operand::b(dy, pixels, cout, false)),
                    k: pixels,
                    rows: out.chunks_mut(cout).collect(),
                    epi: Epilogue::default(),
                };
                blocked::run(vec![problem], par);
            });
            transpose_host(&dwt, 1, patch, cout)
        } else {
            written(cout * patch, |out| {
                let problem = Problem {
                    a: Source::Dense(Operand::a(dy, cout, pixels, true)),
                    b: Source::PatchCols(patches),
                    k: pixels,
                    rows: out.chunks_mut(patch).collect(),
                    epi: Epilogue::default(),
                };
                blocked::run(vec![problem], par);
            })
        };
        weights::from_tap_major(&tap_major, g, par)
    })
}
