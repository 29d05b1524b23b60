//! `Network`: a model's architecture with its parameters — what the `MODEL` type carries.
use comfy_core::random::rng_from_seed;
use comfy_core::{Backend, Init, Mlp, ParamStore, Result, Tape, Tensor};
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

    /// The same network with its parameters read back to host memory (for checkpoints).
    pub fn to_host(&self, backend: &dyn Backend) -> Result<Self> {
        Ok(Network {
            mlp: self.mlp.clone(),
            params: self.params.to_host(backend)?,
        })
    }

    /// Runs the network without recording gradients, returning `[batch, out]` on the backend.
    pub fn infer(&self, backend: &Arc<dyn Backend>, x: &Tensor) -> Result<Tensor> {
        let tape = Tape::new(backend.clone());
        let bound = self.params.bind(&tape, false)?;
        Ok(self.mlp.forward(&bound, tape.constant(x)?)?.value())
    }
}
