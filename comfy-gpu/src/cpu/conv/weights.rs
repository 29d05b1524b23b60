//! Weights between PyTorch's layout `[Cout, Cin, kh, kw]` and the tap-major order
//! `[Cout, kh·kw, Cin]` of the patch matrices' columns (a pixel's channels are contiguous in an
//! NHWC image, so within a tap the channels run fastest).
use comfy_core::host::transpose_host;
use comfy_core::{ConvGeometry, Phase};

/// `w` (`[Cout, Cin, taps]`) as `[Cout, taps, Cin]`: the right operand `Bᵀ` of a forward
/// convolution, one row of `taps · Cin` per output channel.
pub fn tap_major(w: &[f32], g: &ConvGeometry) -> Vec<f32> {
    transpose_host(w, g.out_c, g.in_c, g.kernel[0] * g.kernel[1])
}

/// A tap-major weight gradient (`[Cout, taps, Cin]`) in PyTorch's layout.
pub fn from_tap_major(dw: &[f32], g: &ConvGeometry) -> Vec<f32> {
    transpose_host(dw, g.out_c, g.kernel[0] * g.kernel[1], g.in_c)
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
