//! The main job: train the classic MLP GAN on the bundled MNIST digits and write its pictures.
//!
//! ```sh
//! cargo run --release --example mnist_gan -- [--epochs N] [--batch-size N] [--lr X] [--seed N]
//!                                            [--device cpu|gpu|auto] [--data DIR] [--out DIR]
//! ```
//!
//! Writes into `--out` (default `out/mnist_gan`): `samples_epoch_NNN.png`, `final_samples.png`,
//! `loss_curve.png`, `losses.csv`, `classified.png` (the discriminator's verdicts on real and
//! generated digits), `index.html` (a report that refreshes itself while training runs) and
//! `checkpoint/{generator,discriminator,fixed_z}.safetensors`.
use comfy::core::{Executor, Registry, RunStatus};
use comfy::gpu::{select, select_from_env, DeviceChoice};
use comfy::nodes::console::ConsoleObserver;
use comfy::nodes::pipelines::{mnist_gan_graph, MnistGanSettings};
use std::process::ExitCode;

const USAGE: &str = "usage: mnist_gan [--epochs N] [--batch-size N] [--lr X] [--seed N] [--device cpu|gpu|auto] [--data DIR] [--out DIR]";

fn main() -> ExitCode {
    let (settings, device) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(msg) => {
            eprintln!("error: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Without --device, COMFY_DEVICE may choose; otherwise `auto`.
    let chosen = match device {
        Some(choice) => select(choice),
        None => select_from_env(DeviceChoice::Auto),
    };
    let backend = match chosen {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "training the MNIST GAN for {} epochs, batch {}, lr {}, seed {} on `{}` → {}",
        settings.epochs,
        settings.batch_size,
        settings.lr,
        settings.seed,
        backend.name(),
        settings.out_dir
    );
    // Build the pipeline from the built-in nodes (the same graph as examples/workflows/mnist_gan.json).
    let graph = match mnist_gan_graph(&settings) {
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

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(MnistGanSettings, Option<DeviceChoice>), String> {
    let mut s = MnistGanSettings::default();
    let mut device = None;
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |what: &str| format!("{flag}: `{value}` is not {what}");
        match flag.as_str() {
            "--epochs" => {
                s.epochs = value
                    .parse()
                    .ok()
                    .filter(|&e| e > 0)
                    .ok_or_else(|| bad("a positive whole number"))?
            }
            "--batch-size" => {
                s.batch_size = value
                    .parse()
                    .ok()
                    .filter(|&b| b > 0)
                    .ok_or_else(|| bad("a positive whole number"))?
            }
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
                device = Some(match value.as_str() {
                    "cpu" => DeviceChoice::Cpu,
                    "gpu" => DeviceChoice::Gpu,
                    "auto" => DeviceChoice::Auto,
                    _ => return Err(bad("cpu, gpu or auto")),
                })
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok((s, device))
}
