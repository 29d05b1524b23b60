//! Convolutions with a single output channel (the last layer of a discriminator): one output
//! value per patch, and one weight-gradient row. Each is a matrix-vector product over the
//! patch matrix, so the 6 × 16 micro-kernel would compute 15 columns of zeros for every one it
//! keeps; these loops read each tap's run once and sum it in a fixed order instead.
use super::super::par::Work;
use super::super::thin::dot;
use super::patches::Patches;
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Rows per parallel task.
const ROWS_PER_TASK: usize = 256;

/// `out[r] = Σ_t patches[r, tap t] · v[tap t]` for every row (each `out` slice holds one value),
/// `v` being one column of `cols()` values in tap-major order.
pub fn patch_gemv(p: &Patches<'_>, v: &[f32], out: Vec<&mut [MaybeUninit<f32>]>, parallel: bool) {
    let taps = p.taps[0].count * p.taps[1].count;
    let offsets: Vec<(isize, isize)> = (0..taps).map(|t| p.tap_offset(t)).collect();
    let one = |(first, chunk): (usize, &mut [&mut [MaybeUninit<f32>]])| {
        for (i, slot) in chunk.iter_mut().enumerate() {
            let origin = p.origin(first + i);
            // Tap by tap, in order: a fixed chain of sums.
            let mut sum = 0.0f32;
            for (t, &off) in offsets.iter().enumerate() {
                if let Some(px) = p.pixel(origin, off) {
                    sum += dot(&p.src[px..px + p.c], &v[t * p.c..][..p.c]);
                }
            }
            slot[0].write(sum);
        }
    };
    let mut out = out;
    let work = p.rows() * p.cols();
    if parallel && work >= Work::Light.par_min() {
        out.par_chunks_mut(ROWS_PER_TASK)
            .enumerate()
            .for_each(|(i, c)| one((i * ROWS_PER_TASK, c)));
    } else {
        one((0, out.as_mut_slice()));
    }
}

/// `g[k] = Σ_r patches[r, k] · d[r]`, the weight gradient of a convolution with one output
/// channel (`d` holds one value per row): each tap's `c` values summed over the rows in order.
pub fn patch_gemv_t(p: &Patches<'_>, d: &[f32], parallel: bool) -> Vec<f32> {
    let taps = p.taps[0].count * p.taps[1].count;
    let mut out = vec![0.0f32; p.cols()];
    let one = |(t, acc): (usize, &mut [f32])| {
        let off = p.tap_offset(t);
        for (r, &dr) in d.iter().enumerate().take(p.rows()) {
            if let Some(px) = p.pixel(p.origin(r), off) {
                acc.iter_mut()
                    .zip(&p.src[px..px + p.c])
                    .for_each(|(a, &x)| *a += x * dr);
            }
        }
    };
    if parallel && taps > 1 && p.rows() * p.cols() >= Work::Light.par_min() {
        out.par_chunks_mut(p.c).enumerate().for_each(one);
    } else {
        out.chunks_mut(p.c).enumerate().for_each(one);
    }
    out
}
