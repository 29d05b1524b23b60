//! Element-wise kernels against the reference backend: every `UnaryOp` and its derivative,
//! every `BinaryOp` under every broadcast layout, and binary cross-entropy with logits.
//!
//! Tolerance: atol 1e-5, rtol 1e-5 — a few ulps of f32, room for the GPU's exp/log/tanh.
mod wgpu_common;

use comfy_core::{Backend, BinaryOp, ReferenceBackend, Tensor, UnaryOp};
use wgpu_common::{check, gpu, host, random};

const UNARY: &[UnaryOp] = &[
    UnaryOp::Neg,
    UnaryOp::Relu,
    UnaryOp::LeakyRelu(0.2),
    UnaryOp::Sigmoid,
    UnaryOp::Tanh,
    UnaryOp::Exp,
    UnaryOp::Log,
    UnaryOp::AddScalar(1.5),
    UnaryOp::MulScalar(-0.25),
    UnaryOp::Sqrt,
    UnaryOp::Rsqrt,
];

/// Inputs for `op`: positive for the logarithm and the roots, spanning both signs otherwise.
fn input_for(op: UnaryOp, shape: &[usize], seed: u64) -> Tensor {
    match op {
        UnaryOp::Log | UnaryOp::Sqrt | UnaryOp::Rsqrt => random(shape, seed, 0.01, 10.0),
        _ => random(shape, seed, -6.0, 6.0),
    }
}

#[test]
fn unary_ops_match_reference() {
    let Some(g) = gpu() else { return };
    for &op in UNARY {
        for shape in [&[1][..], &[7, 33], &[3, 5, 17]] {
            let x = input_for(op, shape, 11);
            let want = ReferenceBackend.unary(op, &x).expect("reference");
            let got = g.unary(op, &x).expect("wgpu");
            assert_eq!(got.shape(), want.shape());
            check(
                &format!("{op:?} {shape:?}"),
                &host(g, &got),
                &want.to_vec().expect("host"),
                1e-5,
                1e-5,
            );
        }
    }
}

#[test]
fn sigmoid_and_tanh_saturate_without_nan() {
    let Some(g) = gpu() else { return };
    let x = Tensor::from_vec(vec![-1000.0, -90.0, -20.0, 0.0, 20.0, 90.0, 1000.0], [7]).expect("tensor");
    for op in [UnaryOp::Sigmoid, UnaryOp::Tanh] {
        let want = ReferenceBackend.unary(op, &x).expect("reference");
        let got = host(g, &g.unary(op, &x).expect("wgpu"));
        check(
            &format!("{op:?} at extremes"),
            &got,
            &want.to_vec().expect("host"),
            1e-6,
            1e-6,
        );
    }
}

#[test]
fn unary_derivatives_match_reference() {
    let Some(g) = gpu() else { return };
    for &op in UNARY {
        let x = input_for(op, &[33, 7], 12);
        let y = ReferenceBackend.unary(op, &x).expect("reference");
        let dy = random(&[33, 7], 13, -1.0, 1.0);
        let want = ReferenceBackend.unary_grad(op, &x, &y, &dy).expect("reference");
        // y computed on the GPU too, as the tape would.
        let (xg, dyg) = (g.upload(&x).expect("upload"), g.upload(&dy).expect("upload"));
        let yg = g.unary(op, &xg).expect("wgpu");
        let got = g.unary_grad(op, &xg, &yg, &dyg).expect("wgpu");
        check(
            &format!("{op:?}'"),
            &host(g, &got),
            &want.to_vec().expect("host"),
            1e-5,
            1e-4,
        );
    }
}

#[test]
fn unary_grad_rejects_mismatched_sizes() {
    let Some(g) = gpu() else { return };
    let (x, dy) = (Tensor::zeros([3]), Tensor::zeros([4]));
    assert!(g.unary_grad(UnaryOp::Relu, &x, &x, &dy).is_err());
}

#[test]
fn binary_ops_match_reference_under_every_broadcast() {
    let Some(g) = gpu() else { return };
    let full = [7usize, 33];
    // Full, row [1, cols], row [cols], column [rows, 1], scalar [1].
    let others: [&[usize]; 5] = [&[7, 33], &[1, 33], &[33], &[7, 1], &[1]];
    for op in [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div] {
        for (i, other) in others.iter().enumerate() {
            let a = random(&full, 20 + i as u64, -2.0, 2.0);
            // Divisors kept away from zero.
            let b = random(other, 30 + i as u64, 0.5, 2.0);
            for (lhs, rhs) in [(&a, &b), (&b, &a)] {
                let want = ReferenceBackend.binary(op, lhs, rhs).expect("reference");
                let got = g.binary(op, lhs, rhs).expect("wgpu");
                assert_eq!(got.shape(), want.shape());
                let what = format!("{op:?} {:?} ∘ {:?}", lhs.shape(), rhs.shape());
                check(&what, &host(g, &got), &want.to_vec().expect("host"), 1e-5, 1e-5);
            }
        }
    }
}

#[test]
fn binary_rejects_incompatible_shapes() {
    let Some(g) = gpu() else { return };
    assert!(g
        .binary(BinaryOp::Add, &Tensor::zeros([4, 3]), &Tensor::zeros([2, 3]))
        .is_err());
}

#[test]
fn bce_with_logits_matches_reference() {
    let Some(g) = gpu() else { return };
    let x = random(&[33, 7], 40, -30.0, 30.0);
    let t = random(&[33, 7], 41, 0.0, 1.0);
    let want = ReferenceBackend.bce_with_logits(&x, &t).expect("reference");
    let got = g.bce_with_logits(&x, &t).expect("wgpu");
    check(
        "bce_with_logits",
        &host(g, &got),
        &want.to_vec().expect("host"),
        1e-5,
        1e-5,
    );
}

#[test]
fn a_problem_wider_than_one_grid_row_is_covered() {
    let Some(g) = gpu() else { return };
    // More than 65535 workgroups of 256: the 2-D grid's second row is needed.
    let n = 65_535 * 256 + 1000;
    let x = Tensor::from_vec((0..n).map(|i| (i % 1000) as f32).collect(), [n]).expect("tensor");
    let got = host(g, &g.unary(UnaryOp::AddScalar(1.0), &x).expect("wgpu"));
    let bad = got.iter().enumerate().position(|(i, &v)| v != (i % 1000) as f32 + 1.0);
    assert_eq!(bad, None, "first wrong element");
}
