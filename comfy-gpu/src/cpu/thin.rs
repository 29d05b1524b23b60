//! Products with a dimension of one: matrix-vector products (`m = 1` or `n = 1`) and outer
//! products (`k = 1`). They read each operand once, so packing them for the blocked kernel
//! only adds work (and pads 1 to 6 or 16); plain loops over the memory in order are faster.
//!
//! Sums run in a fixed order — eight interleaved lanes for dot products, `p` order for row
//! updates — so these products are as deterministic as the blocked ones.
use super::matmul::Product;

/// Whether `p` is a product this file computes.
pub fn applies(p: &Product<'_>) -> bool {
    p.m == 1 || p.n == 1 || p.k == 1
}

/// `out = op(A) · op(B)` for a product with `m`, `n` or `k` equal to one (`out` has `m · n`
/// values and is overwritten).
pub fn product(out: &mut [f32], p: Product<'_>) {
    let Product { m, k, n, .. } = p;
    if k == 1 {
        // Outer product: row i of C is a_i · b (a and b are vectors whatever their layout).
        for (row, &ai) in out.chunks_mut(n).zip(p.a) {
            row.iter_mut().zip(p.b).for_each(|(c, &bj)| *c = ai * bj);
        }
    } else if n == 1 {
        // b is a vector of k values.
        if p.trans_a {
            // A is stored `k × m`: add b_p times its row p, p by p.
            axpy_rows(out, p.a, p.b, m);
        } else {
            for (c, row) in out.iter_mut().zip(p.a.chunks_exact(k)) {
                *c = dot(row, p.b);
            }
        }
    } else if p.trans_b {
        // m = 1, a is a vector; B is stored `n × k`: one dot product per stored row.
        for (c, row) in out.iter_mut().zip(p.b.chunks_exact(k)) {
            *c = dot(p.a, row);
        }
    } else {
        // m = 1; B is stored `k × n`: add a_p times its row p.
        axpy_rows(out, p.b, p.a, n);
    }
}

/// `out = Σ_p x[p] · rows[p·width .. (p + 1)·width]`, row after row.
fn axpy_rows(out: &mut [f32], rows: &[f32], x: &[f32], width: usize) {
    out.fill(0.0);
    for (row, &xp) in rows.chunks_exact(width).zip(x) {
        out.iter_mut().zip(row).for_each(|(c, &v)| *c += xp * v);
    }
}

/// `Σ a[p] · b[p]` over eight interleaved lanes (vectorisable, and fixed in order).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ta, tb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    for (l, (x, y)) in ta.iter().zip(tb).enumerate() {
        lanes[l] += x * y;
    }
    lanes.iter().sum()
}
