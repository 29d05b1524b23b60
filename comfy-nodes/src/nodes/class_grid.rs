//! `SaveClassGrid`: what a conditional generator draws for each class, one row per class.
use super::gan_nodes::sample_grid;
use super::labels::{class_rows, labels_tensor};
use super::viewer_nodes::save_and_show;
use crate::gan::{generate, latent_batch, Network};
use comfy_core::{Context, Image, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor, WritePath};
use std::sync::Arc;

/// The inputs of [`SaveClassGridNode`].
#[derive(NodeInputs)]
pub struct ClassGridInputs {
    /// A conditional generator.
    pub generator: Arc<Network>,
    /// Images per class (the columns).
    #[port(default = 8, min = 1, max = 64)]
    pub per_class: usize,
    /// Seed of the latent vectors.
    #[port(default = 0)]
    pub seed: u64,
    /// The PNG file to write.
    #[port(default = "out/class_grid.png")]
    pub path: WritePath,
}

/// The class grid and what it shows.
#[derive(NodeOutputs)]
pub struct ClassGridOutputs {
    /// The picture: row d all digit d.
    pub image: Arc<Image>,
    /// The generated images `[classes · per_class, pixels]`, row by row.
    pub images: Tensor,
    /// Their classes.
    pub labels: Tensor,
}

/// Draws `per_class` images of every class with a conditional generator: ten rows for
/// digits, row d all digit d.
#[derive(Default)]
pub struct SaveClassGridNode;

impl Node for SaveClassGridNode {
    type Inputs = ClassGridInputs;
    type Outputs = ClassGridOutputs;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveClassGrid", "viewer")
            .description("Asks a conditional generator for per_class images of every class and saves them as a PNG grid, one row per class (row d all digit d); also outputs the images and their labels.")
            .output_node()
    }

    fn execute(&self, i: ClassGridInputs, ctx: &mut Context) -> Result<ClassGridOutputs, NodeError> {
        let classes = i.generator.classes();
        if classes == 0 {
            return Err(NodeError::msg(
                "generator: a class grid needs a conditional generator (one made with classes)",
            ));
        }
        let pixels = i.generator.output_size();
        let side = (pixels as f64).sqrt().round() as usize;
        if side * side != pixels {
            return Err(NodeError::msg(format!(
                "generator: its images of {pixels} values are not square grayscale images"
            )));
        }
        let labels = class_rows(classes, i.per_class);
        let z = latent_batch(labels.len(), i.generator.input_size(), i.seed)?;
        let images = generate(&i.generator, ctx.backend(), &z, Some(&labels))?;
        let grid = sample_grid(&images, side, Some(classes))?;
        let shown = save_and_show(ctx, &grid, &i.path, "path")?;
        Ok(ClassGridOutputs {
            image: shown.image,
            images,
            labels: labels_tensor(&labels)?,
        })
    }
}
