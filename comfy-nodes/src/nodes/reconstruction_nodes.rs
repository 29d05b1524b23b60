//! `SaveReconstructions`: originals above their reconstructions, as a PNG.
use super::autoencoder_nodes::{ae_error, autoencoder};
use super::dataset_images::dataset_images;
use super::viewer_nodes::{save_and_show, PictureOutput};
use crate::dataset::{ImageDataset, PixelScale};
use crate::network::Network;
use crate::viewer::{reconstruction_grid, ImageBatch, ReconstructionOptions, RgbImage, ValueRange};
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, Tensor, WritePath};
use std::sync::Arc;

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

/// The inputs of [`SaveReconstructionsNode`].
#[derive(NodeInputs)]
pub struct SaveReconstructionsInputs {
    /// A trained encoder.
    pub encoder: Arc<Network>,
    /// Its decoder.
    pub decoder: Arc<Network>,
    /// The images to rebuild.
    pub dataset: Arc<ImageDataset>,
    /// The pixel scale the autoencoder was trained with.
    #[port(default = "0..1")]
    pub scale: PixelScale,
    /// The first image shown.
    #[port(default = 0)]
    pub offset: usize,
    /// How many images.
    #[port(default = 32, min = 1, max = 1024)]
    pub count: usize,
    /// Images per row.
    #[port(default = 8, min = 1, max = 1024)]
    pub cols: u32,
    /// The PNG file to write.
    #[port(default = "out/reconstructions.png")]
    pub path: WritePath,
}

/// Saves a fixed set of images above their reconstructions as one PNG.
#[derive(Default)]
pub struct SaveReconstructionsNode;

impl Node for SaveReconstructionsNode {
    type Inputs = SaveReconstructionsInputs;
    type Outputs = PictureOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveReconstructions", "viewer")
            .description("Runs images offset .. offset + count of a dataset through an autoencoder and saves a PNG: the originals in the top rows, captioned, their reconstructions below, each under its original.")
            .output_node()
    }

    fn execute(&self, i: SaveReconstructionsInputs, ctx: &mut Context) -> Result<PictureOutput, NodeError> {
        let model = autoencoder(&i.encoder, &i.decoder)?;
        let originals = dataset_images(&i.dataset, i.offset, i.count, i.scale)?;
        let rebuilt = model.reconstruct(ctx.backend(), &originals).map_err(ae_error)?;
        let picture = reconstruction_picture(&originals, &rebuilt, &i.dataset, i.scale, i.cols)?;
        save_and_show(ctx, &picture, &i.path, "path")
    }
}
