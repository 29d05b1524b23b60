//! Interrupting the main job for real: a child process runs the MNIST GAN pipeline (the graph
//! `cargo run --example mnist_gan` runs, with the same Ctrl-C handling) and this test kills it.
//!
//! - SIGKILL, repeatedly, half of the times exactly while the training state is being written
//!   (its temporary file exists): the last complete state always loads, each new child resumes
//!   from it, and the killed writes' temporaries are cleaned up by later writes.
//! - SIGINT: the child stops at a step boundary, writes the state and the pictures so far, and
//!   exits with 130; its state loads.
#![cfg(unix)]

use comfy::cli::run_on_console;
use comfy::gpu::CpuBackend;
use comfy::nodes::checkpoint::load_tensors;
use comfy::nodes::gan::{default_discriminator, default_generator, GanTrainConfig, Network};
use comfy::pipelines::{mnist_gan_graph, training_state_path, TrainSettings};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const OUT_VAR: &str = "COMFY_INTERRUPT_TEST_OUT";

/// The child: trains "forever" into `$COMFY_INTERRUPT_TEST_OUT`, resuming from the training
/// state there if one exists. Only runs when the parent starts it.
#[test]
#[ignore = "started as a child process by the tests below"]
fn child_training_run() {
    let Ok(out) = std::env::var(OUT_VAR) else { return };
    let state = training_state_path(&out);
    let settings = TrainSettings {
        epochs: 10_000,
        batch_size: 256,
        out_dir: out.clone(),
        resume_from: if Path::new(&state).is_file() {
            state
        } else {
            String::new()
        },
        ..TrainSettings::mnist_gan()
    };
    let graph = mnist_gan_graph(&settings).expect("the pipeline builds");
    let code = match run_on_console(&graph, Arc::new(CpuBackend::new()), settings.seed) {
        Ok(_) => 0,
        Err(code) if code == ExitCode::from(130) => 130,
        Err(_) => 1,
    };
    std::process::exit(code);
}

fn spawn_child(out: &Path) -> Child {
    Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            "--exact",
            "child_training_run",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(OUT_VAR, out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("child starts")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("comfy-interrupt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The temporary files of interrupted writes of the training state.
fn temporaries(out: &Path) -> Vec<PathBuf> {
    let dir = out.join("checkpoint");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.starts_with(".training_state.safetensors.") && name.ends_with(".tmp")
        })
        .collect()
}

/// Loads the training state into a trainer shaped like the pipeline's; returns its step count.
fn load_state(out: &Path) -> usize {
    let path = PathBuf::from(training_state_path(&out.to_string_lossy()));
    let meta = load_tensors(&path)
        .unwrap_or_else(|e| panic!("the last training state does not load: {e}"))
        .metadata;
    let per_epoch: usize = meta["steps_per_epoch"].parse().expect("steps_per_epoch");
    let g = Network::mlp(&default_generator(), 0).expect("generator");
    let d = Network::mlp(&default_discriminator(), 0).expect("discriminator");
    // The pipeline seeds the trainer's noise with seed + 4.
    let config = GanTrainConfig {
        seed: 4,
        ..Default::default()
    };
    let mut trainer = comfy::nodes::gan::trainer(g, d, Arc::new(CpuBackend::new()), config).expect("trainer");
    trainer
        .restore_state(&path, per_epoch)
        .unwrap_or_else(|e| panic!("the last training state does not restore: {e}"));
    trainer.history.len()
}

/// Polls until `done()` or `limit` passes; whether `done()` became true.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    false
}

#[test]
fn sigkill_at_any_moment_leaves_a_loadable_training_state() {
    let out = scratch("kill");
    let state = PathBuf::from(training_state_path(&out.to_string_lossy()));
    let mut steps_seen = Vec::new();
    let mut killed_mid_write = 0;
    for round in 0..8 {
        let before = temporaries(&out).len();
        let mut child = spawn_child(&out);
        if round % 2 == 0 {
            // Let one write complete (or find the state of an earlier round), then kill the
            // child exactly while its next write is under way.
            let minute = Duration::from_secs(60);
            let mut wrote = state.is_file();
            let caught = wait_for(minute, || {
                let writing = temporaries(&out).len() > before;
                wrote = wrote || (!writing && state.is_file());
                wrote && writing
            });
            assert!(caught, "round {round}: no state write seen within a minute");
            killed_mid_write += 1;
        } else {
            // Kill at some moment of training (a state may or may not exist yet).
            std::thread::sleep(Duration::from_millis(1000 + 300 * round as u64));
        }
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("child ends");
        assert!(!status.success(), "round {round}: the child was not killed ({status})");
        if round % 2 == 0 {
            // This child's own temporary is there: the kill landed mid-write.
            let own = format!(".training_state.safetensors.{}.", child.id());
            let mid_write = temporaries(&out)
                .iter()
                .any(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&own)));
            assert!(mid_write, "round {round}: the kill did not land mid-write");
        }
        if state.is_file() {
            let steps = load_state(&out);
            assert!(
                steps_seen.last().is_none_or(|&last| steps >= last),
                "round {round}: the state went back from {steps_seen:?} to {steps}"
            );
            steps_seen.push(steps);
        }
    }
    assert_eq!(killed_mid_write, 4);
    assert!(steps_seen.len() >= 4, "too few states were written: {steps_seen:?}");
    // A last run, given the time it needs (fixed kill times cannot promise a completed write on
    // a loaded machine): it resumes, makes progress, and its first completed write removes every
    // temporary the killed writers left.
    let last = steps_seen.last().copied().unwrap_or(0);
    let mut child = spawn_child(&out);
    let own = format!(".training_state.safetensors.{}.", child.id());
    let only_own = || {
        temporaries(&out)
            .iter()
            .all(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&own)))
    };
    let mut progressed = false;
    let cleaned = wait_for(Duration::from_secs(90), || {
        progressed = progressed || (state.is_file() && only_own() && load_state(&out) > last);
        progressed && only_own()
    });
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(progressed, "the resumed run made no progress past {last} steps");
    assert!(
        cleaned,
        "a completed write left others' temporaries: {:?}",
        temporaries(&out)
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn sigint_stops_at_a_step_boundary_saves_and_exits_130() {
    let out = scratch("int");
    let state = PathBuf::from(training_state_path(&out.to_string_lossy()));
    let mut child = spawn_child(&out);
    // Let it finish one epoch (its first state), then interrupt it mid-way through the next.
    assert!(
        wait_for(Duration::from_secs(120), || state.is_file()),
        "no epoch finished"
    );
    let after_epoch = load_state(&out);
    std::thread::sleep(Duration::from_millis(300));
    let interrupted = std::time::SystemTime::now();
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    // SAFETY: kill(2) with a live child's pid and a valid signal number; no memory is shared.
    let sent = unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(sent, 0, "kill(SIGINT) failed");
    let output = {
        let status = child.wait().expect("child ends");
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            std::io::Read::read_to_string(&mut e, &mut err).expect("stderr");
        }
        (status, err)
    };
    assert_eq!(
        output.0.code(),
        Some(130),
        "exit status {}; stderr:\n{}",
        output.0,
        output.1
    );
    assert!(output.1.contains("stopping at the next step boundary"), "{}", output.1);
    // The state was written on stopping: after the signal, and holding more steps than the
    // state of the epoch seen before it.
    let modified = std::fs::metadata(&state)
        .and_then(|m| m.modified())
        .expect("state mtime");
    // (File times come from a coarser clock than SystemTime::now: allow it 100 ms. The
    // epoch's state was written at least 300 ms before the signal.)
    let margin = Duration::from_millis(100);
    assert!(
        modified + margin >= interrupted,
        "the state was not written after the interrupt"
    );
    let steps = load_state(&out);
    assert!(
        steps > after_epoch,
        "the state on stopping ({steps} steps) is not newer than the epoch's ({after_epoch})"
    );
    for picture in [
        "interrupted_samples.png",
        "interrupted_loss_curve.png",
        "samples_epoch_001.png",
    ] {
        let bytes = std::fs::read(out.join(picture)).unwrap_or_else(|e| panic!("{picture}: {e}"));
        assert!(bytes.starts_with(b"\x89PNG"), "{picture} is not a PNG");
    }
    assert!(temporaries(&out).is_empty(), "a stopped run left a temporary file");
    let _ = std::fs::remove_dir_all(&out);
}
