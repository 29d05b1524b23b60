//! Draws new digits from a saved generator (any of the GANs) or a VAE decoder: separate PNG
//! files, or one grid.
//!
//! ```sh
//! cargo run --release --example generate -- --checkpoint out/mnist_gan [--count N] [--digit D]
//!                                           [--seed S] [--out DIR|FILE.png] [--device cpu|gpu|auto]
//! ```
//!
//! `--checkpoint` is a run's output folder, its `checkpoint/` folder, or a model file; the
//! model's architecture is read from the file (`generator.safetensors`, or a VAE's
//! `decoder.safetensors`). `--digit` asks a conditional generator for one digit (without it, a
//! conditional generator draws every digit in turn); asking it of a generator that is not
//! conditional is an error. `--out` ending in `.png` writes one grid; otherwise a folder of
//! `digit_NNNNN.png` files (`d3_NNNNN.png` when the digit is known).
use comfy::cli::{parse_or_exit, DeviceArgs};
use comfy::core::nn::{Activation, Sample};
use comfy::nodes::gan::{generate, latent_batch};
use comfy::nodes::model_file::load_network;
use comfy::nodes::viewer::{image_grid, save_png, GridOptions, ImageBatch, ValueRange};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Draw new digits from a saved generator or VAE decoder.
#[derive(clap::Parser)]
#[command(name = "generate")]
struct Args {
    /// A run's output folder, its checkpoint/ folder, or a model file
    #[arg(long, value_name = "DIR")]
    checkpoint: PathBuf,
    /// How many images
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    count: u32,
    /// The digit a conditional generator draws (every digit in turn without it)
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u8).range(0..=9))]
    digit: Option<u8>,
    /// Seed of the latent vectors
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// A folder for separate PNG files, or FILE.png for one grid
    #[arg(long, value_name = "DIR|FILE.png", default_value = "out/generated")]
    out: PathBuf,
    #[command(flatten)]
    device: DeviceArgs,
}

fn main() -> ExitCode {
    let args: Args = parse_or_exit();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let file = model_file(&args.checkpoint)?;
    let model = load_network(&file, None)?;
    let backend = args.device.backend()?;
    let n = args.count as usize;
    let labels: Option<Vec<u8>> = match (model.classes(), args.digit) {
        (0, None) => None,
        (0, Some(d)) => {
            return Err(format!(
                "{} is not conditional: it cannot be asked for digit {d}",
                file.display()
            )
            .into())
        }
        (classes, Some(d)) if usize::from(d) >= classes => {
            return Err(format!("{} knows {classes} classes, not digit {d}", file.display()).into())
        }
        (_, Some(d)) => Some(vec![d; n]),
        (classes, None) => Some((0..n).map(|i| (i % classes) as u8).collect()),
    };
    let z = latent_batch(n, model.input_size(), args.seed)?;
    let images = generate(&model, &backend, &z, labels.as_deref())?;
    let (channels, height, width) = match model.output() {
        Sample::Image {
            channels,
            height,
            width,
        } => (channels, height, width),
        Sample::Features(f) => {
            let side = (f as f64).sqrt().round() as usize;
            if side * side != f {
                return Err(format!("{} draws {f} values per image, not a square image", file.display()).into());
            }
            (1, side, side)
        }
    };
    // A tanh generator draws in -1..1, a sigmoid decoder in 0..1.
    let range = match model.output_activation() {
        Activation::Sigmoid => ValueRange::ZeroToOne,
        _ => ValueRange::MinusOneToOne,
    };
    let values = images.to_vec()?;
    let batch = ImageBatch::nhwc(&values, n, height, width, channels)?;
    let what = format!("{n} images from {} on `{}`", file.display(), backend.name());
    if args.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")) {
        let grid = image_grid(&batch, &GridOptions::fit(n).with_range(range))?;
        save_png(&args.out, &grid)?;
        eprintln!("{what} → {}", args.out.display());
        return Ok(());
    }
    let per_image = height * width * channels;
    for i in 0..n {
        let one = ImageBatch::nhwc(&values[i * per_image..(i + 1) * per_image], 1, height, width, channels)?;
        let mut options = GridOptions::new(1, 1).with_range(range);
        options.padding = 0;
        let name = match &labels {
            Some(l) => format!("d{}_{i:05}.png", l[i]),
            None => format!("digit_{i:05}.png"),
        };
        save_png(args.out.join(name), &image_grid(&one, &options)?)?;
    }
    eprintln!("{what} → {}/ ({n} PNG files)", args.out.display());
    Ok(())
}

/// The model file `path` names: the file itself, or the first of `generator.safetensors` and
/// `decoder.safetensors` in it or in its `checkpoint/` folder.
fn model_file(path: &Path) -> Result<PathBuf, String> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    for dir in [path.to_path_buf(), path.join("checkpoint")] {
        for name in ["generator.safetensors", "decoder.safetensors"] {
            if dir.join(name).is_file() {
                return Ok(dir.join(name));
            }
        }
    }
    Err(format!(
        "{} holds no generator.safetensors or decoder.safetensors (nor does its checkpoint/ folder)",
        path.display()
    ))
}
