//! Reductions, zeros, concatenation, slicing and broadcasting against the reference backend.
//!
//! Tolerance for sums: atol 1e-4, rtol 1e-5 (f32 tree sums of up to 77 100 values in [-1, 1)
//! against f64); max, copies and zeros are exact.
mod wgpu_common;

use comfy_core::{Axis, Backend, ReduceOp, ReferenceBackend, Shape, Tensor};
use wgpu_common::{check, gpu, host, random};

#[test]
fn reductions_match_reference_on_every_axis() {
    let Some(g) = gpu() else { return };
    // [300, 257] has 77 100 values: the whole-tensor reduction takes its two-pass path.
    let shapes: [&[usize]; 6] = [&[1, 1], &[7, 33], &[257, 3], &[3, 257], &[2, 3, 5], &[300, 257]];
    for (i, shape) in shapes.iter().enumerate() {
        let x = random(shape, 50 + i as u64, -1.0, 1.0);
        for op in [ReduceOp::Sum, ReduceOp::Max] {
            for axis in [Axis::Rows, Axis::Cols, Axis::All] {
                let want = ReferenceBackend.reduce(op, &x, axis).expect("reference");
                let got = g.reduce(op, &x, axis).expect("wgpu");
                assert_eq!(got.shape(), want.shape());
                let what = format!("{op:?} over {axis:?} of {shape:?}");
                check(&what, &host(g, &got), &want.to_vec().expect("host"), 1e-4, 1e-5);
            }
        }
    }
}

#[test]
fn max_of_all_negative_values_is_not_zero() {
    let Some(g) = gpu() else { return };
    let x = random(&[5, 9], 60, -9.0, -1.0);
    for axis in [Axis::Rows, Axis::Cols, Axis::All] {
        let want = ReferenceBackend.reduce(ReduceOp::Max, &x, axis).expect("reference");
        let got = g.reduce(ReduceOp::Max, &x, axis).expect("wgpu");
        assert_eq!(host(g, &got), want.to_vec().expect("host"));
    }
}

#[test]
fn zeros_are_zero_even_in_a_recycled_buffer() {
    let Some(g) = gpu() else { return };
    // Fill a buffer, drop it, make sure it was submitted, then ask for zeros of its size.
    let ones = g.upload(&Tensor::full([7, 13], 1.0)).expect("upload");
    assert_eq!(host(g, &ones)[0], 1.0);
    drop(ones);
    g.synchronize().expect("sync");
    let z = g.zeros(&Shape::new([7, 13])).expect("zeros");
    assert_eq!(host(g, &z), vec![0.0; 91]);
}

#[test]
fn concat_and_slice_rows_match_reference() {
    let Some(g) = gpu() else { return };
    let parts = [
        random(&[3, 5], 70, -1.0, 1.0),
        random(&[1, 5], 71, -1.0, 1.0),
        random(&[7, 5], 72, -1.0, 1.0),
    ];
    let refs: Vec<&Tensor> = parts.iter().collect();
    let want = ReferenceBackend.concat_rows(&refs).expect("reference");
    // Mix a host part with resident ones: both are accepted.
    let resident: Vec<Tensor> = vec![
        g.upload(&parts[0]).expect("upload"),
        parts[1].clone(),
        g.upload(&parts[2]).expect("upload"),
    ];
    let got = g.concat_rows(&resident.iter().collect::<Vec<_>>()).expect("wgpu");
    assert_eq!(got.shape(), want.shape());
    assert_eq!(host(g, &got), want.to_vec().expect("host"));
    for (start, len) in [(0, 11), (0, 1), (3, 1), (4, 7), (10, 1), (5, 0)] {
        let w = ReferenceBackend.slice_rows(&want, start, len).expect("reference");
        let s = g.slice_rows(&got, start, len).expect("wgpu");
        assert_eq!(s.shape(), w.shape());
        assert_eq!(host(g, &s), w.to_vec().expect("host"), "rows {start}..{}", start + len);
    }
    assert!(g.slice_rows(&got, 8, 4).is_err());
}

#[test]
fn concat_keeps_inner_dimensions_of_images() {
    let Some(g) = gpu() else { return };
    let a = random(&[2, 1, 2, 2], 80, 0.0, 1.0);
    let b = random(&[3, 1, 2, 2], 81, 0.0, 1.0);
    let want = ReferenceBackend.concat_rows(&[&a, &b]).expect("reference");
    let got = g.concat_rows(&[&a, &b]).expect("wgpu");
    assert_eq!(got.shape(), want.shape());
    assert_eq!(host(g, &got), want.to_vec().expect("host"));
    assert!(g.concat_rows(&[]).is_err());
    assert!(g
        .concat_rows(&[&Tensor::zeros([2, 3]), &Tensor::zeros([2, 4])])
        .is_err());
}

#[test]
fn broadcast_to_matches_reference() {
    let Some(g) = gpu() else { return };
    let shape = Shape::new([6, 9]);
    for small in [
        random(&[1], 90, -1.0, 1.0),
        random(&[1, 9], 91, -1.0, 1.0),
        random(&[6, 1], 92, -1.0, 1.0),
    ] {
        let want = ReferenceBackend.broadcast_to(&small, &shape).expect("reference");
        let got = g.broadcast_to(&small, &shape).expect("wgpu");
        check("broadcast_to", &host(g, &got), &want.to_vec().expect("host"), 0.0, 0.0);
    }
}
