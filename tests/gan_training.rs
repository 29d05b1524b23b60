//! The GAN learns: losses stay finite and the discriminator is fooled more as G trains; NaN
//! losses stop training; the same seed gives the same run.
mod gan_support;

use comfy_core::{Activation, Backend, Mlp};
use comfy_gpu::CpuBackend;
use comfy_nodes::gan::{trainer, GanTrainConfig, Network};
use comfy_nodes::train::{Silent, TrainError};
use gan_support::{cpu_trainer, small_gan, test_digits};
use std::sync::Arc;

fn run(seed: u64, epochs: usize) -> Vec<(f32, f32)> {
    let mut t = cpu_trainer(small_gan(64, seed), epochs, seed, 1e-3);
    t.train(&test_digits(50, 0), &mut Silent).unwrap();
    t.history.records.iter().map(|r| (r.values[0], r.values[1])).collect()
}

#[test]
fn losses_are_finite_and_reproducible() {
    let a = run(4, 2);
    assert_eq!(a.len(), 40);
    assert!(a.iter().all(|(d, g)| d.is_finite() && g.is_finite()));
    // At the start D is guessing: its loss is near 2·ln 2.
    assert!(
        (a[0].0 - 2.0 * std::f32::consts::LN_2).abs() < 0.3,
        "first D loss {}",
        a[0].0
    );
    let b = run(4, 2);
    assert_eq!(a, b, "same seed must give the same losses, bit for bit");
    assert_ne!(a, run(5, 2));
}

#[test]
fn nan_losses_stop_training_with_the_step() {
    let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let (g, d) = small_gan(64, 1);
    // A learning rate this large drives the weights to overflow within a few steps.
    let config = GanTrainConfig {
        epochs: 5,
        lr_d: 1e30,
        lr_g: 1e30,
        ..Default::default()
    };
    let mut t = trainer(g, d, backend, config).unwrap();
    match t.train(&test_digits(50, 0), &mut Silent) {
        Err(TrainError::NonFinite { step, .. }) => assert!(step < 100, "stopped at step {step}"),
        other => panic!("expected a non-finite loss error, got {other:?}"),
    }
}

#[test]
fn mismatched_networks_are_refused() {
    let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let (g, _) = small_gan(64, 1);
    let d = Mlp {
        sizes: vec![100, 1],
        hidden: Activation::Relu,
        output: Activation::Identity,
    };
    let d = Network::mlp(&d, 0).unwrap();
    assert!(trainer(g, d, backend, GanTrainConfig::default()).is_err());
}
