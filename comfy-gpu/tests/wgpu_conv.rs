//! The WGSL backend's convolutions, batch normalisation, channel joins and transposes against
//! the reference backend (small shapes: lavapipe is slow).
//!
//! Tolerance: f32 sums in a different order from the reference's f64 ones, a few ulps per
//! √term; batch-norm values within 1e-4.
mod conv_cases;
mod wgpu_common;

use comfy_core::{Backend, ReferenceBackend, Tensor};
use conv_cases::{check_against_reference, LARGE};
use wgpu_common::{check, gpu, host, random};

#[test]
fn convolutions_match_the_reference() {
    let Some(g) = gpu() else { return };
    for c in conv_cases::AWKWARD {
        check_against_reference(g, &c, 4e-6, 1e-5);
    }
    // Several slabs deep, several workgroups wide, and weight-gradient splits.
    check_against_reference(g, &LARGE[1], 4e-6, 1e-5);
}

#[test]
fn batch_norm_primitives_match_the_reference() {
    let Some(g) = gpu() else { return };
    let r = ReferenceBackend;
    for (rows, cols) in [(2, 1), (37, 5), (300, 19)] {
        let x = random(&[rows, cols], 1, -2.0, 3.0);
        let dy = random(&[rows, cols], 2, -1.0, 1.0);
        let (gamma, beta) = (random(&[cols], 3, 0.5, 1.5), random(&[cols], 4, -1.0, 1.0));
        let (m, v) = r.batch_norm_stats(&x).expect("reference");
        let (gm, gv) = g.batch_norm_stats(&x).expect("wgpu");
        let what = format!("{rows}×{cols}");
        check(
            &format!("mean {what}"),
            &host(g, &gm),
            &m.to_vec().expect("host"),
            1e-5,
            1e-5,
        );
        check(
            &format!("var {what}"),
            &host(g, &gv),
            &v.to_vec().expect("host"),
            1e-5,
            1e-4,
        );
        let invstd = r
            .unary(
                comfy_core::UnaryOp::Rsqrt,
                &r.unary(comfy_core::UnaryOp::AddScalar(1e-5), &v).expect("r"),
            )
            .expect("r");
        let want = r.scale_shift(&x, &gamma, &beta, None).expect("reference");
        let got = g.scale_shift(&x, &gamma, &beta, None).expect("wgpu");
        check(
            &format!("scale_shift {what}"),
            &host(g, &got),
            &want.to_vec().expect("host"),
            1e-5,
            1e-5,
        );
        let want = r
            .batch_norm_grad(&x, &dy, &m, &invstd, &gamma, None)
            .expect("reference");
        let got = g.batch_norm_grad(&x, &dy, &m, &invstd, &gamma, None).expect("wgpu");
        for (name, a, b) in [
            ("dx", &got.0, &want.0),
            ("dgamma", &got.1, &want.1),
            ("dbeta", &got.2, &want.2),
        ] {
            check(
                &format!("{name} {what}"),
                &host(g, a),
                &b.to_vec().expect("host"),
                1e-4,
                1e-4,
            );
        }
    }
}

#[test]
fn channel_joins_cuts_and_transposes_are_exact() {
    let Some(g) = gpu() else { return };
    let r = ReferenceBackend;
    let (a, b) = (
        random(&[2, 3, 3, 1], 5, -1.0, 1.0),
        random(&[2, 3, 3, 10], 6, -1.0, 1.0),
    );
    let want = r.concat_cols(&[&a, &b, &a]).expect("reference");
    let got = g.concat_cols(&[&a, &b, &a]).expect("wgpu");
    assert_eq!(got.shape(), want.shape());
    assert_eq!(host(g, &got), want.to_vec().expect("host"));
    for (start, len) in [(0, 12), (1, 10), (11, 1)] {
        let want = r.slice_cols(&want, start, len).expect("reference");
        let got = g.slice_cols(&got, start, len).expect("wgpu");
        assert_eq!(host(g, &got), want.to_vec().expect("host"), "slice {start}+{len}");
    }
    let x = random(&[3, 5, 7], 7, -1.0, 1.0);
    let want = r.transpose_batched(&x, 3, 5, 7).expect("reference");
    assert_eq!(
        host(g, &g.transpose_batched(&x, 3, 5, 7).expect("wgpu")),
        want.to_vec().expect("host")
    );
    assert!(g.concat_cols(&[&a, &Tensor::zeros([3, 2])]).is_err());
    assert!(g.slice_cols(&a, 1, 1).is_err());
}
