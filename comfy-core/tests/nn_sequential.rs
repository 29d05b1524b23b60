//! Layer lists: the MLP as a layer list (same parameters, same outputs, bit for bit), the
//! DCGAN's PyTorch names and shapes, its JSON description, batch normalisation's running
//! statistics and evaluation mode, the joined condition, and bad lists as typed errors.
use comfy_core::nn::{Activation, DcganConfig, Init, Layer, Mlp, Mode, Sample, Sequential};
use comfy_core::random::{rng_from_seed, uniform};
use comfy_core::{ConvSpec, Error, ParamStore, ReferenceBackend, Tape, Tensor};
use std::sync::Arc;

fn values(store: &ParamStore) -> Vec<(String, Vec<u32>)> {
    store
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_vec().unwrap().iter().map(|v| v.to_bits()).collect()))
        .collect()
}

fn random(shape: &[usize], seed: u64) -> Tensor {
    let n = shape.iter().product();
    Tensor::from_vec(uniform(&mut rng_from_seed(seed), n, -1.0, 1.0), shape).unwrap()
}

#[test]
fn an_mlp_as_a_layer_list_is_the_same_network() {
    let g = Mlp::new(vec![100, 256, 512, 784], Activation::LeakyRelu(0.2), Activation::Tanh).unwrap();
    let d = Mlp::new(vec![784, 64, 1], Activation::LeakyRelu(0.2), Activation::Identity).unwrap();
    for mlp in [g, d] {
        let seq = mlp.to_sequential().unwrap();
        for init in [Init::PyTorch, Init::XavierUniform] {
            let a = mlp.init(&mut rng_from_seed(5), init).unwrap();
            let b = seq.init(&mut rng_from_seed(5), init).unwrap();
            assert_eq!(values(&a), values(&b), "{init:?}");
        }
        let params = mlp.init(&mut rng_from_seed(6), Init::PyTorch).unwrap();
        let x = random(&[3, mlp.input_size()], 7);
        let tape = Tape::new(Arc::new(ReferenceBackend));
        let bound = params.bind(&tape, true).unwrap();
        let xv = tape.constant(&x).unwrap();
        let start = tape.len();
        let want = mlp.forward(&bound, xv).unwrap();
        let middle = tape.len();
        let got = seq.forward(&bound, xv, None, Mode::Train).unwrap().output;
        assert_eq!(got.to_vec().unwrap(), want.to_vec().unwrap());
        // The same fused linear layers: as many tape entries (a reshape of the input aside).
        assert_eq!(tape.len() - middle, middle - start + 1);
    }
}

#[test]
fn dcgan_has_pytorchs_names_shapes_and_sizes() {
    let cfg = DcganConfig::default();
    let g = cfg.generator().unwrap();
    let d = cfg.discriminator().unwrap();
    assert_eq!(
        g.output(),
        Sample::Image {
            channels: 1,
            height: 28,
            width: 28
        }
    );
    assert_eq!(d.output(), Sample::Features(1));
    let names = |s: &Sequential| {
        s.slots()
            .into_iter()
            .map(|(n, sh, _)| format!("{n} {sh}"))
            .collect::<Vec<_>>()
    };
    let bn = |i: usize, c: usize| {
        vec![
            format!("{i}.weight [{c}]"),
            format!("{i}.bias [{c}]"),
            format!("{i}.running_mean [{c}]"),
            format!("{i}.running_var [{c}]"),
            format!("{i}.num_batches_tracked []"),
        ]
    };
    let mut want_g = vec!["0.weight [100, 256, 4, 4]".to_string()];
    want_g.extend(bn(1, 256));
    want_g.push("3.weight [256, 128, 3, 3]".into());
    want_g.extend(bn(4, 128));
    want_g.push("6.weight [128, 64, 4, 4]".into());
    want_g.extend(bn(7, 64));
    want_g.push("9.weight [64, 1, 4, 4]".into());
    assert_eq!(names(&g), want_g);
    let mut want_d = vec!["0.weight [64, 1, 4, 4]".to_string(), "2.weight [128, 64, 4, 4]".into()];
    want_d.extend(bn(3, 128));
    want_d.push("5.weight [256, 128, 4, 4]".into());
    want_d.extend(bn(6, 256));
    want_d.push("8.weight [1, 256, 3, 3]".into());
    assert_eq!(names(&d), want_d);

    let tape = Tape::new(Arc::new(ReferenceBackend));
    let gp = g.init(&mut rng_from_seed(1), Init::Dcgan).unwrap();
    let z = tape.constant(&random(&[2, 100], 2)).unwrap();
    let img = g.forward(&gp.bind(&tape, true).unwrap(), z, None, Mode::Train).unwrap();
    assert_eq!(img.output.shape().dims(), &[2, 28, 28, 1]);
    assert_eq!(img.batch_stats.len(), 3);
    let dp = d.init(&mut rng_from_seed(3), Init::Dcgan).unwrap();
    let logit = d
        .forward(&dp.bind(&tape, true).unwrap(), img.output, None, Mode::Train)
        .unwrap();
    assert_eq!(logit.output.shape().dims(), &[2, 1]);
}

#[test]
fn dcgan_init_draws_the_dcgan_distributions() {
    let cfg = DcganConfig {
        width: 32,
        ..DcganConfig::default()
    };
    let p = cfg
        .discriminator()
        .unwrap()
        .init(&mut rng_from_seed(9), Init::Dcgan)
        .unwrap();
    let stats = |name: &str| {
        let v = p.get(name).unwrap().to_vec().unwrap();
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / v.len() as f32;
        (mean, var.sqrt())
    };
    let (m, s) = stats("5.weight");
    assert!(m.abs() < 0.002 && (s - 0.02).abs() < 0.002, "conv weight {m} ± {s}");
    let (m, s) = stats("3.weight");
    assert!((m - 1.0).abs() < 0.01 && (s - 0.02).abs() < 0.01, "BN gamma {m} ± {s}");
    assert_eq!(p.get("3.bias").unwrap().to_vec().unwrap(), vec![0.0; 64]);
    assert!(p.is_buffer("3.running_var") && !p.is_buffer("3.weight"));
}

#[test]
fn the_json_description_rebuilds_the_same_model() {
    let cfg = DcganConfig {
        width: 8,
        extra_layers: 1,
        classes: 10,
        ..DcganConfig::default()
    };
    for seq in [cfg.generator().unwrap(), cfg.discriminator().unwrap()] {
        let json = seq.to_json().unwrap();
        let back = Sequential::from_json(&json).unwrap();
        assert_eq!(back, seq);
        let (a, b) = (
            seq.init(&mut rng_from_seed(4), Init::Dcgan).unwrap(),
            back.init(&mut rng_from_seed(4), Init::Dcgan).unwrap(),
        );
        assert_eq!(values(&a), values(&b));
        back.check_params(&a).unwrap();
    }
    // A description whose layers do not fit is refused, naming the layer.
    let bad = r#"{"input":{"features":10},"layers":[{"type":"Linear","in_features":10,"out_features":5,"bias":true},
        {"type":"Linear","in_features":6,"out_features":1,"bias":true}]}"#;
    let e = Sequential::from_json(bad).unwrap_err().to_string();
    assert!(
        e.contains("layer 1") && e.contains("Linear(6 → 1)") && e.contains("5 features"),
        "{e}"
    );
}

#[test]
fn bad_layer_lists_and_parameters_are_typed_errors() {
    let image = Sample::Image {
        channels: 3,
        height: 2,
        width: 2,
    };
    let big_kernel = Layer::Conv2d {
        in_channels: 3,
        out_channels: 4,
        kernel_size: [3, 3],
        spec: ConvSpec::new(1, 0),
        bias: true,
    };
    match Sequential::new(image, vec![big_kernel]) {
        Err(Error::Layer { index: 0, source, .. }) => {
            assert!(matches!(*source, Error::BadConvolution { .. }), "{source}")
        }
        other => panic!("expected a layer error, got {other:?}"),
    }
    let wrong_channels = Layer::Conv2d {
        in_channels: 2,
        out_channels: 4,
        kernel_size: [1, 1],
        spec: ConvSpec::new(1, 0),
        bias: true,
    };
    let e = Sequential::new(image, vec![wrong_channels]).unwrap_err().to_string();
    assert!(e.contains("3 channels, the weight expects 2"), "{e}");
    assert!(Sequential::new(image, vec![Layer::batch_norm2d(4)]).is_err());
    // Parameters of another model: the wrong shape, and one missing.
    let g = DcganConfig::default().generator().unwrap();
    let small = DcganConfig {
        width: 8,
        ..DcganConfig::default()
    };
    let other = small
        .generator()
        .unwrap()
        .init(&mut rng_from_seed(1), Init::Dcgan)
        .unwrap();
    let e = g.check_params(&other).unwrap_err().to_string();
    assert!(e.contains("layer 0") && e.contains("0.weight"), "{e}");
    assert!(g.check_params(&ParamStore::new()).is_err());
}

#[test]
fn running_statistics_follow_pytorchs_update_and_drive_evaluation() {
    let be = ReferenceBackend;
    let seq = Sequential::new(
        Sample::Features(3),
        vec![Layer::BatchNorm1d {
            num_features: 3,
            eps: 1e-5,
            momentum: 0.1,
        }],
    )
    .unwrap();
    let mut store = seq.init(&mut rng_from_seed(0), Init::PyTorch).unwrap();
    let x = Tensor::from_vec(
        vec![1.0, 2.0, -1.0, 3.0, 2.0, 1.0, 5.0, 2.0, 0.0, -1.0, 2.0, 4.0],
        [4, 3],
    )
    .unwrap();
    let stats = {
        let tape = Tape::new(Arc::new(be));
        let f = seq
            .forward(
                &store.bind(&tape, true).unwrap(),
                tape.constant(&x).unwrap(),
                None,
                Mode::Train,
            )
            .unwrap();
        f.batch_stats
    };
    seq.update_running_stats(&be, &mut store, &stats).unwrap();
    // Column means 2, 2, 1; unbiased variances 20/3, 0, 14/3.
    let rm = store.get("0.running_mean").unwrap().to_vec().unwrap();
    let rv = store.get("0.running_var").unwrap().to_vec().unwrap();
    let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
    assert!(close(&rm, &[0.2, 0.2, 0.1]), "{rm:?}");
    assert!(
        close(&rv, &[0.9 + 0.1 * 20.0 / 3.0, 0.9, 0.9 + 0.1 * 14.0 / 3.0]),
        "{rv:?}"
    );
    assert_eq!(store.get("0.num_batches_tracked").unwrap().to_vec().unwrap(), vec![1.0]);
    // Evaluation normalises with the running statistics: (x − rm) / √(rv + eps).
    let tape = Tape::new(Arc::new(be));
    let y = seq
        .forward(
            &store.bind(&tape, true).unwrap(),
            tape.constant(&x).unwrap(),
            None,
            Mode::Eval,
        )
        .unwrap()
        .output
        .to_vec()
        .unwrap();
    let want = (1.0 - 0.2) / (rv[0] + 1e-5).sqrt();
    assert!((y[0] - want).abs() < 1e-6, "{} vs {want}", y[0]);
}

#[test]
fn a_condition_joins_as_extra_channels() {
    let cfg = DcganConfig {
        width: 4,
        classes: 10,
        ..DcganConfig::default()
    };
    let d = cfg.discriminator().unwrap();
    assert_eq!(d.slots()[0].1.dims(), &[4, 11, 4, 4]);
    let p = d.init(&mut rng_from_seed(2), Init::Dcgan).unwrap();
    let tape = Tape::new(Arc::new(ReferenceBackend));
    let bound = p.bind(&tape, true).unwrap();
    let img = tape.constant(&random(&[2, 28, 28, 1], 3)).unwrap();
    let maps = tape.constant(&Tensor::zeros([2, 28, 28, 10])).unwrap();
    let out = d.forward(&bound, img, Some(maps), Mode::Train).unwrap();
    assert_eq!(out.output.shape().dims(), &[2, 1]);
    assert!(d.forward(&bound, img, None, Mode::Train).is_err());
    let wrong = tape.constant(&Tensor::zeros([2, 28, 28, 3])).unwrap();
    let e = d
        .forward(&bound, img, Some(wrong), Mode::Train)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("[2, 28, 28, 3]"), "{e}");
}
