//! Checkpoint nodes: save and load a model's parameters, save a tensor, as safetensors.
use crate::checkpoint::{load_params_into, save_params, save_tensors};
use crate::gan::Network;
use comfy_core::{Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Value};
use std::collections::HashMap;
use std::path::Path;

/// Saves a model's parameters with PyTorch `nn.Sequential` names (`0.weight` [out, in], …).
#[derive(Default)]
pub struct SaveModelNode;

impl Node for SaveModelNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveModel", "checkpoint")
            .description("Writes a model's parameters as a safetensors file (atomically) with PyTorch nn.Sequential state_dict names, loadable by safetensors.torch.load_file.")
            .input(InputPort::custom::<Network>("model"))
            .input(InputPort::string("path").default("out/model.safetensors"))
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let model = inputs.custom::<Network>("model")?;
        let host = model.params.to_host(ctx.backend().as_ref())?;
        let mlp = serde_json::to_string(&model.mlp).map_err(NodeError::other)?;
        let meta = HashMap::from([("format".to_string(), "pt".to_string()), ("comfy.mlp".to_string(), mlp)]);
        save_params(Path::new(inputs.string("path")?), &host, meta).map_err(NodeError::other)?;
        Ok(Outputs::new())
    }
}

/// Loads parameters into a model of the architecture given by another model node.
#[derive(Default)]
pub struct LoadModelNode;

impl Node for LoadModelNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("LoadModel", "checkpoint")
            .description("Loads a safetensors checkpoint into a model of the given architecture; every name and shape must match.")
            .input(InputPort::custom::<Network>("architecture"))
            .input(InputPort::string("path").default("out/model.safetensors"))
            .output("model", PortType::custom::<Network>())
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let mut model = inputs.custom::<Network>("architecture")?.clone();
        load_params_into(Path::new(inputs.string("path")?), &mut model.params).map_err(NodeError::other)?;
        Ok(Outputs::one(Value::custom(model)))
    }
}

/// Saves one tensor under a name (for example the latent batch behind a sample grid).
#[derive(Default)]
pub struct SaveTensorNode;

impl Node for SaveTensorNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("SaveTensor", "checkpoint")
            .description("Writes one tensor to a safetensors file under the given name.")
            .input(InputPort::tensor("tensor"))
            .input(InputPort::string("name").default("z"))
            .input(InputPort::string("path").default("out/tensor.safetensors"))
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let t = inputs.tensor("tensor")?;
        let host = ctx.backend().to_host_tensor(t)?;
        let name = inputs.string("name")?;
        save_tensors(Path::new(inputs.string("path")?), [(name, &host)], HashMap::new()).map_err(NodeError::other)?;
        Ok(Outputs::new())
    }
}
