//! Every non-matmul primitive of the CPU backend against the reference backend, on small
//! tensors and on large ones, called from the test thread and from inside a two-thread rayon
//! pool (where work is split from smaller sizes on), so both the sequential and the parallel
//! paths run.
//!
//! Tolerance: element-wise ops and the optimizer updates evaluate the reference's own `f32`
//! expressions, so they must agree bit for bit. Sums accumulate in `f64` in both backends, in a
//! different order, so they agree to within one `f32` rounding: `rtol = 1e-6`.
use comfy_core::random::{rng_from_seed, uniform};
use comfy_core::testing::assert_close;
use comfy_core::{AdamStep, Axis, Backend, BinaryOp, ReduceOp, ReferenceBackend, SgdStep, Shape, Tensor, UnaryOp};
use comfy_gpu::cpu::CpuBackend;

fn random(shape: impl Into<Shape>, lo: f32, hi: f32, seed: u64) -> Tensor {
    let shape = shape.into();
    Tensor::from_vec(uniform(&mut rng_from_seed(seed), shape.numel(), lo, hi), shape).unwrap()
}

/// Runs `f` on this thread, then inside a two-thread pool.
fn both_ways(f: impl Fn() + Send + Sync) {
    f();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    pool.install(&f);
}

fn bits(t: &Tensor) -> Vec<u32> {
    t.to_vec().unwrap().iter().map(|v| v.to_bits()).collect()
}

/// Small, odd, and large enough to run in parallel.
const SHAPES: [[usize; 2]; 4] = [[1, 1], [7, 33], [33, 257], [257, 300]];

const UNARY: [UnaryOp; 11] = [
    UnaryOp::Neg,
    UnaryOp::Relu,
    UnaryOp::LeakyRelu(0.2),
    UnaryOp::Sigmoid,
    UnaryOp::Tanh,
    UnaryOp::Exp,
    UnaryOp::Log,
    UnaryOp::AddScalar(1.5),
    UnaryOp::MulScalar(-3.0),
    UnaryOp::Sqrt,
    UnaryOp::Rsqrt,
];

#[test]
fn unary_and_its_gradient_match_bit_for_bit() {
    both_ways(|| {
        let cpu = CpuBackend::new();
        for (i, s) in SHAPES.iter().enumerate() {
            for op in UNARY {
                // ln and the roots need positive inputs; everything else sees both signs and zero
                // crossings.
                let positive = matches!(op, UnaryOp::Log | UnaryOp::Sqrt | UnaryOp::Rsqrt);
                let (lo, hi) = if positive { (0.01, 4.0) } else { (-4.0, 4.0) };
                let x = random(*s, lo, hi, i as u64);
                let dy = random(*s, -1.0, 1.0, 100 + i as u64);
                let y = cpu.unary(op, &x).unwrap();
                assert_eq!(bits(&y), bits(&ReferenceBackend.unary(op, &x).unwrap()), "{op:?} {s:?}");
                let got = cpu.unary_grad(op, &x, &y, &dy).unwrap();
                let want = ReferenceBackend.unary_grad(op, &x, &y, &dy).unwrap();
                assert_eq!(bits(&got), bits(&want), "grad {op:?} {s:?}");
                assert_eq!(got.shape(), x.shape());
            }
        }
    });
}

#[test]
fn binary_ops_match_in_every_broadcast() {
    both_ways(|| {
        let cpu = CpuBackend::new();
        for (i, &[r, c]) in SHAPES.iter().enumerate() {
            let full = random([r, c], -2.0, 2.0, i as u64);
            // Divisors kept away from zero.
            let others = [
                random([r, c], 0.5, 2.0, 10 + i as u64),
                random([c], 0.5, 2.0, 20 + i as u64),
                random([r, 1], 0.5, 2.0, 30 + i as u64),
                random([1], 0.5, 2.0, 40 + i as u64),
            ];
            for op in [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div] {
                for o in &others {
                    for (a, b) in [(&full, o), (o, &full)] {
                        let got = cpu.binary(op, a, b).unwrap();
                        let want = ReferenceBackend.binary(op, a, b).unwrap();
                        assert_eq!(got.shape(), want.shape());
                        assert_eq!(bits(&got), bits(&want), "{op:?} {:?} {:?}", a.shape(), b.shape());
                    }
                }
            }
        }
        assert!(cpu
            .binary(BinaryOp::Add, &Tensor::zeros([3, 4]), &Tensor::zeros([2, 4]))
            .is_err());
    });
}

#[test]
fn reductions_match_on_every_axis() {
    both_ways(|| {
        let cpu = CpuBackend::new();
        let mut shapes: Vec<Shape> = SHAPES.iter().map(|s| Shape::new(*s)).collect();
        // Tall and thin, wide and flat, and a rank-3 view.
        shapes.extend([
            Shape::new([70_000, 1]),
            Shape::new([1, 70_000]),
            Shape::new([3, 5, 2000]),
        ]);
        for (i, s) in shapes.iter().enumerate() {
            let x = random(s.clone(), -3.0, 3.0, i as u64);
            for op in [ReduceOp::Sum, ReduceOp::Max] {
                for axis in [Axis::Rows, Axis::Cols, Axis::All] {
                    let got = cpu.reduce(op, &x, axis).unwrap();
                    let want = ReferenceBackend.reduce(op, &x, axis).unwrap();
                    assert_eq!(got.shape(), want.shape(), "{op:?} {axis:?} {s}");
                    assert_close(&got.to_vec().unwrap(), &want.to_vec().unwrap(), 1e-6, 1e-6);
                }
            }
        }
    });
}

#[test]
fn bce_with_logits_matches_bit_for_bit() {
    both_ways(|| {
        let cpu = CpuBackend::new();
        for (i, s) in SHAPES.iter().enumerate() {
            // Large logits of both signs exercise the stable form.
            let x = random(*s, -30.0, 30.0, i as u64);
            let t = random(*s, 0.0, 1.0, 50 + i as u64);
            let got = cpu.bce_with_logits(&x, &t).unwrap();
            assert_eq!(bits(&got), bits(&ReferenceBackend.bce_with_logits(&x, &t).unwrap()));
        }
        assert!(cpu.bce_with_logits(&Tensor::zeros([2]), &Tensor::zeros([3])).is_err());
    });
}

#[test]
fn concat_and_slice_rows_match() {
    let cpu = CpuBackend::new();
    let parts = [random([2, 1, 4, 4], -1.0, 1.0, 1), random([3, 1, 4, 4], -1.0, 1.0, 2)];
    let refs: Vec<&Tensor> = parts.iter().collect();
    let got = cpu.concat_rows(&refs).unwrap();
    let want = ReferenceBackend.concat_rows(&refs).unwrap();
    assert_eq!((got.shape(), bits(&got)), (want.shape(), bits(&want)));
    let s = cpu.slice_rows(&got, 1, 3).unwrap();
    let w = ReferenceBackend.slice_rows(&want, 1, 3).unwrap();
    assert_eq!((s.shape(), bits(&s)), (w.shape(), bits(&w)));
    assert!(cpu.slice_rows(&got, 19, 2).is_err());
    assert!(cpu.concat_rows(&[]).is_err());
    assert!(cpu
        .concat_rows(&[&Tensor::zeros([1, 2]), &Tensor::zeros([1, 3])])
        .is_err());
}

#[test]
fn host_storage_helpers() {
    let cpu = CpuBackend::new();
    let z = cpu.zeros(&Shape::new([2, 3])).unwrap();
    assert_eq!(
        (z.shape().dims(), cpu.to_host(&z).unwrap()),
        (&[2, 3][..], vec![0.0; 6])
    );
    let t = random([4], -1.0, 1.0, 3);
    assert_eq!(bits(&cpu.upload(&t).unwrap()), bits(&t));
    let b = cpu
        .broadcast_to(&random([1, 3], -1.0, 1.0, 4), &Shape::new([5, 3]))
        .unwrap();
    let w = ReferenceBackend
        .broadcast_to(&random([1, 3], -1.0, 1.0, 4), &Shape::new([5, 3]))
        .unwrap();
    assert_eq!(bits(&b), bits(&w));
}

/// Adam and SGD in place: bit-identical to the reference over several steps, in every variant.
#[test]
fn optimizer_updates_match_bit_for_bit() {
    both_ways(|| {
        let cpu = CpuBackend::new();
        for n in [5, 100_000] {
            let p0 = random([n], -1.0, 1.0, 1);
            for wd in [0.0, 0.01] {
                let (mut pc, mut mc, mut vc) = (p0.clone(), Tensor::zeros([n]), Tensor::zeros([n]));
                let (mut pr, mut mr, mut vr) = (p0.clone(), Tensor::zeros([n]), Tensor::zeros([n]));
                for step in 1..=3 {
                    let g = random([n], -1.0, 1.0, 10 + step as u64);
                    let h = AdamStep {
                        lr: 2e-4,
                        beta1: 0.5,
                        beta2: 0.999,
                        eps: 1e-8,
                        weight_decay: wd,
                        step,
                    };
                    cpu.adam_step(&mut pc, &g, &mut mc, &mut vc, &h).unwrap();
                    ReferenceBackend.adam_step(&mut pr, &g, &mut mr, &mut vr, &h).unwrap();
                }
                assert_eq!(bits(&pc), bits(&pr), "adam n={n} wd={wd}");
                assert_eq!((bits(&mc), bits(&vc)), (bits(&mr), bits(&vr)));
            }
            for (momentum, nesterov) in [(0.0, false), (0.9, false), (0.9, true)] {
                let (mut pc, mut bc) = (p0.clone(), Tensor::zeros([n]));
                let (mut pr, mut br) = (p0.clone(), Tensor::zeros([n]));
                for step in 0..3 {
                    let g = random([n], -1.0, 1.0, 20 + step as u64);
                    let h = SgdStep {
                        lr: 0.1,
                        momentum,
                        weight_decay: 0.001,
                        nesterov,
                        first: step == 0,
                    };
                    cpu.sgd_step(&mut pc, &g, &mut bc, &h).unwrap();
                    ReferenceBackend.sgd_step(&mut pr, &g, &mut br, &h).unwrap();
                }
                assert_eq!(
                    bits(&pc),
                    bits(&pr),
                    "sgd n={n} momentum={momentum} nesterov={nesterov}"
                );
                assert_eq!(bits(&bc), bits(&br));
            }
        }
        let (mut p, mut m, mut v) = (Tensor::zeros([3]), Tensor::zeros([3]), Tensor::zeros([3]));
        let h = AdamStep {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            step: 1,
        };
        assert!(cpu.adam_step(&mut p, &Tensor::zeros([4]), &mut m, &mut v, &h).is_err());
    });
}

/// The fused batch-norm passes against the reference's composed ones: the affine pass bit for
/// bit (a multiply then an add, as there), the sums within f64 rounding, on both paths.
#[test]
fn batch_norm_passes_match_the_composed_reference() {
    both_ways(|| {
        let cpu = CpuBackend::new();
        let r = ReferenceBackend;
        for (i, s) in [[2, 1], [7, 33], [1000, 64], [3137, 128]].iter().enumerate() {
            let x = random(*s, -2.0, 3.0, 40 + i as u64);
            let dy = random(*s, -1.0, 1.0, 50 + i as u64);
            let c = s[1];
            let (gamma, beta) = (random([c], 0.5, 1.5, 60), random([c], -1.0, 1.0, 61));
            let (m, v) = cpu.batch_norm_stats(&x).unwrap();
            let (rm, rv) = r.batch_norm_stats(&x).unwrap();
            assert_close(&m.to_vec().unwrap(), &rm.to_vec().unwrap(), 1e-6, 1e-5);
            assert_close(&v.to_vec().unwrap(), &rv.to_vec().unwrap(), 1e-6, 1e-5);
            assert_eq!(
                bits(&cpu.scale_shift(&x, &gamma, &beta, None).unwrap()),
                bits(&r.scale_shift(&x, &gamma, &beta, None).unwrap())
            );
            let invstd = r
                .unary(UnaryOp::Rsqrt, &r.unary(UnaryOp::AddScalar(1e-5), &rv).unwrap())
                .unwrap();
            let got = cpu.batch_norm_grad(&x, &dy, &rm, &invstd, &gamma, None).unwrap();
            let want = r.batch_norm_grad(&x, &dy, &rm, &invstd, &gamma, None).unwrap();
            for (a, b) in [(&got.0, &want.0), (&got.1, &want.1), (&got.2, &want.2)] {
                assert_eq!(a.shape(), b.shape());
                assert_close(&a.to_vec().unwrap(), &b.to_vec().unwrap(), 1e-4, 1e-4);
            }
            // Through an activation folded into the passes: as its gradient then the rest.
            let act = UnaryOp::LeakyRelu(0.2);
            let y = r.unary(act, &x).unwrap();
            let got = cpu
                .batch_norm_grad(&x, &dy, &rm, &invstd, &gamma, Some((act, &y)))
                .unwrap();
            let want = r
                .batch_norm_grad(&x, &dy, &rm, &invstd, &gamma, Some((act, &y)))
                .unwrap();
            for (a, b) in [(&got.0, &want.0), (&got.1, &want.1), (&got.2, &want.2)] {
                assert_close(&a.to_vec().unwrap(), &b.to_vec().unwrap(), 1e-4, 1e-4);
            }
        }
        assert!(cpu
            .scale_shift(
                &random([3, 4], 0.0, 1.0, 1),
                &random([3], 0.0, 1.0, 2),
                &random([4], 0.0, 1.0, 3),
                None
            )
            .is_err());
    });
}
