//! Model nodes: MLP generator and discriminator with configurable widths and activations.
use crate::network::Network;
use comfy_core::nn::{Layer, Sequential};
use comfy_core::{Activation, Context, Init, Mlp, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, PortChoice};

/// The activation between hidden layers.
#[derive(Clone, Copy, Debug, PortChoice)]
pub enum HiddenActivation {
    /// LeakyReLU with the node's `slope`.
    LeakyRelu,
    /// ReLU.
    Relu,
    /// tanh.
    Tanh,
    /// The logistic function.
    Sigmoid,
}

/// The activation of the last layer.
#[derive(Clone, Copy, Debug, PortChoice)]
pub enum OutputActivation {
    /// None: logits or a linear latent.
    Identity,
    /// tanh: pixels in -1..1.
    Tanh,
    /// The logistic function: pixels in 0..1.
    Sigmoid,
    /// ReLU.
    Relu,
}

/// The hidden activation and its slope, shared by every MLP model node.
#[derive(NodeInputs)]
pub struct ActivationInputs {
    /// The activation between hidden layers.
    #[port(default = "leaky_relu")]
    pub activation: HiddenActivation,
    /// Negative slope of leaky_relu.
    #[port(default = 0.2, min = 0.0, max = 1.0, step = 0.01)]
    pub slope: f32,
}

impl ActivationInputs {
    fn hidden(&self) -> Activation {
        match self.activation {
            HiddenActivation::LeakyRelu => Activation::LeakyRelu(self.slope),
            HiddenActivation::Relu => Activation::Relu,
            HiddenActivation::Tanh => Activation::Tanh,
            HiddenActivation::Sigmoid => Activation::Sigmoid,
        }
    }
}

pub(super) fn output_activation(a: OutputActivation) -> Activation {
    match a {
        OutputActivation::Identity => Activation::Identity,
        OutputActivation::Tanh => Activation::Tanh,
        OutputActivation::Sigmoid => Activation::Sigmoid,
        OutputActivation::Relu => Activation::Relu,
    }
}

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

/// An initialised MLP `first → hidden… → last`.
pub(super) fn build(
    first: usize,
    hidden: &str,
    last: usize,
    activation: &ActivationInputs,
    output: OutputActivation,
    seed: u64,
) -> Result<ModelOutput, NodeError> {
    build_conditional(first, hidden, last, activation, output, 0, seed)
}

/// An initialised MLP `first → hidden… → last`; with `classes`, the one-hot label is joined to
/// its input (a conditional model).
fn build_conditional(
    first: usize,
    hidden: &str,
    last: usize,
    activation: &ActivationInputs,
    output: OutputActivation,
    classes: usize,
    seed: u64,
) -> Result<ModelOutput, NodeError> {
    let mut sizes = vec![first];
    sizes.extend(widths(hidden)?);
    sizes.push(last);
    let mlp = Mlp::new(sizes, activation.hidden(), output_activation(output))?;
    let model = match classes {
        0 => Network::mlp(&mlp, seed)?,
        _ => Network::new(conditional_mlp(&mlp, classes)?, seed, Init::PyTorch)?,
    };
    Ok(ModelOutput { model })
}

/// `mlp` with the condition joined to its input: `ConcatCondition`, then the first linear
/// layer reading `inputs + classes` features (PyTorch: `torch.cat([x, onehot], 1)` first).
fn conditional_mlp(mlp: &Mlp, classes: usize) -> Result<Sequential, comfy_core::Error> {
    let plain = mlp.to_sequential()?;
    let mut layers = vec![Layer::ConcatCondition { channels: classes }];
    for (i, layer) in plain.layers().iter().enumerate() {
        match *layer {
            Layer::Linear {
                in_features,
                out_features,
                bias,
            } if i == 0 => layers.push(Layer::Linear {
                in_features: in_features + classes,
                out_features,
                bias,
            }),
            other => layers.push(other),
        }
    }
    Sequential::new(plain.input(), layers)
}

/// A model, ready to train or run.
#[derive(NodeOutputs)]
pub struct ModelOutput {
    /// The architecture with its parameters.
    pub model: Network,
}

/// The inputs of [`GeneratorNode`].
#[derive(NodeInputs)]
pub struct GeneratorInputs {
    /// Width of the latent vector z.
    #[port(default = 100, min = 1, max = 65536)]
    pub latent_dim: usize,
    /// Pixels per image (28×28 = 784).
    #[port(default = 784, min = 1, max = 1 << 20)]
    pub output_size: usize,
    /// Hidden layer widths, comma-separated.
    #[port(default = "256, 512, 1024")]
    pub hidden: String,
    #[port(flatten)]
    pub activation: ActivationInputs,
    /// The last layer's activation.
    #[port(default = "tanh")]
    pub output_activation: OutputActivation,
    /// Classes of a conditional generator (10 for digits): the one-hot label is joined to z; 0 for none.
    #[port(default = 0, max = 1000)]
    pub classes: usize,
    /// Seed of the weight initialisation.
    #[port(default = 0)]
    pub seed: u64,
}

/// The generator: latent `z` → hidden layers → an image (tanh by default).
#[derive(Default)]
pub struct GeneratorNode;

impl Node for GeneratorNode {
    type Inputs = GeneratorInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("MlpGenerator", "model")
            .display_name("MLP Generator")
            .description("An MLP generator, initialised as PyTorch's nn.Linear. Defaults: z 100 → 256 → 512 → 1024 → 784, LeakyReLU(0.2), Tanh.")
    }

    fn execute(&self, i: GeneratorInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        build(
            i.latent_dim,
            &i.hidden,
            i.output_size,
            &i.activation,
            i.output_activation,
            i.seed,
        )
    }
}

/// The inputs of [`DiscriminatorNode`].
#[derive(NodeInputs)]
pub struct DiscriminatorInputs {
    /// Pixels per image (28×28 = 784).
    #[port(default = 784, min = 1, max = 1 << 20)]
    pub input_size: usize,
    /// Hidden layer widths, comma-separated.
    #[port(default = "512, 256")]
    pub hidden: String,
    #[port(flatten)]
    pub activation: ActivationInputs,
    /// The last layer's activation (identity: the logit BCE expects).
    #[port(default = "identity")]
    pub output_activation: OutputActivation,
    /// Classes of a conditional discriminator (as its generator's): the one-hot label is joined to the image; 0 for none.
    #[port(default = 0, max = 1000)]
    pub classes: usize,
    /// Seed of the weight initialisation.
    #[port(default = 0)]
    pub seed: u64,
}

/// The discriminator: an image → hidden layers → one logit.
#[derive(Default)]
pub struct DiscriminatorNode;

impl Node for DiscriminatorNode {
    type Inputs = DiscriminatorInputs;
    type Outputs = ModelOutput;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("MlpDiscriminator", "model")
            .display_name("MLP Discriminator")
            .description(
                "An MLP discriminator that outputs one logit per image. Defaults: 784 → 512 → 256 → 1, LeakyReLU(0.2).",
            )
    }

    fn execute(&self, i: DiscriminatorInputs, _ctx: &mut Context) -> Result<ModelOutput, NodeError> {
        build_conditional(
            i.input_size,
            &i.hidden,
            1,
            &i.activation,
            i.output_activation,
            i.classes,
            i.seed,
        )
    }
}
