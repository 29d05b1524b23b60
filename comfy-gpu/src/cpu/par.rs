//! How element-wise work is split between threads.
//!
//! Element-wise results do not depend on the split; reductions use fixed-size chunks whose
//! partial sums are combined in order, so they do not depend on it either.
use rayon::prelude::*;

/// Below this many elements, element-wise work stays on the calling thread: waking the pool
/// costs a few microseconds, about what one core needs for this many simple updates.
pub const PAR_MIN: usize = 1 << 15;

/// Elements per parallel task (and per partial sum in whole-tensor reductions).
pub const CHUNK: usize = 1 << 13;

/// Calls `f(start, piece)` over consecutive pieces of `out`: all of it at once on this thread
/// when it is small, else pieces of [`CHUNK`] elements on the pool.
pub fn for_chunks(out: &mut [f32], f: impl Fn(usize, &mut [f32]) + Sync) {
    if out.len() < PAR_MIN {
        f(0, out);
    } else {
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(i, piece)| f(i * CHUNK, piece));
    }
}

/// Like [`for_chunks`] over a matrix of `cols`-wide rows, never splitting a row:
/// `f(first_row, rows)`.
pub fn for_row_chunks(out: &mut [f32], cols: usize, f: impl Fn(usize, &mut [f32]) + Sync) {
    if out.len() < PAR_MIN || cols == 0 {
        f(0, out);
    } else {
        let rows_per = (CHUNK / cols).max(1);
        out.par_chunks_mut(rows_per * cols)
            .enumerate()
            .for_each(|(i, piece)| f(i * rows_per, piece));
    }
}

/// A zero-filled output buffer (the allocator hands large ones out as fresh zero pages).
pub fn zeroed(n: usize) -> Vec<f32> {
    vec![0.0; n]
}
