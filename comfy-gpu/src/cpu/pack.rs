//! Packing: copying `op(A)` and `op(B)` into the sliver layout the micro-kernel streams.
//!
//! A packed A is a run of slivers of `MR` rows; sliver `s` holds, for each `p` in `0..k`, the
//! `MR` values `op(A)[s·MR + r][p]` side by side (zeros past the last row). A packed B is a run
//! of slivers of `NR` columns laid out the same way. The k block `p0 .. p0 + kc` of a sliver is
//! therefore one contiguous run, whatever the transposes were: packing absorbs them, so all four
//! transpose combinations reach the kernel in the same shape.
#[cfg(test)]
use super::kernel::MR;
use rayon::prelude::*;

/// Slivers per parallel packing task (keeps the task count, not the result, in check).
const SLIVERS_PER_TASK: usize = 8;

/// One operand as the kernel sees it: `op(X)` of `rows × k` (for A) or `k × cols` (for B).
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
    /// Length of the packed form with slivers of width `w`.
    pub fn packed_len(&self, w: usize) -> usize {
        self.outer.div_ceil(w) * w * self.k
    }
}

/// Packs `op` into `dst` (of length `op.packed_len(W)`) with slivers of width `W`, on several
/// threads when `parallel`.
pub fn pack<const W: usize>(dst: &mut [f32], op: Operand<'_>, parallel: bool) {
    let sliver = W * op.k;
    if sliver == 0 {
        return;
    }
    let one = |(s, out): (usize, &mut [f32])| pack_sliver::<W>(out, op, s * W);
    if parallel {
        dst.par_chunks_mut(sliver)
            .with_min_len(SLIVERS_PER_TASK)
            .enumerate()
            .for_each(one);
    } else {
        dst.chunks_mut(sliver).enumerate().for_each(one);
    }
}

/// Packs the `W` rows/columns starting at `first` (zero-filled past `op.outer`).
fn pack_sliver<const W: usize>(out: &mut [f32], op: Operand<'_>, first: usize) {
    let live = W.min(op.outer - first);
    if op.outer_contiguous {
        // Stored as `k × outer`: step `p` is a short run of the row `p`.
        for (p, step) in out.chunks_exact_mut(W).enumerate() {
            let src = &op.data[p * op.outer + first..][..live];
            step[..live].copy_from_slice(src);
            step[live..].fill(0.0);
        }
    } else {
        // Stored as `outer × k`: gather one value from each of the `W` rows per step.
        let rows: [&[f32]; W] = std::array::from_fn(|r| {
            if r < live {
                &op.data[(first + r) * op.k..][..op.k]
            } else {
                &[]
            }
        });
        if live == W {
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
}

/// Packs the left operand: `a` is `m × k`, or `k × m` stored when `trans`.
pub fn operand_a(a: &[f32], m: usize, k: usize, trans: bool) -> Operand<'_> {
    Operand {
        data: a,
        outer: m,
        k,
        outer_contiguous: trans,
    }
}

/// Packs the right operand: `b` is `k × n`, or `n × k` stored when `trans`.
pub fn operand_b(b: &[f32], k: usize, n: usize, trans: bool) -> Operand<'_> {
    Operand {
        data: b,
        outer: n,
        k,
        outer_contiguous: !trans,
    }
}

/// Offset of sliver `s` at step `p0` in a packed operand with slivers of width `w`.
#[inline]
pub fn sliver_at(s: usize, p0: usize, k: usize, w: usize) -> usize {
    s * w * k + p0 * w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_absorbs_transposes() {
        let (m, k) = (7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| i as f32).collect(); // a[i][p] = i·k + p
        let at: Vec<f32> = (0..k * m).map(|i| ((i % m) * k + i / m) as f32).collect();
        for (data, trans) in [(&a, false), (&at, true)] {
            let op = operand_a(data, m, k, trans);
            let mut dst = vec![-1.0; op.packed_len(MR)];
            pack::<MR>(&mut dst, op, false);
            for s in 0..2 {
                for p in 0..k {
                    for r in 0..MR {
                        let i = s * MR + r;
                        let want = if i < m { (i * k + p) as f32 } else { 0.0 };
                        assert_eq!(dst[sliver_at(s, p, k, MR) + r], want, "trans {trans} ({i}, {p})");
                    }
                }
            }
        }
    }
}
