//! The packed, cache-blocked matrix product, parallel over tiles of the output.
//!
//! The output is cut into tiles of whole micro-tiles (see [`super::tiles`]); a tile walks the k
//! blocks in order, and within a block streams each packed B sliver (kept in L1) past the
//! packed A slivers of its rows (kept in L2). An operand whose slivers several tiles share is
//! packed once up front (see [`super::pack`]); when the tiles cut the output only across one
//! operand's slivers — one band of rows, or one run of columns — each tile packs its own
//! block of that operand right before use, while it is hot in cache. A parallel product is
//! handed to rayon's pool once, whole.
//!
//! Products with a dimension of one skip all this (see [`super::thin`]).
//!
//! Every output value is the same chain of multiply-adds whatever the tiling and the thread
//! count, so results are bit-identical from run to run. An optional epilogue (bias, activation)
//! runs on each tile right after its last k block, while the tile is still in cache.
use super::elementwise::{add_row_in_place, unary_in_place};
use super::kernel::{Dest, Kernel, MR, NR};
use super::pack::{pack, pack_group, sliver_at, KBlocks, Operand};
use super::scratch;
use super::thin;
use super::tiles::{Grid, Tile};
use comfy_core::UnaryOp;
use rayon::prelude::*;
use std::mem::MaybeUninit;

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

/// Where a tile finds the slivers of one operand.
#[derive(Clone, Copy)]
enum Slivers<'a> {
    /// Packed up front for all tiles.
    Packed(&'a [f32]),
    /// Packed by the tile that uses them, one k block at a time, while they are hot in cache:
    /// when the tiles split the output only across this operand's slivers, no two tiles share
    /// one. (Reading a row-major B in place instead was tried: rows 1 or 4 KiB apart map onto a
    /// few L1 sets and thrash, halving the speed at n = 1024.)
    OnTheFly(Operand<'a>),
}

impl<'a> Slivers<'a> {
    /// Scratch values a tile needs to pack `count` slivers `W` wide of a `step`-deep k block
    /// itself: none when they were packed up front.
    fn own_len<const W: usize>(self, step: usize, count: usize) -> usize {
        match self {
            Slivers::Packed(_) => 0,
            Slivers::OnTheFly(_) => step * count * W,
        }
    }

    /// `count` slivers `W` wide from sliver `first` for k block `block`, one after the other,
    /// of an operand whose sliced dimension is `outer`: taken from the packed operand, or
    /// packed now into `own`.
    fn block<'s, const W: usize>(
        self,
        (first, count): (usize, usize),
        outer: usize,
        block: (usize, usize),
        own: &'s mut [f32],
    ) -> &'s [f32]
    where
        'a: 's,
    {
        let (p0, kc) = block;
        match self {
            Slivers::Packed(packed) => &packed[sliver_at(first, block, outer, W)..][..kc * count * W],
            Slivers::OnTheFly(op) => {
                let own = &mut own[..kc * count * W];
                pack_group::<W>(own, op, first * W, p0, kc);
                own
            }
        }
    }
}

/// Everything a tile reads.
struct Shared<'a> {
    a: Slivers<'a>,
    b: Slivers<'a>,
    m: usize,
    n: usize,
    blocks: KBlocks,
    kernel: Kernel,
    epi: Epilogue<'a>,
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
        // values once (`Grid::tiles`), and each tile writes all of its values in its first k
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

/// Operands of fewer values than this are packed on one thread even in a parallel product.
/// Inside the pool a parallel region costs a few microseconds: packing even 32 K values on two
/// threads measured faster than on one (64×512×256: 160 vs 138 GFLOP/s).
const PACK_PAR_MIN: usize = 1 << 12;

/// Packs and multiplies, on the pool's threads when `parallel`. A parallel product is one
/// parallel region over the tiles, plus one to pack a large shared operand first.
fn product(out: &mut [MaybeUninit<f32>], p: Product<'_>, epi: Epilogue<'_>, parallel: bool) {
    let Product { m, k, n, .. } = p;
    let threads = if parallel { rayon::current_num_threads() } else { 1 };
    let grid = Grid::new(m, n, threads, (MC_SLIVERS, NC_SLIVERS), TILES_PER_THREAD);
    // An operand is shared between tiles only if the grid cuts across the other one.
    let b_fly = grid.bands.len() == 1;
    let a_fly = !b_fly && grid.cols.len() == 1;
    let (oa, ob) = (Operand::a(p.a, m, k, p.trans_a), Operand::b(p.b, k, n, p.trans_b));
    let blocks = KBlocks::new(k, KC);
    // The B part starts on a 64-byte boundary too.
    let la = if a_fly {
        0
    } else {
        oa.packed_len(MR).next_multiple_of(16)
    };
    let lb = if b_fly { 0 } else { ob.packed_len(NR) };
    scratch::with(&scratch::PACKED, la + lb, |buf| {
        let (pa, pb) = buf.split_at_mut(la);
        let (par_a, par_b) = (parallel && la >= PACK_PAR_MIN, parallel && lb >= PACK_PAR_MIN);
        match (la > 0, lb > 0) {
            (true, true) if par_a || par_b => {
                rayon::join(
                    || pack::<MR>(pa, oa, blocks, par_a),
                    || pack::<NR>(pb, ob, blocks, par_b),
                );
            }
            (pack_a, pack_b) => {
                if pack_a {
                    pack::<MR>(pa, oa, blocks, par_a);
                }
                if pack_b {
                    pack::<NR>(pb, ob, blocks, par_b);
                }
            }
        }
        let shared = Shared {
            a: if a_fly {
                Slivers::OnTheFly(oa)
            } else {
                Slivers::Packed(pa)
            },
            b: if b_fly {
                Slivers::OnTheFly(ob)
            } else {
                Slivers::Packed(pb)
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

/// Computes one tile over every k block — the first stores over the unwritten output, the
/// others add to it — then applies the epilogue to it.
fn run_tile(t: Tile<'_, MaybeUninit<f32>>, s: &Shared<'_>) {
    let Tile { s0, t0, tn, mut rows } = t;
    let sn = rows.len().div_ceil(MR);
    let a_len = s.a.own_len::<MR>(s.blocks.step, sn);
    let b_len = s.b.own_len::<NR>(s.blocks.step, tn);
    scratch::with(&scratch::TILE, a_len + b_len, |own| {
        let (own_a, own_b) = own.split_at_mut(a_len);
        let at = TileAt { s0, sn, t0, tn };
        let mut blocks = s.blocks.iter();
        let Some(first) = blocks.next() else {
            unreachable!("a packed product has k > 0")
        };
        let (a, b) = at.slivers(s, first, own_a, own_b);
        at.micro_tiles(s, first.1, a, b, &mut rows);
        // SAFETY: the first k block has just written every value of the tile's rows.
        let mut rows: Vec<&mut [f32]> = rows.into_iter().map(|r| unsafe { assume_written(r) }).collect();
        for block in blocks {
            let (a, b) = at.slivers(s, block, own_a, own_b);
            at.micro_tiles(s, block.1, a, b, &mut rows);
        }
        if !s.epi.is_empty() {
            let col = t0 * NR;
            rows.iter_mut().for_each(|row| s.epi.apply(row, col));
        }
    });
}

/// The values of a row piece that has been written.
///
/// # Safety
/// Every value of `row` must have been written (for a tile's rows: its first k block has run,
/// which stores every value of them, see `TileAt::micro_tiles`).
unsafe fn assume_written(row: &mut [MaybeUninit<f32>]) -> &mut [f32] {
    // SAFETY: the values are initialised (the caller's promise), and `MaybeUninit<f32>` has
    // the layout of `f32`.
    unsafe { &mut *(row as *mut [MaybeUninit<f32>] as *mut [f32]) }
}

/// Where a tile lies, in slivers: rows from A sliver `s0` (`sn` of them), columns from B
/// sliver `t0` (`tn` of them).
#[derive(Clone, Copy)]
struct TileAt {
    s0: usize,
    sn: usize,
    t0: usize,
    tn: usize,
}

impl TileAt {
    /// This k block's slivers of each operand for this tile (see [`Slivers::block`]).
    fn slivers<'s>(
        self,
        s: &'s Shared<'_>,
        block: (usize, usize),
        own_a: &'s mut [f32],
        own_b: &'s mut [f32],
    ) -> (&'s [f32], &'s [f32]) {
        (
            s.a.block::<MR>((self.s0, self.sn), s.m, block, own_a),
            s.b.block::<NR>((self.t0, self.tn), s.n, block, own_b),
        )
    }

    /// Runs every micro-tile of the tile on one k block of `kc` steps: each B sliver of `b`
    /// streams past every A sliver of `a`, and every value of `rows` is written.
    fn micro_tiles<T: Dest>(self, s: &Shared<'_>, kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [T]]) {
        for (tj, b) in b.chunks_exact(kc * NR).enumerate() {
            let width = NR.min(s.n - (self.t0 + tj) * NR);
            for (rows, a) in rows.chunks_mut(MR).zip(a.chunks_exact(kc * MR)) {
                s.kernel.tile(kc, a, b, rows, tj * NR, width);
            }
        }
    }
}
