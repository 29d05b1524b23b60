//! Weights between PyTorch's layout `[Cout, Cin, kh, kw]` and the tap-major order
//! `[Cout, kh·kw, Cin]` of the patch matrices' columns (a pixel's channels are contiguous in an
//! NHWC image, so within a tap the channels run fastest).
use super::super::par::Work;
use comfy_core::host::transpose_into;
use comfy_core::{ConvGeometry, Phase};
use rayon::prelude::*;

/// Each of the `Cout` matrices of `rows × cols` in `w` transposed, on the pool's threads when
/// it is large and `parallel`.
fn per_output_channel(w: &[f32], g: &ConvGeometry, (rows, cols): (usize, usize), parallel: bool) -> Vec<f32> {
    let size = rows * cols;
    let mut out = vec![0.0f32; g.out_c * size];
    let one = |(src, dst): (&[f32], &mut [f32])| transpose_into(src, dst, rows, cols);
    if parallel && out.len() >= Work::Light.par_min() {
        w.par_chunks_exact(size)
            .zip(out.par_chunks_exact_mut(size))
            .for_each(one);
    } else {
        w.chunks_exact(size).zip(out.chunks_exact_mut(size)).for_each(one);
    }
    out
}

/// `w` (`[Cout, Cin, taps]`) as `[Cout, taps, Cin]`: the right operand `Bᵀ` of a forward
/// convolution, one row of `taps · Cin` per output channel.
pub fn tap_major(w: &[f32], g: &ConvGeometry, parallel: bool) -> Vec<f32> {
    per_output_channel(w, g, (g.in_c, g.kernel[0] * g.kernel[1]), parallel)
}

/// A tap-major weight gradient (`[Cout, taps, Cin]`) in PyTorch's layout.
pub fn from_tap_major(dw: &[f32], g: &ConvGeometry, parallel: bool) -> Vec<f32> {
    per_output_channel(dw, g, (g.kernel[0] * g.kernel[1], g.in_c), parallel)
}

/// The right operand of one phase of an input gradient, `[taps_y · taps_x · Cout, Cin]`: row
/// `(jy, jx, co)` holds `w[co, ·, ky, kx]` for the phase's `j`-th taps `ky`, `kx`.
pub fn phase_matrix(wt: &[f32], g: &ConvGeometry, py: &Phase, px: &Phase) -> Vec<f32> {
    let (cin, cout, kw) = (g.in_c, g.out_c, g.kernel[1]);
    let taps = g.kernel[0] * kw;
    let mut out = Vec::with_capacity(py.taps * px.taps * cout * cin);
    for jy in 0..py.taps {
        let ky = py.first_tap + jy * py.tap_step;
        for jx in 0..px.taps {
            let kx = px.first_tap + jx * px.tap_step;
            let t = ky * kw + kx;
            for co in 0..cout {
                out.extend_from_slice(&wt[(co * taps + t) * cin..][..cin]);
            }
        }
    }
    out
}
