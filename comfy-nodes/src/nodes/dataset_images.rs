//! `DatasetImages`: a slice of a dataset as a tensor (real images to show, reconstruct, or
//! judge beside generated ones), and the helper other nodes share for it.
use crate::dataset::{ImageDataset, PixelScale};
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor};
use std::sync::Arc;

/// Images `offset..offset + count` of `dataset` scaled to floats, `[count, pixels]`.
pub(crate) fn dataset_images(
    dataset: &ImageDataset,
    offset: usize,
    count: usize,
    scale: PixelScale,
) -> Result<Tensor, NodeError> {
    let end = offset.checked_add(count).filter(|&end| end <= dataset.len());
    let Some(end) = end else {
        return Err(NodeError::msg(format!(
            "images {offset}..{offset}+{count} are past the {} images of {}",
            dataset.len(),
            dataset.source().display()
        )));
    };
    let size = dataset.image_size();
    let bytes = &dataset.pixels()[offset * size..end * size];
    let pixels = bytes.iter().map(|&b| scale.apply(b)).collect();
    Ok(Tensor::from_vec(pixels, [count, size])?)
}

/// The inputs of [`DatasetImagesNode`].
#[derive(NodeInputs)]
pub struct DatasetImagesInputs {
    /// The dataset to take images from.
    pub dataset: Arc<ImageDataset>,
    /// The first image taken.
    #[port(default = 0)]
    pub offset: usize,
    /// How many images.
    #[port(default = 32, min = 1, max = 65536)]
    pub count: usize,
    /// The float range of the pixels.
    #[port(default = "-1..1")]
    pub scale: PixelScale,
}

/// A batch of images as a tensor.
#[derive(NodeOutputs)]
pub struct ImagesOutput {
    /// `[count, pixels]`.
    pub images: Tensor,
}

/// Takes `count` images from `offset` of a dataset and outputs them as `[count, pixels]`.
#[derive(Default)]
pub struct DatasetImagesNode;

impl Node for DatasetImagesNode {
    type Inputs = DatasetImagesInputs;
    type Outputs = ImagesOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("DatasetImages", "dataset")
            .description("Images offset..offset+count of a dataset, scaled to floats, as a [count, pixels] tensor.")
    }

    fn execute(&self, i: DatasetImagesInputs, _ctx: &mut Context) -> Result<ImagesOutput, NodeError> {
        Ok(ImagesOutput {
            images: dataset_images(&i.dataset, i.offset, i.count, i.scale)?,
        })
    }
}
