//! The input gradient of a convolution — also the forward pass of a transposed convolution —
//! in one of two equivalent ways, whichever does fewer multiply-adds.
//!
//! - **Phases** (the usual case): the input pixels fall into `stride_y · stride_x` classes by
//!   their position modulo the stride, and within one class every pixel is reached by the same
//!   kernel taps at the same offsets (see [`comfy_core::Phase`]). So each class is an ordinary
//!   implicit GEMM — the output gradient's patches times that class's slice of the weight —
//!   that writes its pixels' rows of `dx` directly (every `s`-th pixel): no scatter, no
//!   buffer, all classes in one parallel region. Taps that fall outside the output gradient
//!   read zeros, which costs multiply-adds that do nothing when the output is tiny.
//! - **col2im**: `cols = dY · W` (`[pixels × taps·Cin]`, a dense product), then each row's
//!   taps added into the input pixels they came from, image by image in a fixed order. It does
//!   only useful multiply-adds but writes and re-reads the whole `cols` matrix, so it is chosen
//!   only when the phases would do more than [`COL2IM_WASTE`] times the useful work — a 1 × 1
//!   output gradient (a generator's first layer, a discriminator's last), where almost every
//!   phase tap falls outside — or when the input has one channel (a generator's last layer
//!   run transposed, a discriminator's first): each phase would then be a matrix-vector
//!   product, while `cols` is a product 16 columns wide. (D1's input gradient at batch 64:
//!   2.0 ms through the phases' matrix-vector loops.)
use super::patches::{Patches, Taps};
use super::{finish, on_pool, parallel, weights, written};
use crate::cpu::blocked::{self, Problem};
use crate::cpu::matmul::{self, Epilogue, Product};
use crate::cpu::pack::Operand;
use crate::cpu::par::{for_row_chunks, Work};
use crate::cpu::source::Source;
use comfy_core::{ConvGeometry, Phase};
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// How many times the useful multiply-adds the phases may do before col2im is used instead.
pub const COL2IM_WASTE: usize = 2;

/// Which way [`input_grad`] computes `g`'s input gradient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// One implicit GEMM per residue class.
    Phases,
    /// A dense product, then a scatter-add.
    Col2im,
}

/// The phases of `g`, `(rows axis, columns axis)` for each residue class, row-major.
fn phases(g: &ConvGeometry) -> Vec<(Phase, Phase)> {
    let [sy, sx] = g.spec.stride;
    (0..sy)
        .flat_map(|ry| (0..sx).map(move |rx| (g.phase(0, ry), g.phase(1, rx))))
        .collect()
}

/// The method [`input_grad`] takes for `g`.
pub fn method(g: &ConvGeometry) -> Method {
    let phase_macs: usize = phases(g)
        .iter()
        .map(|(py, px)| g.batch * py.count * px.count * py.taps * px.taps * g.out_c * g.in_c)
        .sum();
    if g.in_c == 1 || phase_macs > COL2IM_WASTE * g.macs() {
        Method::Col2im
    } else {
        Method::Phases
    }
}

/// `epi(dx)` of `conv2d` from `dy` and `w`: `[N·H·W, Cin]` values, NHWC (a transposed
/// convolution with its bias and activation when `epi` has them).
pub fn input_grad(dy: &[f32], w: &[f32], g: &ConvGeometry, epi: Epilogue<'_>) -> Vec<f32> {
    let par = parallel(g.macs());
    on_pool(par, || match method(g) {
        Method::Phases => by_phases(dy, w, g, epi, par),
        Method::Col2im => {
            let mut dx = by_col2im(dy, w, g, par);
            finish(&mut dx, g.in_c, epi, par);
            dx
        }
    })
}

fn by_phases(dy: &[f32], w: &[f32], g: &ConvGeometry, epi: Epilogue<'_>, par: bool) -> Vec<f32> {
    let wt = weights::tap_major(w, g, par);
    let phases = phases(g);
    let [sy, sx] = g.spec.stride;
    let cin = g.in_c;
    let mats: Vec<Vec<f32>> = phases
        .iter()
        .map(|(py, px)| weights::phase_matrix(&wt, g, py, px))
        .collect();
    // The classes the blocked product does not finish with the epilogue itself.
    let mut unfinished = false;
    let mut dx = written(g.in_pixels() * cin, |dx| {
        // Deal the pixels' rows out to their classes, in pixel order within each.
        let mut rows: Vec<Vec<&mut [MaybeUninit<f32>]>> = phases.iter().map(|_| Vec::new()).collect();
        for (i, row) in dx.chunks_mut(cin).enumerate() {
            let (ih, iw) = ((i / g.in_w) % g.in_h, i % g.in_w);
            rows[(ih % sy) * sx + iw % sx].push(row);
        }
        let mut problems = Vec::new();
        for (((py, px), rows), mat) in phases.iter().zip(rows).zip(&mats) {
            let k = py.taps * px.taps * g.out_c;
            if rows.is_empty() {
                continue;
            }
            if k == 0 {
                // No tap reaches these pixels: their gradient is zero.
                rows.into_iter().flatten().for_each(|v| {
                    v.write(0.0);
                });
                unfinished = true;
                continue;
            }
            let patches = phase_patches(dy, g, py, px);
            problems.push(Problem {
                a: Source::PatchRows(patches),
                b: Source::Dense(Operand::b(mat, k, cin, false)),
                k,
                rows,
                epi,
            });
        }
        blocked::run(problems, par);
    });
    if unfinished && !epi.is_empty() {
        finish_unfinished(&mut dx, g, epi, par);
    }
    dx
}

/// The epilogue on the pixels of the classes that no tap reaches (the blocked product
/// finished the others).
fn finish_unfinished(dx: &mut [f32], g: &ConvGeometry, epi: Epilogue<'_>, par: bool) {
    let [sy, sx] = g.spec.stride;
    let done = |ry: usize, rx: usize| {
        let (py, px) = (g.phase(0, ry), g.phase(1, rx));
        py.taps * px.taps > 0
    };
    let (cin, (h, w)) = (g.in_c, (g.in_h, g.in_w));
    let work = if par { Work::Light } else { Work::Never };
    for_row_chunks(dx, cin, work, |first, rows| {
        for (i, row) in rows.chunks_mut(cin).enumerate() {
            let p = first + i;
            let (ih, iw) = ((p / w) % h, p % w);
            if !done(ih % sy, iw % sx) {
                epi.apply(row, 0);
            }
        }
    });
}

/// The output gradient's patches that one residue class reads.
fn phase_patches<'a>(dy: &'a [f32], g: &ConvGeometry, py: &Phase, px: &Phase) -> Patches<'a> {
    let axis = |p: &Phase| Taps {
        count: p.taps,
        first: p.offset,
        delta: -p.shift,
    };
    Patches {
        src: dy,
        batch: g.batch,
        size: [g.out_h, g.out_w],
        c: g.out_c,
        grid: [py.count, px.count],
        step: [1, 1],
        taps: [axis(py), axis(px)],
    }
}

fn by_col2im(dy: &[f32], w: &[f32], g: &ConvGeometry, par: bool) -> Vec<f32> {
    let wt = weights::tap_major(w, g, par);
    let (m, k, n) = (g.out_pixels(), g.out_c, g.patch_len());
    let product = Product {
        a: dy,
        b: &wt,
        m,
        k,
        n,
        trans_a: false,
        trans_b: false,
    };
    let cols = matmul::gemm(product, Epilogue::default());
    let image = g.in_h * g.in_w * g.in_c;
    let mut dx = vec![0.0f32; g.batch * image];
    let s = &g.spec;
    let (kw, cin) = (g.kernel[1], g.in_c);
    let scatter = |(b, dx): (usize, &mut [f32])| {
        for oh in 0..g.out_h {
            for ow in 0..g.out_w {
                let row = &cols[((b * g.out_h + oh) * g.out_w + ow) * n..][..n];
                for (t, run) in row.chunks_exact(cin).enumerate() {
                    let (ky, kx) = (t / kw, t % kw);
                    let ih = (oh * s.stride[0] + ky * s.dilation[0]).checked_sub(s.padding[0]);
                    let iw = (ow * s.stride[1] + kx * s.dilation[1]).checked_sub(s.padding[1]);
                    if let (Some(ih), Some(iw)) = (ih, iw) {
                        if ih < g.in_h && iw < g.in_w {
                            let dst = &mut dx[(ih * g.in_w + iw) * cin..][..cin];
                            dst.iter_mut().zip(run).for_each(|(d, &v)| *d += v);
                        }
                    }
                }
            }
        }
    };
    // Image by image: each image's pixels receive only its own rows, in a fixed order.
    if par && g.batch > 1 {
        dx.par_chunks_mut(image).enumerate().for_each(scatter);
    } else {
        dx.chunks_mut(image).enumerate().for_each(scatter);
    }
    dx
}
