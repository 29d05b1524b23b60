//! The convolutional autoencoder and the VAE on the one training loop: the KL term and the
//! reparameterisation against hand computations, losses that fall, a stopped and resumed VAE
//! run that matches an uninterrupted one bit for bit, a decoder that round-trips through its
//! model file, and bad sizes as typed errors.
use comfy_core::nn::Init;
use comfy_core::{Activation, Backend, Tape, Tensor};
use comfy_gpu::CpuBackend;
use comfy_nodes::autoencoder::{
    kl_divergence, reparameterise, split_latent, trainer, Autoencoder, AutoencoderConfig, AutoencoderError,
    AutoencoderTrainer, ConvAutoencoderConfig,
};
use comfy_nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy_nodes::gan::{generate, latent_batch};
use comfy_nodes::model_file::{load_network, save_network};
use comfy_nodes::network::Network;
use comfy_nodes::train::{Checkpointing, Silent, StepReport, TrainError, TrainObserver};
use std::path::PathBuf;
use std::sync::Arc;

fn backend() -> Arc<dyn Backend> {
    Arc::new(CpuBackend::new())
}

/// A narrow conv autoencoder (4 and 8 channels, 4 latent values), plain or variational.
fn tiny(variational: bool) -> Autoencoder {
    let config = ConvAutoencoderConfig {
        image_channels: 1,
        width: 4,
        latent: 4,
        variational,
    };
    let encoder = Network::new(config.encoder().unwrap(), 1, Init::PyTorch).unwrap();
    let decoder = Network::new(config.decoder(Activation::Sigmoid).unwrap(), 2, Init::PyTorch).unwrap();
    Autoencoder::new(encoder, decoder).unwrap()
}

fn tiny_trainer(variational: bool, epochs: usize, seed: u64) -> AutoencoderTrainer {
    let config = AutoencoderConfig {
        epochs,
        lr: 3e-3,
        seed,
        ..Default::default()
    };
    trainer(tiny(variational), backend(), config).unwrap()
}

/// The 1,000 bundled test digits in `[0, 1]`, 100 a batch: 10 steps per epoch.
fn loader() -> DataLoader {
    let data = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Test).unwrap());
    let config = LoaderConfig {
        batch_size: 100,
        shuffle: true,
        seed: 5,
        drop_last: true,
        scale: PixelScale::ZeroToOne,
    };
    DataLoader::new(data, config).unwrap()
}

fn tensor(values: &[f32], shape: [usize; 2]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape).unwrap()
}

#[test]
fn kl_and_its_gradients_match_a_hand_computation() {
    let (mu, logvar) = ([0.5f32, -1.0, 0.0, 2.0], [0.0f32, 0.3, -0.5, 1.0]);
    let tape = Tape::new(backend());
    let m = tape.param(&tensor(&mu, [2, 2])).unwrap();
    let lv = tape.param(&tensor(&logvar, [2, 2])).unwrap();
    let kl = kl_divergence(m, lv).unwrap();
    // −½ Σ (1 + lv − μ² − e^lv), averaged over the 2 images.
    let expected: f64 = mu
        .iter()
        .zip(&logvar)
        .map(|(&m, &l)| {
            let (m, l) = (f64::from(m), f64::from(l));
            -0.5 * (1.0 + l - m * m - l.exp())
        })
        .sum::<f64>()
        / 2.0;
    let value = f64::from(kl.item().unwrap());
    assert!((value - expected).abs() < 1e-5, "KL {value}, by hand {expected}");

    let mut grads = tape.backward(kl).unwrap();
    let d_mu = grads.take(m).unwrap().to_vec().unwrap();
    let d_lv = grads.take(lv).unwrap().to_vec().unwrap();
    for i in 0..4 {
        // ∂/∂μ = μ / b, ∂/∂lv = ½ (e^lv − 1) / b.
        let want_mu = mu[i] / 2.0;
        let want_lv = 0.5 * (logvar[i].exp() - 1.0) / 2.0;
        assert!((d_mu[i] - want_mu).abs() < 1e-5, "dμ[{i}] {} vs {want_mu}", d_mu[i]);
        assert!((d_lv[i] - want_lv).abs() < 1e-5, "dlv[{i}] {} vs {want_lv}", d_lv[i]);
    }
}

#[test]
fn reparameterisation_is_mu_plus_sigma_eps() {
    let tape = Tape::new(backend());
    // One image, latent 2: μ = (1, −2), log σ² = (0, ln 4) → σ = (1, 2).
    let encoded = tape.constant(&tensor(&[1.0, -2.0, 0.0, 4.0f32.ln()], [1, 4])).unwrap();
    let (mu, logvar) = split_latent(encoded, 2).unwrap();
    let z = reparameterise(&tape, mu, logvar, &tensor(&[0.5, -1.5], [1, 2])).unwrap();
    let z = z.to_vec().unwrap();
    assert!((z[0] - 1.5).abs() < 1e-6 && (z[1] - -5.0).abs() < 1e-5, "{z:?}");
}

/// The mean of each epoch's summed losses.
fn epoch_means(t: &AutoencoderTrainer, per_epoch: usize) -> Vec<f32> {
    let totals: Vec<f32> = t.history.records.iter().map(|r| r.values.iter().sum()).collect();
    totals
        .chunks(per_epoch)
        .map(|c| c.iter().sum::<f32>() / c.len() as f32)
        .collect()
}

#[test]
fn a_tiny_conv_autoencoder_and_vae_learn() {
    for variational in [false, true] {
        let mut t = tiny_trainer(variational, 3, 0);
        let names: Vec<String> = t.history.names.iter().map(|n| n.key.clone()).collect();
        let want: &[&str] = if variational {
            &["reconstruction", "kl"]
        } else {
            &["loss"]
        };
        assert_eq!(names, want);
        t.train(&loader(), &mut Silent).unwrap();
        let means = epoch_means(&t, 10);
        assert!(
            means[2] < 0.9 * means[0],
            "variational {variational}: loss did not fall: {means:?}"
        );
    }
}

/// Asks to stop once `after` steps have been taken.
struct StopAfter {
    after: usize,
    taken: usize,
}

impl<M> TrainObserver<M> for StopAfter {
    fn on_step(&mut self, _: &StepReport) {
        self.taken += 1;
    }
    fn should_stop(&self) -> bool {
        self.taken >= self.after
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("comfy-vae-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn weights(t: &AutoencoderTrainer) -> Vec<Vec<f32>> {
    let model = t.model.model_on_host().unwrap();
    [&model.encoder, &model.decoder]
        .iter()
        .flat_map(|n| n.params.iter().map(|(_, p)| p.to_vec().unwrap()).collect::<Vec<_>>())
        .collect()
}

#[test]
fn a_stopped_and_resumed_vae_run_matches_an_uninterrupted_one() {
    let dir = scratch("resume");
    let state = dir.join("state.safetensors");
    let loader = loader();
    let mut whole = tiny_trainer(true, 2, 7);
    whole.train(&loader, &mut Silent).unwrap();

    let mut first = tiny_trainer(true, 2, 7);
    first.set_checkpointing(Some(Checkpointing {
        path: state.clone(),
        every_epochs: 1,
    }));
    let stopped = first.train(&loader, &mut StopAfter { after: 13, taken: 0 });
    assert!(
        matches!(stopped, Err(TrainError::Cancelled { step: 13, .. })),
        "{stopped:?}"
    );

    let mut rest = tiny_trainer(true, 2, 7);
    rest.restore_state(&state, 10).unwrap();
    rest.train(&loader, &mut Silent).unwrap();
    assert_eq!(rest.history, whole.history, "losses differ from the uninterrupted run");
    assert_eq!(
        weights(&rest),
        weights(&whole),
        "weights differ from the uninterrupted run"
    );

    // Another noise seed is another run: refused, nothing changed.
    let mut other = tiny_trainer(true, 2, 8);
    let before = weights(&other);
    let msg = other.restore_state(&state, 10).unwrap_err().to_string();
    assert!(msg.contains("noise seed 7 and this run uses 8"), "{msg}");
    assert_eq!(weights(&other), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_vae_decoder_round_trips_through_its_model_file() {
    let dir = scratch("file");
    let path = dir.join("decoder.safetensors");
    let decoder = tiny(true).decoder;
    save_network(&path, &decoder, backend().as_ref()).unwrap();
    // No architecture given: the file's metadata rebuilds it.
    let loaded = load_network(&path, None).unwrap();
    assert_eq!(loaded.arch, decoder.arch);
    let z = latent_batch(3, loaded.input_size(), 1).unwrap();
    let a = generate(&decoder, &backend(), &z, None).unwrap().to_vec().unwrap();
    let b = generate(&loaded, &backend(), &z, None).unwrap().to_vec().unwrap();
    assert_eq!(a, b);
    assert_eq!(a.len(), 3 * 784);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_sizes_are_typed_errors() {
    let zero = ConvAutoencoderConfig {
        latent: 0,
        ..Default::default()
    };
    assert!(matches!(zero.encoder(), Err(AutoencoderError::ZeroSize { .. })));
    assert!(matches!(
        zero.decoder(Activation::Sigmoid),
        Err(AutoencoderError::ZeroSize { .. })
    ));

    let vae = tiny(true);
    assert!(vae.is_variational() && vae.latent_dim() == 4);
    let small = Tensor::from_vec(vec![0.0; 2 * 196], [2, 196]).unwrap();
    let e = vae.reconstruct(&backend(), &small).unwrap_err();
    assert!(
        matches!(
            e,
            AutoencoderError::ImageSize {
                expected: 784,
                found: 196
            }
        ),
        "{e:?}"
    );

    // A decoder reading 3 values fits neither a plain (4) nor a VAE (2 × 4) encoder.
    let config = ConvAutoencoderConfig {
        latent: 3,
        width: 4,
        ..Default::default()
    };
    let decoder = Network::new(config.decoder(Activation::Sigmoid).unwrap(), 0, Init::PyTorch).unwrap();
    let e = Autoencoder::new(tiny(true).encoder, decoder).unwrap_err();
    assert!(
        matches!(
            e,
            AutoencoderError::Mismatch {
                latent: 8,
                decoder_in: 3,
                ..
            }
        ),
        "{e:?}"
    );
}
