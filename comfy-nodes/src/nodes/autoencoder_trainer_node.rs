//! `AutoencoderTrainer`: the autoencoder's training loop as a node, with progress, per-epoch
//! reconstructions and training states.
use super::autoencoder_nodes::{ae_error, autoencoder};
use super::dataset_images::dataset_images;
use super::gan_nodes::to_image;
use super::reconstruction_nodes::{reconstruction_picture, PREVIEW_COLS};
use super::training::{train_error, CheckpointInputs};
use crate::autoencoder::{AutoencoderConfig, AutoencoderStep, ReconstructionLoss};
use crate::dataset::{DataLoader, ImageDataset, PixelScale};
use crate::network::Network;
use crate::train::{LossHistory, StepReport, TrainObserver};
use crate::viewer::save_png;
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor, WritePath};
use std::path::PathBuf;
use std::sync::Arc;

/// The inputs of [`AutoencoderTrainerNode`].
#[derive(NodeInputs)]
pub struct AutoencoderTrainerInputs {
    /// The encoder to train.
    pub encoder: Arc<Network>,
    /// The decoder to train with it.
    pub decoder: Arc<Network>,
    /// Batches of the images to rebuild.
    pub loader: Arc<DataLoader>,
    /// Passes over the data.
    #[port(default = 10, min = 1, max = 100_000)]
    pub epochs: usize,
    /// Adam's learning rate (both networks).
    #[port(default = 1e-3, min = 0.0, max = 10.0)]
    pub lr: f32,
    /// Adam's β1.
    #[port(default = 0.9, min = 0.0, max = 0.999_999)]
    pub beta1: f32,
    /// Adam's β2.
    #[port(default = 0.999, min = 0.0, max = 0.999_999)]
    pub beta2: f32,
    /// The reconstruction loss: bce (sigmoid decoder, pixels 0..1) or mse.
    #[port(default = "bce")]
    pub loss: ReconstructionLoss,
    /// A VAE's β: the weight of the KL term (a VAE is an encoder writing μ and log σ²).
    #[port(default = 1.0, min = 0.0, max = 1000.0)]
    pub kl_weight: f32,
    /// Seed of a VAE's noise ε.
    #[port(default = 0)]
    pub noise_seed: u64,
    /// Images in the per-epoch preview.
    #[port(default = 16, min = 1, max = 256)]
    pub preview_count: usize,
    /// Where to write reconstructions_epoch_NNN.png; empty for none.
    #[port(default = "")]
    pub samples_dir: WritePath,
    #[port(flatten)]
    pub checkpoint: CheckpointInputs,
}

/// What the autoencoder trainer gives.
#[derive(NodeOutputs)]
pub struct AutoencoderTrainerOutputs {
    /// The trained encoder.
    pub encoder: Network,
    /// The trained decoder.
    pub decoder: Network,
    /// The losses of every step: the reconstruction loss, and a VAE's KL term.
    pub history: LossHistory,
}

/// The autoencoder trainer: Adam on both networks, MSE or BCE reconstruction loss, plus β·KL
/// for a VAE.
#[derive(Default)]
pub struct AutoencoderTrainerNode;

impl Node for AutoencoderTrainerNode {
    type Inputs = AutoencoderTrainerInputs;
    type Outputs = AutoencoderTrainerOutputs;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("AutoencoderTrainer", "autoencoder")
            .description("Trains an encoder and a decoder to rebuild the loader's images (one Adam update of both per batch). BCE (on logits) needs a sigmoid decoder and pixels in 0..1; MSE works with any output that fits the data. Reports progress every step and previews reconstructions of the dataset's first images every epoch; stops on a NaN loss; saves and resumes training states like the GanTrainer. An encoder writing twice the decoder's latent width (μ, then log σ²) trains a VAE: z = μ + σ·ε with ε drawn with noise_seed, loss = reconstruction summed per image + kl_weight × KL(N(μ, σ²) ‖ N(0, 1)), both reported.")
    }

    fn execute(&self, i: AutoencoderTrainerInputs, ctx: &mut Context) -> Result<AutoencoderTrainerOutputs, NodeError> {
        let config = AutoencoderConfig {
            epochs: i.epochs,
            lr: i.lr,
            beta1: i.beta1,
            beta2: i.beta2,
            loss: i.loss,
            kl_weight: i.kl_weight,
            seed: i.noise_seed,
        };
        let model = autoencoder(&i.encoder, &i.decoder)?;
        let dataset = i.loader.dataset();
        model.check_image_size(dataset.image_size()).map_err(ae_error)?;
        let scale = i.loader.config().scale;
        let preview = dataset_images(dataset, 0, i.preview_count, scale)?;
        let mut trainer = crate::autoencoder::trainer(model, ctx.backend().clone(), config).map_err(train_error)?;
        i.checkpoint.apply(&mut trainer, i.loader.batches_per_epoch())?;
        let mut observer = NodeObserver {
            backend: ctx.backend().clone(),
            ctx,
            preview,
            dataset: dataset.clone(),
            scale,
            samples_dir: i.samples_dir.get().map(PathBuf::from),
        };
        trainer.train(&i.loader, &mut observer).map_err(train_error)?;
        let model = trainer.model.model_on_host().map_err(ae_error)?;
        Ok(AutoencoderTrainerOutputs {
            encoder: model.encoder,
            decoder: model.decoder,
            history: trainer.history,
        })
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
