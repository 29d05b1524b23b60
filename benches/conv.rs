//! The DCGAN's convolutions and its whole training step on the CPU backend:
//! `cargo bench --bench conv`.
//!
//! `conv/<layer>_<pass>`: each layer of the issue-14 DCGAN at batch 64 (forward, input and
//! weight gradient; throughput in FLOPs); `dcgan_step/cpu/64`: one D update and one G update
//! (`benches/support/dcgan.rs`). The `kernels --only conv` example times the same layers
//! beside PyTorch's.
#[path = "support/conv.rs"]
mod conv;
#[path = "support/dcgan.rs"]
mod dcgan;

use comfy::core::nn::DcganConfig;
use comfy::core::random::{rng_from_seed, uniform};
use comfy::core::{Backend, Tensor};
use comfy::gpu::CpuBackend;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::sync::Arc;
use std::time::Duration;

const BATCH: usize = 64;

fn layers(c: &mut Criterion) {
    let cpu = CpuBackend::new();
    let mut g = c.benchmark_group("conv");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for layer in &conv::DCGAN {
        let ops = conv::Operands::new(&cpu, layer, BATCH).unwrap_or_else(|e| panic!("operands: {e}"));
        g.throughput(Throughput::Elements(layer.flops(BATCH) as u64));
        for pass in conv::OPS {
            g.bench_function(BenchmarkId::new(format!("{}_{pass}", layer.name), BATCH), |b| {
                b.iter(|| ops.run(&cpu, pass).unwrap_or_else(|e| panic!("{pass}: {e}")))
            });
        }
    }
    g.finish();
}

fn step(c: &mut Criterion) {
    let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let mut gan =
        dcgan::Dcgan::new(backend.clone(), DcganConfig::default(), BATCH, 0).unwrap_or_else(|e| panic!("{e}"));
    let real = Tensor::from_vec(uniform(&mut rng_from_seed(1), BATCH * 784, -1.0, 1.0), [BATCH, 784])
        .unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("dcgan_step");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(BATCH as u64));
    g.bench_function(BenchmarkId::new("cpu", BATCH), |b| {
        b.iter(|| gan.step(&real).unwrap_or_else(|e| panic!("training step failed: {e}")))
    });
    g.finish();
}

criterion_group!(benches, layers, step);
criterion_main!(benches);
