//! The reference backend's convolutions: each output value summed straight from the definition,
//! in `f64`, with no im2col, no packing and no reordering — the ground truth for the fast ones.
use crate::conv::ConvGeometry;
use crate::error::Result;
use crate::reference::host;
use crate::tensor::Tensor;

/// Index of input pixel `(n, ih, iw)` reached from output pixel `(oh, ow)` by tap `(ky, kx)`,
/// or `None` in the padding.
fn source(g: &ConvGeometry, n: usize, (oh, ow): (usize, usize), (ky, kx): (usize, usize)) -> Option<usize> {
    let s = &g.spec;
    let ih = (oh * s.stride[0] + ky * s.dilation[0]).checked_sub(s.padding[0])?;
    let iw = (ow * s.stride[1] + kx * s.dilation[1]).checked_sub(s.padding[1])?;
    (ih < g.in_h && iw < g.in_w).then(|| (n * g.in_h + ih) * g.in_w + iw)
}

/// Index of `w[co, ci, ky, kx]`.
fn weight_at(g: &ConvGeometry, co: usize, ci: usize, ky: usize, kx: usize) -> usize {
    ((co * g.in_c + ci) * g.kernel[0] + ky) * g.kernel[1] + kx
}

/// Every (output pixel, input pixel, tap) triple of the convolution, in a fixed order:
/// `f(out_pixel, in_pixel, ky, kx)`.
fn for_each_tap(g: &ConvGeometry, mut f: impl FnMut(usize, usize, usize, usize)) {
    for n in 0..g.batch {
        for oh in 0..g.out_h {
            for ow in 0..g.out_w {
                let out = (n * g.out_h + oh) * g.out_w + ow;
                for ky in 0..g.kernel[0] {
                    for kx in 0..g.kernel[1] {
                        if let Some(src) = source(g, n, (oh, ow), (ky, kx)) {
                            f(out, src, ky, kx);
                        }
                    }
                }
            }
        }
    }
}

/// `y[n, oh, ow, co] = Σ_{ky, kx, ci} x[n, oh·s + ky·d − p, ow·s + kx·d − p, ci] · w[co, ci, ky, kx]`.
pub fn conv2d(x: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
    g.expect("conv2d", "input", x.shape(), &g.input_shape())?;
    g.expect("conv2d", "weight", w.shape(), &g.weight_shape())?;
    let (xv, wv) = (host(x, "conv2d")?, host(w, "conv2d")?);
    let mut acc = vec![0.0f64; g.out_pixels() * g.out_c];
    for_each_tap(g, |out, src, ky, kx| {
        for co in 0..g.out_c {
            let mut sum = 0.0;
            for ci in 0..g.in_c {
                sum += xv[src * g.in_c + ci] as f64 * wv[weight_at(g, co, ci, ky, kx)] as f64;
            }
            acc[out * g.out_c + co] += sum;
        }
    });
    Tensor::from_vec(acc.into_iter().map(|v| v as f32).collect(), g.output_shape())
}

/// `dx[n, ih, iw, ci] = Σ dy[n, oh, ow, co] · w[co, ci, ky, kx]` over the taps that reach `(ih, iw)`.
pub fn conv2d_input_grad(dy: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
    g.expect("conv2d_input_grad", "output gradient", dy.shape(), &g.output_shape())?;
    g.expect("conv2d_input_grad", "weight", w.shape(), &g.weight_shape())?;
    let (dv, wv) = (host(dy, "conv2d_input_grad")?, host(w, "conv2d_input_grad")?);
    let mut acc = vec![0.0f64; g.in_pixels() * g.in_c];
    for_each_tap(g, |out, src, ky, kx| {
        for ci in 0..g.in_c {
            let mut sum = 0.0;
            for co in 0..g.out_c {
                sum += dv[out * g.out_c + co] as f64 * wv[weight_at(g, co, ci, ky, kx)] as f64;
            }
            acc[src * g.in_c + ci] += sum;
        }
    });
    Tensor::from_vec(acc.into_iter().map(|v| v as f32).collect(), g.input_shape())
}

/// `dw[co, ci, ky, kx] = Σ_{n, oh, ow} x[n, oh·s + ky·d − p, ow·s + kx·d − p, ci] · dy[n, oh, ow, co]`.
pub fn conv2d_weight_grad(x: &Tensor, dy: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
    g.expect("conv2d_weight_grad", "input", x.shape(), &g.input_shape())?;
    g.expect("conv2d_weight_grad", "output gradient", dy.shape(), &g.output_shape())?;
    let (xv, dv) = (host(x, "conv2d_weight_grad")?, host(dy, "conv2d_weight_grad")?);
    let mut acc = vec![0.0f64; g.weight_shape().numel()];
    for_each_tap(g, |out, src, ky, kx| {
        for co in 0..g.out_c {
            let d = dv[out * g.out_c + co] as f64;
            for ci in 0..g.in_c {
                acc[weight_at(g, co, ci, ky, kx)] += xv[src * g.in_c + ci] as f64 * d;
            }
        }
    });
    Tensor::from_vec(acc.into_iter().map(|v| v as f32).collect(), g.weight_shape())
}
