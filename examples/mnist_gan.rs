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
use comfy::pipelines::{gan_graph, GanModel, GanOptions, TrainSettings};
use std::process::ExitCode;

/// Train a GAN on MNIST and write its samples, loss curve, checkpoints and report.
#[derive(clap::Parser)]
#[command(name = "mnist_gan")]
struct Args {
    #[command(flatten)]
    train: TrainArgs,
    /// The networks (each has its own default epochs)
    #[arg(long, value_enum, default_value_t = GanModel::default())]
    model: GanModel,
    /// Tell the generator which digit to draw, and show the discriminator the digit with the image
    #[arg(long)]
    conditional: bool,
}

fn main() -> ExitCode {
    let args: Args = parse_or_exit();
    let options = GanOptions {
        model: args.model,
        conditional: args.conditional,
    };
    let what = format!(
        "the MNIST {}{}",
        if args.conditional { "conditional " } else { "" },
        match args.model {
            GanModel::Mlp => "MLP GAN",
            GanModel::Dcgan => "DCGAN",
        }
    );
    // The pipeline built from the built-in nodes (the same graphs as examples/workflows/gan_*.json).
    let example = match prepare_training("mnist_gan", &what, &args.train, TrainSettings::gan(args.model), |s| {
        gan_graph(s, &options)
    }) {
        Ok(example) => example,
        Err(code) => return code,
    };
    match example.run() {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
