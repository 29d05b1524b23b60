//! The `Node` trait — a node type's typed inputs, outputs and one `execute` — and `DynNode`,
//! the value-level form the engine runs (and that nodes with ports known only at run time
//! implement directly).
use crate::context::Context;
use crate::inputs::{Inputs, Outputs};
use crate::node_error::NodeError;
use crate::schema::{NodeInfo, NodeSchema};
use crate::typed::{NodeInputs, NodeOutputs};

/// A node type: what it is ([`NodeInfo`]), its inputs and outputs as typed structs, and one
/// `execute`.
///
/// ```
/// use comfy_core::{Context, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs};
///
/// #[derive(NodeInputs)]
/// struct AddInputs {
///     /// The first addend.
///     #[port(default = 0)]
///     a: i64,
///     #[port(default = 0, min = -1000, max = 1000)]
///     b: i64,
/// }
///
/// #[derive(NodeOutputs)]
/// struct Sum {
///     sum: i64,
/// }
///
/// /// Adds two integers.
/// #[derive(Default)]
/// struct AddInts;
///
/// impl Node for AddInts {
///     type Inputs = AddInputs;
///     type Outputs = Sum;
///
///     fn info(&self) -> NodeInfo {
///         NodeInfo::new("AddInts", "math").description("a + b")
///     }
///
///     fn execute(&self, inputs: AddInputs, _ctx: &mut Context) -> Result<Sum, NodeError> {
///         Ok(Sum { sum: inputs.a.saturating_add(inputs.b) })
///     }
/// }
///
/// let schema = comfy_core::DynNode::schema(&AddInts);
/// assert_eq!(schema.inputs()[1].name(), "b");
/// assert_eq!(schema.inputs()[0].tooltip_text(), Some("The first addend."));
/// ```
pub trait Node: Send + Sync + 'static {
    /// The input ports, as a struct deriving [`NodeInputs`](macro@crate::NodeInputs).
    type Inputs: NodeInputs;
    /// The output ports, as a struct deriving [`NodeOutputs`](macro@crate::NodeOutputs)
    /// (`()` for none).
    type Outputs: NodeOutputs;

    /// The node's type name, category, texts and flags. Called once, when it is registered.
    fn info(&self) -> NodeInfo;

    /// Runs the node on its inputs (defaults filled in, links resolved, paths resolved through
    /// the run's file policy).
    fn execute(&self, inputs: Self::Inputs, ctx: &mut Context) -> Result<Self::Outputs, NodeError>;
}

/// A node as the engine runs it: a whole schema and an `execute` on values. Every [`Node`] is
/// one; implement it directly only for a node whose ports are decided at run time.
pub trait DynNode: Send + Sync {
    /// The node's type name, ports and flags. Called once, when the node is registered.
    fn schema(&self) -> NodeSchema;

    /// Runs the node on resolved inputs (every given input, plus defaults for the rest),
    /// returning one value per declared output, in order.
    fn execute_values(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError>;
}

impl<N: Node> DynNode for N {
    fn schema(&self) -> NodeSchema {
        NodeSchema::from_info(self.info(), N::Inputs::ports(), N::Outputs::ports())
    }

    fn execute_values(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let files = ctx.files().clone();
        let typed = N::Inputs::read(inputs, files.as_ref())?;
        Ok(Node::execute(self, typed, ctx)?.into_outputs())
    }
}
