//! What the GAN training tests share: a small generator and discriminator, a loader over the
//! bundled test digits, and a CPU trainer.
#![allow(dead_code)]

use comfy_core::{Activation, Backend, Mlp};
use comfy_gpu::CpuBackend;
use comfy_nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy_nodes::gan::{GanTrainConfig, GanTrainer, Network};
use std::sync::Arc;

/// G `16 → hidden → 784` (tanh) drawn with `seed`, D `784 → hidden → 1` with `seed + 1`.
pub fn small_gan(hidden: usize, seed: u64) -> (Network, Network) {
    let g = Mlp {
        sizes: vec![16, hidden, 784],
        hidden: Activation::LeakyRelu(0.2),
        output: Activation::Tanh,
    };
    let d = Mlp {
        sizes: vec![784, hidden, 1],
        hidden: Activation::LeakyRelu(0.2),
        output: Activation::Identity,
    };
    (Network::mlp(&g, seed).unwrap(), Network::mlp(&d, seed + 1).unwrap())
}

/// The 1,000 bundled test digits in `[-1, 1]`, shuffled with `seed`, whole batches only.
pub fn test_digits(batch: usize, seed: u64) -> DataLoader {
    let data = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Test).unwrap());
    let config = LoaderConfig {
        batch_size: batch,
        shuffle: true,
        seed,
        drop_last: true,
        scale: PixelScale::MinusOneToOne,
    };
    DataLoader::new(data, config).unwrap()
}

/// A trainer on the CPU backend with Adam at `lr` for both networks and noise `seed`.
pub fn cpu_trainer((g, d): (Network, Network), epochs: usize, seed: u64, lr: f32) -> GanTrainer {
    let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let config = GanTrainConfig {
        epochs,
        seed,
        lr_g: lr,
        lr_d: lr,
        ..Default::default()
    };
    comfy_nodes::gan::trainer(g, d, backend, config).unwrap()
}
