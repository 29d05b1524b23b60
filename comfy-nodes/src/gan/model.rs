//! The GAN's two networks and their parameters.
use comfy_core::random::{rng_from_seed, standard_normal};
use comfy_core::{Activation, Backend, Init, Mlp, ParamStore, Result, Tape, Tensor};
use std::sync::Arc;

/// An MLP with its parameters: a generator or a discriminator.
#[derive(Clone, Debug)]
pub struct Network {
    /// The architecture.
    pub mlp: Mlp,
    /// The parameters, PyTorch-named (`0.weight`, `0.bias`, `2.weight`, …).
    pub params: ParamStore,
}

impl Network {
    /// Fresh parameters for `mlp` drawn with `seed`, as PyTorch's `nn.Linear` initialises them.
    pub fn new(mlp: Mlp, seed: u64) -> Result<Self> {
        let params = mlp.init(&mut rng_from_seed(seed), Init::PyTorch)?;
        Ok(Network { mlp, params })
    }

    /// Runs the network without recording gradients, returning `[batch, out]` on the backend.
    pub fn infer(&self, backend: &Arc<dyn Backend>, x: &Tensor) -> Result<Tensor> {
        let tape = Tape::new(backend.clone());
        let bound = self.params.bind(&tape, false)?;
        Ok(self.mlp.forward(&bound, tape.constant(x)?)?.value())
    }
}

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
