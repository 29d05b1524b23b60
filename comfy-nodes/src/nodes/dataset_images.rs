//! `DatasetImages`: a slice of a dataset as a tensor (real images to show, reconstruct, or
//! judge beside generated ones), and the helpers other nodes share for it.
use super::dataset_nodes::positive;
use crate::dataset::{ImageDataset, PixelScale};
use comfy_core::{Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Tensor};

/// The choices of a pixel-scale input.
pub(crate) const SCALES: [&str; 2] = ["-1..1", "0..1"];

/// The pixel scale chosen on input `name` (one of [`SCALES`]).
pub(crate) fn scale_input(inputs: &Inputs, name: &str) -> Result<PixelScale, NodeError> {
    Ok(if inputs.string(name)? == "0..1" {
        PixelScale::ZeroToOne
    } else {
        PixelScale::MinusOneToOne
    })
}

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

/// Takes `count` images from `offset` of a dataset and outputs them as `[count, pixels]`.
#[derive(Default)]
pub struct DatasetImagesNode;

impl Node for DatasetImagesNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("DatasetImages", "dataset")
            .description("Images offset..offset+count of a dataset, scaled to floats, as a [count, pixels] tensor.")
            .input(InputPort::custom::<ImageDataset>("dataset"))
            .input(InputPort::int("offset").default(0).range(0, i64::MAX))
            .input(InputPort::int("count").default(32).range(1, 65536))
            .input(InputPort::choice("scale", SCALES).default("-1..1"))
            .output("images", PortType::Tensor)
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let dataset = inputs.custom::<ImageDataset>("dataset")?;
        let offset = usize::try_from(inputs.int("offset")?).unwrap_or(usize::MAX);
        let count = positive(inputs.int("count")?, "count")?;
        let scale = scale_input(inputs, "scale")?;
        Ok(Outputs::one(dataset_images(dataset, offset, count, scale)?))
    }
}
