//! Autoencoder nodes: MLP encoder and decoder, reconstruction and its error.
use super::model_nodes::{build, ActivationInputs, ModelOutput, OutputActivation};
use crate::autoencoder::{reconstruction_error, Autoencoder, AutoencoderError};
use crate::dataset::{ImageDataset, PixelScale};
use crate::network::Network;
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor};
use std::sync::Arc;

/// The inputs of [`EncoderNode`].
#[derive(NodeInputs)]
pub struct EncoderInputs {
    /// Values per image (28×28 = 784).
    #[port(default = 784, min = 1, max = 1 << 20)]
    pub input_size: usize,
    /// Width of the latent vector.
    #[port(default = 32, min = 1, max = 65536)]
    pub latent_dim: usize,
    /// Hidden layer widths, comma-separated.
    #[port(default = "256")]
    pub hidden: String,
    #[port(flatten)]
    pub activation: ActivationInputs,
    /// The latent's activation.
    #[port(default = "identity")]
    pub output_activation: OutputActivation,
    /// Seed of the weight initialisation.
    #[port(default = 0)]
    pub seed: u64,
}

/// The encoder: an image → hidden layers → a latent vector (linear by default).
#[derive(Default)]
pub struct EncoderNode;

impl Node for EncoderNode {
    type Inputs = EncoderInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("MlpEncoder", "model")
            .display_name("MLP Encoder")
            .description("An MLP encoder for an autoencoder, initialised as PyTorch's nn.Linear. Defaults: 784 → 256 → 32, LeakyReLU(0.2), a linear latent.")
    }

    fn execute(&self, i: EncoderInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        build(
            i.input_size,
            &i.hidden,
            i.latent_dim,
            &i.activation,
            i.output_activation,
            i.seed,
        )
    }
}

/// The inputs of [`DecoderNode`].
#[derive(NodeInputs)]
pub struct DecoderInputs {
    /// Width of the latent vector.
    #[port(default = 32, min = 1, max = 65536)]
    pub latent_dim: usize,
    /// Values per image (28×28 = 784).
    #[port(default = 784, min = 1, max = 1 << 20)]
    pub output_size: usize,
    /// Hidden layer widths, comma-separated.
    #[port(default = "256")]
    pub hidden: String,
    #[port(flatten)]
    pub activation: ActivationInputs,
    /// The pixels' activation: sigmoid for 0..1, tanh for -1..1.
    #[port(default = "sigmoid")]
    pub output_activation: OutputActivation,
    /// Seed of the weight initialisation.
    #[port(default = 0)]
    pub seed: u64,
}

/// The decoder: a latent vector → hidden layers → an image (sigmoid by default).
#[derive(Default)]
pub struct DecoderNode;

impl Node for DecoderNode {
    type Inputs = DecoderInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("MlpDecoder", "model")
            .display_name("MLP Decoder")
            .description("An MLP decoder for an autoencoder. Defaults: 32 → 256 → 784, LeakyReLU(0.2), sigmoid pixels in 0..1 (use tanh for data scaled -1..1).")
    }

    fn execute(&self, i: DecoderInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        build(
            i.latent_dim,
            &i.hidden,
            i.output_size,
            &i.activation,
            i.output_activation,
            i.seed,
        )
    }
}

/// The pair behind an encoder and a decoder input.
pub(super) fn autoencoder(encoder: &Network, decoder: &Network) -> Result<Autoencoder, NodeError> {
    Autoencoder::new(encoder.clone(), decoder.clone()).map_err(ae_error)
}

pub(super) fn ae_error(e: AutoencoderError) -> NodeError {
    NodeError::other(e)
}

/// The inputs of [`ReconstructImagesNode`].
#[derive(NodeInputs)]
pub struct ReconstructInputs {
    /// A trained encoder.
    pub encoder: Arc<Network>,
    /// Its decoder.
    pub decoder: Arc<Network>,
    /// Images `[count, pixels]`, scaled as in training.
    pub images: Tensor,
}

/// Reconstructions and the latent vectors behind them.
#[derive(NodeOutputs)]
pub struct Reconstructed {
    /// `[count, pixels]` in the decoder's output range.
    pub reconstructions: Tensor,
    /// `[count, latent]`.
    pub latent: Tensor,
}

/// Runs images through a trained encoder and decoder.
#[derive(Default)]
pub struct ReconstructImagesNode;

impl Node for ReconstructImagesNode {
    type Inputs = ReconstructInputs;
    type Outputs = Reconstructed;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ReconstructImages", "autoencoder")
            .description("Encodes images [count, pixels] and decodes them again: the reconstructions, in the decoder's output range, and the latent vectors [count, latent].")
    }

    fn execute(&self, i: ReconstructInputs, ctx: &mut Context) -> Result<Reconstructed, NodeError> {
        let model = autoencoder(&i.encoder, &i.decoder)?;
        let backend = ctx.backend();
        let images = backend.to_host_tensor(&i.images)?;
        Ok(Reconstructed {
            reconstructions: model.reconstruct(backend, &images).map_err(ae_error)?,
            latent: model.encode(backend, &images).map_err(ae_error)?,
        })
    }
}

/// The inputs of [`ReconstructionErrorNode`].
#[derive(NodeInputs)]
pub struct ReconstructionErrorInputs {
    /// A trained encoder.
    pub encoder: Arc<Network>,
    /// Its decoder.
    pub decoder: Arc<Network>,
    /// The images to measure on.
    pub dataset: Arc<ImageDataset>,
    /// The pixel scale the autoencoder was trained with.
    #[port(default = "0..1")]
    pub scale: PixelScale,
}

/// The reconstruction error.
#[derive(NodeOutputs)]
pub struct ReconstructionErrorOutput {
    /// Mean squared error per pixel, pixels in 0..1.
    pub mse: f64,
}

/// The mean squared reconstruction error per pixel over a whole dataset.
#[derive(Default)]
pub struct ReconstructionErrorNode;

impl Node for ReconstructionErrorNode {
    type Inputs = ReconstructionErrorInputs;
    type Outputs = ReconstructionErrorOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ReconstructionError", "autoencoder")
            .description("The mean squared error per pixel between every image of a dataset and its reconstruction, in 0..1 units (black 0, white 1). `scale` must be the one the autoencoder was trained with.")
            .output_node()
    }

    fn execute(&self, i: ReconstructionErrorInputs, ctx: &mut Context) -> Result<ReconstructionErrorOutput, NodeError> {
        let model = autoencoder(&i.encoder, &i.decoder)?;
        let mse = reconstruction_error(&model, ctx.backend(), &i.dataset, i.scale, 500).map_err(ae_error)?;
        Ok(ReconstructionErrorOutput { mse })
    }
}
