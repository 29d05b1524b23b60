//! GAN nodes: latent noise and image generation, and the helpers the GAN nodes share.
use crate::gan::{generate, latent_batch, Network};
use crate::viewer::{image_grid, GridOptions, ImageBatch, RgbImage};
use comfy_core::{Context, Image, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor};
use std::sync::Arc;

/// The inputs of [`LatentNoiseNode`].
#[derive(NodeInputs)]
pub struct LatentNoiseInputs {
    /// How many latent vectors.
    #[port(default = 64, min = 1, max = 1 << 16)]
    pub count: usize,
    /// Width of each vector (the generator's latent_dim).
    #[port(default = 100, min = 1, max = 1 << 16)]
    pub dim: usize,
    /// Seed of the draw: the same seed gives the same vectors.
    #[port(default = 0)]
    pub seed: u64,
}

/// A batch of latent vectors.
#[derive(NodeOutputs)]
pub struct LatentOutput {
    /// `[count, dim]`, standard normal.
    pub z: Tensor,
}

/// Standard normal latent vectors from a seed, `[count, dim]`.
#[derive(Default)]
pub struct LatentNoiseNode;

impl Node for LatentNoiseNode {
    type Inputs = LatentNoiseInputs;
    type Outputs = LatentOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("LatentNoise", "gan")
            .description("A batch of standard normal latent vectors, the same for the same seed.")
    }

    fn execute(&self, i: LatentNoiseInputs, _ctx: &mut Context) -> Result<LatentOutput, NodeError> {
        Ok(LatentOutput {
            z: latent_batch(i.count, i.dim, i.seed)?,
        })
    }
}

/// The inputs of [`GenerateImagesNode`].
#[derive(NodeInputs)]
pub struct GenerateInputs {
    /// A trained generator.
    pub generator: Arc<Network>,
    /// Latent vectors to draw from; without them, `count` are drawn with `seed`.
    pub z: Option<Tensor>,
    /// How many images, when no z is given.
    #[port(default = 64, min = 1, max = 1 << 16)]
    pub count: usize,
    /// Seed of the latent vectors, when no z is given.
    #[port(default = 0)]
    pub seed: u64,
}

/// Generated images.
#[derive(NodeOutputs)]
pub struct GeneratedImages {
    /// `[count, pixels]` in the generator's output range.
    pub images: Tensor,
}

/// Images from a trained generator: from given latent vectors, or `count` drawn with `seed`.
#[derive(Default)]
pub struct GenerateImagesNode;

impl Node for GenerateImagesNode {
    type Inputs = GenerateInputs;
    type Outputs = GeneratedImages;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("GenerateImages", "gan")
            .description("Runs a generator on latent vectors (given, or `count` drawn with `seed`) and outputs the images, [count, pixels] in the generator's range.")
    }

    fn execute(&self, i: GenerateInputs, ctx: &mut Context) -> Result<GeneratedImages, NodeError> {
        let z = match i.z {
            Some(z) => z,
            None => latent_batch(i.count, i.generator.input_size(), i.seed)?,
        };
        Ok(GeneratedImages {
            images: generate(&i.generator, ctx.backend(), &z, None)?,
        })
    }
}

/// A near-square grid of generated images in tanh range.
pub(crate) fn sample_grid(images: &Tensor, side: usize) -> Result<RgbImage, NodeError> {
    let values = images.to_vec()?;
    let n = images.shape().rows_cols().0;
    let batch = ImageBatch::gray(&values, n, side, side).map_err(NodeError::other)?;
    image_grid(&batch, &GridOptions::fit(n)).map_err(NodeError::other)
}

/// A viewer picture as the graph's image value.
pub(crate) fn to_image(rgb: &RgbImage) -> Result<Image, NodeError> {
    Image::new(rgb.width(), rgb.height(), 3, rgb.as_raw().clone()).map_err(NodeError::other)
}
