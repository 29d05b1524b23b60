//! The packed, cache-blocked product driver: one or several products `op(A) · op(B)`, each
//! into its own output rows, as one parallel region over all their tiles.
//!
//! A product's output is cut into tiles of whole micro-tiles (see [`super::tiles`]); a tile
//! walks the k blocks in order, and within a block streams each packed B sliver (kept in L1)
//! past the packed A slivers of its rows (kept in L2). An operand whose slivers several tiles
//! share is packed once up front (see [`super::pack`]); when the tiles cut the output only
//! across one operand's slivers — one band of rows, or one run of columns — each tile packs its
//! own block of that operand right before use, while it is hot in cache. An implicit operand
//! (the patches of a convolution, [`Source::PatchRows`] / [`Source::PatchCols`]) is always
//! packed that way when the grid allows, so no full im2col matrix is ever built.
//!
//! Output rows are slices anywhere in memory (a convolution's input gradient writes every
//! `s`-th pixel of an image from one product). Every output value is the same chain of
//! multiply-adds whatever the tiling and the thread count, so results are bit-identical from
//! run to run. An optional epilogue (bias, activation) runs on each tile right after its last
//! k block, while the tile is still in cache.
use super::kernel::{Dest, Kernel, MR, NR};
use super::matmul::Epilogue;
use super::pack::{pack, sliver_at, KBlocks};
use super::scratch;
use super::source::Source;
use super::tiles::{Grid, Tile};
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Longest k block: a `KC × NR` B sliver (16 KiB) stays in the 32 KiB L1 data cache.
/// (Measured on Zen 4: 256, 384 and 512 are within noise of each other.)
pub const KC: usize = 256;
/// Most A slivers per tile: `MC_SLIVERS · MR × KC` values of A (288 KiB) stay in the 1 MiB L2,
/// and a batch of up to 288 rows is one band, whose tiles pack their own B.
const MC_SLIVERS: usize = 48;
/// Most B slivers per tile.
const NC_SLIVERS: usize = 64;
/// Tiles per thread in a parallel product. Measured with 2 threads on the GAN's shapes and
/// square 256–1024: one tile per thread (each one wide) was as fast as or faster than 2, 3 or 4
/// (narrower column tiles each repack their share of B and re-stream A).
const TILES_PER_THREAD: usize = 1;
/// Operands of fewer values than this are packed on one thread even in a parallel product.
/// Inside the pool a parallel region costs a few microseconds: packing even 32 K values on two
/// threads measured faster than on one (64×512×256: 160 vs 138 GFLOP/s).
const PACK_PAR_MIN: usize = 1 << 12;

/// One product `epilogue(op(A) · op(B))`, `m × k` by `k × n`, written over `rows` (`m` slices
/// of `n` values, none read before it is written). `m`, `k` and `n` are at least one.
pub struct Problem<'a, 'o> {
    /// `op(A)`, `m` rows deep in k.
    pub a: Source<'a>,
    /// `op(B)`, `n` columns deep in k.
    pub b: Source<'a>,
    /// The shared dimension.
    pub k: usize,
    /// The output rows.
    pub rows: Vec<&'o mut [MaybeUninit<f32>]>,
    /// Bias and activation.
    pub epi: Epilogue<'a>,
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
    OnTheFly(Source<'a>),
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
                op.pack_group::<W>(own, first * W, p0, kc);
                own
            }
        }
    }
}

/// Everything the tiles of one product read.
struct Shared<'a> {
    a: Slivers<'a>,
    b: Slivers<'a>,
    m: usize,
    n: usize,
    blocks: KBlocks,
    kernel: Kernel,
    epi: Epilogue<'a>,
}

/// How one product is tiled and which operands are packed up front.
struct Plan {
    grid: Grid,
    a_fly: bool,
    b_fly: bool,
    /// Packed lengths up front (0 for an operand packed on the fly).
    la: usize,
    lb: usize,
}

impl Plan {
    fn new(p: &Problem<'_, '_>, threads: usize) -> Plan {
        let (m, n) = (p.a.outer(), p.b.outer());
        let mut grid = Grid::new(m, n, threads, (MC_SLIVERS, NC_SLIVERS), TILES_PER_THREAD);
        // An implicit operand is packed on the fly only if no two tiles share its slivers: cut
        // the output across it alone when that still gives every thread a tile.
        let keep = |g: &Grid| g.bands.len() * g.cols.len() >= threads;
        if p.a.is_implicit() && grid.cols.len() > 1 {
            let bands = Grid::bands_only(m, n, threads, MC_SLIVERS);
            if keep(&bands) {
                grid = bands;
            }
        } else if p.b.is_implicit() && grid.bands.len() > 1 {
            let cols = Grid::cols_only(m, n, threads, NC_SLIVERS);
            if keep(&cols) {
                grid = cols;
            }
        }
        // An operand is shared between tiles only if the grid cuts across the other one.
        let b_fly = grid.bands.len() == 1;
        let a_fly = !b_fly && grid.cols.len() == 1;
        // The B part starts on a 64-byte boundary too.
        let la = if a_fly {
            0
        } else {
            p.a.packed_len(MR).next_multiple_of(16)
        };
        let lb = if b_fly {
            0
        } else {
            p.b.packed_len(NR).next_multiple_of(16)
        };
        Plan {
            grid,
            a_fly,
            b_fly,
            la,
            lb,
        }
    }
}

/// Packs and multiplies every problem, on the pool's threads when `parallel`: one parallel
/// region to pack the shared operands, one over all the tiles.
pub fn run(problems: Vec<Problem<'_, '_>>, parallel: bool) {
    let threads = if parallel { rayon::current_num_threads() } else { 1 };
    let plans: Vec<Plan> = problems.iter().map(|p| Plan::new(p, threads)).collect();
    let total: usize = plans.iter().map(|p| p.la + p.lb).sum();
    scratch::with(&scratch::PACKED, total, |buf| {
        // Cut the scratch into each product's packed A and B, and pack them.
        let mut packed: Vec<(&mut [f32], &mut [f32])> = Vec::with_capacity(plans.len());
        let mut rest = buf;
        for plan in &plans {
            let (mine, tail) = rest.split_at_mut(plan.la + plan.lb);
            rest = tail;
            packed.push(mine.split_at_mut(plan.la));
        }
        let mut jobs: Vec<Box<dyn FnOnce() + Send + '_>> = Vec::new();
        let mut any_par = false;
        for ((pa, pb), (p, plan)) in packed.iter_mut().zip(problems.iter().zip(&plans)) {
            let blocks = KBlocks::new(p.k, KC);
            let (a, b) = (p.a, p.b);
            let (par_a, par_b) = (parallel && plan.la >= PACK_PAR_MIN, parallel && plan.lb >= PACK_PAR_MIN);
            any_par |= par_a || par_b;
            if plan.la > 0 {
                let pa: &mut [f32] = pa;
                jobs.push(Box::new(move || pack::<MR>(pa, a, blocks, par_a)));
            }
            if plan.lb > 0 {
                let pb: &mut [f32] = pb;
                jobs.push(Box::new(move || pack::<NR>(pb, b, blocks, par_b)));
            }
        }
        if any_par && jobs.len() > 1 {
            jobs.into_par_iter().for_each(|job| job());
        } else {
            jobs.into_iter().for_each(|job| job());
        }
        let kernel = Kernel::detect();
        let mut shared = Vec::with_capacity(problems.len());
        let mut tiles = Vec::new();
        for (i, ((p, plan), (pa, pb))) in problems.into_iter().zip(plans).zip(packed).enumerate() {
            let (m, n) = (p.a.outer(), p.b.outer());
            shared.push(Shared {
                a: if plan.a_fly {
                    Slivers::OnTheFly(p.a)
                } else {
                    Slivers::Packed(pa)
                },
                b: if plan.b_fly {
                    Slivers::OnTheFly(p.b)
                } else {
                    Slivers::Packed(pb)
                },
                m,
                n,
                blocks: KBlocks::new(p.k, KC),
                kernel,
                epi: p.epi,
            });
            tiles.extend(plan.grid.tiles_of_rows(p.rows, m, n).into_iter().map(|t| (i, t)));
        }
        if parallel {
            tiles.into_par_iter().for_each(|(i, t)| run_tile(t, &shared[i]));
        } else {
            tiles.into_iter().for_each(|(i, t)| run_tile(t, &shared[i]));
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
    /// With the AVX-512 kernel, two full B slivers stream past the A slivers at once.
    fn micro_tiles<T: Dest>(self, s: &Shared<'_>, kc: usize, a: &[f32], b: &[f32], rows: &mut [&mut [T]]) {
        let slivers: Vec<&[f32]> = b.chunks_exact(kc * NR).collect();
        let mut tj = 0;
        while tj < slivers.len() {
            let full_pair = tj + 1 < slivers.len() && (self.t0 + tj + 2) * NR <= s.n;
            if let Some(pair) = s.kernel.pair().filter(|_| full_pair) {
                for (rows, a) in rows.chunks_mut(MR).zip(a.chunks_exact(kc * MR)) {
                    if rows.len() == MR {
                        pair.tile_pair(kc, a, (slivers[tj], slivers[tj + 1]), rows, tj * NR, T::ADD);
                    } else {
                        s.kernel.tile(kc, a, slivers[tj], rows, tj * NR, NR);
                        s.kernel.tile(kc, a, slivers[tj + 1], rows, (tj + 1) * NR, NR);
                    }
                }
                tj += 2;
                continue;
            }
            let width = NR.min(s.n - (self.t0 + tj) * NR);
            for (rows, a) in rows.chunks_mut(MR).zip(a.chunks_exact(kc * MR)) {
                s.kernel.tile(kc, a, slivers[tj], rows, tj * NR, width);
            }
            tj += 1;
        }
    }
}
