//! `GanTrainer`: the GAN's training loop as a node, with progress, per-epoch sample grids, the
//! live report page and training states.
use super::gan_nodes::{sample_grid, to_image};
use super::training::{train_error, CheckpointInputs};
use super::viewer_nodes::save_loss_curve;
use crate::dataset::DataLoader;
use crate::gan::{generate, latent_batch, GanStep, GanTrainConfig, GanTrainer, Network};
use crate::report::{ReportError, RunReporter, RunState, TrainingRun};
use crate::train::{LossHistory, StepReport, TrainError, TrainObserver};
use crate::viewer::{save_png, RgbImage};
use comfy_core::{Backend, Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor, WritePath};
use std::path::PathBuf;
use std::sync::Arc;

/// The inputs of [`GanTrainerNode`].
#[derive(NodeInputs)]
pub struct GanTrainerInputs {
    /// The generator to train.
    pub generator: Arc<Network>,
    /// The discriminator to train against it.
    pub discriminator: Arc<Network>,
    /// Batches of real images, in the generator's range.
    pub loader: Arc<DataLoader>,
    /// Passes over the data.
    #[port(default = 10, min = 1, max = 100_000)]
    pub epochs: usize,
    /// Adam's learning rate for the generator.
    #[port(default = 2e-4, min = 0.0, max = 10.0)]
    pub lr_g: f32,
    /// Adam's learning rate for the discriminator.
    #[port(default = 2e-4, min = 0.0, max = 10.0)]
    pub lr_d: f32,
    /// Adam's β1.
    #[port(default = 0.5, min = 0.0, max = 0.999_999)]
    pub beta1: f32,
    /// Adam's β2.
    #[port(default = 0.999, min = 0.0, max = 0.999_999)]
    pub beta2: f32,
    /// Real images are labelled 1 - this.
    #[port(default = 0.0, min = 0.0, max = 0.5)]
    pub label_smoothing: f32,
    /// Seed of the latent noise.
    #[port(default = 0)]
    pub seed: u64,
    /// Latent batch for the per-epoch sample grids.
    pub fixed_z: Option<Tensor>,
    /// Where to write samples_epoch_NNN.png; empty for none.
    #[port(default = "")]
    pub samples_dir: WritePath,
    /// Where to keep index.html, a report page updated while training runs (an HtmlReport node then writes the final one); empty for none.
    #[port(default = "")]
    pub report_dir: WritePath,
    #[port(flatten)]
    pub checkpoint: CheckpointInputs,
}

/// What the GAN trainer gives.
#[derive(NodeOutputs)]
pub struct GanTrainerOutputs {
    /// The trained generator.
    pub generator: Network,
    /// The trained discriminator.
    pub discriminator: Network,
    /// D and G loss of every step.
    pub history: LossHistory,
    /// The run's settings and progress, for HtmlReport.
    pub run: TrainingRun,
}

/// The GAN trainer: Adam on both networks, non-saturating BCE loss.
#[derive(Default)]
pub struct GanTrainerNode;

impl Node for GanTrainerNode {
    type Inputs = GanTrainerInputs;
    type Outputs = GanTrainerOutputs;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("GanTrainer", "gan")
            .display_name("GAN Trainer")
            .description("Trains a generator against a discriminator (one D and one G Adam update per batch, non-saturating BCE). Reports progress every step and a sample grid every epoch; stops on NaN losses.")
    }

    fn execute(&self, i: GanTrainerInputs, ctx: &mut Context) -> Result<GanTrainerOutputs, NodeError> {
        let config = GanTrainConfig {
            epochs: i.epochs,
            lr_g: i.lr_g,
            lr_d: i.lr_d,
            beta1: i.beta1,
            beta2: i.beta2,
            label_smoothing: i.label_smoothing,
            seed: i.seed,
        };
        let (generator, discriminator) = (Network::clone(&i.generator), Network::clone(&i.discriminator));
        let fixed_z = match i.fixed_z {
            Some(z) => z,
            None => latent_batch(64, generator.input_size(), config.seed ^ 0x5a_3b1e)?,
        };
        let report_dir = i.report_dir.get().map(PathBuf::from);
        let mut report = RunReporter::new(TrainingRun::gan(&config, &i.loader, &ctx.backend().name()), report_dir);
        let mut trainer =
            crate::gan::trainer(generator, discriminator, ctx.backend().clone(), config).map_err(train_error)?;
        if i.checkpoint.apply(&mut trainer, i.loader.batches_per_epoch())? {
            report.resume_losses(&trainer.history);
        }
        let side = image_side(trainer.model.generator.output_size());
        let backend = ctx.backend().clone();
        let mut observer = NodeObserver {
            ctx,
            fixed_z,
            samples_dir: i.samples_dir.get().map(PathBuf::from),
            side,
            backend,
            report,
            report_error: None,
        };
        let trained = trainer.train(&i.loader, &mut observer);
        // After a stop the state is saved already; a picture that cannot be written is reported
        // on the page and does not turn the stop into a failure.
        let picture_error = match &trained {
            Err(TrainError::Cancelled { .. }) => observer.save_pictures_so_far(&trainer).err(),
            _ => None,
        };
        let run = observer.finish_report(&trained, picture_error);
        trained.map_err(train_error)?;
        let run = run?;
        let (generator, discriminator) = trainer.model.networks_on_host().map_err(train_error)?;
        Ok(GanTrainerOutputs {
            generator,
            discriminator,
            history: trainer.history,
            run,
        })
    }
}

/// The side of a square image of `pixels` pixels, or `None` if it is not square.
fn image_side(pixels: usize) -> Option<usize> {
    let side = (pixels as f64).sqrt().round() as usize;
    (side * side == pixels).then_some(side)
}

/// Turns trainer callbacks into node progress, previews and sample files.
struct NodeObserver<'c, 'a> {
    ctx: &'c mut Context<'a>,
    fixed_z: Tensor,
    samples_dir: Option<PathBuf>,
    side: Option<usize>,
    backend: Arc<dyn Backend>,
    /// The run's report page (when the node has a `report_dir`) and its first write error.
    report: RunReporter,
    report_error: Option<ReportError>,
}

impl NodeObserver<'_, '_> {
    /// The generator's images of the fixed latent batch as a grid, or `None` when its images
    /// are not square.
    fn samples(&self, generator: &Network) -> Result<Option<RgbImage>, NodeError> {
        let Some(side) = self.side else { return Ok(None) };
        let images = generate(generator, &self.backend, &self.fixed_z, None)?;
        sample_grid(&images, side).map(Some)
    }

    /// After a stop: the samples of the generator as it is and the loss curve so far, as
    /// `interrupted_samples.png` and `interrupted_loss_curve.png` in the samples folder.
    fn save_pictures_so_far(&self, trainer: &GanTrainer) -> Result<(), NodeError> {
        let Some(dir) = &self.samples_dir else {
            return Ok(());
        };
        if let Some(grid) = self.samples(&trainer.model.generator)? {
            save_png(dir.join("interrupted_samples.png"), &grid).map_err(NodeError::other)?;
        }
        let title = format!("{} (stopped)", trainer.history.title);
        save_loss_curve(&dir.join("interrupted_loss_curve.png"), &title, &trainer.history)?;
        Ok(())
    }

    /// Writes the live report page a last time ("finishing", or "stopped" after an error) and
    /// returns the run, or the first error writing the page.
    fn finish_report(
        self,
        trained: &Result<(), TrainError>,
        picture_error: Option<NodeError>,
    ) -> Result<TrainingRun, NodeError> {
        let state = match (trained, picture_error) {
            (Ok(()), _) => RunState::Finishing,
            (Err(e), None) => RunState::Stopped(e.to_string()),
            (Err(e), Some(p)) => RunState::Stopped(format!("{e}; the pictures so far could not be written: {p}")),
        };
        let run = self.report.finish(state);
        if let Some(e) = self.report_error {
            return Err(NodeError::other(e));
        }
        run.map_err(NodeError::other)
    }
}

impl TrainObserver<GanStep> for NodeObserver<'_, '_> {
    fn on_step(&mut self, r: &StepReport) {
        if let Err(e) = self.report.on_step(r) {
            self.report_error.get_or_insert(e);
        }
        self.ctx
            .progress(r.global_step as u64 + 1, r.total_steps as u64, r.progress_line());
    }

    fn on_epoch_end(&mut self, epoch: usize, model: &GanStep) -> Result<(), String> {
        if let Some(e) = self.report_error.take() {
            return Err(e.to_string());
        }
        let Some(grid) = self.samples(&model.generator).map_err(|e| e.to_string())? else {
            return Ok(());
        };
        if let Some(dir) = &self.samples_dir {
            save_png(dir.join(format!("samples_epoch_{:03}.png", epoch + 1)), &grid).map_err(|e| e.to_string())?;
        }
        self.report.on_samples(epoch, &grid).map_err(|e| e.to_string())?;
        self.ctx.preview(to_image(&grid).map_err(|e| e.to_string())?);
        Ok(())
    }

    fn should_stop(&self) -> bool {
        self.ctx.is_cancelled()
    }
}
