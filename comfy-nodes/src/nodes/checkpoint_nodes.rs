//! Checkpoint nodes: save and load a model's parameters, save a tensor, as safetensors.
use super::model_nodes::ModelOutput;
use crate::checkpoint::{load_params_into, save_params, save_tensors};
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

/// Saves a model's parameters with PyTorch `nn.Sequential` names (`0.weight` [out, in], …).
#[derive(Default)]
pub struct SaveModelNode;

impl Node for SaveModelNode {
    type Inputs = SaveModelInputs;
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("SaveModel", "checkpoint")
            .description("Writes a model's parameters as a safetensors file (atomically) with PyTorch nn.Sequential state_dict names, loadable by safetensors.torch.load_file.")
            .output_node()
    }

    fn execute(&self, i: SaveModelInputs, ctx: &mut Context) -> Result<(), NodeError> {
        let host = i.model.params.to_host(ctx.backend().as_ref())?;
        let mlp = serde_json::to_string(&i.model.mlp).map_err(NodeError::other)?;
        let meta = HashMap::from([("format".to_string(), "pt".to_string()), ("comfy.mlp".to_string(), mlp)]);
        save_params(i.path.require("path")?, &host, meta).map_err(NodeError::other)
    }
}

/// The inputs of [`LoadModelNode`].
#[derive(NodeInputs)]
pub struct LoadModelInputs {
    /// A model of the checkpoint's architecture (its weights are replaced).
    pub architecture: Arc<Network>,
    /// The safetensors file to read.
    #[port(default = "out/model.safetensors")]
    pub path: ReadPath,
}

/// Loads parameters into a model of the architecture given by another model node.
#[derive(Default)]
pub struct LoadModelNode;

impl Node for LoadModelNode {
    type Inputs = LoadModelInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("LoadModel", "checkpoint").description(
            "Loads a safetensors checkpoint into a model of the given architecture; every name and shape must match.",
        )
    }

    fn execute(&self, i: LoadModelInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        let mut model = Network::clone(&i.architecture);
        load_params_into(i.path.require("path")?, &mut model.params).map_err(NodeError::other)?;
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
