//! Autoencoder nodes: MLP encoder and decoder, the trainer, reconstruction and its error.
use super::dataset_images::{dataset_images, scale_input, SCALES};
use super::dataset_nodes::positive;
use super::gan_nodes::to_image;
use super::model_nodes::{build, common};
use super::reconstruction_nodes::{reconstruction_picture, PREVIEW_COLS};
use super::training::{checkpoint_ports, resume_and_checkpoint, train_error};
use crate::autoencoder::{reconstruction_error, Autoencoder, AutoencoderConfig, AutoencoderStep, ReconstructionLoss};
use crate::dataset::{DataLoader, ImageDataset, PixelScale};
use crate::network::Network;
use crate::train::{LossHistory, StepReport, TrainObserver};
use crate::viewer::save_png;
use comfy_core::{Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Tensor, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// The encoder: an image → hidden layers → a latent vector (linear by default).
#[derive(Default)]
pub struct EncoderNode;

impl Node for EncoderNode {
    fn schema(&self) -> NodeSchema {
        let s = NodeSchema::new("MlpEncoder", "model")
            .description("An MLP encoder for an autoencoder, initialised as PyTorch's nn.Linear. Defaults: 784 → 256 → 32, LeakyReLU(0.2), a linear latent.")
            .input(InputPort::int("input_size").default(784).range(1, 1 << 20).tooltip("values per image (28×28 = 784)"))
            .input(InputPort::int("latent_dim").default(32).range(1, 65536));
        common(s, "256", "identity")
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let first = positive(inputs.int("input_size")?, "input_size")?;
        let last = positive(inputs.int("latent_dim")?, "latent_dim")?;
        Ok(Outputs::one(Value::custom(build(inputs, first, last)?)))
    }
}

/// The decoder: a latent vector → hidden layers → an image (sigmoid by default).
#[derive(Default)]
pub struct DecoderNode;

impl Node for DecoderNode {
    fn schema(&self) -> NodeSchema {
        let s = NodeSchema::new("MlpDecoder", "model")
            .description("An MLP decoder for an autoencoder. Defaults: 32 → 256 → 784, LeakyReLU(0.2), sigmoid pixels in 0..1 (use tanh for data scaled -1..1).")
            .input(InputPort::int("latent_dim").default(32).range(1, 65536))
            .input(InputPort::int("output_size").default(784).range(1, 1 << 20).tooltip("values per image (28×28 = 784)"));
        common(s, "256", "sigmoid")
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let first = positive(inputs.int("latent_dim")?, "latent_dim")?;
        let last = positive(inputs.int("output_size")?, "output_size")?;
        Ok(Outputs::one(Value::custom(build(inputs, first, last)?)))
    }
}

/// The pair behind an encoder and a decoder input.
fn autoencoder(inputs: &Inputs) -> Result<Autoencoder, NodeError> {
    let encoder = inputs.custom::<Network>("encoder")?.clone();
    let decoder = inputs.custom::<Network>("decoder")?.clone();
    Autoencoder::new(encoder, decoder).map_err(NodeError::other)
}

pub(super) fn ae_error(e: crate::autoencoder::AutoencoderError) -> NodeError {
    NodeError::other(e)
}

/// The autoencoder trainer: Adam on both networks, MSE or BCE reconstruction loss.
#[derive(Default)]
pub struct AutoencoderTrainerNode;

impl Node for AutoencoderTrainerNode {
    fn schema(&self) -> NodeSchema {
        let schema = NodeSchema::new("AutoencoderTrainer", "autoencoder")
            .description("Trains an encoder and a decoder to rebuild the loader's images (one Adam update of both per batch). BCE (on logits) needs a sigmoid decoder and pixels in 0..1; MSE works with any output that fits the data. Reports progress every step and previews reconstructions of the dataset's first images every epoch; stops on a NaN loss; saves and resumes training states like the GanTrainer.")
            .input(InputPort::custom::<Network>("encoder"))
            .input(InputPort::custom::<Network>("decoder"))
            .input(InputPort::custom::<DataLoader>("loader"))
            .input(InputPort::int("epochs").default(10).range(1, 100_000))
            .input(InputPort::float("lr").default(1e-3).range(0.0, 10.0))
            .input(InputPort::float("beta1").default(0.9).range(0.0, 0.999_999))
            .input(InputPort::float("beta2").default(0.999).range(0.0, 0.999_999))
            .input(InputPort::choice("loss", ["bce", "mse"]).default("bce"))
            .input(InputPort::int("preview_count").default(16).range(1, 256).tooltip("images in the per-epoch preview"))
            .input(InputPort::string("samples_dir").default("").tooltip("where to write reconstructions_epoch_NNN.png; empty for none"));
        checkpoint_ports(schema)
            .output("encoder", PortType::custom::<Network>())
            .output("decoder", PortType::custom::<Network>())
            .output("history", PortType::custom::<LossHistory>())
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let loss = match inputs.string("loss")? {
            "mse" => ReconstructionLoss::Mse,
            _ => ReconstructionLoss::Bce,
        };
        let config = AutoencoderConfig {
            epochs: positive(inputs.int("epochs")?, "epochs")?,
            lr: inputs.float("lr")? as f32,
            beta1: inputs.float("beta1")? as f32,
            beta2: inputs.float("beta2")? as f32,
            loss,
        };
        let loader = inputs.custom_arc::<DataLoader>("loader")?;
        let model = autoencoder(inputs)?;
        let count = positive(inputs.int("preview_count")?, "preview_count")?;
        let dataset = loader.dataset();
        model.check_image_size(dataset.image_size()).map_err(NodeError::other)?;
        let scale = loader.config().scale;
        let preview = dataset_images(dataset, 0, count, scale)?;
        let samples_dir = Some(PathBuf::from(inputs.string("samples_dir")?)).filter(|p| !p.as_os_str().is_empty());
        let mut trainer = crate::autoencoder::trainer(model, ctx.backend().clone(), config).map_err(train_error)?;
        resume_and_checkpoint(&mut trainer, inputs, loader.batches_per_epoch())?;
        let mut observer = NodeObserver {
            backend: ctx.backend().clone(),
            ctx,
            preview,
            dataset: dataset.clone(),
            scale,
            samples_dir,
        };
        trainer.train(&loader, &mut observer).map_err(train_error)?;
        let model = trainer.model.model_on_host().map_err(ae_error)?;
        Ok(Outputs::new()
            .with(Value::custom(model.encoder))
            .with(Value::custom(model.decoder))
            .with(Value::custom(trainer.history)))
    }
}

/// Turns trainer callbacks into node progress, previews and per-epoch pictures.
struct NodeObserver<'c, 'a> {
    ctx: &'c mut Context<'a>,
    backend: Arc<dyn comfy_core::Backend>,
    preview: Tensor,
    dataset: Arc<ImageDataset>,
    scale: PixelScale,
    samples_dir: Option<PathBuf>,
}

impl TrainObserver<AutoencoderStep> for NodeObserver<'_, '_> {
    fn on_step(&mut self, r: &StepReport) {
        self.ctx
            .progress(r.global_step as u64 + 1, r.total_steps as u64, r.progress_line());
    }

    fn on_epoch_end(&mut self, epoch: usize, step: &AutoencoderStep) -> Result<(), String> {
        let rebuilt = step
            .model
            .reconstruct(&self.backend, &self.preview)
            .map_err(|e| e.to_string())?;
        let picture = reconstruction_picture(&self.preview, &rebuilt, &self.dataset, self.scale, PREVIEW_COLS)
            .map_err(|e| e.to_string())?;
        if let Some(dir) = &self.samples_dir {
            let path = dir.join(format!("reconstructions_epoch_{:03}.png", epoch + 1));
            save_png(path, &picture).map_err(|e| e.to_string())?;
        }
        let image = to_image(&picture).map_err(|e| e.to_string())?;
        self.ctx.preview(image);
        Ok(())
    }

    fn should_stop(&self) -> bool {
        self.ctx.is_cancelled()
    }
}

/// Runs images through a trained encoder and decoder.
#[derive(Default)]
pub struct ReconstructImagesNode;

impl Node for ReconstructImagesNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("ReconstructImages", "autoencoder")
            .description("Encodes images [count, pixels] and decodes them again: the reconstructions, in the decoder's output range, and the latent vectors [count, latent].")
            .input(InputPort::custom::<Network>("encoder"))
            .input(InputPort::custom::<Network>("decoder"))
            .input(InputPort::tensor("images"))
            .output("reconstructions", PortType::Tensor)
            .output("latent", PortType::Tensor)
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let model = autoencoder(inputs)?;
        let backend = ctx.backend();
        let images = inputs.tensor("images")?;
        let images = backend.to_host_tensor(images)?;
        let rebuilt = model.reconstruct(backend, &images).map_err(ae_error)?;
        let latent = model.encode(backend, &images).map_err(ae_error)?;
        Ok(Outputs::new().with(rebuilt).with(latent))
    }
}

/// The mean squared reconstruction error per pixel over a whole dataset.
#[derive(Default)]
pub struct ReconstructionErrorNode;

impl Node for ReconstructionErrorNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("ReconstructionError", "autoencoder")
            .description("The mean squared error per pixel between every image of a dataset and its reconstruction, in 0..1 units (black 0, white 1). `scale` must be the one the autoencoder was trained with.")
            .input(InputPort::custom::<Network>("encoder"))
            .input(InputPort::custom::<Network>("decoder"))
            .input(InputPort::custom::<ImageDataset>("dataset"))
            .input(InputPort::choice("scale", SCALES).default("0..1"))
            .output("mse", PortType::Float)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let model = autoencoder(inputs)?;
        let dataset = inputs.custom_arc::<ImageDataset>("dataset")?;
        let scale = scale_input(inputs, "scale")?;
        let mse = reconstruction_error(&model, ctx.backend(), &dataset, scale, 500).map_err(ae_error)?;
        Ok(Outputs::one(mse))
    }
}
