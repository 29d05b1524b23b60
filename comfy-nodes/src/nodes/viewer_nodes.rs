//! Viewer nodes: sample grids, loss curves and the loss table, written as files.
use super::dataset_nodes::positive;
use super::gan_nodes::to_image;
use crate::atomic::atomic_write;
use crate::train::LossHistory;
use crate::viewer::{
    image_grid, loss_chart, save_png, GridOptions, ImageBatch, LinePlot, RgbImage, Series, ValueRange,
};
use comfy_core::{Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Value};
use std::path::Path;

/// Saves a batch of images as one PNG grid (rows × cols cells, 2 px padding).
#[derive(Default)]
pub struct SaveImageGridNode;

impl Node for SaveImageGridNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveImageGrid", "viewer")
            .description("Tiles images ([count, height·width] grayscale) into a rows × cols PNG with 2 px padding.")
            .input(InputPort::tensor("images"))
            .input(InputPort::string("path").default("out/grid.png"))
            .input(InputPort::int("rows").default(8).range(1, 1024))
            .input(InputPort::int("cols").default(8).range(1, 1024))
            .input(InputPort::int("height").default(28).range(1, 8192))
            .input(InputPort::int("width").default(28).range(1, 8192))
            .input(InputPort::choice("range", ["-1..1", "0..1"]).default("-1..1"))
            .input(
                InputPort::int("scale")
                    .default(1)
                    .range(1, 16)
                    .tooltip("integer upscaling of every cell"),
            )
            .output("image", PortType::Image)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let images = inputs.tensor("images")?;
        let values = ctx.backend().to_host(images)?;
        let (h, w) = (
            positive(inputs.int("height")?, "height")?,
            positive(inputs.int("width")?, "width")?,
        );
        let n = values.len() / (h * w);
        if n * h * w != values.len() {
            return Err(NodeError::msg(format!(
                "{} values are not a whole number of {h}×{w} images",
                values.len()
            )));
        }
        let batch = ImageBatch::gray(&values, n, h, w).map_err(NodeError::other)?;
        let range = if inputs.string("range")? == "0..1" {
            ValueRange::ZeroToOne
        } else {
            ValueRange::MinusOneToOne
        };
        let options = GridOptions::new(inputs.int("rows")? as u32, inputs.int("cols")? as u32)
            .with_scale(inputs.int("scale")? as u32)
            .with_range(range);
        let grid = image_grid(&batch, &options).map_err(NodeError::other)?;
        save_png(inputs.string("path")?, &grid).map_err(NodeError::other)?;
        let image = to_image(&grid)?;
        ctx.preview(image.clone());
        Ok(Outputs::one(Value::Image(image.into())))
    }
}

/// How a loss chart smooths the per-step losses.
pub(crate) const SMOOTHING: [&str; 2] = ["moving_mean", "epoch_mean"];

/// Draws a trainer's losses against the step as a PNG chart.
#[derive(Default)]
pub struct SaveLossCurveNode;

impl Node for SaveLossCurveNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveLossCurve", "viewer")
            .description("A PNG chart of a trainer's losses (the GAN's D and G loss, the autoencoder's reconstruction loss…) against the training step: every step in a light tint with a moving mean on top, or every batch with the mean of each epoch.")
            .input(InputPort::custom::<LossHistory>("history"))
            .input(InputPort::string("path").default("out/loss_curve.png"))
            .input(InputPort::string("title").default("").tooltip("the chart's title; empty for the trainer's own (\"GAN losses\"…)"))
            .input(InputPort::choice("smoothing", SMOOTHING).default("moving_mean"))
            .output("image", PortType::Image)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let history = inputs.custom::<LossHistory>("history")?;
        let title = match inputs.string("title")? {
            "" => history.title.as_str(),
            t => t,
        };
        let path = Path::new(inputs.string("path")?);
        let picture = match inputs.string("smoothing")? {
            "epoch_mean" => save_picture(path, epoch_mean_chart(title, history))?,
            _ => save_loss_curve(path, title, history)?,
        };
        let image = to_image(&picture)?;
        ctx.preview(image.clone());
        Ok(Outputs::one(Value::Image(image.into())))
    }
}

/// Draws every loss of `history` against the step (with moving means) and saves the chart.
pub(crate) fn save_loss_curve(path: &Path, title: &str, history: &LossHistory) -> Result<RgbImage, NodeError> {
    let curves: Vec<(&str, Vec<(f64, f64)>)> = history
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.label.as_str(), history.series(i)))
        .collect();
    save_picture(path, loss_chart(title, &curves))
}

/// Every batch's loss and the mean of each epoch, per loss.
fn epoch_mean_chart(title: &str, history: &LossHistory) -> LinePlot {
    let mut plot = LinePlot::new(title);
    for (i, name) in history.names.iter().enumerate() {
        plot = plot
            .with_series(Series::new(format!("{} per batch", name.label), history.series(i)))
            .with_series(Series::new(
                format!("{} epoch mean", name.label),
                epoch_means(history, i),
            ));
    }
    plot
}

/// (last step of the epoch, mean of the loss at `index` over the epoch) for every epoch.
fn epoch_means(history: &LossHistory, index: usize) -> Vec<(f64, f64)> {
    let mut means = Vec::new();
    for chunk in history.records.chunk_by(|a, b| a.epoch == b.epoch) {
        let sum: f64 = chunk
            .iter()
            .filter_map(|r| r.values.get(index))
            .map(|&v| f64::from(v))
            .sum();
        if let Some(last) = chunk.last() {
            means.push((last.step as f64, sum / chunk.len() as f64));
        }
    }
    means
}

fn save_picture(path: &Path, plot: LinePlot) -> Result<RgbImage, NodeError> {
    let picture = plot.render().map_err(NodeError::other)?;
    save_png(path, &picture).map_err(NodeError::other)?;
    Ok(picture)
}

/// Writes a trainer's loss history as CSV: `step,epoch`, then one column per loss.
#[derive(Default)]
pub struct SaveLossCsvNode;

impl Node for SaveLossCsvNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveLossCsv", "viewer")
            .description("Writes a trainer's loss history as CSV: the columns step and epoch, then one per loss (d_loss and g_loss for the GAN, loss for the autoencoder).")
            .input(InputPort::custom::<LossHistory>("history"))
            .input(InputPort::string("path").default("out/losses.csv"))
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let history = inputs.custom::<LossHistory>("history")?;
        write_loss_csv(Path::new(inputs.string("path")?), history)?;
        Ok(Outputs::new())
    }
}

/// Writes `history` as CSV, atomically.
pub fn write_loss_csv(path: &Path, history: &LossHistory) -> Result<(), NodeError> {
    atomic_write(path, history.to_csv().as_bytes()).map_err(|e| NodeError::msg(format!("{}: {e}", path.display())))
}
