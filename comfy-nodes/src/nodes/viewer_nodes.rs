//! Viewer nodes: sample grids, loss curves and the loss table, written as files.
use super::dataset_nodes::positive;
use super::gan_nodes::to_image;
use super::values::LossHistory;
use crate::atomic::atomic_write;
use crate::gan::LossRecord;
use crate::viewer::{image_grid, loss_chart, save_png, GridOptions, ImageBatch, RgbImage, ValueRange};
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

/// Draws the D and G losses against the step as a PNG chart.
#[derive(Default)]
pub struct SaveLossCurveNode;

impl Node for SaveLossCurveNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveLossCurve", "viewer")
            .description("A PNG chart of the discriminator and generator losses against the training step.")
            .input(InputPort::custom::<LossHistory>("history"))
            .input(InputPort::string("path").default("out/loss_curve.png"))
            .input(InputPort::string("title").default("GAN losses"))
            .output("image", PortType::Image)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let history = inputs.custom::<LossHistory>("history")?;
        let picture = save_loss_curve(
            Path::new(inputs.string("path")?),
            inputs.string("title")?,
            &history.records,
        )?;
        let image = to_image(&picture)?;
        ctx.preview(image.clone());
        Ok(Outputs::one(Value::Image(image.into())))
    }
}

/// Draws the D and G losses of `records` against the step and saves the chart as a PNG.
pub(crate) fn save_loss_curve(path: &Path, title: &str, records: &[LossRecord]) -> Result<RgbImage, NodeError> {
    let curve = |f: fn(&LossRecord) -> f32| -> Vec<(f64, f64)> {
        records.iter().map(|r| (r.step as f64, f(r) as f64)).collect()
    };
    let curves = [("D loss", curve(|r| r.d_loss)), ("G loss", curve(|r| r.g_loss))];
    let picture = loss_chart(title, &curves).render().map_err(NodeError::other)?;
    save_png(path, &picture).map_err(NodeError::other)?;
    Ok(picture)
}

/// Writes the loss history as CSV: `step,epoch,d_loss,g_loss`.
#[derive(Default)]
pub struct SaveLossCsvNode;

impl Node for SaveLossCsvNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveLossCsv", "viewer")
            .description("Writes the loss history as CSV with the columns step, epoch, d_loss, g_loss.")
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
    let mut csv = String::from("step,epoch,d_loss,g_loss\n");
    for r in &history.records {
        csv.push_str(&format!("{},{},{},{}\n", r.step, r.epoch, r.d_loss, r.g_loss));
    }
    atomic_write(path, csv.as_bytes()).map_err(|e| NodeError::msg(format!("{}: {e}", path.display())))
}
