//! The packed, cache-blocked matrix product, parallel over tiles of the output.
//!
//! `op(A)` is packed once into sliver layout (see [`super::pack`]). The output is cut into
//! tiles of whole micro-tiles (see [`super::tiles`]); a tile walks the k blocks in order, and
//! within a block streams each packed B sliver (kept in L1) past the A slivers of its rows (kept
//! in L2). When the output is one band of rows, each B sliver is used by one tile only, so the
//! tile packs it itself right before use, into a buffer that stays in L1; otherwise `op(B)` is
//! packed once up front as well.
//!
//! Every output value is the same chain of multiply-adds whatever the tiling and the thread
//! count, so results are bit-identical from run to run. An optional epilogue (bias, activation)
//! runs on each tile right after its last k block, while the tile is still in cache.
use super::elementwise::{add_row_in_place, unary_in_place};
use super::kernel::{Kernel, MR, NR};
use super::pack::{pack, pack_sliver, sliver_at, KBlocks, Operand};
use super::scratch;
use super::tiles::{Grid, Tile};
use comfy_core::UnaryOp;
use rayon::prelude::*;

fn tune(name: &str, d: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(d)
}
/// Longest k block: a `KC × NR` B sliver (16 KiB) stays in the 32 KiB L1 data cache.
#[allow(non_snake_case)]
fn KC() -> usize {
    tune("T_KC", 256)
}
/// Most A slivers per tile: `MC_SLIVERS · MR × KC` values of A (288 KiB) stay in L2.
#[allow(non_snake_case)]
fn MC_SLIVERS() -> usize {
    tune("T_MC", 48)
}
/// Most B slivers per tile.
#[allow(non_snake_case)]
fn NC_SLIVERS() -> usize {
    tune("T_NC", 64)
}
/// Products below this many multiply-adds run on the calling thread: waking the pool costs more
/// than the second core saves.
#[allow(non_snake_case)]
fn PAR_MIN_MACS() -> usize {
    tune("T_PAR", 1 << 19)
}
/// Tiles per thread in a parallel product, so that a late thread can steal work.
#[allow(non_snake_case)]
fn TILES_PER_THREAD() -> usize {
    tune("T_TPT", 4)
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
    /// Packed by the tile that uses them.
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
    let threads = rayon::current_num_threads();
    let parallel = threads > 1 && m.saturating_mul(n).saturating_mul(k) >= PAR_MIN_MACS();
    let grid = Grid::new(
        m,
        n,
        if parallel { threads } else { 1 },
        (MC_SLIVERS(), NC_SLIVERS()),
        TILES_PER_THREAD(),
    );
    let on_the_fly = grid.bands.len() == 1;
    let (oa, ob) = (Operand::a(p.a, m, k, p.trans_a), Operand::b(p.b, k, n, p.trans_b));
    let blocks = KBlocks::new(k, KC());
    // The B part starts on a 64-byte boundary too.
    let la = oa.packed_len(MR).next_multiple_of(16);
    let lb = if on_the_fly { 0 } else { ob.packed_len(NR) };
    scratch::with(&scratch::PACKED, la + lb, |buf| {
        let (pa, pb) = buf.split_at_mut(la);
        match (parallel, on_the_fly) {
            (false, _) | (true, true) => pack::<MR>(pa, oa, blocks, parallel),
            (true, false) => {
                rayon::join(|| pack::<MR>(pa, oa, blocks, true), || pack::<NR>(pb, ob, blocks, true));
            }
        }
        if !parallel && !on_the_fly {
            pack::<NR>(pb, ob, blocks, false);
        }
        let shared = Shared {
            a: pa,
            b: if on_the_fly { BSlivers::OnTheFly(ob) } else { BSlivers::Packed(pb) },
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
    let sliver_len = s.blocks.step * NR;
    scratch::with(&scratch::SLIVER, sliver_len, |own| {
        for block in s.blocks.iter() {
            let (p0, kc) = block;
            for tj in 0..t.tn {
                let sliver = t.t0 + tj;
                let b: &[f32] = match s.b {
                    BSlivers::Packed(pb) => &pb[sliver_at(sliver, block, s.n, NR)..][..kc * NR],
                    BSlivers::OnTheFly(op) => {
                        pack_sliver::<NR>(&mut own[..kc * NR], op, sliver * NR, p0);
                        &own[..kc * NR]
                    }
                };
                let width = NR.min(s.n - sliver * NR);
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
