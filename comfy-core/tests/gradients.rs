//! Finite-difference checks of every differentiable op, on odd and size-1 shapes.
use comfy_core::random::{rng_from_seed, uniform};
use comfy_core::testing::check_gradients;
use comfy_core::{Axis, Result, Tensor, UnaryOp, Var};

const H: f32 = 1e-2;
const TOL: f64 = 1e-2;

fn rand(shape: &[usize], seed: u64) -> Tensor {
    let n = shape.iter().product();
    Tensor::from_vec(uniform(&mut rng_from_seed(seed), n, -1.0, 1.0), shape).unwrap()
}

/// Values in ±[0.2, 1.2]: far enough from 0 that a step of `H` never crosses a kink or a pole.
fn away_from_zero(shape: &[usize], seed: u64) -> Tensor {
    let t = rand(shape, seed);
    let v = t
        .to_vec()
        .unwrap()
        .iter()
        .map(|&x| x.signum() * (0.2 + x.abs()))
        .collect();
    Tensor::from_vec(v, shape).unwrap()
}

fn positive(shape: &[usize], seed: u64) -> Tensor {
    let t = rand(shape, seed);
    Tensor::from_vec(t.to_vec().unwrap().iter().map(|&x| 0.5 + x.abs()).collect(), shape).unwrap()
}

#[track_caller]
fn check<F>(inputs: &[Tensor], f: F)
where
    F: for<'t> Fn(&[Var<'t>]) -> Result<Var<'t>>,
{
    let report = check_gradients(inputs, H, f).unwrap();
    assert!(report.max_error < TOL, "gradient check failed: {report:?}");
}

const SHAPES: [(usize, usize, usize); 5] = [(1, 1, 1), (1, 7, 3), (7, 1, 5), (3, 7, 5), (9, 33, 2)];

#[test]
fn matmul_all_transposes() {
    for (i, &(m, k, n)) in SHAPES.iter().enumerate() {
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let a = rand(&if ta { [k, m] } else { [m, k] }, i as u64);
            let b = rand(&if tb { [n, k] } else { [k, n] }, 100 + i as u64);
            check(&[a, b], |v| v[0].matmul_t(v[1], ta, tb));
        }
    }
}

#[test]
fn linear_with_each_fusable_activation() {
    let acts = [
        None,
        Some(UnaryOp::Relu),
        Some(UnaryOp::LeakyRelu(0.2)),
        Some(UnaryOp::Sigmoid),
        Some(UnaryOp::Tanh),
    ];
    for act in acts {
        for &(m, k, n) in &SHAPES {
            let x = rand(&[m, k], 1);
            let w = rand(&[n, k], 2);
            let b = rand(&[n], 3);
            // Deterministic draws: no pre-activation lies within H of relu's kink.
            check(&[x, w, b], |v| v[0].linear(v[1], Some(v[2]), act));
        }
    }
}

#[test]
fn linear_with_activation_that_is_not_fused() {
    let (x, w) = (rand(&[4, 3], 5), rand(&[2, 3], 6));
    check(&[x, w], |v| v[0].linear(v[1], None, Some(UnaryOp::Exp)));
}

#[test]
fn unary_ops() {
    let ops = [
        UnaryOp::Neg,
        UnaryOp::Relu,
        UnaryOp::LeakyRelu(0.2),
        UnaryOp::Sigmoid,
        UnaryOp::Tanh,
        UnaryOp::Exp,
        UnaryOp::AddScalar(0.7),
        UnaryOp::MulScalar(-1.3),
    ];
    for op in ops {
        for shape in [[1, 1], [7, 3], [2, 33]] {
            check(&[away_from_zero(&shape, 9)], |v| v[0].unary(op));
        }
    }
    check(&[positive(&[7, 3], 4)], |v| v[0].log());
}

#[test]
fn binary_ops_with_every_broadcast() {
    let pairs: [(&[usize], &[usize]); 7] = [
        (&[5, 3], &[5, 3]),
        (&[5, 3], &[1, 3]),
        (&[5, 3], &[3]),
        (&[5, 3], &[5, 1]),
        (&[5, 3], &[1]),
        (&[1, 3], &[5, 3]),
        (&[1], &[1]),
    ];
    for (sa, sb) in pairs {
        let (a, b) = (rand(sa, 11), positive(sb, 12));
        check(&[a.clone(), b.clone()], |v| v[0].add(v[1]));
        check(&[a.clone(), b.clone()], |v| v[0].sub(v[1]));
        check(&[a.clone(), b.clone()], |v| v[0].mul(v[1]));
        check(&[a, b], |v| v[0].div(v[1]));
    }
}

#[test]
fn reductions() {
    for shape in [[1, 1], [7, 3], [1, 9], [6, 1]] {
        let x = rand(&shape, 21);
        check(std::slice::from_ref(&x), |v| v[0].sum());
        check(std::slice::from_ref(&x), |v| v[0].mean());
        for axis in [Axis::Rows, Axis::Cols] {
            check(std::slice::from_ref(&x), |v| v[0].sum_axis(axis));
            check(std::slice::from_ref(&x), |v| v[0].mean_axis(axis));
        }
    }
}

#[test]
fn reshape_concat_slice() {
    let x = rand(&[2, 3, 4], 31);
    check(std::slice::from_ref(&x), |v| v[0].reshape([6, 4])?.tanh());
    let (a, b) = (rand(&[2, 5], 32), rand(&[3, 5], 33));
    check(&[a, b], |v| Var::concat_rows(&[v[0], v[1], v[0]]));
    let y = rand(&[7, 3], 34);
    for (start, len) in [(0, 7), (0, 1), (3, 2), (6, 1)] {
        check(std::slice::from_ref(&y), |v| v[0].slice_rows(start, len));
    }
}

#[test]
fn losses() {
    let (x, t) = (rand(&[7, 3], 41), rand(&[7, 3], 42));
    check(&[x.clone(), t.clone()], |v| v[0].mse(v[1]));
    let probs = Tensor::from_vec(t.to_vec().unwrap().iter().map(|v| v.abs()).collect(), [7, 3]).unwrap();
    check(&[x.mul_scalar_host(4.0), probs.clone()], |v| v[0].bce_with_logits(v[1]));
    let onehot = Tensor::from_vec(
        (0..21).map(|i| if i % 3 == (i / 3) % 3 { 1.0 } else { 0.0 }).collect(),
        [7, 3],
    )
    .unwrap();
    check(&[x.mul_scalar_host(3.0), onehot], |v| v[0].softmax_cross_entropy(v[1]));
}

#[test]
fn detach_blocks_the_gradient() {
    use comfy_core::{ReferenceBackend, Tape};
    use std::sync::Arc;
    let tape = Tape::new(Arc::new(ReferenceBackend));
    let x = tape
        .param(&Tensor::from_vec(vec![1.0, -2.0, 3.0], [3]).unwrap())
        .unwrap();
    // f = Σ x · detach(x): the detached factor is a constant, so df/dx = x (not 2x).
    let f = x.mul(x.detach()).unwrap().sum().unwrap();
    let grads = tape.backward(f).unwrap();
    assert_eq!(grads.get(x).unwrap().to_vec().unwrap(), vec![1.0, -2.0, 3.0]);
}

/// Host-side scaling for building test inputs.
trait ScaleHost {
    fn mul_scalar_host(&self, c: f32) -> Tensor;
}

impl ScaleHost for Tensor {
    fn mul_scalar_host(&self, c: f32) -> Tensor {
        Tensor::from_vec(
            self.to_vec().unwrap().iter().map(|v| v * c).collect(),
            self.shape().clone(),
        )
        .unwrap()
    }
}
