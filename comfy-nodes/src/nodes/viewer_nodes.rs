//! Viewer nodes: sample grids, loss curves and the loss table, written as files.
use super::gan_nodes::to_image;
use crate::atomic::atomic_write;
use crate::dataset::PixelScale;
use crate::train::LossHistory;
use crate::viewer::{
    image_grid, loss_chart, save_png, GridOptions, ImageBatch, LinePlot, RgbImage, Series, ValueRange,
};
use comfy_core::{Context, Image, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, PortChoice, Tensor, WritePath};
use std::path::Path;
use std::sync::Arc;

/// The values range of images in `scale`.
pub(super) fn value_range(scale: PixelScale) -> ValueRange {
    match scale {
        PixelScale::MinusOneToOne => ValueRange::MinusOneToOne,
        PixelScale::ZeroToOne => ValueRange::ZeroToOne,
    }
}

/// Saves `picture` at `path` (named `input` in errors), shows it on the node and returns it as
/// the node's image output.
pub(super) fn save_and_show(
    ctx: &mut Context,
    picture: &RgbImage,
    path: &WritePath,
    input: &str,
) -> Result<PictureOutput, NodeError> {
    let path = path.require(input)?;
    save_png(path, picture).map_err(NodeError::other)?;
    let image = to_image(picture)?;
    ctx.preview(image.clone());
    ctx.show_image(path);
    Ok(PictureOutput { image: Arc::new(image) })
}

/// The picture a viewer wrote.
#[derive(NodeOutputs)]
pub struct PictureOutput {
    /// The picture as an image value.
    pub image: Arc<Image>,
}

/// The inputs of [`SaveImageGridNode`].
#[derive(NodeInputs)]
pub struct SaveImageGridInputs {
    /// Images `[count, height·width]`, grayscale.
    pub images: Tensor,
    /// The PNG file to write.
    #[port(default = "out/grid.png")]
    pub path: WritePath,
    /// Rows of the grid.
    #[port(default = 8, min = 1, max = 1024)]
    pub rows: u32,
    /// Columns of the grid.
    #[port(default = 8, min = 1, max = 1024)]
    pub cols: u32,
    /// Height of one image.
    #[port(default = 28, min = 1, max = 8192)]
    pub height: usize,
    /// Width of one image.
    #[port(default = 28, min = 1, max = 8192)]
    pub width: usize,
    /// The images' value range.
    #[port(default = "-1..1")]
    pub range: PixelScale,
    /// Integer upscaling of every cell.
    #[port(default = 1, min = 1, max = 16)]
    pub scale: u32,
}

/// Saves a batch of images as one PNG grid (rows × cols cells, 2 px padding).
#[derive(Default)]
pub struct SaveImageGridNode;

impl Node for SaveImageGridNode {
    type Inputs = SaveImageGridInputs;
    type Outputs = PictureOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveImageGrid", "viewer")
            .description("Tiles images ([count, height·width] grayscale) into a rows × cols PNG with 2 px padding.")
            .output_node()
    }

    fn execute(&self, i: SaveImageGridInputs, ctx: &mut Context) -> Result<PictureOutput, NodeError> {
        let values = ctx.backend().to_host(&i.images)?;
        let (h, w) = (i.height, i.width);
        let n = values.len() / (h * w);
        if n * h * w != values.len() {
            return Err(NodeError::msg(format!(
                "{} values are not a whole number of {h}×{w} images",
                values.len()
            )));
        }
        let batch = ImageBatch::gray(&values, n, h, w).map_err(NodeError::other)?;
        let options = GridOptions::new(i.rows, i.cols)
            .with_scale(i.scale)
            .with_range(value_range(i.range));
        let grid = image_grid(&batch, &options).map_err(NodeError::other)?;
        save_and_show(ctx, &grid, &i.path, "path")
    }
}

/// How a loss chart smooths the per-step losses.
#[derive(Clone, Copy, Debug, PortChoice)]
pub enum Smoothing {
    /// Every step in a light tint, a moving mean on top.
    MovingMean,
    /// Every batch, and the mean of each epoch.
    EpochMean,
}

/// The inputs of [`SaveLossCurveNode`].
#[derive(NodeInputs)]
pub struct SaveLossCurveInputs {
    /// A trainer's loss history.
    pub history: Arc<LossHistory>,
    /// The PNG file to write.
    #[port(default = "out/loss_curve.png")]
    pub path: WritePath,
    /// The chart's title; empty for the trainer's own ("GAN losses"…).
    #[port(default = "")]
    pub title: String,
    /// How the per-step losses are smoothed.
    #[port(default = "moving_mean")]
    pub smoothing: Smoothing,
}

/// Draws a trainer's losses against the step as a PNG chart.
#[derive(Default)]
pub struct SaveLossCurveNode;

impl Node for SaveLossCurveNode {
    type Inputs = SaveLossCurveInputs;
    type Outputs = PictureOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveLossCurve", "viewer")
            .description("A PNG chart of a trainer's losses (the GAN's D and G loss, the autoencoder's reconstruction loss…) against the training step: every step in a light tint with a moving mean on top, or every batch with the mean of each epoch.")
            .output_node()
    }

    fn execute(&self, i: SaveLossCurveInputs, ctx: &mut Context) -> Result<PictureOutput, NodeError> {
        let history = &i.history;
        let title = if i.title.is_empty() { &history.title } else { &i.title };
        let plot = match i.smoothing {
            Smoothing::MovingMean => moving_mean_chart(title, history),
            Smoothing::EpochMean => epoch_mean_chart(title, history),
        };
        let picture = plot.render().map_err(NodeError::other)?;
        save_and_show(ctx, &picture, &i.path, "path")
    }
}

/// Every loss of `history` against the step, with moving means.
fn moving_mean_chart(title: &str, history: &LossHistory) -> LinePlot {
    let curves: Vec<(&str, Vec<(f64, f64)>)> = history
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.label.as_str(), history.series(i)))
        .collect();
    loss_chart(title, &curves)
}

/// Draws every loss of `history` against the step (with moving means) and saves the chart.
pub(crate) fn save_loss_curve(path: &Path, title: &str, history: &LossHistory) -> Result<RgbImage, NodeError> {
    let picture = moving_mean_chart(title, history).render().map_err(NodeError::other)?;
    save_png(path, &picture).map_err(NodeError::other)?;
    Ok(picture)
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

/// The inputs of [`SaveLossCsvNode`].
#[derive(NodeInputs)]
pub struct SaveLossCsvInputs {
    /// A trainer's loss history.
    pub history: Arc<LossHistory>,
    /// The CSV file to write.
    #[port(default = "out/losses.csv")]
    pub path: WritePath,
}

/// Writes a trainer's loss history as CSV: `step,epoch`, then one column per loss.
#[derive(Default)]
pub struct SaveLossCsvNode;

impl Node for SaveLossCsvNode {
    type Inputs = SaveLossCsvInputs;
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveLossCsv", "viewer")
            .display_name("Save Loss CSV")
            .description("Writes a trainer's loss history as CSV: the columns step and epoch, then one per loss (d_loss and g_loss for the GAN, loss for the autoencoder).")
            .output_node()
    }

    fn execute(&self, i: SaveLossCsvInputs, _ctx: &mut Context) -> Result<(), NodeError> {
        write_loss_csv(i.path.require("path")?, &i.history)
    }
}

/// Writes `history` as CSV, atomically.
pub fn write_loss_csv(path: &Path, history: &LossHistory) -> Result<(), NodeError> {
    atomic_write(path, history.to_csv().as_bytes()).map_err(|e| NodeError::msg(format!("{}: {e}", path.display())))
}
