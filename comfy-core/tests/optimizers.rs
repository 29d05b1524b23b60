//! Adam and SGD against values computed by hand from PyTorch's update rules.
use comfy_core::{Adam, NamedGrads, Optimizer, ParamStore, ReferenceBackend, Sgd, Tensor};

fn store(v: f32) -> ParamStore {
    let mut s = ParamStore::new();
    s.insert("w", Tensor::from_vec(vec![v], [1]).unwrap());
    s
}

fn grad(g: f32) -> NamedGrads {
    vec![("w".into(), Tensor::from_vec(vec![g], [1]).unwrap())]
}

fn value(s: &ParamStore) -> f32 {
    s.get("w").unwrap().item().unwrap()
}

#[test]
fn adam_matches_hand_computation() {
    // lr 0.1, β = (0.9, 0.999), ε = 1e-8, p0 = 1, gradients 0.5 then -0.25.
    let mut opt = Adam::new(0.1, 0.9, 0.999);
    let mut s = store(1.0);
    // Step 1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25 → p = 1 - 0.1 · 0.5/0.5 = 0.9.
    opt.step(&ReferenceBackend, &mut s, &grad(0.5)).unwrap();
    assert!((value(&s) - 0.9).abs() < 1e-6, "{}", value(&s));
    // Step 2: m = 0.9·0.05 - 0.025 = 0.02, v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225;
    // m̂ = 0.02/0.19 = 0.105263, v̂ = 0.00031225/0.001999 = 0.156203 → p = 0.9 - 0.1·0.105263/0.395225.
    opt.step(&ReferenceBackend, &mut s, &grad(-0.25)).unwrap();
    let expected = 0.9 - 0.1 * (0.02f64 / 0.19) / ((0.00031225f64 / 0.001999).sqrt() + 1e-8);
    assert!(
        (value(&s) as f64 - expected).abs() < 1e-6,
        "{} vs {expected}",
        value(&s)
    );
    assert_eq!(opt.state("w").unwrap().step, 2);
}

#[test]
fn adam_weight_decay_adds_to_the_gradient() {
    let mut opt = Adam::new(0.1, 0.9, 0.999);
    opt.weight_decay = 0.5;
    let mut s = store(2.0);
    // g = 0 + 0.5 · 2 = 1; the first Adam step moves by lr · sign(g) = 0.1.
    opt.step(&ReferenceBackend, &mut s, &grad(0.0)).unwrap();
    assert!((value(&s) - 1.9).abs() < 1e-6);
}

#[test]
fn sgd_with_momentum_matches_hand_computation() {
    let mut opt = Sgd::new(0.1, 0.9);
    let mut s = store(1.0);
    // Step 1: buf = g = 1 → p = 1 - 0.1 = 0.9.
    opt.step(&ReferenceBackend, &mut s, &grad(1.0)).unwrap();
    assert!((value(&s) - 0.9).abs() < 1e-6);
    // Step 2: buf = 0.9·1 + 2 = 2.9 → p = 0.9 - 0.29 = 0.61.
    opt.step(&ReferenceBackend, &mut s, &grad(2.0)).unwrap();
    assert!((value(&s) - 0.61).abs() < 1e-6);
    // Step 3 with Nesterov off: buf = 0.9·2.9 - 1 = 1.61 → p = 0.61 - 0.161 = 0.449.
    opt.step(&ReferenceBackend, &mut s, &grad(-1.0)).unwrap();
    assert!((value(&s) - 0.449).abs() < 1e-6);
}

#[test]
fn sgd_nesterov_and_plain() {
    let mut opt = Sgd::new(0.1, 0.9);
    opt.nesterov = true;
    let mut s = store(0.0);
    // buf = 1; g' = 1 + 0.9·1 = 1.9 → p = -0.19. Then buf = 0.9 + 1 = 1.9; g' = 1 + 1.71 = 2.71.
    opt.step(&ReferenceBackend, &mut s, &grad(1.0)).unwrap();
    assert!((value(&s) + 0.19).abs() < 1e-6);
    opt.step(&ReferenceBackend, &mut s, &grad(1.0)).unwrap();
    assert!((value(&s) + 0.19 + 0.271).abs() < 1e-6);
    let mut plain = Sgd::new(0.5, 0.0);
    let mut s = store(1.0);
    plain.step(&ReferenceBackend, &mut s, &grad(2.0)).unwrap();
    assert!((value(&s) - 0.0).abs() < 1e-6);
}

#[test]
fn unknown_parameter_is_an_error() {
    let mut opt = Adam::new(0.1, 0.9, 0.999);
    let mut s = store(1.0);
    let bad = vec![("nope".to_string(), Tensor::scalar(1.0))];
    let err = opt.step(&ReferenceBackend, &mut s, &bad).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}
