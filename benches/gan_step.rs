//! One whole MLP-GAN training step (a D update and a G update with Adam, as
//! `shared/anchors/torch_gan_bench.py` does in PyTorch) per backend:
//! `cargo bench --bench gan_step`.
//!
//! `cpu` at batch 64 and 256, `reference` at batch 64 (it takes about a second per step), and
//! `wgpu` at batch 64 when an adapter opens (slow on a software adapter).
#[path = "support/gan.rs"]
mod gan;

use comfy::core::{Backend, ReferenceBackend};
use comfy::gpu::CpuBackend;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::sync::Arc;
use std::time::Duration;

fn gan_step(c: &mut Criterion) {
    let mut runs: Vec<(Arc<dyn Backend>, usize)> = vec![
        (Arc::new(CpuBackend::new()), 64),
        (Arc::new(CpuBackend::new()), 256),
        (Arc::new(ReferenceBackend), 64),
    ];
    match comfy::gpu::gpu_backend(true) {
        Ok(b) => runs.push((b, 64)),
        Err(e) => eprintln!("wgpu: skipped ({e})"),
    }
    let mut g = c.benchmark_group("gan_step");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    for (backend, batch) in runs {
        let name = backend.name();
        let mut model = match gan::Gan::new(backend, batch, 0) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{name}: skipped ({e})");
                continue;
            }
        };
        // The slow backends get longer, so that ten samples fit.
        let secs = if name == "cpu" { 3 } else { 12 };
        g.throughput(Throughput::Elements(batch as u64))
            .measurement_time(Duration::from_secs(secs));
        g.bench_function(BenchmarkId::new(name, batch), |b| {
            b.iter(|| model.step().unwrap_or_else(|e| panic!("training step failed: {e}")))
        });
    }
    g.finish();
}

criterion_group!(benches, gan_step);
criterion_main!(benches);
