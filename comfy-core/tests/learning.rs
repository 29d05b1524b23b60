//! An MLP learns XOR and two moons from a fixed seed, through the tape and Adam.
use comfy_core::random::{rng_from_seed, standard_normal};
use comfy_core::{Activation, Adam, Backend, Init, Mlp, Optimizer, ParamStore, ReferenceBackend, Tape, Tensor};
use std::sync::Arc;

/// Full-batch training of `mlp` on `(x, onehot)` with softmax cross-entropy; returns accuracy.
fn train(mlp: &Mlp, x: &Tensor, onehot: &Tensor, steps: usize, lr: f32, seed: u64) -> (f32, Vec<f32>) {
    let backend: Arc<dyn Backend> = Arc::new(ReferenceBackend);
    let mut params: ParamStore = mlp.init(&mut rng_from_seed(seed), Init::PyTorch).unwrap();
    let mut opt = Adam::new(lr, 0.9, 0.999);
    let mut losses = Vec::new();
    for _ in 0..steps {
        let tape = Tape::new(backend.clone());
        let bound = params.bind(&tape, true).unwrap();
        let logits = mlp.forward(&bound, tape.constant(x).unwrap()).unwrap();
        let loss = logits.softmax_cross_entropy(tape.constant(onehot).unwrap()).unwrap();
        losses.push(loss.item().unwrap());
        let mut grads = tape.backward(loss).unwrap();
        let named = bound.grads(&mut grads);
        drop(tape);
        opt.step(backend.as_ref(), &mut params, &named).unwrap();
    }
    let tape = Tape::new(backend.clone());
    let bound = params.bind(&tape, false).unwrap();
    let logits = mlp
        .forward(&bound, tape.constant(x).unwrap())
        .unwrap()
        .to_vec()
        .unwrap();
    let classes = onehot.shape().rows_cols().1;
    let target = onehot.to_vec().unwrap();
    let correct = logits
        .chunks(classes)
        .zip(target.chunks(classes))
        .filter(|(l, t)| argmax(l) == argmax(t))
        .count();
    (correct as f32 / (logits.len() / classes) as f32, losses)
}

fn argmax(v: &[f32]) -> usize {
    (0..v.len()).fold(0, |best, i| if v[i] > v[best] { i } else { best })
}

fn onehot(labels: &[usize], classes: usize) -> Tensor {
    let mut v = vec![0.0; labels.len() * classes];
    for (i, &l) in labels.iter().enumerate() {
        v[i * classes + l] = 1.0;
    }
    Tensor::from_vec(v, [labels.len(), classes]).unwrap()
}

#[test]
fn learns_xor() {
    let x = Tensor::from_vec(vec![0., 0., 0., 1., 1., 0., 1., 1.], [4, 2]).unwrap();
    let y = onehot(&[0, 1, 1, 0], 2);
    let mlp = Mlp::new(vec![2, 8, 2], Activation::Tanh, Activation::Identity).unwrap();
    let (acc, losses) = train(&mlp, &x, &y, 300, 0.05, 3);
    assert!(acc >= 0.99, "XOR accuracy {acc}");
    assert!(losses.last().unwrap() < &0.05, "final loss {:?}", losses.last());
}

/// Two interleaved half circles with Gaussian noise, as scikit-learn's `make_moons`.
fn two_moons(n: usize, noise: f32, seed: u64) -> (Tensor, Vec<usize>) {
    let mut rng = rng_from_seed(seed);
    let jitter = standard_normal(&mut rng, 2 * n);
    let (mut xs, mut labels) = (Vec::new(), Vec::new());
    for i in 0..n {
        let label = i % 2;
        let t = std::f32::consts::PI * (i / 2) as f32 / (n / 2) as f32;
        let (x, y) = if label == 0 {
            (t.cos(), t.sin())
        } else {
            (1.0 - t.cos(), 0.5 - t.sin())
        };
        xs.push(x + noise * jitter[2 * i]);
        xs.push(y + noise * jitter[2 * i + 1]);
        labels.push(label);
    }
    (Tensor::from_vec(xs, [n, 2]).unwrap(), labels)
}

#[test]
fn learns_two_moons() {
    let (x, labels) = two_moons(300, 0.1, 11);
    let y = onehot(&labels, 2);
    let mlp = Mlp::new(vec![2, 32, 32, 2], Activation::Relu, Activation::Identity).unwrap();
    let (acc, _) = train(&mlp, &x, &y, 400, 0.01, 5);
    assert!(acc >= 0.97, "two-moons accuracy {acc}");
}

#[test]
fn same_seed_same_run_bit_for_bit() {
    let (x, labels) = two_moons(64, 0.1, 2);
    let y = onehot(&labels, 2);
    let mlp = Mlp::new(vec![2, 8, 2], Activation::LeakyRelu(0.2), Activation::Identity).unwrap();
    let (_, a) = train(&mlp, &x, &y, 20, 0.01, 9);
    let (_, b) = train(&mlp, &x, &y, 20, 0.01, 9);
    assert_eq!(
        a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
}

#[test]
fn pytorch_parameter_names_and_layouts() {
    let mlp = Mlp::new(vec![100, 256, 784], Activation::LeakyRelu(0.2), Activation::Tanh).unwrap();
    let p = mlp.init(&mut rng_from_seed(0), Init::PyTorch).unwrap();
    let names: Vec<_> = p
        .iter()
        .map(|(n, t)| (n.to_string(), t.shape().dims().to_vec()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("0.weight".into(), vec![256, 100]),
            ("0.bias".into(), vec![256]),
            ("2.weight".into(), vec![784, 256]),
            ("2.bias".into(), vec![784]),
        ]
    );
    let bound = 1.0 / 10.0;
    assert!(p
        .get("0.weight")
        .unwrap()
        .to_vec()
        .unwrap()
        .iter()
        .all(|v| v.abs() <= bound));
}
