//! How element-wise work is split between threads.
//!
//! Element-wise results do not depend on the split; reductions use fixed-size chunks whose
//! partial sums are combined in order, so they do not depend on it either.
use rayon::prelude::*;

/// Elements per parallel task (and per partial sum in whole-tensor reductions).
pub const CHUNK: usize = 1 << 13;

/// How much work one element is, which decides when a second thread pays for itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// A few arithmetic operations (add, relu, a gradient from the output, an Adam update).
    Light,
    /// A call into libm (`tanh`, `exp`, `ln`…): tens of nanoseconds.
    Heavy,
    /// Never split (the caller decided to stay on one thread).
    Never,
}

impl Work {
    /// Fewest elements worth splitting. Handing work to rayon's pool from outside it costs
    /// 15–30 µs on this kind of machine (the caller wakes a worker, then sleeps until woken
    /// back); from a pool thread a fork costs a few microseconds. Below these sizes one core
    /// finishes first.
    pub fn par_min(self) -> usize {
        let in_pool = rayon::current_thread_index().is_some();
        match (self, in_pool) {
            (Work::Light, false) => 1 << 18,
            (Work::Light, true) => 1 << 15,
            (Work::Heavy, false) => 1 << 13,
            (Work::Heavy, true) => 1 << 11,
            (Work::Never, _) => usize::MAX,
        }
    }
}

/// Calls `f(start, piece)` over consecutive pieces of `out`: all of it at once on this thread
/// when it is small for `work`, else pieces of [`CHUNK`] elements on the pool.
pub fn for_chunks(out: &mut [f32], work: Work, f: impl Fn(usize, &mut [f32]) + Sync) {
    if out.len() < work.par_min() {
        f(0, out);
    } else {
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(i, piece)| f(i * CHUNK, piece));
    }
}

/// Like [`for_chunks`] over a matrix of `cols`-wide rows, never splitting a row:
/// `f(first_row, rows)`.
pub fn for_row_chunks(out: &mut [f32], cols: usize, work: Work, f: impl Fn(usize, &mut [f32]) + Sync) {
    if out.len() < work.par_min() || cols == 0 {
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
