//! The tiled matmul kernel against the reference backend: awkward shapes, all four transposes,
//! the vec4 and scalar load paths, and the fused linear layer.
//!
//! Tolerance: the reference accumulates in f64; the kernel in f32 over k ≤ 257 terms in
//! [-1, 1), so |error| ≲ k · 2⁻²⁴ · Σ|terms| ≪ 1e-4 (atol 1e-4, rtol 1e-4).
mod wgpu_common;

use comfy_core::{Backend, ReferenceBackend, Tensor, UnaryOp};
use wgpu_common::{check, gpu, host, random};

/// `(m, k, n)`: ones, primes around the tile edges (64), multiples of 4 and not.
const SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (1, 7, 33),
    (7, 33, 1),
    (33, 7, 65),
    (4, 8, 12),
    (64, 64, 64),
    (65, 129, 33),
    (128, 16, 128),
    (257, 33, 7),
    (16, 257, 12),
    (130, 70, 200),
];

/// Operands stored as the transposes ask: `a` is `[m, k]` or `[k, m]`, `b` is `[k, n]` or `[n, k]`.
fn operands(m: usize, k: usize, n: usize, ta: bool, tb: bool, seed: u64) -> (Tensor, Tensor) {
    let a_shape = if ta { [k, m] } else { [m, k] };
    let b_shape = if tb { [n, k] } else { [k, n] };
    (random(&a_shape, seed, -1.0, 1.0), random(&b_shape, seed + 1, -1.0, 1.0))
}

#[test]
fn matmul_matches_reference_for_every_shape_and_transpose() {
    let Some(g) = gpu() else { return };
    for (i, &(m, k, n)) in SHAPES.iter().enumerate() {
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let (a, b) = operands(m, k, n, ta, tb, 100 + i as u64);
            let want = ReferenceBackend.matmul(&a, &b, ta, tb).expect("reference");
            let got = g.matmul(&a, &b, ta, tb).expect("wgpu matmul");
            assert_eq!(got.shape(), want.shape());
            let what = format!("matmul {m}x{k}x{n} ta={ta} tb={tb}");
            check(&what, &host(g, &got), &want.to_vec().expect("host"), 1e-4, 1e-4);
        }
    }
}

/// Products of at least 2048 × 2048 outputs run on 128 × 128 tiles (16 × 16 invocations):
/// one row and one column past a tile edge, with the scalar and the vec4 load paths. (A short
/// k keeps them quick on a software adapter.)
#[test]
fn wide_tiles_match_reference_at_the_edges() {
    let Some(g) = gpu() else { return };
    let scalar = [(false, false), (false, true), (true, false), (true, true)].map(|t| (2049, 5, 2050, t));
    let vec4 = [(false, true), (true, false)].map(|t| (2048, 8, 2052, t));
    for (i, &(m, k, n, (ta, tb))) in scalar.iter().chain(&vec4).enumerate() {
        let (a, b) = operands(m, k, n, ta, tb, 300 + i as u64);
        let want = ReferenceBackend.matmul(&a, &b, ta, tb).expect("reference");
        let got = g.matmul(&a, &b, ta, tb).expect("wgpu matmul");
        let what = format!("wide matmul {m}x{k}x{n} ta={ta} tb={tb}");
        check(&what, &host(g, &got), &want.to_vec().expect("host"), 1e-4, 1e-4);
    }
}

#[test]
fn matmul_takes_the_matrix_view_of_higher_rank_tensors() {
    let Some(g) = gpu() else { return };
    // [2, 3, 8] views as [6, 8].
    let a = random(&[2, 3, 8], 7, -1.0, 1.0);
    let b = random(&[8, 5], 8, -1.0, 1.0);
    let want = ReferenceBackend.matmul(&a, &b, false, false).expect("reference");
    let got = g.matmul(&a, &b, false, false).expect("wgpu");
    check(
        "rank-3 matmul",
        &host(g, &got),
        &want.to_vec().expect("host"),
        1e-4,
        1e-4,
    );
}

#[test]
fn matmul_rejects_mismatched_inner_dimensions() {
    let Some(g) = gpu() else { return };
    let (a, b) = (Tensor::zeros([3, 4]), Tensor::zeros([5, 2]));
    assert!(g.matmul(&a, &b, false, false).is_err());
}

#[test]
fn matmul_with_zero_depth_is_zeros() {
    let Some(g) = gpu() else { return };
    let (a, b) = (Tensor::zeros([3, 0]), Tensor::zeros([0, 5]));
    let got = g.matmul(&a, &b, false, false).expect("wgpu");
    assert_eq!(host(g, &got), vec![0.0; 15]);
}

/// `((batch, fan_in, fan_out), activation, with a bias)`.
type LinearCase = ((usize, usize, usize), Option<UnaryOp>, bool);

#[test]
fn fused_linear_matches_the_composed_reference() {
    let Some(g) = gpu() else { return };
    let acts = [
        None,
        Some(UnaryOp::Relu),
        Some(UnaryOp::LeakyRelu(0.2)),
        Some(UnaryOp::Sigmoid),
        Some(UnaryOp::Tanh),
        Some(UnaryOp::MulScalar(-3.0)),
    ];
    // Every activation, with and without a bias, on one awkward shape; then a GAN-sized layer
    // (the vec4 path) and a single unit. Each combination is its own pipeline, compiled on
    // first use, which is slow on a software adapter: hence not the full product.
    let mut cases: Vec<LinearCase> = Vec::new();
    for act in acts {
        cases.push(((7, 33, 9), act, true));
        cases.push(((7, 33, 9), act, false));
    }
    cases.push(((64, 100, 256), Some(UnaryOp::LeakyRelu(0.2)), true));
    cases.push(((1, 4, 1), Some(UnaryOp::Sigmoid), true));
    for ((batch, fan_in, fan_out), act, with_bias) in cases {
        let x = random(&[batch, fan_in], 1, -1.0, 1.0);
        let w = random(&[fan_out, fan_in], 2, -1.0, 1.0);
        let b = random(&[fan_out], 3, -1.0, 1.0);
        let bias = with_bias.then_some(&b);
        let want = ReferenceBackend.linear(&x, &w, bias, act).expect("reference");
        let got = g.linear(&x, &w, bias, act).expect("wgpu");
        let what = format!("linear {batch}x{fan_in}->{fan_out} {act:?} bias={with_bias}");
        check(&what, &host(g, &got), &want.to_vec().expect("host"), 1e-4, 1e-4);
    }
}

#[test]
fn linear_with_a_bias_of_another_width_is_an_error() {
    let Some(g) = gpu() else { return };
    let (x, w, b) = (Tensor::zeros([2, 3]), Tensor::zeros([4, 3]), Tensor::zeros([5]));
    assert!(g.linear(&x, &w, Some(&b), None).is_err());
}

/// An infinity at the last depth gives infinite outputs, not NaN: the depths that pad K to a
/// whole slab must contribute nothing, not `∞ · 0`, whichever operand holds it and however it
/// is stored.
#[test]
fn infinity_at_the_last_depth_stays_infinite() {
    let Some(g) = gpu() else { return };
    let (m, k, n) = (7, 5, 9);
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
        for inf_in_a in [true, false] {
            let mut a = vec![1.0f32; m * k];
            let mut b = vec![1.0f32; k * n];
            // A[0][k-1] or B[k-1][0], wherever the layout stores it.
            if inf_in_a {
                a[if ta { (k - 1) * m } else { k - 1 }] = f32::INFINITY;
            } else {
                b[if tb { k - 1 } else { (k - 1) * n }] = f32::INFINITY;
            }
            let a = Tensor::from_vec(a, if ta { [k, m] } else { [m, k] }).expect("a");
            let b = Tensor::from_vec(b, if tb { [n, k] } else { [k, n] }).expect("b");
            let c = host(g, &g.matmul(&a, &b, ta, tb).expect("wgpu matmul"));
            for (idx, &v) in c.iter().enumerate() {
                let (i, j) = (idx / n, idx % n);
                let infinite = if inf_in_a { i == 0 } else { j == 0 };
                let want = if infinite { f32::INFINITY } else { k as f32 };
                assert_eq!(
                    v,
                    want,
                    "ta={ta} tb={tb} inf in {} at ({i}, {j})",
                    if inf_in_a { "A" } else { "B" }
                );
            }
        }
    }
}
