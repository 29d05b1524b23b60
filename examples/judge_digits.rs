//! An independent judge of generated digits: a CNN trained on the real training digits (never
//! on generated ones) reads the digits a trained generator makes.
//!
//! ```sh
//! cargo run --release --example judge_digits -- [--run out/mnist_gan] [--samples 1000] [--json]
//! ```
//!
//! Prints the judge's accuracy on the 1,000 held-out test digits, what it reads the run's
//! `final_samples.png` as (from the saved fixed latent batch), and its scores for `--samples`
//! fresh samples: the share read with more than 90 % confidence, the classes present and their
//! entropy, the Fréchet distance between the samples' and the test digits' judge features
//! (lower is closer to real digits), and for a conditional generator the share that are the
//! digit asked for. The judge is trained once (about a minute on two cores) and kept in
//! `--judge`.
use comfy::core::Tensor;
use comfy::judge::{DigitJudge, Scores};
use comfy::nodes::checkpoint::load_tensors;
use comfy::nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy::nodes::gan::{generate, latent_batch};
use comfy::nodes::model_file::load_network;
use std::path::PathBuf;
use std::sync::Arc;

/// Judge the digits a trained GAN generator draws.
#[derive(clap::Parser)]
#[command(name = "judge_digits")]
struct Args {
    /// The output folder of a mnist_gan run (its checkpoint/ is read)
    #[arg(long, value_name = "DIR", default_value = "out/mnist_gan")]
    run: PathBuf,
    /// Fresh samples to score
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(10..=100_000))]
    samples: u32,
    /// Seed of the fresh samples' latent vectors
    #[arg(long, value_name = "N", default_value_t = 12345)]
    seed: u64,
    /// Where the trained judge is kept (trained there if missing)
    #[arg(long, value_name = "FILE", default_value = "out/judge/digit_judge.safetensors")]
    judge: PathBuf,
    /// Print the scores as one JSON line instead of prose
    #[arg(long)]
    json: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Args = comfy::cli::parse_or_exit();
    let backend = comfy::gpu::select(comfy::gpu::DeviceChoice::Cpu)?;
    let train = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Train)?);
    let test = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Test)?);
    let judge = DigitJudge::load_or_train(&args.judge, backend.clone(), train, 8, 42)?;
    let accuracy = judge.accuracy(&test)?;
    let test_loader = DataLoader::new(
        test.clone(),
        LoaderConfig {
            batch_size: test.len(),
            shuffle: false,
            seed: 0,
            drop_last: false,
            scale: PixelScale::ZeroToOne,
        },
    )?;
    let test_images = test_loader.epoch(0).next().ok_or("no test digits")?.images;
    let real_features = judge.features(&test_images, PixelScale::ZeroToOne)?;

    let generator = load_network(&args.run.join("checkpoint/generator.safetensors"), None)?;
    let classes = generator.classes();
    // The fixed latent batch behind final_samples.png (a class grid for a conditional run).
    let z = load_tensors(&args.run.join("checkpoint/fixed_z.safetensors"))?
        .tensors
        .into_iter()
        .find(|(n, _)| n == "z")
        .map(|(_, t)| t)
        .ok_or("fixed_z has no tensor `z`")?;
    let fixed_labels = grid_labels(classes, z.shape().rows_cols().0);
    let fixed = generate(&generator, &backend, &z, fixed_labels.as_deref())?;
    let final_read = judge.classify(&fixed, PixelScale::MinusOneToOne)?;

    let n = args.samples as usize;
    let fresh_z = latent_batch(n, generator.input_size(), args.seed)?;
    let asked = grid_labels(classes, n);
    let fresh = generate(&generator, &backend, &fresh_z, asked.as_deref())?;
    let scores = judge.score(&fresh, PixelScale::MinusOneToOne, &real_features, asked.as_deref())?;
    if args.json {
        let line = serde_json::json!({ "run": args.run, "judge_accuracy": accuracy, "scores": scores });
        println!("{line}");
        return Ok(());
    }
    println!(
        "judge accuracy on the 1,000 held-out test digits: {:.1}%",
        100.0 * accuracy
    );
    let cols = z.shape().rows_cols().0.checked_div(classes).unwrap_or(8);
    println!("final_samples.png, row by row, as the judge reads it:");
    for row in final_read.chunks(cols.max(1)) {
        let digits: Vec<String> = row.iter().map(|v| v.class.to_string()).collect();
        println!("  {}", digits.join(" "));
    }
    print_scores(&scores, n);
    check_real_digits(&judge, &test_images)?;
    Ok(())
}

/// For a conditional generator, `n` labels as the rows of a class grid.
fn grid_labels(classes: usize, n: usize) -> Option<Vec<u8>> {
    (classes > 0).then(|| (0..n).map(|i| (i * classes / n.max(1)) as u8).collect())
}

fn print_scores(s: &Scores, n: usize) {
    println!("{n} fresh samples:");
    println!(
        "  read with >90% confidence: {:.1}% (mean confidence {:.3})",
        100.0 * s.confident,
        s.mean_confidence
    );
    let present = s.per_class.iter().filter(|&&c| c > 0).count();
    println!(
        "  digits per class 0-9: {:?} ({present}/10 present, entropy {:.2} of 3.32 bits)",
        s.per_class, s.class_entropy_bits
    );
    println!(
        "  Fréchet distance of the judge's features to the test digits': {:.2}",
        s.frechet
    );
    if let Some(a) = s.asked_for {
        println!("  read as the digit asked for: {:.1}%", 100.0 * a);
    }
}

/// For scale: the same scores of 1,000 real test digits (what a perfect generator would get).
fn check_real_digits(judge: &DigitJudge, test: &Tensor) -> Result<(), Box<dyn std::error::Error>> {
    let (n, _) = test.shape().rows_cols();
    let half = n / 2;
    let values = test.to_vec()?;
    let a = Tensor::from_vec(values[..half * 784].to_vec(), [half, 784])?;
    let b = Tensor::from_vec(values[half * 784..].to_vec(), [n - half, 784])?;
    let real = judge.features(&b, PixelScale::ZeroToOne)?;
    let s = judge.score(&a, PixelScale::ZeroToOne, &real, None)?;
    println!(
        "for scale, 500 real test digits against the other 500: confident {:.1}%, Fréchet distance {:.2}",
        100.0 * s.confident,
        s.frechet
    );
    Ok(())
}
