//! Convolutional autoencoder nodes: the encoder (plain, or a VAE's writing μ and log σ²) and
//! the decoder for 28 × 28 images.
use super::autoencoder_nodes::ae_error;
use super::model_nodes::{output_activation, ModelOutput, OutputActivation};
use crate::autoencoder::ConvAutoencoderConfig;
use crate::network::Network;
use comfy_core::nn::Init;
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs};

/// The sizes both convolutional autoencoder nodes share.
#[derive(NodeInputs)]
pub struct ConvAutoencoderInputs {
    /// Channels of the first convolution (the second has twice as many).
    #[port(default = 32, min = 1, max = 1024)]
    pub width: usize,
    /// Width of the latent vector z.
    #[port(default = 16, min = 1, max = 4096)]
    pub latent_dim: usize,
    /// Channels of the images (1 for MNIST, 3 for RGB).
    #[port(default = 1, min = 1, max = 4)]
    pub channels: usize,
    /// Seed of the weight initialisation.
    #[port(default = 0)]
    pub seed: u64,
}

impl ConvAutoencoderInputs {
    fn config(&self, variational: bool) -> ConvAutoencoderConfig {
        ConvAutoencoderConfig {
            image_channels: self.channels,
            width: self.width,
            latent: self.latent_dim,
            variational,
        }
    }
}

/// The inputs of [`ConvEncoderNode`].
#[derive(NodeInputs)]
pub struct ConvEncoderInputs {
    #[port(flatten)]
    pub sizes: ConvAutoencoderInputs,
    /// A VAE's encoder: it writes μ and log σ² (2 × latent_dim values) instead of z.
    #[port(default = false)]
    pub variational: bool,
}

/// The convolutional encoder: an image → two strided convolutions → a linear latent.
#[derive(Default)]
pub struct ConvEncoderNode;

impl Node for ConvEncoderNode {
    type Inputs = ConvEncoderInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ConvEncoder", "model")
            .display_name("Conv Encoder")
            .description("A convolutional encoder for 28×28 images: Conv(w, k4, s2, p1) 14×14 → Conv(2w, k4, s2, p1) 7×7 → Flatten → Linear → latent, LeakyReLU(0.2) between, initialised as PyTorch's layers. `variational` makes it a VAE's: it writes μ then log σ² (2 × latent_dim values), and the AutoencoderTrainer then trains a VAE.")
    }

    fn execute(&self, i: ConvEncoderInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        let arch = i.sizes.config(i.variational).encoder().map_err(ae_error)?;
        Ok(ModelOutput {
            model: Network::new(arch, i.sizes.seed, Init::PyTorch)?,
        })
    }
}

/// The inputs of [`ConvDecoderNode`].
#[derive(NodeInputs)]
pub struct ConvDecoderInputs {
    #[port(flatten)]
    pub sizes: ConvAutoencoderInputs,
    /// The pixels' activation: sigmoid for 0..1, tanh for -1..1.
    #[port(default = "sigmoid")]
    pub output_activation: OutputActivation,
}

/// The convolutional decoder: a latent vector → Linear → two transposed convolutions → an image.
#[derive(Default)]
pub struct ConvDecoderNode;

impl Node for ConvDecoderNode {
    type Inputs = ConvDecoderInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ConvDecoder", "model")
            .display_name("Conv Decoder")
            .description("A convolutional decoder for 28×28 images, the ConvEncoder's mirror: Linear → 2w×7×7 → ConvT(w, k4, s2, p1) 14×14 → ConvT(channels, k4, s2, p1) 28×28, LeakyReLU(0.2) between, sigmoid pixels in 0..1 by default. Also a VAE's decoder.")
    }

    fn execute(&self, i: ConvDecoderInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        let activation = output_activation(i.output_activation);
        let arch = i.sizes.config(false).decoder(activation).map_err(ae_error)?;
        Ok(ModelOutput {
            model: Network::new(arch, i.sizes.seed, Init::PyTorch)?,
        })
    }
}
