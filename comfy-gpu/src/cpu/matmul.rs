//! Dense matrix products: `op(A) · op(B)` of row-major matrices, through the packed,
//! cache-blocked driver of [`super::blocked`] (parallel over tiles of the output), or the plain
//! loops of [`super::thin`] for products with a dimension of one. A parallel product is handed
//! to rayon's pool once, whole.
//!
//! Every output value is the same chain of multiply-adds whatever the tiling and the thread
//! count, so results are bit-identical from run to run. An optional epilogue (bias, activation)
//! runs on each tile right after its last k block, while the tile is still in cache.
use super::blocked::{self, Problem};
use super::elementwise::{add_row_in_place, unary_in_place};
use super::pack::Operand;
use super::source::Source;
use super::thin;
use comfy_core::UnaryOp;
use std::mem::MaybeUninit;

/// Products below this many multiply-adds run on the calling thread. Handing work to rayon's
/// pool from outside it costs 15–30 µs on this kind of machine (the caller wakes a worker and
/// sleeps until woken back), about what one core needs for 2–4 M multiply-adds, so a product
/// is handed over once, whole; from a pool thread a fork costs a few microseconds.
/// (Batch-64 GAN shapes of 1.6 M multiply-adds ran faster on one thread, those of 8.4 M faster
/// on two.)
pub(crate) fn par_min_macs() -> usize {
    if rayon::current_thread_index().is_some() {
        1 << 19
    } else {
        1 << 22
    }
}
/// What to do to each output value after the product: `act(c + bias[j])`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Epilogue<'a> {
    /// A row of `n` values added to every output row.
    pub bias: Option<&'a [f32]>,
    /// An element-wise function applied last.
    pub act: Option<UnaryOp>,
}

impl Epilogue<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.bias.is_none() && self.act.is_none()
    }

    /// Applies to one row piece whose first value is in column `col`.
    pub(crate) fn apply(&self, row: &mut [f32], col: usize) {
        if let Some(b) = self.bias {
            add_row_in_place(row, &b[col..col + row.len()]);
        }
        if let Some(op) = self.act {
            unary_in_place(op, row);
        }
    }
}

/// Sizes and layouts of one product `op(A) · op(B)`, `m × k` by `k × n`.
#[derive(Clone, Copy, Debug)]
pub struct Product<'a> {
    /// `A` as stored: `m × k`, or `k × m` when `trans_a`.
    pub a: &'a [f32],
    /// `B` as stored: `k × n`, or `n × k` when `trans_b`.
    pub b: &'a [f32],
    /// Rows of the result.
    pub m: usize,
    /// The shared dimension.
    pub k: usize,
    /// Columns of the result.
    pub n: usize,
    /// Whether `A` is stored transposed.
    pub trans_a: bool,
    /// Whether `B` is stored transposed.
    pub trans_b: bool,
}

/// `epilogue(op(A) · op(B))` as `m · n` row-major values; the operands have the lengths their
/// shapes give (checked by the caller).
pub fn gemm(p: Product<'_>, epi: Epilogue<'_>) -> Vec<f32> {
    let Product { m, k, n, .. } = p;
    let parallel = rayon::current_num_threads() > 1
        && !thin::applies(&p)
        && m.saturating_mul(n).saturating_mul(k) >= par_min_macs();
    if parallel && rayon::current_thread_index().is_none() {
        // One hand-over to the pool for the whole product: the forks inside are then cheap.
        rayon::scope(|_| output(p, epi, true))
    } else {
        output(p, epi, parallel)
    }
}

/// Allocates the output and computes it. A packed product writes every output value in its
/// first k block, so its output is never zero-filled first (for a short k a zero fill cost
/// 2–10% of the product: it is one more pass over an output as large as the operands).
fn output(p: Product<'_>, epi: Epilogue<'_>, parallel: bool) -> Vec<f32> {
    let Product { m, k, n, .. } = p;
    if m > 0 && n > 0 && k > 0 && !thin::applies(&p) {
        let mut out = Vec::with_capacity(m * n);
        product(&mut out.spare_capacity_mut()[..m * n], p, epi, parallel);
        // SAFETY: `product` has returned, so every tile has run; the tiles cover the `m · n`
        // values once (`Grid::tiles_of_rows`), and each tile writes all of its values in its first k
        // block (`run_tile`). A panic on the way leaves `out` empty.
        unsafe { out.set_len(m * n) };
        return out;
    }
    let mut out = vec![0.0f32; m * n];
    if k > 0 && m > 0 && n > 0 {
        thin::product(&mut out, p);
    }
    if !epi.is_empty() && n > 0 {
        out.chunks_mut(n).for_each(|row| epi.apply(row, 0));
    }
    out
}

/// Packs and multiplies into `out` (`m · n` values, each written once), on the pool's
/// threads when `parallel`.
fn product(out: &mut [MaybeUninit<f32>], p: Product<'_>, epi: Epilogue<'_>, parallel: bool) {
    let problem = Problem {
        a: Source::Dense(Operand::a(p.a, p.m, p.k, p.trans_a)),
        b: Source::Dense(Operand::b(p.b, p.k, p.n, p.trans_b)),
        k: p.k,
        rows: out.chunks_mut(p.n).collect(),
        epi,
    };
    blocked::run(vec![problem], parallel);
}
