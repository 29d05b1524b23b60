//! The packed, cache-blocked matrix product, parallel over tiles of the output.
//!
//! `op(A)` and `op(B)` are packed once into sliver layout (see [`super::pack`]), on both cores
//! when the product is big enough. The output is then cut into tiles of whole micro-tiles; a
//! tile walks the k blocks in order, and within a block streams each B sliver (kept in L1)
//! past the A slivers of its rows (kept in L2). Every output value is the same chain of
//! multiply-adds whatever the tiling and the thread count, so results are bit-identical from run
//! to run. An optional epilogue (bias, activation) runs on each tile right after its last k
//! block, while the tile is still in cache.
use super::elementwise::{add_row_in_place, unary_in_place};
use super::kernel::{Kernel, MR, NR};
use super::pack::{operand_a, operand_b, pack, sliver_at};
use comfy_core::UnaryOp;
use rayon::prelude::*;
use std::cell::Cell;

/// Longest k block: a `KC × NR` B sliver (16 KiB) stays in the 32 KiB L1 data cache.
const KC: usize = 256;
/// Most A slivers per tile: `MC_SLIVERS · MR × KC` values of A (144 KiB) stay in L2.
const MC_SLIVERS: usize = 24;
/// Most B slivers per tile.
const NC_SLIVERS: usize = 64;
/// Products below this many multiply-adds run on the calling thread: waking the pool costs more
/// than the second core saves.
const PAR_MIN_MACS: usize = 1 << 19;
/// Tiles per thread in a parallel product, so that a late thread can steal work.
const TILES_PER_THREAD: usize = 4;

/// What to do to each output value after the product: `act(c + bias[j])`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Epilogue<'a> {
    /// A row of `n` values added to every output row.
    pub bias: Option<&'a [f32]>,
    /// An element-wise function applied last.
    pub act: Option<UnaryOp>,
}

impl Epilogue<'_> {
    fn is_empty(&self) -> bool {
        self.bias.is_none() && self.act.is_none()
    }

    /// Applies to one row piece whose first value is in column `col`.
    fn apply(&self, row: &mut [f32], col: usize) {
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

/// A rectangle of whole micro-tiles of the output and the row pieces it writes.
struct Tile<'c> {
    /// First A sliver (row `s0 · MR`).
    s0: usize,
    /// First B sliver (column `t0 · NR`).
    t0: usize,
    /// Number of B slivers.
    tn: usize,
    /// The tile's rows, each cut to the tile's columns.
    rows: Vec<&'c mut [f32]>,
}

/// `out = epilogue(op(A) · op(B))`; `out` has `m · n` values and the operands the lengths their
/// shapes give (checked by the caller).
pub fn gemm(out: &mut [f32], p: Product<'_>, epi: Epilogue<'_>) {
    let Product { m, k, n, .. } = p;
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        out.fill(0.0);
        if !epi.is_empty() {
            out.chunks_mut(n).for_each(|row| epi.apply(row, 0));
        }
        return;
    }
    let threads = rayon::current_num_threads();
    let parallel = threads > 1 && m.saturating_mul(n).saturating_mul(k) >= PAR_MIN_MACS;
    let (oa, ob) = (operand_a(p.a, m, k, p.trans_a), operand_b(p.b, k, n, p.trans_b));
    let (la, lb) = (oa.packed_len(MR), ob.packed_len(NR));
    with_scratch(la + lb, |buf| {
        let (pa, pb) = buf.split_at_mut(la);
        if parallel {
            rayon::join(|| pack::<MR>(pa, oa, true), || pack::<NR>(pb, ob, true));
        } else {
            pack::<MR>(pa, oa, false);
            pack::<NR>(pb, ob, false);
        }
        let (pa, pb) = (&*pa, &*pb);
        let kernel = Kernel::detect();
        let tiles = tiles(out, m, n, if parallel { threads } else { 1 });
        let run = |t: Tile<'_>| run_tile(t, pa, pb, k, n, kernel, &epi);
        if parallel {
            tiles.into_par_iter().for_each(run);
        } else {
            tiles.into_iter().for_each(run);
        }
    });
}

/// Cuts the output into tiles: at most `MC_SLIVERS × NC_SLIVERS` micro-tiles each, and at least
/// `TILES_PER_THREAD` per thread when there are several, splitting the longer side first.
fn tiles(out: &mut [f32], m: usize, n: usize, threads: usize) -> Vec<Tile<'_>> {
    let (ms, ns) = (m.div_ceil(MR), n.div_ceil(NR));
    let (mut bands, mut cols) = (ms.div_ceil(MC_SLIVERS), ns.div_ceil(NC_SLIVERS));
    if threads > 1 {
        while bands * cols < threads * TILES_PER_THREAD {
            let (h, w) = (ms.div_ceil(bands) * MR, ns.div_ceil(cols) * NR);
            if w >= h && cols < ns {
                cols += 1;
            } else if bands < ms {
                bands += 1;
            } else if cols < ns {
                cols += 1;
            } else {
                break;
            }
        }
    }
    let (band_slivers, col_slivers) = (split(ms, bands), split(ns, cols));
    let mut tiles: Vec<Tile<'_>> = Vec::with_capacity(bands * cols);
    for &(s0, sn) in &band_slivers {
        for &(t0, tn) in &col_slivers {
            let rows = Vec::with_capacity((sn * MR).min(m - s0 * MR));
            tiles.push(Tile { s0, t0, tn, rows });
        }
    }
    let mut band = 0;
    for (i, mut row) in out.chunks_mut(n).enumerate() {
        let (s0, sn) = band_slivers[band];
        if i >= (s0 + sn) * MR {
            band += 1;
        }
        for (c, &(t0, tn)) in col_slivers.iter().enumerate() {
            let width = ((t0 + tn) * NR).min(n) - t0 * NR;
            let (piece, rest) = row.split_at_mut(width);
            tiles[band * cols + c].rows.push(piece);
            row = rest;
        }
    }
    tiles
}

/// `total` slivers in `parts` runs as even as possible: `(first, count)` each.
fn split(total: usize, parts: usize) -> Vec<(usize, usize)> {
    let (base, extra) = (total / parts, total % parts);
    let mut first = 0;
    (0..parts)
        .map(|i| {
            let count = base + usize::from(i < extra);
            let run = (first, count);
            first += count;
            run
        })
        .collect()
}

/// Computes one tile over every k block, then applies the epilogue to it.
fn run_tile(mut t: Tile<'_>, pa: &[f32], pb: &[f32], k: usize, n: usize, kernel: Kernel, epi: &Epilogue<'_>) {
    let blocks = k.div_ceil(KC);
    let step = k.div_ceil(blocks);
    for p0 in (0..k).step_by(step) {
        let kc = step.min(k - p0);
        for tj in 0..t.tn {
            let sliver = t.t0 + tj;
            let b = &pb[sliver_at(sliver, p0, k, NR)..][..kc * NR];
            let width = NR.min(n - sliver * NR);
            for (si, rows) in t.rows.chunks_mut(MR).enumerate() {
                let a = &pa[sliver_at(t.s0 + si, p0, k, MR)..][..kc * MR];
                kernel.tile(kc, a, b, rows, tj * NR, width, p0 > 0);
            }
        }
    }
    if !epi.is_empty() {
        let col = t.t0 * NR;
        t.rows.iter_mut().for_each(|row| epi.apply(row, col));
    }
}

thread_local! {
    /// Packing space, kept between calls so that a product does not allocate it each time.
    static SCRATCH: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
}

/// Runs `f` on `len` values of this thread's packing space, aligned to 64 bytes.
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    const PAD: usize = 16; // 64 bytes of f32
                           // Taken out, not borrowed: a nested product on this thread (work stealing) gets its own.
    let mut buf = SCRATCH.take();
    if buf.len() < len + PAD {
        buf = vec![0.0; len + PAD];
    }
    let off = buf.as_ptr().align_offset(64).min(PAD);
    let r = f(&mut buf[off..off + len]);
    SCRATCH.set(buf);
    r
}
