//! Convolutional model nodes: the DCGAN generator and discriminator for 28 × 28 images, plain
//! or conditional, with DCGAN's initialisation.
use super::model_nodes::ModelOutput;
use crate::network::Network;
use comfy_core::nn::{DcganConfig, Init};
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs};

/// The sizes both DCGAN nodes share.
#[derive(NodeInputs)]
pub struct DcganInputs {
    /// Base width: the generator's layers have 4w, 2w, w channels, the discriminator's w, 2w, 4w.
    #[port(default = 64, min = 1, max = 1024)]
    pub width: usize,
    /// Extra 3×3 convolution + batch norm blocks at 14×14 in each network (the depth).
    #[port(default = 0, max = 8)]
    pub extra_layers: usize,
    /// Channels of the images (1 for MNIST, 3 for RGB).
    #[port(default = 1, min = 1, max = 4)]
    pub channels: usize,
    /// Classes of a conditional model (10 for digits); 0 for none.
    #[port(default = 0, max = 1000)]
    pub classes: usize,
    /// Seed of the weight initialisation.
    #[port(default = 0)]
    pub seed: u64,
}

/// The inputs of [`ConvGeneratorNode`].
#[derive(NodeInputs)]
pub struct ConvGeneratorInputs {
    /// Width of the latent vector z.
    #[port(default = 100, min = 1, max = 4096)]
    pub latent_dim: usize,
    #[port(flatten)]
    pub sizes: DcganInputs,
}

impl DcganInputs {
    fn config(&self, latent: usize) -> DcganConfig {
        DcganConfig {
            latent,
            image_channels: self.channels,
            width: self.width,
            extra_layers: self.extra_layers,
            classes: self.classes,
        }
    }
}

/// The DCGAN generator: z → transposed convolutions 4×4 → 7×7 → 14×14 → 28×28.
#[derive(Default)]
pub struct ConvGeneratorNode;

impl Node for ConvGeneratorNode {
    type Inputs = ConvGeneratorInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ConvGenerator", "model")
            .display_name("DCGAN Generator")
            .description("A DCGAN generator for 28×28 images: z → ConvT(4w, k4) 4×4 → ConvT(2w, k3, s2, p1) 7×7 → ConvT(w, k4, s2, p1) 14×14 → ConvT(channels, k4, s2, p1) 28×28, batch norm and ReLU between, tanh out; DCGAN's initialisation (weights N(0, 0.02), batch-norm scales N(1, 0.02)). With classes, the one-hot label joins z.")
    }

    fn execute(&self, i: ConvGeneratorInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        let arch = i.sizes.config(i.latent_dim).generator()?;
        Ok(ModelOutput {
            model: Network::new(arch, i.sizes.seed, Init::Dcgan)?,
        })
    }
}

/// The DCGAN discriminator: an image → strided convolutions 14×14 → 7×7 → 3×3 → one logit.
#[derive(Default)]
pub struct ConvDiscriminatorNode;

impl Node for ConvDiscriminatorNode {
    type Inputs = DcganInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ConvDiscriminator", "model")
            .display_name("DCGAN Discriminator")
            .description("A DCGAN discriminator for 28×28 images: Conv(w, k4, s2, p1) → Conv(2w, k4, s2, p1) + BN → Conv(4w, k4, s2, p1) + BN → Conv(1, k3): one logit per image, LeakyReLU(0.2) between; DCGAN's initialisation. With classes, the label maps join the image as extra channels.")
    }

    fn execute(&self, i: DcganInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        // The latent width does not shape the discriminator.
        let arch = i.config(1).discriminator()?;
        Ok(ModelOutput {
            model: Network::new(arch, i.seed, Init::Dcgan)?,
        })
    }
}
