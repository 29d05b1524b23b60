//! Train an MLP autoencoder on the bundled MNIST digits, show how well it rebuilds the held-out
//! test digits, and save it.
//!
//! ```sh
//! cargo run --release --example autoencoder -- [--epochs N] [--batch-size N] [--lr X] [--seed N]
//!                                              [--device cpu|gpu|auto] [--data DIR] [--out DIR]
//! ```
//!
//! Writes into `--out` (default `out/autoencoder`): `reconstructions.png` (32 test digits above
//! their reconstructions), `loss_curve.png`, `losses.csv` and
//! `checkpoint/{encoder,decoder}.safetensors`, then prints the mean squared reconstruction
//! error per pixel over the 1,000 test digits (pixels in 0..1).
use comfy::core::{Graph, RunReport};
use comfy::nodes::autoencoder::autoencoder_graph;
use comfy::nodes::cli::{backend_for, run_on_console, train_flags_or_exit};
use comfy::nodes::pipelines::TrainSettings;
use std::process::ExitCode;

fn main() -> ExitCode {
    let flags = train_flags_or_exit("autoencoder", false);
    let settings = flags.apply(TrainSettings::autoencoder());
    let backend = match backend_for(flags.device) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "training the MNIST autoencoder for {} epochs, batch {}, lr {}, seed {} on `{}` → {}",
        settings.epochs,
        settings.batch_size,
        settings.lr,
        settings.seed,
        backend.name(),
        settings.out_dir
    );
    // Build the pipeline from the built-in nodes (the same graph as examples/workflows/autoencoder.json).
    let graph = match autoencoder_graph(&settings) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let report = match run_on_console(&graph, backend, settings.seed) {
        Ok(report) => report,
        Err(code) => return code,
    };
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "finished in {secs:.1}s; pictures and checkpoints are in {}",
        settings.out_dir
    );
    match test_error(&graph, &report) {
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
