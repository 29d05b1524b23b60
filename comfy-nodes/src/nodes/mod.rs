//! The built-in nodes, and [`register_all`] to add them to a registry.
mod autoencoder_nodes;
mod autoencoder_trainer_node;
mod checkpoint_nodes;
mod class_grid;
mod conv_autoencoder_nodes;
mod conv_model_nodes;
mod dataset_images;
mod dataset_nodes;
mod folder_nodes;
mod gan_nodes;
mod gan_trainer_node;
mod labels;
mod model_nodes;
mod real_vs_fake;
mod reconstruction_nodes;
mod report_nodes;
mod training;
mod vae_nodes;
mod values;
mod viewer_nodes;

pub use autoencoder_nodes::{DecoderNode, EncoderNode, ReconstructImagesNode, ReconstructionErrorNode};
pub use autoencoder_trainer_node::AutoencoderTrainerNode;
pub use checkpoint_nodes::{LoadModelNode, SaveModelNode, SaveTensorNode};
pub use class_grid::SaveClassGridNode;
pub use conv_autoencoder_nodes::{ConvDecoderNode, ConvEncoderNode};
pub use conv_model_nodes::{ConvDiscriminatorNode, ConvGeneratorNode};
pub use dataset_images::DatasetImagesNode;
pub use dataset_nodes::{DataLoaderNode, MnistDatasetNode};
pub use folder_nodes::ImageFolderDatasetNode;
pub use gan_nodes::{GenerateImagesNode, LatentNoiseNode};
pub use gan_trainer_node::GanTrainerNode;
pub use model_nodes::{DiscriminatorNode, GeneratorNode};
pub use real_vs_fake::RealVsFakeNode;
pub use reconstruction_nodes::SaveReconstructionsNode;
pub use report_nodes::HtmlReportNode;
pub use vae_nodes::SampleVaeNode;
pub use viewer_nodes::{write_loss_csv, SaveImageGridNode, SaveLossCsvNode, SaveLossCurveNode};

/// Registers every built-in node.
pub fn register_all(registry: &mut comfy_core::Registry) {
    registry
        .register::<MnistDatasetNode>()
        .register::<DataLoaderNode>()
        .register::<GeneratorNode>()
        .register::<DiscriminatorNode>()
        .register::<ConvGeneratorNode>()
        .register::<ConvDiscriminatorNode>()
        .register::<LatentNoiseNode>()
        .register::<GanTrainerNode>()
        .register::<GenerateImagesNode>()
        .register::<SaveImageGridNode>()
        .register::<SaveClassGridNode>()
        .register::<SaveLossCurveNode>()
        .register::<SaveLossCsvNode>()
        .register::<SaveModelNode>()
        .register::<LoadModelNode>()
        .register::<SaveTensorNode>();
    // Watching training: the real-vs-fake view and the HTML report.
    registry.register::<RealVsFakeNode>().register::<HtmlReportNode>();
    // Image folders, dataset slices and the autoencoder.
    registry
        .register::<ImageFolderDatasetNode>()
        .register::<DatasetImagesNode>()
        .register::<EncoderNode>()
        .register::<DecoderNode>()
        .register::<ConvEncoderNode>()
        .register::<ConvDecoderNode>()
        .register::<AutoencoderTrainerNode>()
        .register::<SampleVaeNode>()
        .register::<ReconstructImagesNode>()
        .register::<ReconstructionErrorNode>()
        .register::<SaveReconstructionsNode>();
}
