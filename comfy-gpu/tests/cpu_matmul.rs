//! The CPU backend's matrix product and fused linear against the reference backend.
//!
//! Tolerance: the reference sums in `f64`; the CPU backend runs one `f32` multiply-add chain per
//! output. With operands uniform in [-1, 1], the rounding error of a length-`k` chain stays below
//! `k · 2⁻²⁴ · max|partial sum|`, far under `atol = 1e-6 · k` plus `rtol = 1e-5`.
use comfy_core::random::{rng_from_seed, uniform};
use comfy_core::testing::assert_close;
use comfy_core::{Backend, ReferenceBackend, Tensor, UnaryOp};
use comfy_gpu::cpu::CpuBackend;

fn random(shape: [usize; 2], seed: u64) -> Tensor {
    let v = uniform(&mut rng_from_seed(seed), shape[0] * shape[1], -1.0, 1.0);
    Tensor::from_vec(v, shape).unwrap()
}

/// Operands stored as the flags say: `a` is `[m, k]` (`[k, m]` when `ta`), `b` `[k, n]` (`[n, k]`).
fn operands(m: usize, k: usize, n: usize, ta: bool, tb: bool, seed: u64) -> (Tensor, Tensor) {
    let a = random(if ta { [k, m] } else { [m, k] }, seed);
    let b = random(if tb { [n, k] } else { [k, n] }, seed + 1);
    (a, b)
}

fn check(m: usize, k: usize, n: usize, ta: bool, tb: bool) {
    let (a, b) = operands(m, k, n, ta, tb, (m * 1000 + k * 10 + n) as u64);
    let got = CpuBackend::new().matmul(&a, &b, ta, tb).unwrap();
    let want = ReferenceBackend.matmul(&a, &b, ta, tb).unwrap();
    assert_eq!(got.shape(), want.shape(), "{m}×{k}×{n} ta={ta} tb={tb}");
    let (got, want) = (got.to_vec().unwrap(), want.to_vec().unwrap());
    // The context names the case when the comparison fails.
    let ctx = format!("{m}×{k}×{n} ta={ta} tb={tb}");
    let atol = 1e-6 * k.max(1) as f32;
    for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
        assert!((g - w).abs() <= atol + 1e-5 * w.abs(), "{ctx}: element {i}: {g} vs {w}");
    }
}

const FLAGS: [(bool, bool); 4] = [(false, false), (false, true), (true, false), (true, true)];

/// Runs `f` on this thread, then inside a two-thread pool, where products are split between
/// threads from smaller sizes on.
fn both_ways(f: impl Fn() + Send + Sync) {
    f();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    pool.install(&f);
}

#[test]
fn awkward_sizes_in_every_layout() {
    both_ways(awkward_sizes);
}

fn awkward_sizes() {
    let sizes = [1, 7, 33, 257];
    for (ta, tb) in FLAGS {
        for &m in &sizes {
            for &k in &sizes {
                for &n in &sizes {
                    if m * k * n <= 257 * 257 * 33 {
                        check(m, k, n, ta, tb);
                    }
                }
            }
        }
    }
}

/// Several k blocks, several tiles in both directions, and the parallel path.
#[test]
fn large_products_cross_every_blocking_boundary() {
    for (ta, tb) in FLAGS {
        // Two bands of rows: B packed up front, on both threads.
        check(300, 600, 1100, ta, tb);
    }
    // One band: each tile packs its own B; A large enough to be packed in parallel.
    check(288, 1000, 700, false, true);
    // One run of columns, several bands: each tile packs its own A; in parallel, then small
    // enough to stay on one thread.
    check(1000, 300, 1000, true, false);
    check(600, 7, 300, false, true);
    // The GAN's own shapes: forward X·Wᵀ, dX = dZ·W, dW = dZᵀ·X.
    check(64, 784, 512, false, true);
    check(64, 512, 784, false, false);
    check(512, 64, 784, true, false);
}

#[test]
fn empty_and_degenerate_shapes() {
    let be = CpuBackend::new();
    // k = 0: the product is all zeros.
    let z = be
        .matmul(&Tensor::zeros([3, 0]), &Tensor::zeros([0, 5]), false, false)
        .unwrap();
    assert_eq!((z.shape().dims(), z.to_vec().unwrap()), (&[3, 5][..], vec![0.0; 15]));
    let e = be
        .matmul(&Tensor::zeros([0, 4]), &Tensor::zeros([4, 2]), false, false)
        .unwrap();
    assert_eq!(e.shape().dims(), &[0, 2]);
    // Mismatched inner dimensions are an error, not a panic.
    assert!(be
        .matmul(&Tensor::zeros([3, 4]), &Tensor::zeros([5, 2]), false, false)
        .is_err());
}

#[test]
fn higher_rank_operands_use_their_matrix_view() {
    let a = random([6, 20], 1).reshape([2, 3, 20]).unwrap();
    let b = random([20, 9], 2);
    let got = CpuBackend::new().matmul(&a, &b, false, false).unwrap();
    let want = ReferenceBackend.matmul(&a, &b, false, false).unwrap();
    assert_close(&got.to_vec().unwrap(), &want.to_vec().unwrap(), 2e-5, 1e-5);
}

const ACTS: [Option<UnaryOp>; 6] = [
    None,
    Some(UnaryOp::Relu),
    Some(UnaryOp::LeakyRelu(0.2)),
    Some(UnaryOp::Sigmoid),
    Some(UnaryOp::Tanh),
    Some(UnaryOp::Exp),
];

/// The fused linear equals the CPU backend's own unfused composite bit for bit, and the
/// reference within the matmul tolerance.
#[test]
fn fused_linear_matches_the_composite() {
    let cpu = CpuBackend::new();
    for (m, k, n) in [(1, 7, 5), (7, 33, 1), (33, 257, 7), (64, 300, 200), (200, 100, 300)] {
        let (x, w) = operands(m, k, n, false, true, 9);
        let b = random([1, n], 11).reshape([n]).unwrap();
        // The same bias as a `[1, n]` row (with n = 1 a single value, with m = 1 the full shape).
        let row = b.reshape([1, n]).unwrap();
        for act in ACTS {
            for bias in [None, Some(&b), Some(&row)] {
                let fused = cpu.linear(&x, &w, bias, act).unwrap().to_vec().unwrap();
                let mut y = cpu.matmul(&x, &w, false, true).unwrap();
                if let Some(b) = bias {
                    y = cpu.binary(comfy_core::BinaryOp::Add, &y, b).unwrap();
                }
                if let Some(op) = act {
                    y = cpu.unary(op, &y).unwrap();
                }
                assert_eq!(
                    fused,
                    y.to_vec().unwrap(),
                    "{m}×{k}×{n} {act:?} bias {}",
                    bias.is_some()
                );
                let want = ReferenceBackend.linear(&x, &w, bias, act).unwrap().to_vec().unwrap();
                // exp magnifies the matmul's error by its own value: a relative tolerance.
                assert_close(&fused, &want, 1e-6 * k as f32, 2e-5);
            }
        }
    }
}

#[test]
fn linear_with_an_unusual_bias_still_broadcasts() {
    let cpu = CpuBackend::new();
    let (x, w) = operands(5, 8, 3, false, true, 4);
    // A per-row bias `[5, 1]` and a scalar: not the fused per-column case.
    for b in [random([5, 1], 5), Tensor::scalar(0.5)] {
        let got = cpu.linear(&x, &w, Some(&b), Some(UnaryOp::Tanh)).unwrap();
        let want = ReferenceBackend.linear(&x, &w, Some(&b), Some(UnaryOp::Tanh)).unwrap();
        assert_close(&got.to_vec().unwrap(), &want.to_vec().unwrap(), 1e-5, 1e-5);
    }
    assert!(cpu.linear(&x, &w, Some(&random([2, 2], 6)), None).is_err());
}
