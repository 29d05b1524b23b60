//! Checks a backend against PyTorch's values in `conv_golden.json` (made by
//! `make_conv_golden.py`): convolutions, transposed convolutions and batch normalisation through
//! the tape (values and gradients), and a small DCGAN end to end — loaded from PyTorch's
//! `state_dict` by name, trained for one forward and backward pass. Shared by comfy-core's test
//! (reference backend) and comfy-gpu's (CPU and WGSL).
#![allow(dead_code)]

use comfy_core::nn::{DcganConfig, Init, Layer, Mode, Sample, Sequential};
use comfy_core::random::rng_from_seed;
use comfy_core::testing::closeness;
use comfy_core::{Backend, ConvSpec, ParamStore, Shape, Tape, Tensor, Var};
use serde_json::Value;
use std::sync::Arc;

/// The golden file.
pub const GOLDEN: &str = include_str!("conv_golden.json");

fn numbers(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("an array of numbers")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

fn dims(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("an array of sizes")
        .iter()
        .map(|x| x.as_u64().expect("a size") as usize)
        .collect()
}

fn tensor(values: &Value, shape: &Value) -> Tensor {
    Tensor::from_vec(numbers(values), dims(shape)).expect("values fit the shape")
}

fn usize_of(v: &Value) -> usize {
    v.as_u64().expect("a size") as usize
}

/// Panics unless `got` is within `tol` of PyTorch's `want`, relative to `want`'s largest value.
#[track_caller]
fn check(what: &str, be: &dyn Backend, got: &Tensor, want: &[f32], tol: f32) {
    let got = be.to_host(got).expect("read back");
    let scale = want.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-3);
    let worst = closeness(&got, want, tol * scale, tol);
    assert!(worst <= 1.0, "{what} on {}: {worst} times the tolerance", be.name());
}

fn spec_of(case: &Value) -> ConvSpec {
    let (s, p, d) = (
        usize_of(&case["stride"]),
        usize_of(&case["padding"]),
        usize_of(&case["dilation"]),
    );
    ConvSpec {
        stride: [s; 2],
        padding: [p; 2],
        dilation: [d; 2],
    }
}

/// `Σ y ⊙ dy` for PyTorch's `dy`: its gradients are the vector-Jacobian products PyTorch took.
fn pairing<'t>(tape: &'t Tape, y: Var<'t>, dy: &[f32]) -> Var<'t> {
    let dy = tape
        .constant(&Tensor::from_vec(dy.to_vec(), y.shape()).expect("dy fits"))
        .expect("constant");
    y.mul(dy).and_then(|p| p.sum()).expect("pairing")
}

/// Every convolution case, forward and both gradients, through the tape.
pub fn convolutions(be: Arc<dyn Backend>, tol: f32) {
    let golden: Value = serde_json::from_str(GOLDEN).expect("golden JSON");
    for (kind, transposed) in [("conv2d", false), ("conv_transpose2d", true)] {
        for (i, case) in golden[kind].as_array().expect("cases").iter().enumerate() {
            let tape = Tape::new(be.clone());
            let x = tape.param(&tensor(&case["x"], &case["x_shape"])).expect("x");
            let w = tape.param(&tensor(&case["w"], &case["w_shape"])).expect("w");
            let op = usize_of(&case["output_padding"]);
            let y = if transposed {
                x.conv_transpose2d(w, spec_of(case), [op; 2])
            } else {
                x.conv2d(w, spec_of(case))
            }
            .expect("convolution");
            assert_eq!(y.shape().dims(), dims(&case["y_shape"]).as_slice(), "{kind} {i}");
            let loss = pairing(&tape, y, &numbers(&case["dy"]));
            let grads = tape.backward(loss).expect("backward");
            let what = |t: &str| format!("{kind} case {i} {t}");
            check(&what("y"), be.as_ref(), &y.value(), &numbers(&case["y"]), tol);
            check(
                &what("dx"),
                be.as_ref(),
                grads.get(x).expect("dx"),
                &numbers(&case["dx"]),
                tol,
            );
            check(
                &what("dw"),
                be.as_ref(),
                grads.get(w).expect("dw"),
                &numbers(&case["dw"]),
                tol,
            );
        }
    }
}

/// Batch normalisation in training (values, gradients, running statistics) and evaluation.
pub fn batch_norm(be: Arc<dyn Backend>, tol: f32) {
    let golden: Value = serde_json::from_str(GOLDEN).expect("golden JSON");
    for (i, case) in golden["batch_norm"].as_array().expect("cases").iter().enumerate() {
        let shape = dims(&case["x_shape"]);
        let c = shape[3];
        let layer = Sequential::new(
            Sample::Image {
                channels: c,
                height: shape[1],
                width: shape[2],
            },
            vec![Layer::batch_norm2d(c)],
        )
        .expect("layer");
        let mut store = ParamStore::new();
        let col = |k: &str| Tensor::from_vec(numbers(&case[k]), [c]).expect("per channel");
        store.insert("0.weight", col("gamma"));
        store.insert("0.bias", col("beta"));
        store.insert_buffer("0.running_mean", col("running_mean"));
        store.insert_buffer("0.running_var", col("running_var"));
        store.insert_buffer("0.num_batches_tracked", Tensor::zeros(Shape::new([])));
        store.upload(be.as_ref()).expect("upload");
        let x_host = Tensor::from_vec(numbers(&case["x"]), shape.clone()).expect("x");
        let what = |t: &str| format!("batch norm case {i} {t}");
        let (eval, stats) = {
            let tape = Tape::new(be.clone());
            let bound = store.bind(&tape, true).expect("bind");
            let x = tape.param(&x_host).expect("x");
            let eval = layer.forward(&bound, x, None, Mode::Eval).expect("eval").output.value();
            let train = layer.forward(&bound, x, None, Mode::Train).expect("train");
            let loss = pairing(&tape, train.output, &numbers(&case["dy"]));
            let grads = tape.backward(loss).expect("backward");
            check(
                &what("y"),
                be.as_ref(),
                &train.output.value(),
                &numbers(&case["y"]),
                tol,
            );
            check(
                &what("dx"),
                be.as_ref(),
                grads.get(x).expect("dx"),
                &numbers(&case["dx"]),
                tol,
            );
            let (g, b) = (bound.get("0.weight").expect("g"), bound.get("0.bias").expect("b"));
            check(
                &what("dgamma"),
                be.as_ref(),
                grads.get(g).expect("dg"),
                &numbers(&case["dgamma"]),
                tol,
            );
            check(
                &what("dbeta"),
                be.as_ref(),
                grads.get(b).expect("db"),
                &numbers(&case["dbeta"]),
                tol,
            );
            (eval, train.batch_stats)
        };
        check(&what("eval y"), be.as_ref(), &eval, &numbers(&case["y_eval"]), tol);
        layer
            .update_running_stats(be.as_ref(), &mut store, &stats)
            .expect("update");
        for (name, key) in [
            ("0.running_mean", "running_mean_after"),
            ("0.running_var", "running_var_after"),
        ] {
            check(
                &what(key),
                be.as_ref(),
                store.get(name).expect("buffer"),
                &numbers(&case[key]),
                tol,
            );
        }
    }
}

/// One store of `net` from PyTorch's `state_dict` entries, by name; buffers marked by the
/// layer list.
fn load(net: &Sequential, state: &Value) -> ParamStore {
    let mut store = ParamStore::new();
    for (name, shape, trainable) in net.slots() {
        let entry = &state[&name];
        let t = tensor(&entry["values"], &entry["shape"]);
        assert_eq!(t.shape(), &shape, "{name}");
        if trainable {
            store.insert(name, t);
        } else {
            store.insert_buffer(name, t);
        }
    }
    let names = state.as_object().expect("state_dict").len();
    assert_eq!(
        names,
        net.slots().len(),
        "PyTorch's state_dict has exactly the layer list's names"
    );
    net.check_params(&store).expect("fits");
    store
}

/// The small DCGAN: PyTorch's weights by name, `G(z)`, `D(G(z))`, the loss, every gradient,
/// and the running statistics after the pass.
pub fn dcgan(be: Arc<dyn Backend>, tol: f32) {
    let golden: Value = serde_json::from_str(GOLDEN).expect("golden JSON");
    let case = &golden["dcgan"];
    let cfg = DcganConfig {
        latent: usize_of(&case["latent"]),
        width: usize_of(&case["width"]),
        ..DcganConfig::default()
    };
    let batch = usize_of(&case["batch"]);
    let (g, d) = (cfg.generator().expect("G"), cfg.discriminator().expect("D"));
    // The layer lists' own initialisation has the same names and shapes as PyTorch's modules.
    assert_eq!(
        load(&g, &case["state"]["g"]).len(),
        g.init(&mut rng_from_seed(0), Init::Dcgan).expect("init").len()
    );
    let (mut gs, mut ds) = (load(&g, &case["state"]["g"]), load(&d, &case["state"]["d"]));
    gs.upload(be.as_ref()).expect("upload");
    ds.upload(be.as_ref()).expect("upload");
    let tape = Tape::new(be.clone());
    let (gb, db) = (gs.bind(&tape, true).expect("bind"), ds.bind(&tape, true).expect("bind"));
    let z = tape
        .constant(&Tensor::from_vec(numbers(&case["z"]), [batch, cfg.latent]).expect("z"))
        .expect("z");
    let image = g.forward(&gb, z, None, Mode::Train).expect("G");
    let logit = d.forward(&db, image.output, None, Mode::Train).expect("D");
    let ones = tape.constant(&Tensor::full([batch, 1], 1.0)).expect("ones");
    let loss = logit.output.bce_with_logits(ones).expect("loss");
    let mut grads = tape.backward(loss).expect("backward");
    check(
        "dcgan image",
        be.as_ref(),
        &image.output.value(),
        &numbers(&case["image"]),
        tol,
    );
    check(
        "dcgan logit",
        be.as_ref(),
        &logit.output.value(),
        &numbers(&case["logit"]),
        tol,
    );
    check(
        "dcgan loss",
        be.as_ref(),
        &loss.value(),
        &[case["loss"].as_f64().expect("loss") as f32],
        tol,
    );
    let named = [("g", gb.grads(&mut grads)), ("d", db.grads(&mut grads))];
    let want = case["grads"].as_object().expect("grads");
    let mut seen = 0;
    for (net, list) in &named {
        for (name, grad) in list {
            let key = format!("{net}.{name}");
            check(
                &format!("dcgan grad {key}"),
                be.as_ref(),
                grad,
                &numbers(&want[&key]),
                tol,
            );
            seen += 1;
        }
    }
    assert_eq!(seen, want.len(), "a gradient for every parameter PyTorch has");
    let (gst, dst) = (image.batch_stats, logit.batch_stats);
    drop(tape);
    g.update_running_stats(be.as_ref(), &mut gs, &gst).expect("update G");
    d.update_running_stats(be.as_ref(), &mut ds, &dst).expect("update D");
    for (key, value) in case["buffers_after"].as_object().expect("buffers") {
        let (net, name) = key.split_once('.').expect("net.name");
        let store = if net == "g" { &gs } else { &ds };
        check(
            &format!("dcgan buffer {key}"),
            be.as_ref(),
            store.get(name).expect("buffer"),
            &numbers(value),
            tol,
        );
    }
}
