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
use comfy::cli::{parse_or_exit, prepare_training, TrainArgs};
use comfy::pipelines::{mnist_gan_graph, TrainSettings};
use std::process::ExitCode;

/// Train the classic MLP GAN on MNIST and write its samples, loss curve, checkpoints and report.
#[derive(clap::Parser)]
#[command(name = "mnist_gan")]
struct Args {
    #[command(flatten)]
    train: TrainArgs,
}

fn main() -> ExitCode {
    let args: Args = parse_or_exit();
    // The pipeline built from the built-in nodes (the same graph as examples/workflows/mnist_gan.json).
    let example = match prepare_training(
        "mnist_gan",
        "the MNIST GAN",
        &args.train,
        TrainSettings::mnist_gan(),
        mnist_gan_graph,
    ) {
        Ok(example) => example,
        Err(code) => return code,
    };
    match example.run() {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
