//! The element-wise activations a layer list can apply.
use crate::backend::UnaryOp;
use crate::error::{Error, Result};

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
