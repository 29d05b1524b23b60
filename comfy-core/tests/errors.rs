//! Bad shapes come back as typed errors, never panics.
use comfy_core::{Backend, Error, ReferenceBackend, Tape, Tensor};
use std::sync::Arc;

#[test]
fn matmul_of_incompatible_shapes() {
    let tape = Tape::new(Arc::new(ReferenceBackend));
    let a = tape.constant(&Tensor::zeros([2, 3])).unwrap();
    let b = tape.constant(&Tensor::zeros([4, 5])).unwrap();
    match a.matmul(b) {
        Err(Error::ShapeMismatch { op: "matmul", lhs, rhs }) => {
            assert_eq!((lhs.dims(), rhs.dims()), (&[2, 3][..], &[4, 5][..]));
        }
        other => panic!("expected a shape mismatch, got {:?}", other.map(|v| v.shape())),
    }
    let msg = a.matmul(b).err().unwrap().to_string();
    assert!(msg.contains("[2, 3]") && msg.contains("[4, 5]"), "{msg}");
}

#[test]
fn bad_reshape_and_data_length() {
    let tape = Tape::new(Arc::new(ReferenceBackend));
    let a = tape.constant(&Tensor::zeros([2, 3])).unwrap();
    assert!(matches!(a.reshape([4, 2]), Err(Error::BadReshape { .. })));
    assert!(matches!(
        Tensor::from_vec(vec![1.0; 5], [2, 3]),
        Err(Error::DataLength { len: 5, .. })
    ));
    assert!(Tensor::zeros([2, 3]).reshape([7]).is_err());
}

#[test]
fn broadcast_mismatch_slice_and_concat_errors() {
    let tape = Tape::new(Arc::new(ReferenceBackend));
    let a = tape.constant(&Tensor::zeros([4, 3])).unwrap();
    let b = tape.constant(&Tensor::zeros([2, 3])).unwrap();
    let c = tape.constant(&Tensor::zeros([4, 2])).unwrap();
    assert!(matches!(a.add(b), Err(Error::ShapeMismatch { op: "add", .. })));
    assert!(a.slice_rows(3, 2).is_err());
    assert!(a.slice_rows(usize::MAX, 2).is_err());
    assert!(comfy_core::Var::concat_rows(&[a, c]).is_err());
    assert!(comfy_core::Var::concat_rows(&[]).is_err());
}

#[test]
fn backward_needs_a_single_value() {
    let tape = Tape::new(Arc::new(ReferenceBackend));
    let a = tape.param(&Tensor::zeros([2, 2])).unwrap();
    assert!(matches!(
        tape.backward(a),
        Err(Error::InvalidArgument { op: "backward", .. })
    ));
}

#[test]
fn variables_from_another_tape_are_refused() {
    let (t1, t2) = (
        Tape::new(Arc::new(ReferenceBackend)),
        Tape::new(Arc::new(ReferenceBackend)),
    );
    let a = t1.constant(&Tensor::zeros([1])).unwrap();
    let b = t2.constant(&Tensor::zeros([1])).unwrap();
    assert!(a.add(b).is_err());
    assert!(t2.backward(a).is_err());
}

#[test]
fn backend_checks_optimizer_shapes() {
    let be = ReferenceBackend;
    let mut p = Tensor::zeros([3]);
    let (mut m, mut v) = (Tensor::zeros([3]), Tensor::zeros([3]));
    let h = comfy_core::AdamStep {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weight_decay: 0.0,
        step: 1,
    };
    assert!(be.adam_step(&mut p, &Tensor::zeros([4]), &mut m, &mut v, &h).is_err());
}
