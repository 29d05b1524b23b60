//! Finite-difference checks of the image ops: convolutions (plain, strided, padded, dilated,
//! transposed with output padding), batch normalisation in both modes, channel joins and cuts,
//! the NHWC ↔ NCHW reorderings, and the square-root ops.
use comfy_core::random::{rng_from_seed, uniform};
use comfy_core::testing::check_gradients;
use comfy_core::{ConvSpec, Result, Tensor, Var};

const H: f32 = 1e-2;
const TOL: f64 = 1e-2;

fn rand(shape: &[usize], seed: u64) -> Tensor {
    let n = shape.iter().product();
    Tensor::from_vec(uniform(&mut rng_from_seed(seed), n, -1.0, 1.0), shape).unwrap()
}

#[track_caller]
fn check<F>(inputs: &[Tensor], f: F)
where
    F: for<'t> Fn(&[Var<'t>]) -> Result<Var<'t>>,
{
    let report = check_gradients(inputs, H, f).unwrap();
    assert!(report.max_error < TOL, "gradient check failed: {report:?}");
}

fn spec(stride: usize, padding: usize, dilation: usize) -> ConvSpec {
    ConvSpec {
        stride: [stride, stride],
        padding: [padding, padding],
        dilation: [dilation, dilation],
    }
}

/// `(batch, h, w, cin, cout, k, stride, padding, dilation)`: batch 1, one and three channels,
/// odd sizes, stride 2, padding 0/1/2, kernels 1/3/4/5, a dilated one.
type ConvCase = (usize, usize, usize, usize, usize, usize, usize, usize, usize);

const CONVS: [ConvCase; 7] = [
    (1, 5, 4, 1, 2, 3, 1, 0, 1),
    (2, 5, 5, 3, 1, 3, 2, 1, 1),
    (1, 6, 5, 2, 3, 4, 2, 1, 1),
    (1, 4, 3, 3, 2, 1, 1, 0, 1),
    (1, 3, 3, 1, 2, 5, 1, 2, 1),
    (1, 7, 6, 2, 2, 3, 1, 1, 2),
    (2, 4, 4, 2, 2, 2, 3, 2, 1),
];

#[test]
fn conv2d_input_and_weight() {
    for (i, &(n, h, w, ci, co, k, s, p, d)) in CONVS.iter().enumerate() {
        let x = rand(&[n, h, w, ci], 10 + i as u64);
        let wt = rand(&[co, ci, k, k], 20 + i as u64);
        check(&[x, wt], |v| v[0].conv2d(v[1], spec(s, p, d)));
    }
}

#[test]
fn conv_transpose2d_input_and_weight() {
    // `(batch, h, w, cin, cout, k, stride, padding, output_padding)`
    let cases = [
        (1, 3, 2, 2, 1, 3, 2, 1, 1),
        (2, 2, 2, 1, 3, 4, 2, 1, 0),
        (1, 1, 1, 3, 2, 4, 1, 0, 0),
        (1, 3, 3, 2, 2, 3, 1, 1, 0),
        (1, 2, 3, 1, 1, 3, 3, 0, 2),
    ];
    for (i, &(n, h, w, ci, co, k, s, p, op)) in cases.iter().enumerate() {
        let x = rand(&[n, h, w, ci], 30 + i as u64);
        let wt = rand(&[ci, co, k, k], 40 + i as u64);
        check(&[x, wt], |v| v[0].conv_transpose2d(v[1], spec(s, p, 1), [op, op]));
    }
}

#[test]
fn batch_norm_in_training_and_evaluation() {
    for (rows, cols) in [(2, 1), (7, 3), (12, 2)] {
        let x = rand(&[rows, cols], 51);
        let (gamma, beta) = (rand(&[cols], 52), rand(&[cols], 53));
        check(&[x.clone(), gamma.clone(), beta.clone()], |v| {
            Ok(v[0].batch_norm_train(v[1], v[2], 1e-5)?.0)
        });
        let mean = rand(&[cols], 54);
        let var = Tensor::from_vec(
            rand(&[cols], 55)
                .to_vec()
                .unwrap()
                .iter()
                .map(|v| 0.5 + v.abs())
                .collect(),
            [cols],
        )
        .unwrap();
        check(&[x, gamma, beta], |v| {
            v[0].batch_norm_eval(v[1], v[2], &mean, &var, 1e-5)
        });
    }
    // On an NHWC activation the statistics run over batch, height and width.
    let x = rand(&[2, 3, 2, 3], 56);
    let (gamma, beta) = (rand(&[3], 57), rand(&[3], 58));
    check(&[x, gamma, beta], |v| v[0].batch_norm_train(v[1], v[2], 1e-5)?.0.tanh());
}

#[test]
fn channel_concat_slice_and_reorder() {
    let (a, b) = (rand(&[2, 3, 3, 1], 61), rand(&[2, 3, 3, 2], 62));
    check(&[a, b], |v| Var::concat_cols(&[v[0], v[1], v[0]])?.tanh());
    let y = rand(&[5, 4], 63);
    for (start, len) in [(0, 4), (0, 1), (1, 2), (3, 1)] {
        check(std::slice::from_ref(&y), |v| v[0].slice_cols(start, len));
    }
    let img = rand(&[2, 3, 2, 4], 64);
    check(std::slice::from_ref(&img), |v| v[0].flatten_nchw());
    let flat = rand(&[2, 24], 65);
    check(std::slice::from_ref(&flat), |v| v[0].unflatten_nchw(4, 3, 2));
}

#[test]
fn square_roots() {
    let x = Tensor::from_vec(
        rand(&[4, 3], 71)
            .to_vec()
            .unwrap()
            .iter()
            .map(|v| 0.5 + v.abs())
            .collect(),
        [4, 3],
    )
    .unwrap();
    check(std::slice::from_ref(&x), |v| v[0].sqrt());
    check(std::slice::from_ref(&x), |v| v[0].rsqrt());
}

#[test]
fn flatten_matches_pytorch_order() {
    use comfy_core::{ReferenceBackend, Tape};
    use std::sync::Arc;
    let tape = Tape::new(Arc::new(ReferenceBackend));
    // One 2×2 image with channels (c0, c1) at each pixel: value = 10·pixel + channel.
    let img = Tensor::from_vec(vec![0.0, 1.0, 10.0, 11.0, 20.0, 21.0, 30.0, 31.0], [1, 2, 2, 2]).unwrap();
    let flat = tape.constant(&img).unwrap().flatten_nchw().unwrap();
    // NCHW flatten: every pixel of channel 0, then of channel 1.
    assert_eq!(
        flat.to_vec().unwrap(),
        vec![0.0, 10.0, 20.0, 30.0, 1.0, 11.0, 21.0, 31.0]
    );
    let back = flat.unflatten_nchw(2, 2, 2).unwrap();
    assert_eq!(back.to_vec().unwrap(), img.to_vec().unwrap());
}

#[test]
fn fused_bias_and_activation() {
    use comfy_core::UnaryOp;
    let (x, w, b) = (rand(&[2, 5, 4, 3], 81), rand(&[2, 3, 3, 3], 82), rand(&[2], 83));
    check(&[x, w, b], |v| {
        v[0].conv2d_fused(v[1], Some(v[2]), spec(2, 1, 1), Some(UnaryOp::Tanh))
    });
    let (x, w, b) = (rand(&[1, 3, 2, 2], 84), rand(&[2, 3, 4, 4], 85), rand(&[3], 86));
    check(&[x, w, b], |v| {
        v[0].conv_transpose2d_fused(v[1], Some(v[2]), spec(2, 1, 1), [1, 1], Some(UnaryOp::Sigmoid))
    });
    // An activation whose derivative needs its input is recorded after the op instead.
    let (x, w) = (rand(&[1, 4, 4, 2], 87), rand(&[2, 2, 3, 3], 88));
    check(&[x, w], |v| {
        v[0].conv2d_fused(v[1], None, spec(1, 1, 1), Some(UnaryOp::Exp))
    });
    let (x, gamma, beta) = (rand(&[3, 2, 2, 3], 89), rand(&[3], 90), rand(&[3], 91));
    check(&[x, gamma, beta], |v| {
        Ok(v[0].batch_norm_train_act(v[1], v[2], 1e-5, Some(UnaryOp::Tanh))?.0)
    });
}
