//! Packing: copying `op(A)` and `op(B)` into the sliver layout the micro-kernel streams.
//!
//! An operand is cut along k into blocks (see [`KBlocks`]) and, across k, into slivers of `W`
//! rows of `op(A)` (or columns of `op(B)`). Block after block, sliver after sliver, a packed
//! sliver holds for each step `p` of the block its `W` values side by side (zeros past the
//! edge). The slivers of one k block are therefore one contiguous run that the kernel and the
//! hardware prefetcher walk in order, whatever the transposes were: packing absorbs them, so
//! all four transpose combinations reach the kernel in the same shape.
use super::kernel_avx2::Avx2Fma;
use super::source::Source;
use rayon::prelude::*;

/// Slivers per parallel packing task (keeps the task count, not the result, in check).
const SLIVERS_PER_TASK: usize = 8;

/// How k is cut into blocks: `count` blocks of `step` steps, the last one possibly shorter.
/// Fixed by k alone, so every output value sums the same blocks in the same order.
#[derive(Clone, Copy, Debug)]
pub struct KBlocks {
    /// The shared dimension.
    pub k: usize,
    /// Steps per block (all but the last).
    pub step: usize,
}

impl KBlocks {
    /// Blocks of at most `max` steps, as even as possible.
    pub fn new(k: usize, max: usize) -> Self {
        let count = k.div_ceil(max).max(1);
        KBlocks {
            k,
            step: k.div_ceil(count).max(1),
        }
    }

    /// `(p0, kc)` of each block, in order.
    pub fn iter(self) -> impl Iterator<Item = (usize, usize)> {
        (0..self.k)
            .step_by(self.step)
            .map(move |p0| (p0, self.step.min(self.k - p0)))
    }
}

/// One operand as the kernel sees it: `op(A)` of `outer × k`, or `op(B)` of `k × outer`.
#[derive(Clone, Copy, Debug)]
pub struct Operand<'a> {
    /// The values in row-major order, as stored.
    pub data: &'a [f32],
    /// Rows of `op(A)`, or columns of `op(B)`: the dimension that is cut into slivers.
    pub outer: usize,
    /// The shared dimension.
    pub k: usize,
    /// Whether the sliver dimension is the contiguous one in memory (`Aᵀ` or plain `B`): then a
    /// sliver step is one short copy; otherwise it gathers one value from each of `W` rows.
    pub outer_contiguous: bool,
}

impl Operand<'_> {
    /// The left operand: `a` is `m × k`, or `k × m` as stored when `trans`.
    pub fn a(a: &[f32], m: usize, k: usize, trans: bool) -> Operand<'_> {
        Operand {
            data: a,
            outer: m,
            k,
            outer_contiguous: trans,
        }
    }

    /// The right operand: `b` is `k × n`, or `n × k` as stored when `trans`.
    pub fn b(b: &[f32], k: usize, n: usize, trans: bool) -> Operand<'_> {
        Operand {
            data: b,
            outer: n,
            k,
            outer_contiguous: !trans,
        }
    }

    /// Length of the packed form with slivers of width `w`.
    pub fn packed_len(&self, w: usize) -> usize {
        self.outer.div_ceil(w) * w * self.k
    }
}

/// Offset of sliver `s` of the k block `(p0, kc)` in an operand of `outer` rows/columns packed
/// with slivers of width `w`.
#[inline]
pub fn sliver_at(s: usize, (p0, kc): (usize, usize), outer: usize, w: usize) -> usize {
    p0 * outer.div_ceil(w) * w + s * w * kc
}

/// Packs `op` into `dst` (of length `op.packed_len(W)`) with slivers of width `W`, on several
/// threads when `parallel`.
pub fn pack<const W: usize>(dst: &mut [f32], op: Source<'_>, blocks: KBlocks, parallel: bool) {
    let padded = op.outer().div_ceil(W) * W;
    // Slivers per job: at most SLIVERS_PER_TASK, and few enough that every thread gets one
    // when a block has few slivers (7 slivers on 2 threads: 4 + 3, not one job of 7).
    let per_job = if parallel {
        (padded / W)
            .div_ceil(rayon::current_num_threads())
            .clamp(1, SLIVERS_PER_TASK)
    } else {
        SLIVERS_PER_TASK
    };
    // One job per group of slivers of one k block: `(p0, kc, first row/column, output)`.
    let mut jobs = Vec::with_capacity(blocks.k.div_ceil(blocks.step) * padded.div_ceil(W * per_job));
    let mut rest = dst;
    for (p0, kc) in blocks.iter() {
        let (section, tail) = rest.split_at_mut(padded * kc);
        rest = tail;
        for (g, out) in section.chunks_mut(W * kc * per_job).enumerate() {
            jobs.push((p0, kc, g * per_job * W, out));
        }
    }
    let one = |(p0, kc, first, out): (usize, usize, usize, &mut [f32])| op.pack_group::<W>(out, first, p0, kc);
    if parallel {
        jobs.into_par_iter().for_each(one);
    } else {
        jobs.into_iter().for_each(one);
    }
}

/// Packs steps `p0 .. p0 + kc` of the slivers that `out` holds (laid out as one k block), the
/// first one starting at row/column `first`; zero-filled past `op.outer`.
pub fn pack_group<const W: usize>(out: &mut [f32], op: Operand<'_>, first: usize, p0: usize, kc: usize) {
    let sliver = W * kc;
    if !op.outer_contiguous {
        for (s, sliver_out) in out.chunks_mut(sliver).enumerate() {
            gather_sliver::<W>(sliver_out, op, first + s * W, p0);
        }
        return;
    }
    // Stored as `k × outer`: row `p` holds step `p` of every sliver side by side. Walk the rows
    // a few at a time and copy each sliver's steps from those rows in one go: the rows stay in
    // L1 and each sliver gets one short run of writes. (Dealing out one row at a time to every
    // sliver wrote `kc·W` floats apart — 16 KiB for B — and was slower than the gathers.)
    let width = (out.len() / sliver * W).min(op.outer.saturating_sub(first));
    let (full, rest) = (width / W, width % W);
    for q0 in (0..kc).step_by(ROWS_PER_PASS) {
        let rows = ROWS_PER_PASS.min(kc - q0);
        let src_row = |q: usize| &op.data[(p0 + q0 + q) * op.outer + first..][..width];
        for s in 0..full {
            let steps = &mut out[s * sliver + q0 * W..][..rows * W];
            for (q, step) in steps.chunks_exact_mut(W).enumerate() {
                step.copy_from_slice(&src_row(q)[s * W..][..W]);
            }
        }
        if rest > 0 {
            let steps = &mut out[full * sliver + q0 * W..][..rows * W];
            for (q, step) in steps.chunks_exact_mut(W).enumerate() {
                step[..rest].copy_from_slice(&src_row(q)[full * W..]);
                step[rest..].fill(0.0);
            }
        }
    }
    // Slivers wholly past the edge.
    let used = width.div_ceil(W) * sliver;
    out[used..].fill(0.0);
}

/// Rows of a `k × outer` operand packed per pass (see [`pack_group`]).
const ROWS_PER_PASS: usize = 8;

/// Packs one sliver of an operand stored as `outer × k`: one value from each of `W` rows per step.
fn gather_sliver<const W: usize>(out: &mut [f32], op: Operand<'_>, first: usize, p0: usize) {
    let live = W.min(op.outer.saturating_sub(first));
    let kc = out.len() / W;
    let rows: [&[f32]; W] = std::array::from_fn(|r| {
        if r < live {
            &op.data[(first + r) * op.k + p0..][..kc]
        } else {
            &[]
        }
    });
    if live == W {
        if let Some(simd) = Avx2Fma::detect() {
            simd.gather::<W>(out, &rows);
            return;
        }
        for (p, step) in out.chunks_exact_mut(W).enumerate() {
            for (v, row) in step.iter_mut().zip(&rows) {
                *v = row[p];
            }
        }
    } else {
        out.fill(0.0);
        for (r, row) in rows.iter().enumerate().take(live) {
            for (p, &v) in row.iter().enumerate() {
                out[p * W + r] = v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `op(X)[i][p] = i·k + p` stored plainly or transposed, packed in blocks of 8 steps (which
    /// the 8 × 8 transposes take whole) and a ragged last block.
    fn check<const W: usize>(outer: usize, k: usize) {
        let plain: Vec<f32> = (0..outer * k).map(|i| i as f32).collect();
        let trans: Vec<f32> = (0..k * outer).map(|i| ((i % outer) * k + i / outer) as f32).collect();
        let blocks = KBlocks::new(k, 8);
        for (data, contiguous) in [(&plain, false), (&trans, true)] {
            let op = Operand {
                data,
                outer,
                k,
                outer_contiguous: contiguous,
            };
            let mut dst = vec![-1.0; op.packed_len(W)];
            pack::<W>(&mut dst, Source::Dense(op), blocks, false);
            for block in blocks.iter() {
                for s in 0..outer.div_ceil(W) {
                    for p in 0..block.1 {
                        for r in 0..W {
                            let i = s * W + r;
                            let want = if i < outer { (i * k + block.0 + p) as f32 } else { 0.0 };
                            let at = sliver_at(s, block, outer, W) + p * W + r;
                            assert_eq!(dst[at], want, "W {W} contiguous {contiguous} ({i}, {})", block.0 + p);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn packing_absorbs_transposes() {
        assert_eq!(
            KBlocks::new(21, 8).iter().collect::<Vec<_>>(),
            vec![(0, 7), (7, 7), (14, 7)]
        );
        assert_eq!(KBlocks::new(16, 8).iter().collect::<Vec<_>>(), vec![(0, 8), (8, 8)]);
        for k in [1, 5, 16, 21, 40] {
            check::<6>(13, k);
            check::<16>(37, k);
        }
    }
}
