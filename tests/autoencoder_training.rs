//! The autoencoder learns: its loss falls, runs are reproducible, a NaN loss stops training,
//! mismatched networks and ranges are refused, and the reconstruction error is exact.
use comfy_core::{Activation, Backend, Mlp};
use comfy_gpu::CpuBackend;
use comfy_nodes::autoencoder::{
    reconstruction_error, trainer, Autoencoder, AutoencoderConfig, AutoencoderError, ReconstructionLoss,
};
use comfy_nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, ImageDataset, LoaderConfig, PixelScale, Split};
use comfy_nodes::network::Network;
use comfy_nodes::train::TrainError;
use std::sync::Arc;

fn net(sizes: Vec<usize>, output: Activation, seed: u64) -> Network {
    let mlp = Mlp::new(sizes, Activation::LeakyRelu(0.2), output).unwrap();
    Network::mlp(&mlp, seed).unwrap()
}

fn small_ae(output: Activation, seed: u64) -> Autoencoder {
    let encoder = net(vec![784, 64, 16], Activation::Identity, seed);
    let decoder = net(vec![16, 64, 784], output, seed + 1);
    Autoencoder::new(encoder, decoder).unwrap()
}

fn test_digits() -> Arc<ImageDataset> {
    Arc::new(load_mnist(&bundled_mnist_dir(), Split::Test).unwrap())
}

fn loader(scale: PixelScale) -> DataLoader {
    let config = LoaderConfig {
        batch_size: 50,
        shuffle: true,
        seed: 3,
        drop_last: true,
        scale,
    };
    DataLoader::new(test_digits(), config).unwrap()
}

fn backend() -> Arc<dyn Backend> {
    Arc::new(CpuBackend::new())
}

fn train(loss: ReconstructionLoss, output: Activation, scale: PixelScale, seed: u64) -> Vec<f32> {
    let config = AutoencoderConfig {
        epochs: 3,
        loss,
        ..Default::default()
    };
    let mut t = trainer(small_ae(output, seed), backend(), config).unwrap();
    t.train(&loader(scale), &mut ()).unwrap();
    t.history.column(0)
}

/// The autoencoder's own error behind a training error.
fn model_error(result: Result<(), TrainError>) -> AutoencoderError {
    match result {
        Err(TrainError::Model(e)) => *e.downcast::<AutoencoderError>().expect("an AutoencoderError"),
        other => panic!("expected the model to refuse, got {other:?}"),
    }
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn bce_loss_falls_and_runs_are_reproducible() {
    let a = train(ReconstructionLoss::Bce, Activation::Sigmoid, PixelScale::ZeroToOne, 1);
    assert_eq!(a.len(), 3 * 20);
    assert!(a.iter().all(|l| l.is_finite()));
    // At the start every pixel is about sigmoid(0) = 0.5: BCE near ln 2.
    assert!((a[0] - std::f32::consts::LN_2).abs() < 0.1, "first loss {}", a[0]);
    let (first, last) = (mean(&a[..10]), mean(&a[50..]));
    assert!(last < 0.75 * first, "loss went from {first} to {last}");
    let b = train(ReconstructionLoss::Bce, Activation::Sigmoid, PixelScale::ZeroToOne, 1);
    assert_eq!(a, b, "same seed must give the same losses, bit for bit");
    assert_ne!(
        a,
        train(ReconstructionLoss::Bce, Activation::Sigmoid, PixelScale::ZeroToOne, 2)
    );
}

#[test]
fn mse_with_tanh_learns_pixels_in_minus_one_to_one() {
    let a = train(ReconstructionLoss::Mse, Activation::Tanh, PixelScale::MinusOneToOne, 5);
    let (first, last) = (mean(&a[..10]), mean(&a[50..]));
    assert!(last < 0.75 * first, "loss went from {first} to {last}");
}

#[test]
fn nan_loss_stops_training_with_the_step() {
    let config = AutoencoderConfig {
        epochs: 5,
        lr: 1e30,
        ..Default::default()
    };
    let mut t = trainer(small_ae(Activation::Sigmoid, 1), backend(), config).unwrap();
    match t.train(&loader(PixelScale::ZeroToOne), &mut ()) {
        Err(e @ TrainError::NonFinite { step, .. }) => {
            assert!(step < 100, "stopped at step {step}");
            assert!(e.to_string().contains("learning rate"), "{e}");
        }
        other => panic!("expected a non-finite loss error, got {other:?}"),
    }
}

#[test]
fn mismatched_networks_and_ranges_are_refused() {
    let encoder = net(vec![784, 32, 16], Activation::Identity, 0);
    // 12 is neither the encoder's 16 outputs nor half of them (a VAE's latent).
    let decoder = net(vec![12, 32, 784], Activation::Sigmoid, 0);
    let e = Autoencoder::new(encoder, decoder).unwrap_err();
    assert!(
        matches!(
            e,
            AutoencoderError::Mismatch {
                latent: 16,
                decoder_in: 12,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("784 → 16"), "{e}");

    let bce_tanh = trainer(small_ae(Activation::Tanh, 0), backend(), AutoencoderConfig::default());
    let e = model_error(bce_tanh.unwrap().train(&loader(PixelScale::MinusOneToOne), &mut ()));
    assert!(matches!(e, AutoencoderError::BceNeedsSigmoid { .. }), "{e:?}");

    let mse = AutoencoderConfig {
        loss: ReconstructionLoss::Mse,
        ..Default::default()
    };
    let mut sigmoid = trainer(small_ae(Activation::Sigmoid, 0), backend(), mse).unwrap();
    let e = model_error(sigmoid.train(&loader(PixelScale::MinusOneToOne), &mut ()));
    assert!(matches!(e, AutoencoderError::OutputRange { .. }), "{e:?}");
    assert!(sigmoid.history.is_empty(), "nothing may be trained on refused data");

    let wide = Autoencoder::new(
        net(vec![100, 8], Activation::Identity, 0),
        net(vec![8, 100], Activation::Sigmoid, 0),
    )
    .unwrap();
    let mut t = trainer(wide, backend(), AutoencoderConfig::default()).unwrap();
    let e = model_error(t.train(&loader(PixelScale::ZeroToOne), &mut ()));
    assert!(
        matches!(
            e,
            AutoencoderError::ImageSize {
                expected: 100,
                found: 784
            }
        ),
        "{e:?}"
    );
}

/// Zero weights and biases: the decoder outputs sigmoid(0) = 0.5 (or tanh(0) = 0, which is
/// 0.5 in 0..1 units) for every pixel, so the error is the mean of (x - 0.5)² over the data.
#[test]
fn reconstruction_error_of_a_constant_decoder_is_exact() {
    let data = test_digits();
    let expected: f64 = data
        .pixels()
        .iter()
        .map(|&b| (f64::from(b) / 255.0 - 0.5).powi(2))
        .sum::<f64>()
        / data.pixels().len() as f64;
    for (output, scale) in [
        (Activation::Sigmoid, PixelScale::ZeroToOne),
        (Activation::Tanh, PixelScale::MinusOneToOne),
    ] {
        let mut ae = small_ae(output, 0);
        for net in [&mut ae.encoder, &mut ae.decoder] {
            let names: Vec<String> = net.params.iter().map(|(n, _)| n.to_string()).collect();
            for name in names {
                let t = net.params.get_mut(&name).unwrap();
                *t = comfy_core::Tensor::zeros(t.shape().clone());
            }
        }
        let got = reconstruction_error(&ae, &backend(), &data, scale, 300).unwrap();
        assert!((got - expected).abs() < 1e-6, "{output:?}: {got} vs {expected}");
    }
    let e = reconstruction_error(
        &small_ae(Activation::Sigmoid, 0),
        &backend(),
        &data,
        PixelScale::MinusOneToOne,
        10,
    );
    assert!(matches!(e, Err(AutoencoderError::OutputRange { .. })), "{e:?}");
}
