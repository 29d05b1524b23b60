//! `ImageFolderDataset`: a dataset from a folder of PNG and JPEG pictures.
use super::dataset_nodes::positive;
use crate::dataset::{load_image_folder, ColorMode, FolderOptions, ImageDataset, MAX_TARGET_SIDE};
use comfy_core::{Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Value};
use std::path::Path;

/// Loads a folder of PNG/JPEG images, by label sub-folder or flat, grayscale or RGB, resized.
#[derive(Default)]
pub struct ImageFolderDatasetNode;

impl Node for ImageFolderDatasetNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("ImageFolderDataset", "dataset")
            .description("PNG and JPEG images from a folder: one sub-folder per label (labels are the sorted folder names' indices) or all in the folder itself (no labels). Converted to grayscale or RGB and resized, so the GAN or the autoencoder can train on your own pictures (set their pixel counts to width·height·channels). A file that is not a readable PNG or JPEG is an error naming it.")
            .input(InputPort::string("directory").tooltip("the folder of images or of label folders"))
            .input(InputPort::choice("color", ["grayscale", "rgb"]).default("grayscale"))
            .input(InputPort::int("width").default(28).range(1, MAX_TARGET_SIDE))
            .input(InputPort::int("height").default(28).range(1, MAX_TARGET_SIDE))
            .output("dataset", PortType::custom::<ImageDataset>())
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let dir = inputs.string("directory")?;
        if dir.trim().is_empty() {
            return Err(NodeError::msg("directory: give the folder of images to load"));
        }
        let color = match inputs.string("color")? {
            "rgb" => ColorMode::Rgb,
            _ => ColorMode::Gray,
        };
        let options = FolderOptions {
            width: positive(inputs.int("width")?, "width")? as u32,
            height: positive(inputs.int("height")?, "height")? as u32,
            color,
        };
        let data = load_image_folder(Path::new(dir), &options).map_err(NodeError::other)?;
        Ok(Outputs::one(Value::custom(data)))
    }
}
