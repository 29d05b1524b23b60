//! An independent judge of generated digits: trains an MNIST classifier on the real training
//! digits (never on generated ones), reports its accuracy on the held-out test digits, then
//! classifies the images that a trained generator makes from its fixed latent batch.
//!
//! ```sh
//! cargo run --release --example judge_digits -- [--run out/mnist_gan] [--epochs 8]
//! ```
use comfy::core::{Activation, Adam, Backend, Mlp, Optimizer, Tape, Tensor};
use comfy::gpu::CpuBackend;
use comfy::nodes::checkpoint::{load_params_into, load_tensors};
use comfy::nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy::nodes::gan::{default_generator, generate, Network};
use std::path::PathBuf;
use std::sync::Arc;

/// Train an MNIST classifier on the real training digits and read a GAN run's samples with it.
#[derive(clap::Parser)]
#[command(name = "judge_digits")]
struct Args {
    /// The output folder of an mnist_gan run (its checkpoint/ is read)
    #[arg(long, value_name = "DIR", default_value = "out/mnist_gan")]
    run: PathBuf,
    /// Passes of the classifier over the training digits
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    epochs: u32,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Args { run, epochs } = comfy::cli::parse_or_exit();
    let epochs = epochs as usize;
    let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let classifier = train_classifier(&backend, epochs)?;
    let test = load_mnist(&bundled_mnist_dir(), Split::Test)?;
    let loader = DataLoader::new(Arc::new(test), config(1000, false))?;
    let batch = loader.epoch(0).next().ok_or("no test batch")?;
    let labels = batch.labels.ok_or("test digits have no labels")?;
    let (predicted, _) = classify(&classifier, &backend, &batch.images)?;
    let correct = predicted
        .iter()
        .zip(&labels)
        .filter(|(p, l)| **p == **l as usize)
        .count();
    println!(
        "classifier accuracy on the 1,000 held-out test digits: {:.1}%",
        correct as f64 / 10.0
    );

    // The generator and the latent batch behind final_samples.png.
    let mut generator = Network::mlp(&default_generator(), 0)?;
    load_params_into(&run.join("checkpoint/generator.safetensors"), &mut generator.params)?;
    let z = load_tensors(&run.join("checkpoint/fixed_z.safetensors"))?;
    let z = z
        .tensors
        .iter()
        .find(|(n, _)| n == "z")
        .map(|(_, t)| t.clone())
        .ok_or("fixed_z has no tensor `z`")?;
    let images = generate(&generator, &backend, &z, None)?;
    // The classifier saw pixels in [0, 1]; the generator draws in [-1, 1].
    let unit: Vec<f32> = images.to_vec()?.iter().map(|v| (v + 1.0) * 0.5).collect();
    let (classes, confidence) = classify(&classifier, &backend, &Tensor::from_vec(unit, images.shape().clone())?)?;
    let mut counts = [0usize; 10];
    classes.iter().for_each(|&c| counts[c] += 1);
    let confident = confidence.iter().filter(|&&p| p > 0.9).count();
    println!("final_samples.png, row by row:");
    for row in classes.chunks(8) {
        println!("  {}", row.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" "));
    }
    println!("digits per class 0-9: {counts:?}");
    println!(
        "classes present: {}/10; samples classified with >90% confidence: {confident}/{}",
        counts.iter().filter(|&&c| c > 0).count(),
        classes.len()
    );
    Ok(())
}

fn config(batch_size: usize, shuffle: bool) -> LoaderConfig {
    LoaderConfig {
        batch_size,
        shuffle,
        seed: 7,
        drop_last: false,
        scale: PixelScale::ZeroToOne,
    }
}

/// A 784 → 256 → 10 ReLU MLP trained with Adam and softmax cross-entropy on the real digits.
fn train_classifier(backend: &Arc<dyn Backend>, epochs: usize) -> Result<Network, Box<dyn std::error::Error>> {
    let mlp = Mlp::new(vec![784, 256, 10], Activation::Relu, Activation::Identity)?;
    let mut net = Network::mlp(&mlp, 42)?;
    let train = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Train)?);
    let loader = DataLoader::new(train, config(128, true))?;
    let mut opt = Adam::new(1e-3, 0.9, 0.999);
    for epoch in 0..epochs {
        for batch in loader.epoch(epoch) {
            let labels = batch.labels.ok_or("training digits have no labels")?;
            let mut onehot = vec![0.0; labels.len() * 10];
            labels
                .iter()
                .enumerate()
                .for_each(|(i, &l)| onehot[i * 10 + l as usize] = 1.0);
            let tape = Tape::new(backend.clone());
            let bound = net.params.bind(&tape, true)?;
            let logits = net
                .forward(
                    &bound,
                    &tape,
                    tape.constant(&batch.images)?,
                    None,
                    comfy::core::nn::Mode::Train,
                )?
                .output;
            let loss = logits.softmax_cross_entropy(tape.constant(&Tensor::from_vec(onehot, [labels.len(), 10])?)?)?;
            let mut grads = tape.backward(loss)?;
            let named = bound.grads(&mut grads);
            drop(tape);
            opt.step(backend.as_ref(), &mut net.params, &named)?;
        }
    }
    Ok(net)
}

/// The most likely class of each image and its softmax probability.
fn classify(
    net: &Network,
    backend: &Arc<dyn Backend>,
    images: &Tensor,
) -> Result<(Vec<usize>, Vec<f32>), Box<dyn std::error::Error>> {
    let logits = backend.to_host(&net.infer(backend, images, None)?)?;
    let mut classes = Vec::new();
    let mut confidence = Vec::new();
    for row in logits.chunks(10) {
        let max = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        let total: f32 = row.iter().map(|v| (v - max).exp()).sum();
        let best = (0..10).fold(0, |b, i| if row[i] > row[b] { i } else { b });
        classes.push(best);
        confidence.push(1.0 / total);
    }
    Ok((classes, confidence))
}
