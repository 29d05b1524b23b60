//! Activations forward (`unary`) and backward (`unary_grad`) per backend:
//! `cargo bench --bench activations`.
//!
//! On a GAN layer's output, `[64, 1024]` and `[256, 1024]`, for relu, leaky relu, sigmoid and
//! tanh; plus the fused `linear` (matmul + bias + activation) against the three separate
//! primitives on the CPU backend, the measurement behind that fusion.
use comfy::core::random::{rng_from_seed, uniform};
use comfy::core::{Backend, BinaryOp, ReferenceBackend, Tensor, UnaryOp};
use comfy::gpu::CpuBackend;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

fn random(shape: [usize; 2], seed: u64) -> Tensor {
    let v = uniform(&mut rng_from_seed(seed), shape[0] * shape[1], -2.0, 2.0);
    Tensor::from_vec(v, shape).unwrap_or_else(|e| panic!("{e}"))
}

const OPS: [(&str, UnaryOp); 4] = [
    ("relu", UnaryOp::Relu),
    ("leaky_relu", UnaryOp::LeakyRelu(0.2)),
    ("sigmoid", UnaryOp::Sigmoid),
    ("tanh", UnaryOp::Tanh),
];

fn activations(c: &mut Criterion) {
    let mut backends: Vec<Box<dyn Backend>> = vec![Box::new(ReferenceBackend), Box::new(CpuBackend::new())];
    match comfy::gpu::WgpuBackend::new(true) {
        Ok(b) => backends.push(Box::new(b)),
        Err(e) => eprintln!("wgpu: skipped ({e})"),
    }
    for rows in [64, 256] {
        let shape = [rows, 1024];
        let mut g = c.benchmark_group(format!("activation/{rows}x1024"));
        g.throughput(Throughput::Elements((rows * 1024) as u64))
            .sample_size(20)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1));
        for be in &backends {
            let (Ok(x), Ok(dy)) = (be.upload(&random(shape, 1)), be.upload(&random(shape, 2))) else {
                continue;
            };
            for (name, op) in OPS {
                let Ok(y) = be.unary(op, &x) else { continue };
                g.bench_function(BenchmarkId::new(format!("{name}/forward"), be.name()), |b| {
                    b.iter(|| {
                        let out = be.unary(op, &x);
                        let _ = be.synchronize();
                        black_box(out)
                    })
                });
                g.bench_function(BenchmarkId::new(format!("{name}/backward"), be.name()), |b| {
                    b.iter(|| {
                        let out = be.unary_grad(op, &x, &y, &dy);
                        let _ = be.synchronize();
                        black_box(out)
                    })
                });
            }
        }
        g.finish();
    }
}

/// `linear` fused vs `matmul` + `add` + `unary` on the CPU backend, on the GAN's layers.
fn fused_linear(c: &mut Criterion) {
    let cpu = CpuBackend::new();
    for (batch, fan_in, fan_out) in [(64, 100, 256), (64, 512, 1024), (64, 1024, 784), (256, 512, 1024)] {
        let x = random([batch, fan_in], 3);
        let w = random([fan_out, fan_in], 4);
        let bias = random([1, fan_out], 5);
        let mut g = c.benchmark_group(format!("linear/{batch}x{fan_in}x{fan_out}"));
        g.throughput(Throughput::Elements((2 * batch * fan_in * fan_out) as u64))
            .sample_size(30)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1));
        for (name, act) in [("leaky_relu", UnaryOp::LeakyRelu(0.2)), ("tanh", UnaryOp::Tanh)] {
            g.bench_function(BenchmarkId::new("fused", name), |b| {
                b.iter(|| black_box(cpu.linear(&x, &w, Some(&bias), Some(act))))
            });
            g.bench_function(BenchmarkId::new("separate", name), |b| {
                b.iter(|| {
                    let y = cpu
                        .matmul(&x, &w, false, true)
                        .and_then(|y| cpu.binary(BinaryOp::Add, &y, &bias));
                    black_box(y.and_then(|y| cpu.unary(act, &y)))
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, activations, fused_linear);
criterion_main!(benches);
