//! The GAN's default networks, latent batches and generation.
use crate::network::Network;
use comfy_core::random::{rng_from_seed, standard_normal};
use comfy_core::{Activation, Backend, Mlp, Result, Tensor};
use std::sync::Arc;

/// The classic MNIST GAN generator: `z 100 → 256 → 512 → 1024 → 784`, LeakyReLU(0.2), Tanh.
pub fn default_generator() -> Mlp {
    Mlp {
        sizes: vec![100, 256, 512, 1024, 784],
        hidden: Activation::LeakyRelu(0.2),
        output: Activation::Tanh,
    }
}

/// The classic MNIST GAN discriminator: `784 → 512 → 256 → 1`, LeakyReLU(0.2), logits out.
pub fn default_discriminator() -> Mlp {
    Mlp {
        sizes: vec![784, 512, 256, 1],
        hidden: Activation::LeakyRelu(0.2),
        output: Activation::Identity,
    }
}

/// `n` latent vectors of width `dim` drawn from a standard normal with `seed`, shape `[n, dim]`.
pub fn latent_batch(n: usize, dim: usize, seed: u64) -> Result<Tensor> {
    Tensor::from_vec(standard_normal(&mut rng_from_seed(seed), n * dim), [n, dim])
}

/// Images from latent vectors `z` (`[n, latent]`): the generator's output read back to the host.
pub fn generate(generator: &Network, backend: &Arc<dyn Backend>, z: &Tensor) -> Result<Tensor> {
    let out = generator.infer(backend, z)?;
    backend.to_host_tensor(&out)
}
