//! Dataset nodes: MNIST from IDX files, and the batching loader.
use crate::dataset::{bundled_mnist_dir, load_mnist, DataLoader, ImageDataset, LoaderConfig, PixelScale, Split};
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, ReadPath};
use std::sync::Arc;

/// The inputs of [`MnistDatasetNode`].
#[derive(NodeInputs)]
pub struct MnistDatasetInputs {
    /// Folder with train-/t10k-images-idx3-ubyte[.gz] and labels; empty for the bundled digits.
    #[port(default = "")]
    pub directory: ReadPath,
    /// Which half of MNIST.
    #[port(default = "train")]
    pub split: Split,
}

/// A dataset on its way to a loader or a viewer.
#[derive(NodeOutputs)]
pub struct DatasetOutput {
    /// The images (and labels, if any).
    pub dataset: Arc<ImageDataset>,
}

/// Loads MNIST (train or test split) from a directory of IDX files; empty means the bundled subset.
#[derive(Default)]
pub struct MnistDatasetNode;

impl Node for MnistDatasetNode {
    type Inputs = MnistDatasetInputs;
    type Outputs = DatasetOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("MnistDataset", "dataset")
            .display_name("MNIST Dataset")
            .description("MNIST digits from the standard IDX files (raw or gzipped). An empty directory means the 10,000-digit subset bundled with Comfy; point it at the full MNIST files to use all 60,000.")
    }

    fn execute(&self, inputs: MnistDatasetInputs, _ctx: &mut Context) -> Result<DatasetOutput, NodeError> {
        let dir = match inputs.directory.get() {
            Some(dir) => dir.to_path_buf(),
            None => bundled_mnist_dir(),
        };
        let data = load_mnist(&dir, inputs.split).map_err(NodeError::other)?;
        Ok(DatasetOutput {
            dataset: Arc::new(data),
        })
    }
}

/// The inputs of [`DataLoaderNode`].
#[derive(NodeInputs)]
pub struct DataLoaderInputs {
    /// The images to batch.
    pub dataset: Arc<ImageDataset>,
    /// Images per batch.
    #[port(default = 64, min = 1, max = 65536)]
    pub batch_size: usize,
    /// Shuffle every epoch (with the seed and the epoch number).
    #[port(default = true)]
    pub shuffle: bool,
    /// Seed of the shuffle.
    #[port(default = 0)]
    pub seed: u64,
    /// Leave out the last batch when it is short.
    #[port(default = true)]
    pub drop_last: bool,
    /// The float range of the pixels: -1..1 for a tanh generator, 0..1 for a sigmoid decoder.
    #[port(default = "-1..1")]
    pub scale: PixelScale,
}

/// The loader.
#[derive(NodeOutputs)]
pub struct LoaderOutput {
    /// Batches, epoch after epoch.
    pub loader: DataLoader,
}

/// Cuts a dataset into shuffled batches scaled to floats.
#[derive(Default)]
pub struct DataLoaderNode;

impl Node for DataLoaderNode {
    type Inputs = DataLoaderInputs;
    type Outputs = LoaderOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("DataLoader", "dataset").description(
            "Batches a dataset: batch size, shuffling with a seed, dropping the last short batch, and the pixel range.",
        )
    }

    fn execute(&self, i: DataLoaderInputs, _ctx: &mut Context) -> Result<LoaderOutput, NodeError> {
        let config = LoaderConfig {
            batch_size: i.batch_size,
            shuffle: i.shuffle,
            seed: i.seed,
            drop_last: i.drop_last,
            scale: i.scale,
        };
        let loader = DataLoader::new(i.dataset, config).map_err(NodeError::other)?;
        Ok(LoaderOutput { loader })
    }
}
