//! Batch normalisation's passes over an `R × C` matrix (an NHWC activation, one column per
//! channel): the per-column statistics, the affine pass, and the backward's two passes.
//!
//! Fused on purpose: composed from reductions and broadcasts (the trait's default bodies), a
//! DCGAN step at batch 64 spent 31 ms of 135 in batch norm (9 calls each of the statistics
//! and the gradient, `gan_speed --model dcgan --profile`), most of it in the passes and
//! allocations between the primitives.
//!
//! Sums run in `f64` over fixed chunks of rows added in order, so the results do not depend on
//! the thread count.
use super::elementwise::unary_in_place;
use super::par::{for_row_chunks, Work};
use comfy_core::UnaryOp;
use rayon::prelude::*;

/// Rows per partial sum.
const ROWS_PER_PART: usize = 256;

/// `Σ_rows f(row, acc)` per column: chunks of [`ROWS_PER_PART`] rows into `f64` partial sums
/// (`width` of them per row, e.g. two sums per column), added in chunk order.
fn column_sums(rows: usize, width: usize, parallel: bool, f: impl Fn(usize, &mut [f64]) + Sync) -> Vec<f64> {
    let part = |chunk: usize| {
        let mut acc = vec![0.0f64; width];
        for r in chunk * ROWS_PER_PART..((chunk + 1) * ROWS_PER_PART).min(rows) {
            f(r, &mut acc);
        }
        acc
    };
    let chunks = rows.div_ceil(ROWS_PER_PART);
    let parts: Vec<Vec<f64>> = if parallel {
        (0..chunks).into_par_iter().map(part).collect()
    } else {
        (0..chunks).map(part).collect()
    };
    let mut total = vec![0.0f64; width];
    for p in parts {
        total.iter_mut().zip(p).for_each(|(t, v)| *t += v);
    }
    total
}

fn parallel(len: usize) -> bool {
    rayon::current_num_threads() > 1 && len >= Work::Light.par_min()
}

/// Per-column mean and biased variance of the `rows × cols` matrix `x` (two passes).
pub fn stats(x: &[f32], rows: usize, cols: usize) -> (Vec<f32>, Vec<f32>) {
    let par = parallel(x.len());
    let inv = 1.0 / rows.max(1) as f64;
    let sums = column_sums(rows, cols, par, |r, acc| {
        acc.iter_mut()
            .zip(&x[r * cols..][..cols])
            .for_each(|(a, &v)| *a += v as f64);
    });
    let mean: Vec<f64> = sums.iter().map(|s| s * inv).collect();
    let squares = column_sums(rows, cols, par, |r, acc| {
        for ((a, &v), &m) in acc.iter_mut().zip(&x[r * cols..][..cols]).zip(&mean) {
            let d = v as f64 - m;
            *a += d * d;
        }
    });
    (
        mean.iter().map(|&m| m as f32).collect(),
        squares.iter().map(|s| (s * inv) as f32).collect(),
    )
}

/// `act(x · scale + shift)` per column, with the rounding of a multiply then an add (as the
/// broadcast `mul` and `add` it replaces), the activation in the same pass.
pub fn scale_shift(x: &[f32], cols: usize, scale: &[f32], shift: &[f32], act: Option<UnaryOp>) -> Vec<f32> {
    let mut out = vec![0.0f32; x.len()];
    for_row_chunks(&mut out, cols, Work::Light, |first, o| {
        let x = &x[first * cols..][..o.len()];
        for (orow, xrow) in o.chunks_exact_mut(cols).zip(x.chunks_exact(cols)) {
            for (((y, &v), &s), &b) in orow.iter_mut().zip(xrow).zip(scale).zip(shift) {
                *y = v * s + b;
            }
            if let Some(op) = act {
                unary_in_place(op, orow);
            }
        }
    });
    out
}

/// Training-mode batch normalisation's backward: `(dx, dγ, dβ)` with `dβ = Σ dy`,
/// `dγ = Σ dy x̂`, `dx = γ invstd (dy − dβ/R − x̂ dγ/R)`, `x̂ = (x − mean) invstd`.
pub fn grad(
    x: &[f32],
    dy: &[f32],
    cols: usize,
    mean: &[f32],
    invstd: &[f32],
    gamma: &[f32],
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let rows = x.len() / cols.max(1);
    let sums = column_sums(rows, 2 * cols, parallel(x.len()), |r, acc| {
        let (a_dy, a_dyx) = acc.split_at_mut(cols);
        let (xr, dr) = (&x[r * cols..][..cols], &dy[r * cols..][..cols]);
        for j in 0..cols {
            let d = dr[j] as f64;
            a_dy[j] += d;
            a_dyx[j] += d * (xr[j] - mean[j]) as f64;
        }
    });
    let dbeta: Vec<f32> = sums[..cols].iter().map(|&v| v as f32).collect();
    let dgamma: Vec<f32> = sums[cols..]
        .iter()
        .zip(invstd)
        .map(|(&v, &s)| (v * s as f64) as f32)
        .collect();
    let inv_r = 1.0 / rows.max(1) as f32;
    let scale: Vec<f32> = gamma.iter().zip(invstd).map(|(g, s)| g * s).collect();
    let (mb, mg): (Vec<f32>, Vec<f32>) = (
        dbeta.iter().map(|v| v * inv_r).collect(),
        dgamma.iter().map(|v| v * inv_r).collect(),
    );
    let mut dx = vec![0.0f32; x.len()];
    for_row_chunks(&mut dx, cols, Work::Light, |first, o| {
        let (x, dy) = (&x[first * cols..][..o.len()], &dy[first * cols..][..o.len()]);
        for ((orow, xr), dr) in o
            .chunks_exact_mut(cols)
            .zip(x.chunks_exact(cols))
            .zip(dy.chunks_exact(cols))
        {
            for j in 0..cols {
                let xhat = (xr[j] - mean[j]) * invstd[j];
                orow[j] = scale[j] * (dr[j] - mb[j] - xhat * mg[j]);
            }
        }
    });
    (dx, dgamma, dbeta)
}
