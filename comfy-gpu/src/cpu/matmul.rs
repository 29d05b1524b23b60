//! The packed, cache-blocked matrix product, parallel over tiles of the output.
//!
//! `op(A)` is packed once into sliver layout (see [`super::pack`]). The output is cut into
//! tiles of whole micro-tiles (see [`super::tiles`]); a tile walks the k blocks in order, and
//! within a block streams each packed B sliver (kept in L1) past the A slivers of its rows (kept
//! in L2). When the output is one band of rows, each B sliver is used by one tile only, so the
//! tile packs its B block itself right before use, while it is hot in cache; otherwise `op(B)`
//! is packed once up front as well.
//!
//! Products with a dimension of one skip all this (see [`super::thin`]).
//!
//! Every output value is the same chain of multiply-adds whatever the tiling and the thread
//! count, so results are bit-identical from run to run. An optional epilogue (bias, activation)
//! runs on each tile right after its last k block, while the tile is still in cache.
use super::elementwise::{add_row_in_place, unary_in_place};
use super::kernel::{Kernel, MR, NR};
use super::pack::{pack, pack_group, sliver_at, KBlocks, Operand};
use super::scratch;
use super::thin;
use super::tiles::{Grid, Tile};
use comfy_core::UnaryOp;
use rayon::prelude::*;

/// Longest k block: a `KC × NR` B sliver (16 KiB) stays in the 32 KiB L1 data cache.
/// (Measured on Zen 4: 256, 384 and 512 are within noise of each other.)
const KC: usize = 256;
/// Most A slivers per tile: `MC_SLIVERS · MR × KC` values of A (288 KiB) stay in the 1 MiB L2,
/// and a batch of up to 288 rows is one band, whose tiles pack their own B.
const MC_SLIVERS: usize = 48;
/// Most B slivers per tile.
const NC_SLIVERS: usize = 64;
/// Tiles per thread in a parallel product. Measured with 2 threads on the GAN's shapes and
/// square 256–1024: one tile per thread (each one wide) was as fast as or faster than 2, 3 or 4
/// (narrower column tiles each repack their share of B and re-stream A).
const TILES_PER_THREAD: usize = 1;
/// Products below this many multiply-adds run on the calling thread. Handing work to rayon's
/// pool from outside it costs 15–30 µs on this kind of machine (the caller wakes a worker and
/// sleeps until woken back), about what one core needs for 2–4 M multiply-adds, so a product
/// is handed over once, whole; from a pool thread a fork costs a few microseconds.
/// (Batch-64 GAN shapes of 1.6 M multiply-adds ran faster on one thread, those of 8.4 M faster
/// on two.)
fn par_min_macs() -> usize {
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

/// Where a tile finds its B slivers.
#[derive(Clone, Copy)]
enum BSlivers<'a> {
    /// Packed up front for all tiles.
    Packed(&'a [f32]),
    /// Packed by the tile that uses them, one k block at a time, while they are hot in cache.
    /// (Reading a row-major B in place instead was tried: rows 1 or 4 KiB apart map onto a few
    /// L1 sets and thrash, halving the speed at n = 1024.)
    OnTheFly(Operand<'a>),
}

/// Everything a tile reads.
struct Shared<'a> {
    a: &'a [f32],
    b: BSlivers<'a>,
    m: usize,
    n: usize,
    blocks: KBlocks,
    kernel: Kernel,
    epi: Epilogue<'a>,
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
    if thin::applies(&p) {
        thin::product(out, p);
        if !epi.is_empty() {
            out.chunks_mut(n).for_each(|row| epi.apply(row, 0));
        }
        return;
    }
    let parallel = rayon::current_num_threads() > 1 && m.saturating_mul(n).saturating_mul(k) >= par_min_macs();
    if parallel && rayon::current_thread_index().is_none() {
        // One hand-over to the pool for the whole product: the forks inside are then cheap.
        rayon::scope(|_| product(out, p, epi, true));
    } else {
        product(out, p, epi, parallel);
    }
}

/// Packs and multiplies, on the pool's threads when `parallel`.
fn product(out: &mut [f32], p: Product<'_>, epi: Epilogue<'_>, parallel: bool) {
    let Product { m, k, n, .. } = p;
    let threads = if parallel { rayon::current_num_threads() } else { 1 };
    let grid = Grid::new(m, n, threads, (MC_SLIVERS, NC_SLIVERS), TILES_PER_THREAD);
    let on_the_fly = grid.bands.len() == 1;
    let (oa, ob) = (Operand::a(p.a, m, k, p.trans_a), Operand::b(p.b, k, n, p.trans_b));
    let blocks = KBlocks::new(k, KC);
    // The B part starts on a 64-byte boundary too.
    let la = oa.packed_len(MR).next_multiple_of(16);
    let lb = if on_the_fly { 0 } else { ob.packed_len(NR) };
    scratch::with(&scratch::PACKED, la + lb, |buf| {
        let (pa, pb) = buf.split_at_mut(la);
        match (on_the_fly, parallel) {
            (true, _) => pack::<MR>(pa, oa, blocks, parallel),
            (false, true) => {
                rayon::join(|| pack::<MR>(pa, oa, blocks, true), || pack::<NR>(pb, ob, blocks, true));
            }
            (false, false) => {
                pack::<MR>(pa, oa, blocks, false);
                pack::<NR>(pb, ob, blocks, false);
            }
        }
        let shared = Shared {
            a: pa,
            b: if on_the_fly {
                BSlivers::OnTheFly(ob)
            } else {
                BSlivers::Packed(pb)
            },
            m,
            n,
            blocks,
            kernel: Kernel::detect(),
            epi,
        };
        let tiles = grid.tiles(out, m, n);
        if parallel {
            tiles.into_par_iter().for_each(|t| run_tile(t, &shared));
        } else {
            tiles.into_iter().for_each(|t| run_tile(t, &shared));
        }
    });
}

/// Computes one tile over every k block, then applies the epilogue to it.
fn run_tile(mut t: Tile<'_>, s: &Shared<'_>) {
    let own_len = match s.b {
        BSlivers::Packed(_) => 0,
        BSlivers::OnTheFly(_) => s.blocks.step * t.tn * NR,
    };
    scratch::with(&scratch::TILE_B, own_len, |own| {
        for block in s.blocks.iter() {
            let (p0, kc) = block;
            if let BSlivers::OnTheFly(op) = s.b {
                pack_group::<NR>(&mut own[..kc * t.tn * NR], op, t.t0 * NR, p0, kc);
            }
            for tj in 0..t.tn {
                let width = NR.min(s.n - (t.t0 + tj) * NR);
                let b = match s.b {
                    BSlivers::Packed(pb) => &pb[sliver_at(t.t0 + tj, block, s.n, NR)..][..kc * NR],
                    BSlivers::OnTheFly(_) => &own[tj * kc * NR..][..kc * NR],
                };
                for (si, rows) in t.rows.chunks_mut(MR).enumerate() {
                    let a = &s.a[sliver_at(t.s0 + si, block, s.m, MR)..][..kc * MR];
                    s.kernel.tile(kc, a, b, rows, tj * NR, width, p0 > 0);
                }
            }
        }
    });
    if !s.epi.is_empty() {
        let col = t.t0 * NR;
        t.rows.iter_mut().for_each(|row| s.epi.apply(row, col));
    }
}
