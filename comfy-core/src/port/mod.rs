//! Typed ports: what a node declares it takes and gives.
mod input;
mod output;
mod problem;

pub(crate) use input::compare;
pub use input::InputPort;
pub use output::OutputPort;
pub use problem::ValueProblem;

use crate::value::CustomValue;
use std::any::TypeId;
use std::fmt;

/// A custom port type: the Rust type behind it and its display name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CustomType {
    id: TypeId,
    name: &'static str,
}

impl CustomType {
    /// The display name ([`CustomValue::TYPE_NAME`]).
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// The type of a port. Links are checked against it before a graph runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PortType {
    /// `INT`: [`Value::Int`](crate::Value::Int).
    Int,
    /// `FLOAT`: [`Value::Float`](crate::Value::Float) (an integer literal is accepted and converted).
    Float,
    /// `BOOLEAN`: [`Value::Bool`](crate::Value::Bool).
    Bool,
    /// `STRING`: [`Value::String`](crate::Value::String).
    String,
    /// `TENSOR`: [`Value::Tensor`](crate::Value::Tensor).
    Tensor,
    /// `IMAGE`: [`Value::Image`](crate::Value::Image).
    Image,
    /// `*`: anything; links to and from it are checked when the value arrives.
    Any,
    /// A type defined outside comfy-core; see [`PortType::custom`].
    Custom(CustomType),
}

impl PortType {
    /// The port type of a [`CustomValue`].
    pub fn custom<T: CustomValue>() -> Self {
        PortType::Custom(CustomType {
            id: TypeId::of::<T>(),
            name: T::TYPE_NAME,
        })
    }

    /// The name used in schemas and messages (`INT`, `IMAGE`, `*`, `MODEL`…).
    pub fn name(&self) -> &'static str {
        match self {
            PortType::Int => "INT",
            PortType::Float => "FLOAT",
            PortType::Bool => "BOOLEAN",
            PortType::String => "STRING",
            PortType::Tensor => "TENSOR",
            PortType::Image => "IMAGE",
            PortType::Any => "*",
            PortType::Custom(c) => c.name,
        }
    }

    /// Whether an output of type `self` may be linked to an input of type `input`.
    pub fn links_to(self, input: PortType) -> bool {
        self == input || self == PortType::Any || input == PortType::Any
    }

    /// Whether a value of this type can be written literally in a graph.
    pub fn is_literal(self) -> bool {
        matches!(
            self,
            PortType::Int | PortType::Float | PortType::Bool | PortType::String | PortType::Any
        )
    }
}

impl fmt::Display for PortType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
