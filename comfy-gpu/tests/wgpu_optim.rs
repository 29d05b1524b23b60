//! The Adam and SGD kernels against the reference backend, updating in place on the device.
//!
//! Tolerance: atol 1e-6, rtol 1e-5 — the same f32 formula, with the GPU's sqrt and division.
mod wgpu_common;

use comfy_core::{AdamStep, Backend, ReferenceBackend, SgdStep, Tensor};
use wgpu_common::{check, gpu, host, random};

#[test]
fn adam_steps_match_reference() {
    let Some(g) = gpu() else { return };
    let shape = [33, 7];
    let (mut p_ref, mut m_ref, mut v_ref) = (random(&shape, 1, -1.0, 1.0), Tensor::zeros(shape), Tensor::zeros(shape));
    let mut p = g.upload(&p_ref).expect("upload");
    let mut m = g.zeros(&shape.into()).expect("zeros");
    let mut v = g.zeros(&shape.into()).expect("zeros");
    for step in 1..=4 {
        let grad = random(&shape, 10 + step as u64, -1.0, 1.0);
        let h = AdamStep {
            lr: 1e-2,
            beta1: 0.5,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
            step,
        };
        ReferenceBackend
            .adam_step(&mut p_ref, &grad, &mut m_ref, &mut v_ref, &h)
            .expect("reference");
        g.adam_step(&mut p, &grad, &mut m, &mut v, &h).expect("wgpu");
    }
    check("adam param", &host(g, &p), &p_ref.to_vec().expect("host"), 1e-6, 1e-5);
    check("adam m", &host(g, &m), &m_ref.to_vec().expect("host"), 1e-6, 1e-5);
    check("adam v", &host(g, &v), &v_ref.to_vec().expect("host"), 1e-6, 1e-5);
}

#[test]
fn adam_copies_a_shared_parameter_before_writing() {
    let Some(g) = gpu() else { return };
    let start = random(&[5], 2, -1.0, 1.0);
    let mut p = g.upload(&start).expect("upload");
    // A clone shares the buffer (as a tape still holding the parameter would): it must keep
    // the old values, as a host tensor would after copy-on-write.
    let kept = p.clone();
    let (mut m, mut v) = (
        g.zeros(&[5].into()).expect("zeros"),
        g.zeros(&[5].into()).expect("zeros"),
    );
    let h = AdamStep {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: 0.0,
        step: 1,
    };
    g.adam_step(&mut p, &Tensor::full([5], 1.0), &mut m, &mut v, &h)
        .expect("wgpu");
    assert_eq!(host(g, &kept), start.to_vec().expect("host"));
    assert_ne!(host(g, &p), start.to_vec().expect("host"));
}

#[test]
fn adam_accepts_host_state_and_moves_it_to_the_device() {
    let Some(g) = gpu() else { return };
    let (mut p, mut m, mut v) = (Tensor::full([3], 1.0), Tensor::zeros([3]), Tensor::zeros([3]));
    let h = AdamStep {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: 0.0,
        step: 1,
    };
    g.adam_step(&mut p, &Tensor::full([3], 2.0), &mut m, &mut v, &h)
        .expect("wgpu");
    assert!(p.host_data().is_none() && m.host_data().is_none() && v.host_data().is_none());
    // First step: m̂ = g, v̂ = g², so p = 1 - 0.1 · g / |g| = 0.9 (up to ε).
    check("adam first step", &host(g, &p), &[0.9; 3], 1e-6, 0.0);
    assert!(g
        .adam_step(&mut p, &Tensor::full([4], 2.0), &mut m, &mut v, &h)
        .is_err());
}

#[test]
fn sgd_steps_match_reference_with_and_without_momentum() {
    let Some(g) = gpu() else { return };
    let shape = [7, 9];
    for (momentum, nesterov, weight_decay) in [
        (0.0, false, 0.0),
        (0.9, false, 0.0),
        (0.9, true, 0.1),
        (0.5, false, 0.01),
    ] {
        let mut p_ref = random(&shape, 3, -1.0, 1.0);
        let mut buf_ref = Tensor::zeros(shape);
        let mut p = g.upload(&p_ref).expect("upload");
        let mut buf = g.zeros(&shape.into()).expect("zeros");
        for step in 0..3 {
            let grad = random(&shape, 20 + step, -1.0, 1.0);
            let h = SgdStep {
                lr: 0.1,
                momentum,
                weight_decay,
                nesterov,
                first: step == 0,
            };
            ReferenceBackend
                .sgd_step(&mut p_ref, &grad, &mut buf_ref, &h)
                .expect("reference");
            g.sgd_step(&mut p, &grad, &mut buf, &h).expect("wgpu");
        }
        let what = format!("sgd momentum={momentum} nesterov={nesterov} wd={weight_decay}");
        check(&what, &host(g, &p), &p_ref.to_vec().expect("host"), 1e-6, 1e-5);
        check(&what, &host(g, &buf), &buf_ref.to_vec().expect("host"), 1e-6, 1e-5);
    }
}
