//! A small multi-layer perceptron builder with PyTorch's `nn.Sequential` parameter names.
use crate::backend::UnaryOp;
use crate::error::{Error, Result};
use crate::params::{BoundParams, ParamStore};
use crate::random::uniform;
use crate::tape::Var;
use crate::tensor::Tensor;
use rand::Rng;

/// The activation after a layer.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Activation {
    /// No activation (logits).
    Identity,
    /// `max(x, 0)`.
    Relu,
    /// Leaky ReLU with this negative slope.
    LeakyRelu(f32),
    /// The logistic function.
    Sigmoid,
    /// Hyperbolic tangent.
    Tanh,
}

impl Activation {
    /// The element-wise op, or `None` for the identity.
    pub fn op(self) -> Option<UnaryOp> {
        match self {
            Activation::Identity => None,
            Activation::Relu => Some(UnaryOp::Relu),
            Activation::LeakyRelu(s) => Some(UnaryOp::LeakyRelu(s)),
            Activation::Sigmoid => Some(UnaryOp::Sigmoid),
            Activation::Tanh => Some(UnaryOp::Tanh),
        }
    }

    /// Parses `identity`, `relu`, `leaky_relu` (slope 0.2), `leaky_relu:0.1`, `sigmoid`, `tanh`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "activation",
                format!("unknown activation `{s}` (identity, relu, leaky_relu[:slope], sigmoid, tanh)"),
            )
        };
        Ok(match s.trim() {
            "identity" | "none" | "linear" => Activation::Identity,
            "relu" => Activation::Relu,
            "leaky_relu" => Activation::LeakyRelu(0.2),
            "sigmoid" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            other => match other.strip_prefix("leaky_relu:") {
                Some(slope) => Activation::LeakyRelu(slope.parse().map_err(|_| bad())?),
                None => return Err(bad()),
            },
        })
    }
}

/// How weights are drawn at initialisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Init {
    /// PyTorch's `nn.Linear` default: weight and bias uniform in `±1/√fan_in`.
    PyTorch,
    /// Xavier/Glorot uniform weights in `±√(6 / (fan_in + fan_out))`, zero bias.
    XavierUniform,
}

/// A stack of linear layers, `sizes[0] → sizes[1] → … → sizes[n]`, with `hidden` after every
/// layer but the last and `output` after the last.
///
/// Parameters are named as PyTorch's `nn.Sequential(Linear, act, Linear, act, …)` names them:
/// layer `i` owns `{2i}.weight` (`[out, in]`) and `{2i}.bias` (`[out]`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mlp {
    /// Layer widths, input first.
    pub sizes: Vec<usize>,
    /// Activation between layers.
    pub hidden: Activation,
    /// Activation after the last layer.
    pub output: Activation,
}

impl Mlp {
    /// Checks the widths (at least two, none zero).
    pub fn new(sizes: Vec<usize>, hidden: Activation, output: Activation) -> Result<Self> {
        if sizes.len() < 2 || sizes.contains(&0) {
            return Err(Error::invalid(
                "mlp",
                format!("widths {sizes:?} need at least an input and an output, none zero"),
            ));
        }
        Ok(Mlp { sizes, hidden, output })
    }

    /// Width of the input.
    pub fn input_size(&self) -> usize {
        self.sizes[0]
    }

    /// Width of the output.
    pub fn output_size(&self) -> usize {
        self.sizes[self.sizes.len() - 1]
    }

    /// Number of linear layers.
    pub fn num_layers(&self) -> usize {
        self.sizes.len() - 1
    }

    /// The parameter names of layer `i`: (`{2i}.weight`, `{2i}.bias`).
    pub fn layer_names(i: usize) -> (String, String) {
        (format!("{}.weight", 2 * i), format!("{}.bias", 2 * i))
    }

    /// Fresh parameters drawn from `rng`.
    pub fn init(&self, rng: &mut impl Rng, init: Init) -> Result<ParamStore> {
        let mut store = ParamStore::new();
        for (i, pair) in self.sizes.windows(2).enumerate() {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            let (w_name, b_name) = Self::layer_names(i);
            let (w, b) = match init {
                Init::PyTorch => {
                    let bound = 1.0 / (fan_in as f32).sqrt();
                    (
                        uniform(rng, fan_in * fan_out, -bound, bound),
                        uniform(rng, fan_out, -bound, bound),
                    )
                }
                Init::XavierUniform => {
                    let bound = (6.0 / (fan_in + fan_out) as f32).sqrt();
                    (uniform(rng, fan_in * fan_out, -bound, bound), vec![0.0; fan_out])
                }
            };
            store.insert(w_name, Tensor::from_vec(w, [fan_out, fan_in])?);
            store.insert(b_name, Tensor::from_vec(b, [fan_out])?);
        }
        Ok(store)
    }

    /// Runs the network on a batch `x` of shape `[batch, sizes[0]]`.
    pub fn forward<'t>(&self, params: &BoundParams<'t>, x: Var<'t>) -> Result<Var<'t>> {
        let (_, cols) = x.shape().rows_cols();
        if cols != self.input_size() {
            return Err(Error::invalid(
                "mlp",
                format!("input has {cols} features, the network expects {}", self.input_size()),
            ));
        }
        let mut h = x;
        for i in 0..self.num_layers() {
            let (w, b) = Self::layer_names(i);
            let act = if i + 1 == self.num_layers() {
                self.output
            } else {
                self.hidden
            };
            h = h.linear(params.get(&w)?, Some(params.get(&b)?), act.op())?;
        }
        Ok(h)
    }
}
