//! `ImageFolderDataset`: a dataset from a folder of PNG and JPEG pictures.
use super::dataset_nodes::DatasetOutput;
use crate::dataset::{load_image_folder, ColorMode, FolderOptions, MAX_TARGET_SIDE};
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, ReadPath};
use std::sync::Arc;

/// The inputs of [`ImageFolderDatasetNode`].
#[derive(NodeInputs)]
pub struct ImageFolderInputs {
    /// The folder of images or of label folders.
    pub directory: ReadPath,
    /// Grayscale (one channel) or RGB.
    #[port(default = "grayscale")]
    pub color: ColorMode,
    /// Width the images are resized to.
    #[port(default = 28, min = 1, max = MAX_TARGET_SIDE)]
    pub width: u32,
    /// Height the images are resized to.
    #[port(default = 28, min = 1, max = MAX_TARGET_SIDE)]
    pub height: u32,
}

/// Loads a folder of PNG/JPEG images, by label sub-folder or flat, grayscale or RGB, resized.
#[derive(Default)]
pub struct ImageFolderDatasetNode;

impl Node for ImageFolderDatasetNode {
    type Inputs = ImageFolderInputs;
    type Outputs = DatasetOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ImageFolderDataset", "dataset")
            .description("PNG and JPEG images from a folder: one sub-folder per label (labels are the sorted folder names' indices) or all in the folder itself (no labels). Converted to grayscale or RGB and resized, so the GAN or the autoencoder can train on your own pictures (set their pixel counts to width·height·channels). A file that is not a readable PNG or JPEG is an error naming it.")
    }

    fn execute(&self, i: ImageFolderInputs, _ctx: &mut Context) -> Result<DatasetOutput, NodeError> {
        let dir = i.directory.require("directory")?;
        let options = FolderOptions {
            width: i.width,
            height: i.height,
            color: i.color,
        };
        let data = load_image_folder(dir, &options).map_err(NodeError::other)?;
        Ok(DatasetOutput {
            dataset: Arc::new(data),
        })
    }
}
