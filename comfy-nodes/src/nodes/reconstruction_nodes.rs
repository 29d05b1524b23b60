//! `SaveReconstructions`: originals above their reconstructions, as a PNG.
use super::autoencoder_nodes::ae_error;
use super::dataset_images::{dataset_images, scale_input, SCALES};
use super::dataset_nodes::positive;
use super::gan_nodes::to_image;
use crate::autoencoder::Autoencoder;
use crate::dataset::{ImageDataset, PixelScale};
use crate::gan::Network;
use crate::viewer::{reconstruction_grid, save_png, ImageBatch, ReconstructionOptions, RgbImage, ValueRange};
use comfy_core::{Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Tensor, Value};

/// Images per row of the trainer's per-epoch preview.
pub(super) const PREVIEW_COLS: u32 = 8;

/// Originals (host `[n, pixels]`, laid out as `dataset`'s images) above their reconstructions.
pub(super) fn reconstruction_picture(
    originals: &Tensor,
    reconstructions: &Tensor,
    dataset: &ImageDataset,
    scale: PixelScale,
    cols: u32,
) -> Result<RgbImage, NodeError> {
    let (h, w, c) = (dataset.height(), dataset.width(), dataset.channels());
    let n = originals.shape().rows_cols().0;
    let (top, bottom) = (originals.to_vec()?, reconstructions.to_vec()?);
    let top = ImageBatch::nhwc(&top, n, h, w, c).map_err(NodeError::other)?;
    let bottom = ImageBatch::nhwc(&bottom, n, h, w, c).map_err(NodeError::other)?;
    let mut options = ReconstructionOptions::new(cols);
    if scale == PixelScale::MinusOneToOne {
        options.range = ValueRange::MinusOneToOne;
    }
    reconstruction_grid(&top, &bottom, &options).map_err(NodeError::other)
}

/// Saves a fixed set of images above their reconstructions as one PNG.
#[derive(Default)]
pub struct SaveReconstructionsNode;

impl Node for SaveReconstructionsNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveReconstructions", "viewer")
            .description("Runs images offset .. offset + count of a dataset through an autoencoder and saves a PNG: the originals in the top rows, captioned, their reconstructions below, each under its original.")
            .input(InputPort::custom::<Network>("encoder"))
            .input(InputPort::custom::<Network>("decoder"))
            .input(InputPort::custom::<ImageDataset>("dataset"))
            .input(InputPort::choice("scale", SCALES).default("0..1").tooltip("the pixel scale the autoencoder was trained with"))
            .input(InputPort::int("offset").default(0).range(0, i64::MAX))
            .input(InputPort::int("count").default(32).range(1, 1024))
            .input(InputPort::int("cols").default(8).range(1, 1024))
            .input(InputPort::string("path").default("out/reconstructions.png"))
            .output("image", PortType::Image)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let encoder = inputs.custom::<Network>("encoder")?.clone();
        let decoder = inputs.custom::<Network>("decoder")?.clone();
        let model = Autoencoder::new(encoder, decoder).map_err(ae_error)?;
        let dataset = inputs.custom::<ImageDataset>("dataset")?;
        let scale = scale_input(inputs, "scale")?;
        let offset = usize::try_from(inputs.int("offset")?).unwrap_or(usize::MAX);
        let count = positive(inputs.int("count")?, "count")?;
        let originals = dataset_images(dataset, offset, count, scale)?;
        let rebuilt = model.reconstruct(ctx.backend(), &originals).map_err(ae_error)?;
        let cols = positive(inputs.int("cols")?, "cols")? as u32;
        let picture = reconstruction_picture(&originals, &rebuilt, dataset, scale, cols)?;
        save_png(inputs.string("path")?, &picture).map_err(NodeError::other)?;
        let image = to_image(&picture)?;
        ctx.preview(image.clone());
        Ok(Outputs::one(Value::Image(image.into())))
    }
}
