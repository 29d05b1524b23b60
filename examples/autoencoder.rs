//! Train an autoencoder (MLP, convolutional, or a convolutional VAE) on the bundled MNIST
//! digits, show how well it rebuilds the held-out test digits, and save it.
//!
//! ```sh
//! cargo run --release --example autoencoder -- [--model mlp|conv|vae]
//!                                              [--epochs N] [--batch-size N] [--lr X] [--seed N]
//!                                              [--device cpu|gpu|auto] [--data DIR] [--out DIR]
//!                                              [--resume FILE]
//! ```
//!
//! Writes into `--out` (default `out/autoencoder`, `out/autoencoder_conv`, `out/vae`):
//! `reconstructions.png` (32 test digits above
//! their reconstructions), `loss_curve.png`, `losses.csv`,
//! `checkpoint/{encoder,decoder}.safetensors` and the training state after every epoch
//! (`checkpoint/training_state.safetensors`, for `--resume`), then prints the mean squared
//! reconstruction error per pixel over the 1,000 test digits (pixels in 0..1). Ctrl-C stops and
//! saves as `mnist_gan` does. The VAE also writes `samples.png`: 64 digits decoded from draws of
//! the prior `N(0, 1)`; `generate --checkpoint out/vae` draws more.
use comfy::cli::{parse_or_exit, prepare_training, TrainArgs};
use comfy::core::{Graph, RunReport};
use comfy::pipelines::{autoencoder_model_graph, AutoencoderModel, TrainSettings};
use std::process::ExitCode;

/// Train an autoencoder on MNIST, rebuild the held-out test digits and save it.
#[derive(clap::Parser)]
#[command(name = "autoencoder")]
struct Args {
    /// Which autoencoder: the MLP, the convolutional one, or the convolutional VAE.
    #[arg(long, value_enum, default_value_t = AutoencoderModel::Mlp)]
    model: AutoencoderModel,
    #[command(flatten)]
    train: TrainArgs,
}

fn main() -> ExitCode {
    let args: Args = parse_or_exit();
    // The pipeline built from the built-in nodes (the same graphs as
    // examples/workflows/{autoencoder,autoencoder_conv,vae}.json).
    let what = match args.model {
        AutoencoderModel::Mlp => "the MNIST autoencoder",
        AutoencoderModel::Conv => "the MNIST convolutional autoencoder",
        AutoencoderModel::Vae => "the MNIST VAE",
    };
    let model = args.model;
    let example = match prepare_training(
        "autoencoder",
        what,
        &args.train,
        TrainSettings::autoencoder_for(model),
        |s| autoencoder_model_graph(s, model),
    ) {
        Ok(example) => example,
        Err(code) => return code,
    };
    let report = match example.run() {
        Ok(report) => report,
        Err(code) => return code,
    };
    match test_error(&example.graph, &report) {
        Some(mse) => println!("test-set reconstruction error (1,000 digits): MSE {mse:.5} per pixel (pixels in 0..1)"),
        None => eprintln!("warning: the graph gave no reconstruction error"),
    }
    ExitCode::SUCCESS
}

/// The output of the graph's `ReconstructionError` node.
fn test_error(graph: &Graph, report: &RunReport) -> Option<f64> {
    let node = graph.nodes().iter().find(|n| n.class_type() == "ReconstructionError")?;
    report.output(node.id(), 0)?.as_float()
}
