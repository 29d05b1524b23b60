//! The packed, cache-blocked matrix product, parallel over tiles of the output.
//!
//! The output is cut into tiles of whole micro-tiles (see [`super::tiles`]); a tile walks the k
//! blocks in order, and within a block streams each packed B sliver (kept in L1) past the
//! packed A slivers of its rows (kept in L2). An operand whose slivers several tiles share is
//! packed once up front (see [`super::pack`]); when the tiles cut the output only across one
//! operand's slivers — one band of rows, or one run of columns — each tile packs its own
//! block of that operand right before use, while it is hot in cache. A parallel product runs on
//! the caller's rayon pool, or — called from outside the pool — is shared between the caller
//! and pool threads that join it as they wake (see [`super::team`]).
//!
//! Products with a dimension of one skip all this (see [`super::thin`]).
//!
//! Every output value is the same chain of multiply-adds whatever the tiling and the thread
//! count, so results are bit-identical from run to run. An optional epilogue (bias, activation)
//! runs on each tile right after its last k block, while the tile is still in cache.
use super::elementwise::{add_row_in_place, unary_in_place};
use super::kernel::{Kernel, MR, NR};
use super::pack::{pack_group, pack_jobs, sliver_at, KBlocks, Operand, PackJob};
use super::scratch;
use super::team;
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

/// Who computes a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Threads {
    /// The calling thread alone.
    One,
    /// The pool of the calling thread, which is one of its threads.
    Pool,
    /// The calling thread, outside the pool, and pool threads that join when they wake (see
    /// [`super::team`]).
    Team,
}

impl Threads {
    /// Who computes a product of `macs` multiply-adds, from the calling thread.
    ///
    /// From a pool thread a fork costs a few microseconds: products from 2^19 multiply-adds
    /// are split. From outside the pool, a team costs the caller next to nothing (queueing the
    /// helpers), so products from 2^20 multiply-adds (about 20 µs on one core) are shared.
    /// (Handing the whole product to the pool instead, as this did before, cost 15–30 µs — the
    /// caller woke a worker and slept until woken back — and a worker that fell asleep between
    /// calls was now and then late to take its share, which halved the speed of whole runs of
    /// short-k products; such products stayed on one thread below 2^22.)
    fn choose(macs: usize) -> Self {
        let in_pool = rayon::current_thread_index().is_some();
        if rayon::current_num_threads() < 2 {
            Threads::One
        } else if in_pool && macs >= 1 << 19 {
            Threads::Pool
        } else if !in_pool && macs >= 1 << 20 {
            Threads::Team
        } else {
            Threads::One
        }
    }

    /// How many threads share the work.
    fn count(self) -> usize {
        match self {
            Threads::One => 1,
            Threads::Pool | Threads::Team => rayon::current_num_threads(),
        }
    }

    /// Fewest packed values worth packing on these threads: a parallel region costs a few
    /// microseconds, and packing even 32 K values on two threads measured faster than on one
    /// (64×512×256 in the pool: 160 vs 138 GFLOP/s; in a team, 64×512×256, 64×256×512 and
    /// 512×64×784 measured 5–15 % faster with this bound than with 64 K, none slower).
    fn pack_min(self) -> usize {
        match self {
            Threads::One => usize::MAX,
            Threads::Pool | Threads::Team => 1 << 12,
        }
    }

    /// Calls `f` on every item, on these threads.
    fn for_each<T: Send>(self, items: Vec<T>, f: impl Fn(T) + Sync + Send) {
        match self {
            Threads::One => items.into_iter().for_each(f),
            Threads::Pool => items.into_par_iter().for_each(f),
            Threads::Team => team::for_each(items, f),
        }
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
    if m == 0 || n == 0 {
        return Vec::new();
    }
    if k == 0 || thin::applies(&p) {
        return thin_output(p, epi);
    }
    product(p, epi, Threads::choose(m.saturating_mul(n).saturating_mul(k)))
}

/// A product with k = 0 or a dimension of one (see [`super::thin`]), on the calling thread.
fn thin_output(p: Product<'_>, epi: Epilogue<'_>) -> Vec<f32> {
    let Product { m, k, n, .. } = p;
    let mut out = vec![0.0; m * n];
    if k > 0 {
        thin::product(&mut out, p);
    }
    if !epi.is_empty() {
        out.chunks_mut(n).for_each(|row| epi.apply(row, 0));
    }
    out
}

/// Packs and multiplies into a new `m × n` output: the shared operands' packing (on `threads`
/// when large), then the tiles on `threads`. Each tile zero-fills its own part of the output
/// right before computing it, so the output is written by the threads that compute it, in
/// their caches.
fn product(p: Product<'_>, epi: Epilogue<'_>, threads: Threads) -> Vec<f32> {
    let Product { m, k, n, .. } = p;
    let grid = Grid::new(m, n, threads.count(), (MC_SLIVERS, NC_SLIVERS), TILES_PER_THREAD);
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
    let mut out = Vec::with_capacity(m * n);
    scratch::with(&scratch::PACKED, la + lb, |buf| {
        let mut jobs = Vec::new();
        let pack_threads = if la + lb >= threads.pack_min() {
            threads
        } else {
            Threads::One
        };
        let (pa, pb) = buf.split_at_mut(la);
        if la > 0 {
            pack_jobs::<MR>(pa, oa, blocks, pack_threads.count(), &mut jobs);
        }
        if lb > 0 {
            pack_jobs::<NR>(pb, ob, blocks, pack_threads.count(), &mut jobs);
        }
        pack_threads.for_each(jobs, PackJob::run);
        let (pa, pb): (&[f32], &[f32]) = (pa, pb);
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
        let tiles = grid.tiles(&mut out.spare_capacity_mut()[..m * n], m, n);
        // The tiles are disjoint pieces of the output; all of it when their sizes add up.
        assert_eq!(
            tiles.iter().map(Tile::len).sum::<usize>(),
            m * n,
            "tiles must cover the output"
        );
        threads.for_each(tiles, |t: Tile<'_, MaybeUninit<f32>>| run_tile(t.zeroed(), &shared));
    });
    // SAFETY: the tiles cover all `m · n` values (checked above) and each one zero-filled its
    // own before computing them; a panic in a tile would have unwound past this point.
    unsafe { out.set_len(m * n) };
    out
}

/// Computes one tile over every k block, then applies the epilogue to it.
fn run_tile(mut t: Tile<'_>, s: &Shared<'_>) {
    let sn = t.rows.len().div_ceil(MR);
    let a_len = if let Slivers::OnTheFly(_) = s.a {
        s.blocks.step * sn * MR
    } else {
        0
    };
    let b_len = if let Slivers::OnTheFly(_) = s.b {
        s.blocks.step * t.tn * NR
    } else {
        0
    };
    scratch::with(&scratch::TILE, a_len + b_len, |own| {
        let (own_a, own_b) = own.split_at_mut(a_len);
        for block in s.blocks.iter() {
            let (p0, kc) = block;
            // This block's slivers of each operand for this tile, one after the other.
            let a: &[f32] = match s.a {
                Slivers::Packed(pa) => &pa[sliver_at(t.s0, block, s.m, MR)..][..kc * sn * MR],
                Slivers::OnTheFly(op) => {
                    let own = &mut own_a[..kc * sn * MR];
                    pack_group::<MR>(own, op, t.s0 * MR, p0, kc);
                    own
                }
            };
            let b: &[f32] = match s.b {
                Slivers::Packed(pb) => &pb[sliver_at(t.t0, block, s.n, NR)..][..kc * t.tn * NR],
                Slivers::OnTheFly(op) => {
                    let own = &mut own_b[..kc * t.tn * NR];
                    pack_group::<NR>(own, op, t.t0 * NR, p0, kc);
                    own
                }
            };
            for (tj, b) in b.chunks_exact(kc * NR).enumerate() {
                let width = NR.min(s.n - (t.t0 + tj) * NR);
                for (rows, a) in t.rows.chunks_mut(MR).zip(a.chunks_exact(kc * MR)) {
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
