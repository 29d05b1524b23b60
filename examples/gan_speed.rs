//! Training speed of the classic MNIST GAN step (one D and one G Adam update), measured the way
//! `../shared/anchors/torch_gan_bench.py` measures PyTorch, so the two can run side by side.
//!
//! ```sh
//! cargo run --release --example gan_speed -- [--batch 64 256] [--steps 300] [--warmup 30] [--device cpu|gpu|auto]
//!     [--model mlp|dcgan] [--profile] [--malloc glibc|padded]
//! ```
//! Prints one JSON line per batch size: median step time, steps/s, images/s.
//!
//! `--model dcgan` times the issue-14 DCGAN step of `benches/support/dcgan.rs` (layer lists on
//! the tape, DCGAN init, Adam; the PyTorch twin is `benches/torch_dcgan_bench.py`) on batches
//! of the bundled MNIST; `--profile` then also prints where its time went, per primitive.
//! `--malloc padded` (the DCGAN's default) first asks glibc to keep freed memory instead of
//! faulting it in again every step (see `comfy::cli::keep_freed_memory`); `--malloc glibc` keeps
//! glibc's defaults. The JSON line says which.
#[path = "../benches/support/dcgan.rs"]
mod dcgan;
#[path = "../benches/support/timing.rs"]
mod timing;

use comfy::cli::{keep_freed_memory, parse_or_exit, DeviceArgs};
use comfy::nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy::nodes::gan::{default_discriminator, default_generator, GanTrainConfig, Network};
use comfy::nodes::train::{StepCtx, TrainStep};
use std::sync::Arc;
use std::time::Instant;

/// Time the MNIST GAN training step (one D and one G Adam update), as PyTorch's twin scripts do.
#[derive(clap::Parser)]
#[command(name = "gan_speed")]
struct Options {
    /// Batch sizes to time, one JSON line each
    #[arg(long, value_name = "N", num_args = 1.., default_values_t = [64u64, 256], value_parser = clap::value_parser!(u64).range(1..))]
    batch: Vec<u64>,
    /// Timed steps per batch size
    #[arg(long, value_name = "N", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    steps: u64,
    /// Untimed steps first
    #[arg(long, value_name = "N", default_value_t = 30)]
    warmup: usize,
    /// The network: the MLP GAN or the DCGAN
    #[arg(long, value_enum, default_value_t = Model::Mlp)]
    model: Model,
    /// Also print where the DCGAN step's time went, per primitive
    #[arg(long)]
    profile: bool,
    /// The allocator's settings [default: padded for the DCGAN, glibc for the MLP]
    #[arg(long, value_enum)]
    malloc: Option<Malloc>,
    /// `--device`.
    #[command(flatten)]
    device: DeviceArgs,
}

/// `--model`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Model {
    /// The classic fully connected GAN.
    Mlp,
    /// The convolutional DCGAN.
    Dcgan,
}

/// `--malloc`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Malloc {
    /// glibc's defaults.
    Glibc,
    /// `M_TOP_PAD` at 256 MiB, as the training programs set it.
    Padded,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o: Options = parse_or_exit();
    let batches: Vec<usize> = o.batch.iter().map(|&b| b as usize).collect();
    let (steps, warmup) = (o.steps as usize, o.warmup);
    // Before anything allocates much: the DCGAN's default is the padded heap.
    let malloc = o.malloc.unwrap_or(if o.model == Model::Dcgan {
        Malloc::Padded
    } else {
        Malloc::Glibc
    });
    let padded = malloc == Malloc::Padded && keep_freed_memory();
    let backend = o.device.backend()?;
    let data = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Train)?);
    if o.model == Model::Dcgan {
        return dcgan_speed(backend, data, &batches, (steps, warmup), (o.profile, padded));
    }
    for batch in batches {
        let config = LoaderConfig {
            batch_size: batch,
            shuffle: true,
            seed: 0,
            drop_last: true,
            scale: PixelScale::MinusOneToOne,
        };
        let loader = DataLoader::new(data.clone(), config)?;
        let g = Network::mlp(&default_generator(), 0)?;
        let d = Network::mlp(&default_discriminator(), 1)?;
        let mut trainer = comfy::nodes::gan::trainer(g, d, backend.clone(), GanTrainConfig::default())?;
        let mut times = Vec::with_capacity(steps);
        let mut step = 0;
        'outer: for epoch in 0.. {
            for b in loader.epoch(epoch) {
                let t0 = Instant::now();
                let at = StepCtx {
                    step,
                    epoch,
                    last_saved: None,
                };
                trainer.model.step(&b, &at)?;
                backend.synchronize()?;
                if step >= warmup {
                    times.push(t0.elapsed().as_secs_f64());
                }
                step += 1;
                if times.len() == steps {
                    break 'outer;
                }
            }
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{{\"impl\": \"comfy\", \"backend\": \"{}\", \"threads\": {}, \"batch\": {batch}, \"median_step_ms\": {:.3}, \"steps_per_s\": {:.2}, \"images_per_s\": {:.0}}}",
            backend.name(),
            rayon::current_num_threads(),
            median * 1e3,
            1.0 / median,
            batch as f64 / median
        );
    }
    Ok(())
}

/// `--model dcgan`: the layer-list DCGAN step, timed as the MLP's is; with `profile`, the time
/// per primitive over the timed steps too (through a clock around the backend).
fn dcgan_speed(
    backend: Arc<dyn comfy::core::Backend>,
    data: Arc<comfy::nodes::dataset::ImageDataset>,
    batches: &[usize],
    (steps, warmup): (usize, usize),
    (profile, padded): (bool, bool),
) -> Result<(), Box<dyn std::error::Error>> {
    let heap = if padded { "top_pad_256MiB" } else { "glibc" };
    let timed = Arc::new(timing::Timed::new(backend.clone()));
    let be: Arc<dyn comfy::core::Backend> = if profile { timed.clone() } else { backend.clone() };
    for &batch in batches {
        let config = LoaderConfig {
            batch_size: batch,
            shuffle: true,
            seed: 0,
            drop_last: true,
            scale: PixelScale::MinusOneToOne,
        };
        let loader = DataLoader::new(data.clone(), config)?;
        let mut gan = dcgan::Dcgan::new(be.clone(), comfy::core::nn::DcganConfig::default(), batch, 0)?;
        let mut times = Vec::with_capacity(steps);
        let mut step = 0;
        'outer: for epoch in 0.. {
            for b in loader.epoch(epoch) {
                if step == warmup {
                    timed.take();
                }
                let t0 = Instant::now();
                gan.step(&b.images)?;
                be.synchronize()?;
                if step >= warmup {
                    times.push(t0.elapsed().as_secs_f64());
                }
                step += 1;
                if times.len() == steps {
                    break 'outer;
                }
            }
        }
        let total: f64 = times.iter().sum();
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{{\"impl\": \"comfy\", \"model\": \"dcgan\", \"backend\": \"{}\", \"threads\": {}, \"malloc\": \"{heap}\", \"batch\": {batch}, \"median_step_ms\": {:.3}, \"steps_per_s\": {:.2}, \"images_per_s\": {:.0}}}",
            backend.name(),
            rayon::current_num_threads(),
            median * 1e3,
            1.0 / median,
            batch as f64 / median
        );
        if profile {
            let mut rows = timed.take();
            rows.sort_by_key(|r| std::cmp::Reverse(r.1));
            let per_step = |d: std::time::Duration| d.as_secs_f64() * 1e3 / steps as f64;
            let counted: f64 = rows.iter().map(|r| per_step(r.1)).sum();
            eprintln!(
                "batch {batch}: {:.2} ms per step in primitives of {:.2} ms per step",
                counted,
                total * 1e3 / steps as f64
            );
            for (name, d, calls) in rows {
                eprintln!(
                    "  {name:<24} {:>8.3} ms/step  {:>5} calls/step",
                    per_step(d),
                    calls / steps as u64
                );
            }
        }
    }
    Ok(())
}
