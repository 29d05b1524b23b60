//! Matrix products per backend: `cargo bench --bench matmul [-- FILTER]`.
//!
//! Shapes: square 256/512/1024 (`A·B`) and every product of one MLP-GAN training step at batch
//! 64 and 256 (see `support/matmul.rs`). Backends: `cpu`, `ndarray` (`dot`, threaded
//! matrixmultiply), `gemm` (the gemm crate), `wgpu` (when an adapter opens, dimensions ≤ 256 on a
//! software one, with `synchronize()` inside the timed loop), and — where `m·k·n ≤ 2^21`, since
//! they run at 1–6 GFLOP/s — `naive` (a triple loop) and `reference`. Throughput counts FLOPs as
//! elements (2 per multiply-add), so "Gelem/s" reads as GFLOP/s.
#[path = "support/matmul.rs"]
mod support;

use comfy::core::{Backend, ReferenceBackend};
use comfy::gpu::CpuBackend;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use support::{gan_cases, gemm_crate, naive, ndarray_dot, square_cases, Case};

const SLOW_MAX: usize = 1 << 21;

fn bench_case(c: &mut Criterion, case: Case, gpu: Option<&dyn Backend>) {
    let (ta, tb) = case.layout.flags();
    let ops = case.operands();
    let (at, bt) = ops.tensors();
    let (av, bv) = ops.views();
    let mut g = c.benchmark_group(format!("matmul/{}", case.group));
    g.throughput(Throughput::Elements(case.flops() as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    let id = |backend| BenchmarkId::new(backend, case.label());
    if case.macs() <= SLOW_MAX {
        g.bench_function(id("naive"), |b| b.iter(|| black_box(naive(&ops.a, &ops.b, case))));
        g.bench_function(id("reference"), |b| {
            b.iter(|| black_box(ReferenceBackend.matmul(&at, &bt, ta, tb)))
        });
    }
    let cpu = CpuBackend::new();
    g.bench_function(id("cpu"), |b| b.iter(|| black_box(cpu.matmul(&at, &bt, ta, tb))));
    g.bench_function(id("ndarray"), |b| b.iter(|| black_box(ndarray_dot(av, bv, case))));
    g.bench_function(id("gemm"), |b| b.iter(|| black_box(gemm_crate(&ops.a, &ops.b, case))));
    if let Some(be) = gpu.filter(|_| case.m.max(case.k).max(case.n) <= 256) {
        if let (Ok(ga), Ok(gb)) = (be.upload(&at), be.upload(&bt)) {
            g.bench_function(id("wgpu"), |b| {
                b.iter(|| {
                    let out = be.matmul(&ga, &gb, ta, tb);
                    let _ = be.synchronize();
                    black_box(out)
                })
            });
        }
    }
    g.finish();
}

fn matmul(c: &mut Criterion) {
    let gpu = comfy::gpu::gpu_backend(true)
        .inspect_err(|e| eprintln!("wgpu: skipped ({e})"))
        .ok();
    let mut cases = square_cases(false);
    cases.retain(|c| c.layout == support::Layout::Nn);
    cases.extend(gan_cases(64, "gan64"));
    cases.extend(gan_cases(256, "gan256"));
    for case in cases {
        bench_case(c, case, gpu.as_deref());
    }
}

criterion_group!(benches, matmul);
criterion_main!(benches);
