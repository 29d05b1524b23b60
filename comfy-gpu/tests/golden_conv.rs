//! The CPU and WGSL backends against PyTorch's values (comfy-core's `golden/conv_golden.json`):
//! convolutions, batch normalisation and a small DCGAN end to end, within 1e-4 relative (of the
//! largest value) — f32 sums in other orders than PyTorch's.
#[path = "../../comfy-core/tests/golden/check.rs"]
mod check;
mod wgpu_common;

use comfy_gpu::cpu::CpuBackend;
use std::sync::Arc;

const TOL: f32 = 1e-4;

#[test]
fn cpu_matches_pytorch() {
    check::convolutions(Arc::new(CpuBackend::new()), TOL);
    check::batch_norm(Arc::new(CpuBackend::new()), TOL);
    check::dcgan(Arc::new(CpuBackend::new()), TOL);
}

#[test]
fn wgpu_matches_pytorch() {
    let Some(g) = wgpu_common::gpu() else { return };
    let be = Arc::new(g.clone());
    check::convolutions(be.clone(), TOL);
    check::batch_norm(be.clone(), TOL);
    check::dcgan(be, TOL);
}
