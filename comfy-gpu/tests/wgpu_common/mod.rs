//! Shared by the `wgpu_*` tests: one backend per test binary, or a skip when there is no
//! adapter (a failure instead when `COMFY_REQUIRE_GPU=1`, as in CI).
#![allow(dead_code)]

use comfy_core::random::{rng_from_seed, uniform};
use comfy_core::{Backend, Tensor};
use comfy_gpu::WgpuBackend;
use std::sync::OnceLock;

/// The WGSL backend on any adapter (lavapipe included), shared by the tests of one binary, or
/// `None` after printing why the test is skipped. Panics when `COMFY_REQUIRE_GPU=1` and there
/// is no adapter.
pub fn gpu() -> Option<&'static WgpuBackend> {
    static GPU: OnceLock<Option<WgpuBackend>> = OnceLock::new();
    GPU.get_or_init(fresh_gpu).as_ref()
}

/// A backend of its own (a new device), for tests that count what the backend does.
pub fn fresh_gpu() -> Option<WgpuBackend> {
    match WgpuBackend::new(true) {
        Ok(b) => Some(b),
        Err(e) => {
            let required = std::env::var("COMFY_REQUIRE_GPU").is_ok_and(|v| v.trim() == "1");
            assert!(
                !required,
                "COMFY_REQUIRE_GPU=1 but the WGSL backend could not start: {e}"
            );
            eprintln!("skipped: no GPU adapter ({e}); set COMFY_REQUIRE_GPU=1 to make this a failure");
            None
        }
    }
}

/// A host tensor of uniform values in `[lo, hi)` from `seed`.
pub fn random(shape: &[usize], seed: u64, lo: f32, hi: f32) -> Tensor {
    let n = shape.iter().product();
    let data = uniform(&mut rng_from_seed(seed), n, lo, hi);
    Tensor::from_vec(data, shape.to_vec()).expect("shape matches data")
}

/// The values of `t` read back through `backend`.
pub fn host(backend: &dyn Backend, t: &Tensor) -> Vec<f32> {
    backend.to_host(t).expect("read back")
}

/// Panics unless `|a - b| ≤ atol + rtol |b|` everywhere, naming `what` and the worst element.
#[track_caller]
pub fn check(what: &str, actual: &[f32], expected: &[f32], atol: f32, rtol: f32) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    let mut worst = (0.0f32, 0usize);
    for (i, (&a, &b)) in actual.iter().zip(expected).enumerate() {
        let err = if a == b || (a.is_nan() && b.is_nan()) {
            0.0
        } else {
            let e = (a - b).abs() / (atol + rtol * b.abs());
            if e.is_nan() {
                f32::INFINITY
            } else {
                e
            }
        };
        if err > worst.0 {
            worst = (err, i);
        }
    }
    let i = worst.1;
    assert!(
        worst.0 <= 1.0,
        "{what}: element {i} is {} but the reference says {} (atol {atol}, rtol {rtol})",
        actual[i],
        expected[i]
    );
}
