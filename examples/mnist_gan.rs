//! The main job: train the classic MLP GAN on the bundled MNIST digits and write its pictures.
//!
//! ```sh
//! cargo run --release --example mnist_gan -- [--epochs N] [--batch-size N] [--lr X] [--seed N]
//!                                            [--device cpu|gpu|auto] [--data DIR] [--out DIR]
//!                                            [--resume FILE]
//! ```
//!
//! Writes into `--out` (default `out/mnist_gan`): `samples_epoch_NNN.png`, `final_samples.png`,
//! `loss_curve.png`, `losses.csv`, `classified.png` (the discriminator's verdicts on real and
//! generated digits), `index.html` (a report that refreshes itself while training runs) and
//! `checkpoint/{generator,discriminator,fixed_z}.safetensors`, and the whole training state in
//! `checkpoint/training_state.safetensors` after every epoch.
//!
//! Ctrl-C stops at the next step boundary, saves the training state and the pictures so far
//! (`interrupted_samples.png`, `interrupted_loss_curve.png`) and exits with 130, printing the
//! command that continues the run; `--resume FILE` continues it and, with the same flags,
//! gives the same losses as a run that was never stopped.
use comfy::nodes::cli::prepare_training;
use comfy::nodes::pipelines::{mnist_gan_graph, training_state_path, TrainSettings};
use std::process::ExitCode;

fn main() -> ExitCode {
    // The pipeline built from the built-in nodes (the same graph as examples/workflows/mnist_gan.json).
    let example = match prepare_training(
        "mnist_gan",
        "the MNIST GAN",
        true,
        TrainSettings::mnist_gan(),
        mnist_gan_graph,
    ) {
        Ok(example) => example,
        Err(code) => return code,
    };
    let started = std::time::SystemTime::now();
    match example.run() {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => {
            let state = training_state_path(&example.settings.out_dir);
            if code == ExitCode::from(130) && written_since(&state, started) {
                let mut args: Vec<String> = std::env::args().skip(1).collect();
                if let Some(i) = args.iter().position(|a| a == "--resume") {
                    args.drain(i..(i + 2).min(args.len()));
                }
                args.extend(["--resume".to_string(), state.clone()]);
                let command: Vec<String> = args.iter().map(|a| shell_quoted(a)).collect();
                eprintln!(
                    "the training state is saved in {state}; to continue:\n  cargo run --release --example mnist_gan -- {}",
                    command.join(" ")
                );
            }
            code
        }
    }
}

/// Whether `path` is a file written at or after `since` (this run's state, not an older one).
fn written_since(path: &str, since: std::time::SystemTime) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|modified| modified >= since)
}

/// `arg` as one shell word: unchanged when it is plain, else in single quotes.
fn shell_quoted(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}
