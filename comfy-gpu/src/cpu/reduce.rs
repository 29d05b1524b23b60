//! Sums and maxima along an axis of the matrix view.
//!
//! Sums accumulate in `f64`, as the reference backend does, in an order fixed by the shape
//! alone: each column or row is summed in index order, and a whole-tensor sum adds the partial
//! sums of fixed [`CHUNK`]-sized pieces in order. Threads only decide who computes which piece.
use super::par::{Work, CHUNK};
use comfy_core::{Axis, ReduceOp};
use rayon::prelude::*;

/// Reduces the `rows × cols` matrix `x` along `axis`.
pub fn reduce(op: ReduceOp, x: &[f32], rows: usize, cols: usize, axis: Axis) -> Vec<f32> {
    match axis {
        Axis::Rows => down_columns(op, x, rows, cols),
        Axis::Cols => across_rows(op, x, rows, cols),
        Axis::All => vec![whole(op, x)],
    }
}

/// One value per column (the bias gradient's `Σ_rows dz`).
fn down_columns(op: ReduceOp, x: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; cols];
    // Each task owns a band of columns and walks every row, so each column's order is fixed.
    let band = |first: usize, out: &mut [f32]| {
        let width = out.len();
        match op {
            ReduceOp::Sum => {
                let mut acc = vec![0.0f64; width];
                for r in 0..rows {
                    let row = &x[r * cols + first..][..width];
                    for (a, &v) in acc.iter_mut().zip(row) {
                        *a += v as f64;
                    }
                }
                for (o, a) in out.iter_mut().zip(acc) {
                    *o = a as f32;
                }
            }
            ReduceOp::Max => {
                out.fill(f32::NEG_INFINITY);
                for r in 0..rows {
                    let row = &x[r * cols + first..][..width];
                    for (o, &v) in out.iter_mut().zip(row) {
                        *o = o.max(v);
                    }
                }
            }
        }
    };
    let per_band = 256;
    if rows * cols < Work::Light.par_min() || cols < 2 * per_band {
        band(0, &mut out);
    } else {
        out.par_chunks_mut(per_band)
            .enumerate()
            .for_each(|(i, o)| band(i * per_band, o));
    }
    out
}

/// One value per row.
fn across_rows(op: ReduceOp, x: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    if cols == 0 {
        let empty = match op {
            ReduceOp::Sum => 0.0,
            ReduceOp::Max => f32::NEG_INFINITY,
        };
        return vec![empty; rows];
    }
    let one = |row: &[f32]| match op {
        ReduceOp::Sum => sum_f64(row) as f32,
        ReduceOp::Max => max(row),
    };
    if x.len() < Work::Light.par_min() {
        x.chunks(cols).map(one).collect()
    } else {
        x.par_chunks(cols).map(one).collect()
    }
}

/// One value for everything.
fn whole(op: ReduceOp, x: &[f32]) -> f32 {
    match op {
        ReduceOp::Sum => {
            let partial = |piece: &[f32]| sum_f64(piece);
            let parts: Vec<f64> = if x.len() < Work::Light.par_min() {
                x.chunks(CHUNK).map(partial).collect()
            } else {
                x.par_chunks(CHUNK).map(partial).collect()
            };
            parts.iter().sum::<f64>() as f32
        }
        ReduceOp::Max => {
            let parts: Vec<f32> = if x.len() < Work::Light.par_min() {
                x.chunks(CHUNK).map(max).collect()
            } else {
                x.par_chunks(CHUNK).map(max).collect()
            };
            max(&parts)
        }
    }
}

/// Sum in `f64` over eight interleaved lanes (vectorisable, and fixed in order).
fn sum_f64(xs: &[f32]) -> f64 {
    let mut lanes = [0.0f64; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (l, &v) in lanes.iter_mut().zip(c) {
            *l += v as f64;
        }
    }
    for (l, &v) in lanes.iter_mut().zip(tail) {
        *l += v as f64;
    }
    lanes.iter().sum()
}

/// Largest value, ignoring NaNs as `f32::max` does (`-inf` when empty).
fn max(xs: &[f32]) -> f32 {
    xs.iter().copied().fold(f32::NEG_INFINITY, f32::max)
}
