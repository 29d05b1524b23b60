//! A small multi-layer perceptron builder with PyTorch's `nn.Sequential` parameter names.
use super::activation::Activation;
use super::init::{linear_params, Init};
use super::layer::{Layer, Sample};
use super::sequential::Sequential;
use crate::error::{Error, Result};
use crate::params::{BoundParams, ParamStore};
use crate::tape::Var;
use crate::tensor::Tensor;
use rand::Rng;

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
            let (w, b) = linear_params(rng, fan_in, fan_out, init);
            store.insert(w_name, Tensor::from_vec(w, [fan_out, fan_in])?);
            store.insert(b_name, Tensor::from_vec(b, [fan_out])?);
        }
        Ok(store)
    }

    /// The same network as a layer list (`Linear`, activation, `Linear`, …, with the output
    /// activation last unless it is the identity): same parameter names, and from the same
    /// generator the same initial values and the same outputs, bit for bit.
    pub fn to_sequential(&self) -> Result<Sequential> {
        let mut layers = Vec::new();
        for (i, pair) in self.sizes.windows(2).enumerate() {
            layers.push(Layer::Linear {
                in_features: pair[0],
                out_features: pair[1],
                bias: true,
            });
            let act = if i + 2 == self.sizes.len() {
                self.output
            } else {
                self.hidden
            };
            if i + 2 < self.sizes.len() || act != Activation::Identity {
                layers.push(Layer::Act { function: act });
            }
        }
        Sequential::new(Sample::Features(self.input_size()), layers)
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
