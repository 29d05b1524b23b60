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
use comfy::core::{Executor, Graph, Registry, RunReport, RunStatus};
use comfy::gpu::{select, DeviceChoice};
use comfy::nodes::autoencoder::{autoencoder_graph, AutoencoderSettings};
use comfy::nodes::console::ConsoleObserver;
use std::process::ExitCode;

const USAGE: &str = "usage: autoencoder [--epochs N] [--batch-size N] [--lr X] [--seed N] [--device cpu|gpu|auto] [--data DIR] [--out DIR]";

fn main() -> ExitCode {
    let (settings, device) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(msg) => {
            eprintln!("error: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let backend = match select(device) {
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
    let mut registry = Registry::new();
    comfy::nodes::register_all(&mut registry);
    let mut executor = Executor::new(backend).with_seed(settings.seed);
    let started = std::time::Instant::now();
    match executor.run(&registry, &graph, &mut ConsoleObserver::new()) {
        Ok(report) if report.status() == RunStatus::Completed => {
            eprintln!(
                "finished in {:.1}s; pictures and checkpoints are in {}",
                started.elapsed().as_secs_f64(),
                settings.out_dir
            );
            match test_error(&graph, &report) {
                Some(mse) => {
                    println!("test-set reconstruction error (1,000 digits): MSE {mse:.5} per pixel (pixels in 0..1)")
                }
                None => eprintln!("warning: the graph gave no reconstruction error"),
            }
            ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!("cancelled");
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// The output of the graph's `ReconstructionError` node.
fn test_error(graph: &Graph, report: &RunReport) -> Option<f64> {
    let node = graph.nodes().iter().find(|n| n.class_type() == "ReconstructionError")?;
    report.output(node.id(), 0)?.as_float()
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(AutoencoderSettings, DeviceChoice), String> {
    let mut s = AutoencoderSettings::default();
    let mut device = DeviceChoice::Auto;
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |what: &str| format!("{flag}: `{value}` is not {what}");
        let count = || value.parse().ok().filter(|&n: &u32| n > 0);
        match flag.as_str() {
            "--epochs" => s.epochs = count().ok_or_else(|| bad("a positive whole number"))?,
            "--batch-size" => s.batch_size = count().ok_or_else(|| bad("a positive whole number"))?,
            "--lr" => {
                s.lr = value
                    .parse()
                    .ok()
                    .filter(|&x: &f64| x > 0.0 && x.is_finite())
                    .ok_or_else(|| bad("a positive number"))?
            }
            "--seed" => s.seed = value.parse().map_err(|_| bad("a whole number"))?,
            "--data" => s.data_dir = value,
            "--out" => s.out_dir = value,
            "--device" => {
                device = match value.as_str() {
                    "cpu" => DeviceChoice::Cpu,
                    "gpu" => DeviceChoice::Gpu,
                    "auto" => DeviceChoice::Auto,
                    _ => return Err(bad("cpu, gpu or auto")),
                }
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok((s, device))
}
