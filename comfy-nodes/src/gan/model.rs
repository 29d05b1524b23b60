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

/// Images from latent vectors `z` (`[n, latent]`), of the digits `labels` for a conditional
/// generator: the generator's output `[n, pixels]` read back to the host.
pub fn generate(generator: &Network, backend: &Arc<dyn Backend>, z: &Tensor, labels: Option<&[u8]>) -> Result<Tensor> {
    let out = generator.infer(backend, z, labels)?;
    backend.to_host_tensor(&out)
}
