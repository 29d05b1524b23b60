//! GAN nodes: latent noise, the trainer, and image generation.
use super::dataset_nodes::positive;
use super::training::{checkpoint_ports, resume_and_checkpoint, train_error};
use super::viewer_nodes::save_loss_curve;
use crate::dataset::DataLoader;
use crate::gan::{generate, latent_batch, GanStep, GanTrainConfig, GanTrainer, Network};
use crate::report::{ReportError, RunReporter, RunState, TrainingRun};
use crate::train::{LossHistory, StepReport, TrainError, TrainObserver};
use crate::viewer::{image_grid, save_png, GridOptions, ImageBatch, RgbImage};
use comfy_core::{Context, Image, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Tensor, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// Standard normal latent vectors from a seed, `[count, dim]`.
#[derive(Default)]
pub struct LatentNoiseNode;

impl Node for LatentNoiseNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("LatentNoise", "gan")
            .description("A batch of standard normal latent vectors, the same for the same seed.")
            .input(InputPort::int("count").default(64).range(1, 1 << 16))
            .input(InputPort::int("dim").default(100).range(1, 1 << 16))
            .input(InputPort::int("seed").default(0).range(0, i64::MAX))
            .output("z", PortType::Tensor)
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let (n, dim) = (
            positive(inputs.int("count")?, "count")?,
            positive(inputs.int("dim")?, "dim")?,
        );
        Ok(Outputs::one(latent_batch(n, dim, inputs.int("seed")? as u64)?))
    }
}

/// The GAN trainer: Adam on both networks, non-saturating BCE loss.
#[derive(Default)]
pub struct GanTrainerNode;

impl Node for GanTrainerNode {
    fn schema(&self) -> NodeSchema {
        let schema = NodeSchema::new("GanTrainer", "gan")
            .description("Trains a generator against a discriminator (one D and one G Adam update per batch, non-saturating BCE). Reports progress every step and a sample grid every epoch; stops on NaN losses.")
            .input(InputPort::custom::<Network>("generator"))
            .input(InputPort::custom::<Network>("discriminator"))
            .input(InputPort::custom::<DataLoader>("loader"))
            .input(InputPort::int("epochs").default(10).range(1, 100_000))
            .input(InputPort::float("lr_g").default(2e-4).range(0.0, 10.0))
            .input(InputPort::float("lr_d").default(2e-4).range(0.0, 10.0))
            .input(InputPort::float("beta1").default(0.5).range(0.0, 0.999_999))
            .input(InputPort::float("beta2").default(0.999).range(0.0, 0.999_999))
            .input(InputPort::float("label_smoothing").default(0.0).range(0.0, 0.5).tooltip("real images are labelled 1 - this"))
            .input(InputPort::int("seed").default(0).range(0, i64::MAX).tooltip("seed of the latent noise"))
            .input(InputPort::tensor("fixed_z").optional().tooltip("latent batch for the per-epoch sample grids"))
            .input(InputPort::string("samples_dir").default("").tooltip("where to write samples_epoch_NNN.png; empty for none"))
            .input(InputPort::string("report_dir").default("").tooltip("where to keep index.html, a report page updated while training runs (an HtmlReport node then writes the final one); empty for none"));
        checkpoint_ports(schema)
            .output("generator", PortType::custom::<Network>())
            .output("discriminator", PortType::custom::<Network>())
            .output("history", PortType::custom::<LossHistory>())
            .output("run", PortType::custom::<TrainingRun>())
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let config = GanTrainConfig {
            epochs: positive(inputs.int("epochs")?, "epochs")?,
            lr_g: inputs.float("lr_g")? as f32,
            lr_d: inputs.float("lr_d")? as f32,
            beta1: inputs.float("beta1")? as f32,
            beta2: inputs.float("beta2")? as f32,
            label_smoothing: inputs.float("label_smoothing")? as f32,
            seed: inputs.int("seed")? as u64,
        };
        let generator = inputs.custom::<Network>("generator")?.clone();
        let discriminator = inputs.custom::<Network>("discriminator")?.clone();
        let loader = inputs.custom_arc::<DataLoader>("loader")?;
        let fixed_z = match inputs.get("fixed_z") {
            Some(v) => v
                .as_tensor()
                .cloned()
                .ok_or_else(|| NodeError::msg("fixed_z must be a tensor"))?,
            None => latent_batch(64, generator.mlp.input_size(), config.seed ^ 0x5a_3b1e)?,
        };
        let samples_dir = Some(PathBuf::from(inputs.string("samples_dir")?)).filter(|p| !p.as_os_str().is_empty());
        let report_dir = Some(PathBuf::from(inputs.string("report_dir")?)).filter(|p| !p.as_os_str().is_empty());
        let mut report = RunReporter::new(TrainingRun::gan(&config, &loader, &ctx.backend().name()), report_dir);
        let mut trainer =
            crate::gan::trainer(generator, discriminator, ctx.backend().clone(), config).map_err(train_error)?;
        if resume_and_checkpoint(&mut trainer, inputs, loader.batches_per_epoch())? {
            report.resume_losses(&trainer.history);
        }
        let side = image_side(trainer.model.generator.mlp.output_size());
        let backend = ctx.backend().clone();
        let mut observer = NodeObserver {
            ctx,
            fixed_z,
            samples_dir,
            side,
            backend,
            report,
            report_error: None,
        };
        let trained = trainer.train(&loader, &mut observer);
        // After a stop the state is saved already; a picture that cannot be written is reported
        // on the page and does not turn the stop into a failure.
        let picture_error = match &trained {
            Err(TrainError::Cancelled { .. }) => observer.save_pictures_so_far(&trainer).err(),
            _ => None,
        };
        let run = observer.finish_report(&trained, picture_error);
        trained.map_err(train_error)?;
        let run = run?;
        let (g, d) = trainer.model.networks_on_host().map_err(train_error)?;
        Ok(Outputs::new()
            .with(Value::custom(g))
            .with(Value::custom(d))
            .with(Value::custom(trainer.history))
            .with(Value::custom(run)))
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
    backend: Arc<dyn comfy_core::Backend>,
    /// The run's report page (when the node has a `report_dir`) and its first write error.
    report: RunReporter,
    report_error: Option<ReportError>,
}

impl NodeObserver<'_, '_> {
    /// The generator's images of the fixed latent batch as a grid, or `None` when its images
    /// are not square.
    fn samples(&self, generator: &Network) -> Result<Option<RgbImage>, NodeError> {
        let Some(side) = self.side else { return Ok(None) };
        let images = generate(generator, &self.backend, &self.fixed_z)?;
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

/// Images from a trained generator: from given latent vectors, or `count` drawn with `seed`.
#[derive(Default)]
pub struct GenerateImagesNode;

impl Node for GenerateImagesNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("GenerateImages", "gan")
            .description("Runs a generator on latent vectors (given, or `count` drawn with `seed`) and outputs the images, [count, pixels] in the generator's range.")
            .input(InputPort::custom::<Network>("generator"))
            .input(InputPort::tensor("z").optional())
            .input(InputPort::int("count").default(64).range(1, 1 << 16))
            .input(InputPort::int("seed").default(0).range(0, i64::MAX))
            .output("images", PortType::Tensor)
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let generator = inputs.custom::<Network>("generator")?;
        let z = match inputs.get("z") {
            Some(v) => v
                .as_tensor()
                .cloned()
                .ok_or_else(|| NodeError::msg("z must be a tensor"))?,
            None => {
                let n = positive(inputs.int("count")?, "count")?;
                latent_batch(n, generator.mlp.input_size(), inputs.int("seed")? as u64)?
            }
        };
        Ok(Outputs::one(generate(generator, ctx.backend(), &z)?))
    }
}
