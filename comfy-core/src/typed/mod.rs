//! Typed node ports: a node declares each input once, as a field of a struct deriving
//! [`NodeInputs`](macro@crate::NodeInputs), and each output as a field of one deriving
//! [`NodeOutputs`](macro@crate::NodeOutputs). The field's name is the port's name, its type
//! the port's type ([`FromInput`], [`IntoOutput`]), its `#[port(...)]` attribute the default,
//! range and step, and its doc comment the tooltip. The engine validates a graph against the
//! ports these declare and hands `execute` the struct, so a misspelt port does not compile:
//!
//! ```compile_fail
//! use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs};
//!
//! #[derive(NodeInputs)]
//! struct TrainInputs {
//!     #[port(default = 10, min = 1)]
//!     epochs: u32,
//! }
//!
//! #[derive(NodeOutputs)]
//! struct Done {
//!     steps: i64,
//! }
//!
//! #[derive(Default)]
//! struct Train;
//!
//! impl Node for Train {
//!     type Inputs = TrainInputs;
//!     type Outputs = Done;
//!     fn info(&self) -> NodeInfo {
//!         NodeInfo::new("Train", "demo")
//!     }
//!     fn execute(&self, inputs: TrainInputs, _ctx: &mut Context) -> Result<Done, NodeError> {
//!         Ok(Done { steps: inputs.epocs as i64 * 100 }) // no port `epocs`: does not compile
//!     }
//! }
//! ```
//!
//! What the compiler cannot see is checked when the node is registered
//! ([`NodeSchema::check`](crate::NodeSchema::check)): a default or range the field's type cannot
//! hold (`#[port(default = -1)]` on a `u32`), a default outside the range, a choice default
//! that is not a choice.
mod from_input;
mod into_output;
mod paths;

pub use from_input::FromInput;
pub use into_output::IntoOutput;
pub use paths::{ReadPath, WritePath};

use crate::files::FilePolicy;
use crate::inputs::{Inputs, Outputs};
use crate::node_error::NodeError;
use crate::port::{InputPort, OutputPort, ValueProblem};
use crate::value::Value;

/// A node's inputs as one struct: derive it with `#[derive(NodeInputs)]`.
pub trait NodeInputs: Sized {
    /// The input ports, in field order.
    fn ports() -> Vec<InputPort>;
    /// The struct from the resolved inputs (every given input, defaults for the rest), paths
    /// resolved through `files`.
    fn read(inputs: &Inputs, files: &dyn FilePolicy) -> Result<Self, NodeError>;
}

/// A node's outputs as one struct: derive it with `#[derive(NodeOutputs)]`.
pub trait NodeOutputs {
    /// The output ports, in field order.
    fn ports() -> Vec<OutputPort>;
    /// The values, in port order.
    fn into_outputs(self) -> Outputs;
}

/// No inputs.
impl NodeInputs for () {
    fn ports() -> Vec<InputPort> {
        Vec::new()
    }
    fn read(_: &Inputs, _: &dyn FilePolicy) -> Result<Self, NodeError> {
        Ok(())
    }
}

/// No outputs (a node that only writes files, say).
impl NodeOutputs for () {
    fn ports() -> Vec<OutputPort> {
        Vec::new()
    }
    fn into_outputs(self) -> Outputs {
        Outputs::new()
    }
}

/// An enum of unit variants used as a drop-down input: derive it with `#[derive(PortChoice)]`
/// (variant names in snake case, or `#[choice("0..1")]`).
pub trait PortChoice: Sized + 'static {
    /// Every variant's name, in order.
    const NAMES: &'static [&'static str];
    /// The variant called `name`.
    fn from_name(name: &str) -> Option<Self>;
    /// This variant's name.
    fn name(&self) -> &'static str;
}

/// The port of a field of type `F` called `name` (used by the derive).
#[doc(hidden)]
pub fn port<F: FromInput>(name: &str) -> InputPort {
    let mut port = InputPort::new(name, F::port_type());
    if F::optional() {
        port = port.optional();
    }
    let choices = F::choices();
    if !choices.is_empty() {
        port = port.with_choices(choices);
    }
    if let Some((min, max)) = F::bounds() {
        port = port.with_type_bounds(min, max);
    }
    port
}

/// The field `name` of type `F` from the resolved inputs (used by the derive).
#[doc(hidden)]
pub fn read<F: FromInput>(inputs: &Inputs, name: &str, files: &dyn FilePolicy) -> Result<F, NodeError> {
    F::from_input(inputs.get(name), files).map_err(|problem| match problem {
        ValueProblem::Missing => NodeError::MissingInput(name.to_string()),
        problem => NodeError::BadInput {
            input: name.to_string(),
            problem,
        },
    })
}

/// The variant of `T` a choice input names (used by the derive).
#[doc(hidden)]
pub fn read_choice<T: PortChoice>(value: Option<&Value>) -> Result<T, ValueProblem> {
    let value = value.ok_or(ValueProblem::Missing)?;
    let text = value.as_str().ok_or(ValueProblem::WrongType {
        expected: crate::port::PortType::String,
        found: value.port_type(),
    })?;
    T::from_name(text).ok_or_else(|| ValueProblem::NotAChoice {
        value: text.to_string(),
        choices: T::NAMES.iter().map(|s| s.to_string()).collect(),
    })
}
