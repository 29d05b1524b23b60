//! Dataset nodes: MNIST from IDX files, and the batching loader.
use crate::dataset::{bundled_mnist_dir, load_mnist, DataLoader, ImageDataset, LoaderConfig, PixelScale, Split};
use comfy_core::{Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// Loads MNIST (train or test split) from a directory of IDX files; empty means the bundled subset.
#[derive(Default)]
pub struct MnistDatasetNode;

impl Node for MnistDatasetNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("MnistDataset", "dataset")
            .description("MNIST digits from the standard IDX files (raw or gzipped). An empty directory means the 10,000-digit subset bundled with Comfy; point it at the full MNIST files to use all 60,000.")
            .input(InputPort::string("directory").default("").tooltip("folder with train-/t10k-images-idx3-ubyte[.gz] and labels"))
            .input(InputPort::choice("split", ["train", "test"]).default("train"))
            .output("dataset", PortType::custom::<ImageDataset>())
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let dir = match inputs.string("directory")? {
            "" => bundled_mnist_dir(),
            d => PathBuf::from(d),
        };
        let split = if inputs.string("split")? == "test" {
            Split::Test
        } else {
            Split::Train
        };
        let data = load_mnist(&dir, split).map_err(NodeError::other)?;
        Ok(Outputs::one(Value::custom(data)))
    }
}

/// Cuts a dataset into shuffled batches scaled to floats.
#[derive(Default)]
pub struct DataLoaderNode;

impl Node for DataLoaderNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("DataLoader", "dataset")
            .description("Batches a dataset: batch size, shuffling with a seed, dropping the last short batch, and the pixel range.")
            .input(InputPort::custom::<ImageDataset>("dataset"))
            .input(InputPort::int("batch_size").default(64).range(1, 65536))
            .input(InputPort::bool("shuffle").default(true))
            .input(InputPort::int("seed").default(0).range(0, i64::MAX))
            .input(InputPort::bool("drop_last").default(true))
            .input(InputPort::choice("scale", ["-1..1", "0..1"]).default("-1..1"))
            .output("loader", PortType::custom::<DataLoader>())
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let dataset: Arc<ImageDataset> = inputs.custom_arc("dataset")?;
        let scale = if inputs.string("scale")? == "0..1" {
            PixelScale::ZeroToOne
        } else {
            PixelScale::MinusOneToOne
        };
        let config = LoaderConfig {
            batch_size: positive(inputs.int("batch_size")?, "batch_size")?,
            shuffle: inputs.bool("shuffle")?,
            seed: inputs.int("seed")? as u64,
            drop_last: inputs.bool("drop_last")?,
            scale,
        };
        let loader = DataLoader::new(dataset, config).map_err(NodeError::other)?;
        Ok(Outputs::one(Value::custom(loader)))
    }
}

/// A validated count from an integer input.
pub(crate) fn positive(v: i64, name: &str) -> Result<usize, NodeError> {
    usize::try_from(v)
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| NodeError::msg(format!("{name} must be at least 1, got {v}")))
}
