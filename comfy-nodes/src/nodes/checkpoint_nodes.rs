//! Checkpoint nodes: save and load a model's parameters, save a tensor, as safetensors.
use super::model_nodes::ModelOutput;
use crate::checkpoint::save_tensors;
use crate::model_file::{load_network, save_network};
use crate::network::Network;
use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, ReadPath, Tensor, WritePath};
use std::collections::HashMap;
use std::sync::Arc;

/// The inputs of [`SaveModelNode`].
#[derive(NodeInputs)]
pub struct SaveModelInputs {
    /// The model to save.
    pub model: Arc<Network>,
    /// The safetensors file to write.
    #[port(default = "out/model.safetensors")]
    pub path: WritePath,
}

/// Saves a model: its parameters and buffers with PyTorch `nn.Sequential` names (`0.weight`
/// [out, in], …) and its layer list in the metadata.
#[derive(Default)]
pub struct SaveModelNode;

impl Node for SaveModelNode {
    type Inputs = SaveModelInputs;
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveModel", "checkpoint")
            .description("Writes a model as a safetensors file (atomically): its parameters and buffers with PyTorch nn.Sequential state_dict names, loadable by safetensors.torch.load_file and load_state_dict(strict=True), and its layer list in the metadata, so LoadModel rebuilds it from the file alone.")
            .output_node()
    }

    fn execute(&self, i: SaveModelInputs, ctx: &mut Context) -> Result<(), NodeError> {
        save_network(i.path.require("path")?, &i.model, ctx.backend().as_ref()).map_err(NodeError::other)
    }
}

/// The inputs of [`LoadModelNode`].
#[derive(NodeInputs)]
pub struct LoadModelInputs {
    /// A model of the file's architecture, checked against the one the file records (and used when the file records none).
    pub architecture: Option<Arc<Network>>,
    /// The safetensors file to read.
    #[port(default = "out/model.safetensors")]
    pub path: ReadPath,
}

/// Loads a model file: the architecture it records, filled with its parameters.
#[derive(Default)]
pub struct LoadModelNode;

impl Node for LoadModelNode {
    type Inputs = LoadModelInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("LoadModel", "checkpoint")
            .description("Loads a model file written by SaveModel: the architecture it records, with its parameters and buffers; every name and shape must match. An architecture input, if given, must be the same model.")
    }

    fn execute(&self, i: LoadModelInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        let path = i.path.require("path")?;
        let model = load_network(path, i.architecture.as_deref()).map_err(NodeError::other)?;
        Ok(ModelOutput { model })
    }
}

/// The inputs of [`SaveTensorNode`].
#[derive(NodeInputs)]
pub struct SaveTensorInputs {
    /// The tensor to save.
    pub tensor: Tensor,
    /// Its name in the file.
    #[port(default = "z")]
    pub name: String,
    /// The safetensors file to write.
    #[port(default = "out/tensor.safetensors")]
    pub path: WritePath,
}

/// Saves one tensor under a name (for example the latent batch behind a sample grid).
#[derive(Default)]
pub struct SaveTensorNode;

impl Node for SaveTensorNode {
    type Inputs = SaveTensorInputs;
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveTensor", "checkpoint")
            .description("Writes one tensor to a safetensors file under the given name.")
            .output_node()
    }

    fn execute(&self, i: SaveTensorInputs, ctx: &mut Context) -> Result<(), NodeError> {
        let host = ctx.backend().to_host_tensor(&i.tensor)?;
        let path = i.path.require("path")?;
        save_tensors(path, [(i.name.as_str(), &host)], HashMap::new()).map_err(NodeError::other)
    }
}
