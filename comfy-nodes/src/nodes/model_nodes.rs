//! Model nodes: MLP generator and discriminator with configurable widths and activations.
use super::dataset_nodes::positive;
use crate::gan::Network;
use comfy_core::{Activation, Context, InputPort, Inputs, Mlp, Node, NodeError, NodeSchema, Outputs, PortType, Value};

const ACTIVATIONS: [&str; 4] = ["leaky_relu", "relu", "tanh", "sigmoid"];
const OUTPUTS: [&str; 4] = ["identity", "tanh", "sigmoid", "relu"];

/// Parses a comma-separated list of layer widths (`"256, 512, 1024"`).
fn widths(text: &str) -> Result<Vec<usize>, NodeError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<usize>() {
            Ok(n) if (1..=1 << 16).contains(&n) => Ok(n),
            _ => Err(NodeError::msg(format!(
                "layer width `{s}` must be a whole number from 1 to 65536"
            ))),
        })
        .collect()
}

fn activation(name: &str, slope: f64) -> Result<Activation, NodeError> {
    match name {
        "leaky_relu" => Ok(Activation::LeakyRelu(slope as f32)),
        other => Activation::parse(other).map_err(NodeError::from),
    }
}

/// Builds an initialised MLP from the inputs shared by the model nodes.
pub(super) fn build(inputs: &Inputs, first: usize, last: usize) -> Result<Network, NodeError> {
    let mut sizes = vec![first];
    sizes.extend(widths(inputs.string("hidden")?)?);
    sizes.push(last);
    let hidden = activation(inputs.string("activation")?, inputs.float("slope")?)?;
    let output = activation(inputs.string("output_activation")?, inputs.float("slope")?)?;
    let mlp = Mlp::new(sizes, hidden, output)?;
    Ok(Network::new(mlp, inputs.int("seed")? as u64)?)
}

/// Adds the ports every MLP model node shares (widths, activations, seed) and the MODEL output.
pub(super) fn common(schema: NodeSchema, hidden: &str, output: &str) -> NodeSchema {
    schema
        .input(
            InputPort::string("hidden")
                .default(hidden)
                .tooltip("hidden layer widths, comma-separated"),
        )
        .input(InputPort::choice("activation", ACTIVATIONS).default("leaky_relu"))
        .input(
            InputPort::float("slope")
                .default(0.2)
                .range(0.0, 1.0)
                .step(0.01)
                .tooltip("negative slope of leaky_relu"),
        )
        .input(InputPort::choice("output_activation", OUTPUTS).default(output))
        .input(
            InputPort::int("seed")
                .default(0)
                .range(0, i64::MAX)
                .tooltip("seed of the weight initialisation"),
        )
        .output("model", PortType::custom::<Network>())
}

/// The generator: latent `z` → hidden layers → an image (tanh by default).
#[derive(Default)]
pub struct GeneratorNode;

impl Node for GeneratorNode {
    fn schema(&self) -> NodeSchema {
        let s = NodeSchema::new("MlpGenerator", "model")
            .description("An MLP generator, initialised as PyTorch's nn.Linear. Defaults: z 100 → 256 → 512 → 1024 → 784, LeakyReLU(0.2), Tanh.")
            .input(InputPort::int("latent_dim").default(100).range(1, 65536))
            .input(InputPort::int("output_size").default(784).range(1, 1 << 20).tooltip("pixels per image (28×28 = 784)"));
        common(s, "256, 512, 1024", "tanh")
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let first = positive(inputs.int("latent_dim")?, "latent_dim")?;
        let last = positive(inputs.int("output_size")?, "output_size")?;
        Ok(Outputs::one(Value::custom(build(inputs, first, last)?)))
    }
}

/// The discriminator: an image → hidden layers → one logit.
#[derive(Default)]
pub struct DiscriminatorNode;

impl Node for DiscriminatorNode {
    fn schema(&self) -> NodeSchema {
        let s = NodeSchema::new("MlpDiscriminator", "model")
            .description(
                "An MLP discriminator that outputs one logit per image. Defaults: 784 → 512 → 256 → 1, LeakyReLU(0.2).",
            )
            .input(InputPort::int("input_size").default(784).range(1, 1 << 20));
        common(s, "512, 256", "identity")
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let first = positive(inputs.int("input_size")?, "input_size")?;
        Ok(Outputs::one(Value::custom(build(inputs, first, 1)?)))
    }
}
