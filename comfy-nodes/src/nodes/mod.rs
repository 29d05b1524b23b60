//! The built-in nodes, and [`register_all`] to add them to a registry.
mod checkpoint_nodes;
mod dataset_nodes;
mod gan_nodes;
mod model_nodes;
mod values;
mod viewer_nodes;

pub use checkpoint_nodes::{LoadModelNode, SaveModelNode, SaveTensorNode};
pub use dataset_nodes::{DataLoaderNode, MnistDatasetNode};
pub use gan_nodes::{format_eta, GanTrainerNode, GenerateImagesNode, LatentNoiseNode};
pub use model_nodes::{DiscriminatorNode, GeneratorNode};
pub use values::LossHistory;
pub use viewer_nodes::{write_loss_csv, SaveImageGridNode, SaveLossCsvNode, SaveLossCurveNode};

/// Registers every built-in node.
pub fn register_all(registry: &mut comfy_core::Registry) {
    registry
        .register::<MnistDatasetNode>()
        .register::<DataLoaderNode>()
        .register::<GeneratorNode>()
        .register::<DiscriminatorNode>()
        .register::<LatentNoiseNode>()
        .register::<GanTrainerNode>()
        .register::<GenerateImagesNode>()
        .register::<SaveImageGridNode>()
        .register::<SaveLossCurveNode>()
        .register::<SaveLossCsvNode>()
        .register::<SaveModelNode>()
        .register::<LoadModelNode>()
        .register::<SaveTensorNode>();
}
