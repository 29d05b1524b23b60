//! Errors from building, validating and running graphs.
use super::NodeId;
use crate::node_error::NodeError;
use crate::port::{PortType, ValueProblem};
use crate::schema::SchemaError;
use std::fmt;

/// A mistake while building a graph in code.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GraphError {
    /// No node has this id.
    #[error("no node {0}")]
    UnknownNode(NodeId),
    /// A node with this id exists already.
    #[error("node {0} exists already")]
    DuplicateNode(NodeId),
    /// Node ids cannot be empty.
    #[error("a node id cannot be empty")]
    EmptyId,
    /// A NaN or infinite float literal.
    #[error("node {node}, input {input:?}: NaN and infinities cannot be written in a graph")]
    NonFinite {
        /// The node.
        node: NodeId,
        /// The input.
        input: String,
    },
}

/// One problem found by [`Graph::validate`](super::Graph::validate), naming the node and
/// input it concerns.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValidationError {
    /// The graph holds more than [`MAX_NODES`](super::MAX_NODES) nodes.
    #[error("the graph has {count} nodes; at most {limit} are allowed")]
    TooManyNodes {
        /// Nodes in the graph.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// No node is an output node, so running would do nothing.
    #[error("the graph has no output node, so there is nothing to run")]
    NoOutputNode,
    /// The node's type is not registered.
    #[error("node {node}: unknown node type {class_type:?}")]
    UnknownNodeType {
        /// The node.
        node: NodeId,
        /// Its type name.
        class_type: String,
    },
    /// The node type's schema is inconsistent (a bug in its node pack).
    #[error("node {node}: {error}")]
    BadSchema {
        /// The node.
        node: NodeId,
        /// The schema's mistake.
        error: SchemaError,
    },
    /// An input the node type does not declare.
    #[error("node {node}: {class_type} has no input {input:?}")]
    UnknownInput {
        /// The node.
        node: NodeId,
        /// Its type name.
        class_type: String,
        /// The input.
        input: String,
    },
    /// A required input without a default is not set.
    #[error("node {node}, input {input:?}: required input is missing")]
    MissingInput {
        /// The node.
        node: NodeId,
        /// The input.
        input: String,
    },
    /// A literal that does not fit its input (type, range, choices).
    #[error("node {node}, input {input:?}: {problem}")]
    BadValue {
        /// The node.
        node: NodeId,
        /// The input.
        input: String,
        /// What is wrong.
        problem: ValueProblem,
    },
    /// A link from a node that is not in the graph.
    #[error("node {node}, input {input:?}: linked to node {from}, which does not exist")]
    MissingSource {
        /// The node.
        node: NodeId,
        /// The input.
        input: String,
        /// The missing source node.
        from: NodeId,
    },
    /// A link from an output index the source node does not have.
    #[error("node {node}, input {input:?}: linked to output {output} of node {from}, which has {outputs} output(s)")]
    BadOutputIndex {
        /// The node.
        node: NodeId,
        /// The input.
        input: String,
        /// The source node.
        from: NodeId,
        /// The output index asked for.
        output: usize,
        /// How many outputs the source has.
        outputs: usize,
    },
    /// A link whose source output type does not fit the input.
    #[error("node {node}, input {input:?}: expects {expected}, but output {output} of node {from} is {found}")]
    TypeMismatch {
        /// The node.
        node: NodeId,
        /// The input.
        input: String,
        /// The input's type.
        expected: PortType,
        /// The source node.
        from: NodeId,
        /// The source output.
        output: usize,
        /// The source output's type.
        found: PortType,
    },
    /// Nodes that depend on each other in a loop (listed in graph order).
    #[error("nodes {} form a cycle", list(.nodes))]
    Cycle {
        /// The nodes on the cycle.
        nodes: Vec<NodeId>,
    },
}

fn list(nodes: &[NodeId]) -> String {
    nodes.iter().map(NodeId::as_str).collect::<Vec<_>>().join(", ")
}

impl ValidationError {
    /// The node the problem is about (`None` for whole-graph problems; the first node of a
    /// cycle).
    pub fn node(&self) -> Option<&NodeId> {
        use ValidationError::*;
        match self {
            TooManyNodes { .. } | NoOutputNode => None,
            Cycle { nodes } => nodes.first(),
            UnknownNodeType { node, .. } | BadSchema { node, .. } | UnknownInput { node, .. } => Some(node),
            MissingInput { node, .. } | BadValue { node, .. } | MissingSource { node, .. } => Some(node),
            BadOutputIndex { node, .. } | TypeMismatch { node, .. } => Some(node),
        }
    }

    /// The input the problem is about, if it is about one.
    pub fn input(&self) -> Option<&str> {
        use ValidationError::*;
        match self {
            UnknownInput { input, .. } | MissingInput { input, .. } | BadValue { input, .. } => Some(input),
            MissingSource { input, .. } | BadOutputIndex { input, .. } | TypeMismatch { input, .. } => Some(input),
            _ => None,
        }
    }
}

/// Every problem [`Graph::validate`](super::Graph::validate) found (never empty).
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationErrors(pub(crate) Vec<ValidationError>);

impl ValidationErrors {
    /// The problems, in graph order.
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: validation fails with at least one problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, one per item.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One problem per line.
impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} problem{}:", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Why a run did not complete. (A cancelled run is not an error: see
/// [`RunStatus::Cancelled`](super::RunStatus::Cancelled).)
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The graph did not pass validation; nothing ran.
    #[error("invalid graph: {0}")]
    Invalid(ValidationErrors),
    /// A node asked for as a target is not in the graph.
    #[error("target node {0} is not in the graph")]
    UnknownTarget(NodeId),
    /// A node failed; the run stopped there.
    #[error("node {node} ({class_type}) failed: {error}")]
    NodeFailed {
        /// The node.
        node: NodeId,
        /// Its type name.
        class_type: String,
        /// The node's error (boxed to keep `Result<_, RunError>` small).
        #[source]
        error: Box<NodeError>,
    },
}
