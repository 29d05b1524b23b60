//! Stopping and resuming a GAN run: a run stopped mid-epoch and resumed from its training
//! state gives exactly the losses and weights of a run that was never stopped; a state that
//! does not fit the run is refused with a message and changes nothing; a NaN stop names the
//! last good state.
mod gan_support;

use comfy_core::Tensor;
use comfy_nodes::checkpoint::{save_params, CheckpointError};
use comfy_nodes::dataset::DataLoader;
use comfy_nodes::gan::{GanStep, GanTrainer};
use comfy_nodes::train::{Checkpointing, Silent, StepReport, TrainError, TrainObserver};
use gan_support::{cpu_trainer, small_gan, test_digits};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn loader(batch: usize) -> DataLoader {
    test_digits(batch, 3)
}

fn trainer(epochs: usize, seed: u64, hidden: usize) -> GanTrainer {
    cpu_trainer(small_gan(hidden, 5), epochs, seed, 1e-3)
}

/// Asks to stop once `after` steps have been taken.
struct StopAfter {
    after: usize,
    taken: usize,
}

impl TrainObserver<GanStep> for StopAfter {
    fn on_step(&mut self, _: &StepReport) {
        self.taken += 1;
    }
    fn should_stop(&self) -> bool {
        self.taken >= self.after
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("comfy-resume-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn losses(t: &GanTrainer) -> Vec<(usize, usize, f32, f32)> {
    t.history
        .records
        .iter()
        .map(|r| (r.step, r.epoch, r.values[0], r.values[1]))
        .collect()
}

/// Every parameter by network and name.
fn weights(t: &GanTrainer) -> Vec<(String, Vec<f32>)> {
    let (g, d) = t.model.networks_on_host().unwrap();
    let mut all: Vec<(String, Vec<f32>)> = [("G", g), ("D", d)]
        .iter()
        .flat_map(|(net, n)| {
            n.params
                .iter()
                .map(|(name, t)| (format!("{net} {name}"), t.to_vec().unwrap()))
                .collect::<Vec<_>>()
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[test]
fn a_stopped_and_resumed_run_matches_an_uninterrupted_one() {
    let dir = scratch("match");
    let state = dir.join("state.safetensors");
    let loader = loader(100); // 10 steps per epoch
    let mut whole = trainer(3, 9, 32);
    whole.train(&loader, &mut Silent).unwrap();

    // Stopped exactly at the end of epoch 1 (step 10, where no periodic write falls with
    // `every_epochs: 2`), then mid-epoch (step 18), then run to the end.
    let mut done = 0;
    for stop_after in [10, 8, usize::MAX] {
        let mut part = trainer(3, 9, 32);
        if done > 0 {
            part.restore_state(&state, 10).unwrap();
            assert_eq!(part.last_saved().map(|s| s.steps), Some(done));
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
                assert_eq!(checkpoint.map(|c| (c.path, c.steps)), Some((state.clone(), step)));
                done = step;
            }
            Ok(()) => {
                assert_eq!(done, 18);
                assert_eq!(
                    losses(&part),
                    losses(&whole),
                    "losses differ from the uninterrupted run"
                );
                for ((name, x), (_, y)) in weights(&part).iter().zip(&weights(&whole)) {
                    assert_eq!(x, y, "{name} differs from the uninterrupted run's");
                }
            }
            Err(e) => panic!("{e}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes a state after 4 steps of a one-epoch run with noise `seed`; returns its path.
fn state_after_4_steps(dir: &Path, seed: u64) -> PathBuf {
    let path = dir.join("state.safetensors");
    let mut t = trainer(1, seed, 32);
    t.set_checkpointing(Some(Checkpointing {
        path: path.clone(),
        every_epochs: 1,
    }));
    let err = t
        .train(&loader(100), &mut StopAfter { after: 4, taken: 0 })
        .unwrap_err();
    assert!(matches!(err, TrainError::Cancelled { step: 4, .. }), "{err}");
    path
}

#[test]
fn a_state_that_does_not_fit_is_refused_and_changes_nothing() {
    let dir = scratch("refuse");
    let path = state_after_4_steps(&dir, 9);
    let expect_refusal = |t: &mut GanTrainer, file: &Path, per_epoch: usize, says: &str| {
        let before = weights(t);
        let err = t.restore_state(file, per_epoch).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(says), "`{msg}` does not say `{says}`");
        assert!(
            msg.contains(&file.display().to_string()),
            "`{msg}` does not name the file"
        );
        assert_eq!(weights(t), before, "a refused state changed the weights");
        assert!(t.history.is_empty());
    };
    // Another batch size, another noise seed, other networks.
    expect_refusal(
        &mut trainer(1, 9, 32),
        &path,
        20,
        "10 steps per epoch and this run has 20",
    );
    expect_refusal(&mut trainer(1, 8, 32), &path, 10, "noise seed 9 and this run uses 8");
    let mut wider = trainer(1, 9, 48);
    let err = wider.restore_state(&path, 10).unwrap_err();
    assert!(
        matches!(&err, CheckpointError::ShapeMismatch { key, expected, found, .. }
            if key == "generator/0.weight" && expected == &vec![48, 16] && found == &vec![32, 16]),
        "{err}"
    );
    // A model file is not a training state.
    let model = dir.join("generator.safetensors");
    let t = trainer(1, 9, 32);
    let (g, _) = t.model.networks_on_host().unwrap();
    save_params(&model, &g.params, HashMap::new()).unwrap();
    expect_refusal(&mut trainer(1, 9, 32), &model, 10, "not a GAN training state");
    // Truncated and missing files.
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.join("cut.safetensors");
    for len in [0, 7, 100, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let err = trainer(1, 9, 32).restore_state(&cut, 10).unwrap_err();
        assert!(matches!(err, CheckpointError::Format { .. }), "{len} bytes: {err}");
    }
    let err = trainer(1, 9, 32)
        .restore_state(&dir.join("nowhere.safetensors"), 10)
        .unwrap_err();
    assert!(matches!(err, CheckpointError::Io { .. }), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_nan_stop_names_the_last_good_state() {
    let dir = scratch("nan");
    let path = state_after_4_steps(&dir, 9);
    let mut t = trainer(1, 9, 32);
    t.restore_state(&path, 10).unwrap();
    let before = weights(&t);
    // Poison the generator: its images, and so both losses, become NaN at the next step.
    let w = t.model.generator.params.get("0.weight").unwrap().clone();
    let nan = Tensor::from_vec(vec![f32::NAN; w.numel()], w.shape().clone()).unwrap();
    t.model.generator.params.insert("0.weight", nan);
    let err = t.train(&loader(100), &mut Silent).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, TrainError::NonFinite { step: 4, .. }), "{msg}");
    assert!(
        msg.contains(&format!(
            "the last good training state is {} (after 4 steps)",
            path.display()
        )),
        "{msg}"
    );
    // The discriminator was not updated with the NaN loss.
    let discriminator =
        |w: Vec<(String, Vec<f32>)>| w.into_iter().filter(|(n, _)| n.starts_with('D')).collect::<Vec<_>>();
    assert_eq!(discriminator(weights(&t)), discriminator(before));
    let _ = std::fs::remove_dir_all(&dir);
}
