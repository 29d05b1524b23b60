//! `SampleVae`: new images from a VAE's decoder, decoding latent vectors drawn from the prior.
use crate::gan::{generate, latent_batch};
use crate::network::Network;
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor};
use std::sync::Arc;

/// The inputs of [`SampleVaeNode`].
#[derive(NodeInputs)]
pub struct SampleVaeInputs {
    /// A trained VAE decoder.
    pub decoder: Arc<Network>,
    /// How many images.
    #[port(default = 64, min = 1, max = 1 << 16)]
    pub count: usize,
    /// Seed of the latent vectors.
    #[port(default = 0)]
    pub seed: u64,
}

/// Images drawn from the prior.
#[derive(NodeOutputs)]
pub struct VaeSamples {
    /// `[count, pixels]` in the decoder's output range.
    pub images: Tensor,
}

/// Draws `count` latent vectors from the prior `N(0, 1)` with `seed` and decodes them.
#[derive(Default)]
pub struct SampleVaeNode;

impl Node for SampleVaeNode {
    type Inputs = SampleVaeInputs;
    type Outputs = VaeSamples;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SampleVae", "autoencoder")
            .display_name("Sample VAE")
            .description("New images from a trained VAE: `count` latent vectors drawn from the prior N(0, 1) with `seed`, run through the decoder: [count, pixels] in the decoder's output range (0..1 for a sigmoid decoder).")
    }

    fn execute(&self, i: SampleVaeInputs, ctx: &mut Context) -> Result<VaeSamples, NodeError> {
        if i.decoder.classes() > 0 {
            return Err(NodeError::msg(
                "SampleVae: the decoder is conditional; use GenerateImages",
            ));
        }
        let z = latent_batch(i.count, i.decoder.input_size(), i.seed)?;
        Ok(VaeSamples {
            images: generate(&i.decoder, ctx.backend(), &z, None)?,
        })
    }
}
