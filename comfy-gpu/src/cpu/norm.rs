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
use super::elementwise::{unary_grad_into, unary_in_place};
use super::par::{for_row_chunks, Work};
use comfy_core::UnaryOp;
use rayon::prelude::*;

/// Rows per partial sum.
const ROWS_PER_PART: usize = 256;

/// `Σ_rows f(row, acc, scratch)` per column: chunks of [`ROWS_PER_PART`] rows into `f64`
/// partial sums (`width` of them per row, e.g. two sums per column), added in chunk order;
/// `scratch` is `scratch_len` values for `f` to use.
fn column_sums(
    rows: usize,
    (width, scratch_len): (usize, usize),
    parallel: bool,
    f: impl Fn(usize, &mut [f64], &mut [f32]) + Sync,
) -> Vec<f64> {
    let part = |chunk: usize| {
        let mut acc = vec![0.0f64; width];
        let mut scratch = vec![0.0f32; scratch_len];
        for r in chunk * ROWS_PER_PART..((chunk + 1) * ROWS_PER_PART).min(rows) {
            f(r, &mut acc, &mut scratch);
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
    let sums = column_sums(rows, (cols, 0), par, |r, acc, _| {
        acc.iter_mut()
            .zip(&x[r * cols..][..cols])
            .for_each(|(a, &v)| *a += v as f64);
    });
    let mean: Vec<f64> = sums.iter().map(|s| s * inv).collect();
    let squares = column_sums(rows, (cols, 0), par, |r, acc, _| {
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

/// Batch normalisation's per-column values that its backward reads.
#[derive(Clone, Copy)]
pub struct PerColumn<'a> {
    pub mean: &'a [f32],
    pub invstd: &'a [f32],
    pub gamma: &'a [f32],
}

/// Training-mode batch normalisation's backward: `(dx, dγ, dβ)` with `dβ = Σ dz`,
/// `dγ = Σ dz x̂`, `dx = γ invstd (dz − dβ/R − x̂ dγ/R)`, `x̂ = (x − mean) invstd`, where
/// `dz = f'(y) dy` for `act = Some((f, y))` (worked out in both passes, never stored: one
/// pass and one buffer fewer than the activation's own gradient), else `dz = dy`.
pub fn grad(
    x: &[f32],
    dy: &[f32],
    cols: usize,
    c: PerColumn<'_>,
    act: Option<(UnaryOp, &[f32])>,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let rows = x.len() / cols.max(1);
    let PerColumn { mean, invstd, gamma } = c;
    // `dz` of row `r` into `buf`.
    let dz_row = |r: usize, buf: &mut [f32]| {
        let d = &dy[r * cols..][..cols];
        match act {
            Some((f, y)) => {
                let y = &y[r * cols..][..cols];
                unary_grad_into(f, y, y, d, buf);
            }
            None => buf.copy_from_slice(d),
        }
    };
    let sums = column_sums(rows, (2 * cols, cols), parallel(x.len()), |r, acc, dz| {
        let (a_dy, a_dyx) = acc.split_at_mut(cols);
        dz_row(r, dz);
        let xr = &x[r * cols..][..cols];
        for j in 0..cols {
            let d = dz[j] as f64;
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
        for (i, orow) in o.chunks_exact_mut(cols).enumerate() {
            let r = first + i;
            dz_row(r, orow);
            let xr = &x[r * cols..][..cols];
            for j in 0..cols {
                let xhat = (xr[j] - mean[j]) * invstd[j];
                orow[j] = scale[j] * (orow[j] - mb[j] - xhat * mg[j]);
            }
        }
    });
    (dx, dgamma, dbeta)
}
