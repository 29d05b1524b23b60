//! GAN nodes: latent noise and image generation, and the helpers the GAN nodes share.
use super::labels::{digit_labels, labels_tensor};
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
    /// Which digits a conditional generator draws: "all" (cycling through every class), "rows" (class by class, the rows of a class grid), one ("3"), or a list ("0,2,5").
    #[port(default = "all")]
    pub digits: String,
}

/// Generated images.
#[derive(NodeOutputs)]
pub struct GeneratedImages {
    /// `[count, pixels]` in the generator's output range.
    pub images: Tensor,
    /// The class of each image (`[count]`; empty for a generator that is not conditional).
    pub labels: Tensor,
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
        let n = z.shape().rows_cols().0;
        let labels = digit_labels(&i.digits, i.generator.classes(), n)?;
        Ok(GeneratedImages {
            images: generate(&i.generator, ctx.backend(), &z, labels.as_deref())?,
            labels: labels_tensor(labels.as_deref().unwrap_or_default())?,
        })
    }
}

/// A grid of generated images in tanh range: near-square, or `rows` rows (a class grid).
pub(crate) fn sample_grid(images: &Tensor, side: usize, rows: Option<usize>) -> Result<RgbImage, NodeError> {
    let values = images.to_vec()?;
    let n = images.shape().rows_cols().0;
    let batch = ImageBatch::gray(&values, n, side, side).map_err(NodeError::other)?;
    let options = match rows {
        Some(r) if r > 0 => GridOptions::new(r as u32, n.div_ceil(r) as u32),
        _ => GridOptions::fit(n),
    };
    image_grid(&batch, &options).map_err(NodeError::other)
}

/// A viewer picture as the graph's image value.
pub(crate) fn to_image(rgb: &RgbImage) -> Result<Image, NodeError> {
    Image::new(rgb.width(), rgb.height(), 3, rgb.as_raw().clone()).map_err(NodeError::other)
}
