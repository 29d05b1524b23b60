//! Stopping and resuming an autoencoder run on the shared training loop: a run stopped at an
//! epoch's end and mid-epoch, resumed twice from its training state, gives exactly the losses
//! and weights of a run that was never stopped; a state that does not fit is refused and
//! changes nothing.
use comfy_core::{Activation, Backend, Mlp};
use comfy_gpu::CpuBackend;
use comfy_nodes::autoencoder::{trainer, Autoencoder, AutoencoderConfig, AutoencoderTrainer, ReconstructionLoss};
use comfy_nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy_nodes::network::Network;
use comfy_nodes::train::{Checkpointing, Silent, StepReport, TrainError, TrainObserver};
use std::path::PathBuf;
use std::sync::Arc;

fn net(sizes: Vec<usize>, output: Activation, seed: u64) -> Network {
    Network::mlp(&Mlp::new(sizes, Activation::LeakyRelu(0.2), output).unwrap(), seed).unwrap()
}

fn ae_trainer(epochs: usize, hidden: usize, loss: ReconstructionLoss) -> AutoencoderTrainer {
    let model = Autoencoder::new(
        net(vec![784, hidden, 8], Activation::Identity, 3),
        net(vec![8, hidden, 784], Activation::Sigmoid, 4),
    )
    .unwrap();
    let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let config = AutoencoderConfig {
        epochs,
        loss,
        ..Default::default()
    };
    trainer(model, backend, config).unwrap()
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
    let dir = std::env::temp_dir().join(format!("comfy-ae-resume-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every parameter by network and name, read back to the host.
fn weights(t: &AutoencoderTrainer) -> Vec<(String, Vec<f32>)> {
    let model = t.model.model_on_host().unwrap();
    let mut all = Vec::new();
    for (net, n) in [("encoder", &model.encoder), ("decoder", &model.decoder)] {
        for (name, p) in n.params.iter() {
            all.push((format!("{net} {name}"), p.to_vec().unwrap()));
        }
    }
    all
}

#[test]
fn a_stopped_and_resumed_autoencoder_run_matches_an_uninterrupted_one() {
    let dir = scratch("match");
    let state = dir.join("state.safetensors");
    let loader = loader();
    let mut whole = ae_trainer(3, 32, ReconstructionLoss::Bce);
    whole.train(&loader, &mut Silent).unwrap();
    assert_eq!(whole.history.len(), 30);

    // Stopped exactly at the end of epoch 1 (step 10, where no periodic write falls with
    // `every_epochs: 2`), then mid-epoch (step 17), then run to the end.
    let mut done = 0;
    for stop_after in [10, 7, usize::MAX] {
        let mut part = ae_trainer(3, 32, ReconstructionLoss::Bce);
        if done > 0 {
            part.restore_state(&state, 10).unwrap();
            assert_eq!(part.history.len(), done);
        }
        part.set_checkpointing(Some(Checkpointing {
            path: state.clone(),
            every_epochs: 2,
        }));
        let mut stop = StopAfter {
            after: stop_after,
            taken: 0,
        };
        match part.train(&loader, &mut stop) {
            Err(TrainError::Cancelled { step, checkpoint }) => {
                assert_eq!(step, done + stop_after);
                assert_eq!(checkpoint.map(|c| c.steps), Some(step));
                done = step;
            }
            Ok(()) => {
                assert_eq!(done, 17);
                assert_eq!(part.history, whole.history, "losses differ from the uninterrupted run");
                assert_eq!(
                    weights(&part),
                    weights(&whole),
                    "weights differ from the uninterrupted run"
                );
            }
            Err(e) => panic!("{e}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_autoencoder_state_that_does_not_fit_is_refused_and_changes_nothing() {
    let dir = scratch("refuse");
    let state = dir.join("state.safetensors");
    let mut t = ae_trainer(1, 32, ReconstructionLoss::Bce);
    t.set_checkpointing(Some(Checkpointing {
        path: state.clone(),
        every_epochs: 1,
    }));
    let stopped = t.train(&loader(), &mut StopAfter { after: 3, taken: 0 });
    assert!(matches!(stopped, Err(TrainError::Cancelled { step: 3, .. })));

    let refused = |mut t: AutoencoderTrainer, per_epoch: usize, says: &str| {
        let before = weights(&t);
        let msg = t.restore_state(&state, per_epoch).unwrap_err().to_string();
        assert!(msg.contains(says), "`{msg}` does not say `{says}`");
        assert!(
            msg.contains(&state.display().to_string()),
            "`{msg}` does not name the file"
        );
        assert_eq!(weights(&t), before, "a refused state changed the weights");
        assert!(t.history.is_empty());
    };
    refused(
        ae_trainer(1, 32, ReconstructionLoss::Bce),
        20,
        "10 steps per epoch and this run has 20",
    );
    refused(
        ae_trainer(1, 32, ReconstructionLoss::Mse),
        10,
        "the bce loss and this run uses mse",
    );
    refused(ae_trainer(1, 48, ReconstructionLoss::Bce), 10, "encoder/0.weight");

    // A GAN's training state is not an autoencoder's.
    let gan_state = dir.join("gan.safetensors");
    let gan = comfy_nodes::gan::trainer(
        net(vec![8, 16, 784], Activation::Tanh, 0),
        net(vec![784, 16, 1], Activation::Identity, 1),
        Arc::new(CpuBackend::new()),
        Default::default(),
    )
    .unwrap();
    gan.save_state(&gan_state, 10).unwrap();
    let msg = ae_trainer(1, 32, ReconstructionLoss::Bce)
        .restore_state(&gan_state, 10)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("not an autoencoder training state"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}
