//! `Graph`: node instances (a type name plus input values) and the links between them.
//!
//! A graph knows nothing of the registry: any type name and any input may be written into it.
//! [`Graph::validate`] checks it against a [`Registry`](crate::Registry), reporting every
//! problem at once, and an [`Executor`] runs it.
mod cache;
mod cycles;
mod error;
mod execute;
mod plan;
mod report;
mod validate;

pub use error::{GraphError, RunError, ValidationError, ValidationErrors};
pub use execute::Executor;
pub use report::{RunOptions, RunReport, RunStatus};

pub use crate::node_id::NodeId;
use crate::value::Literal;
use std::collections::{BTreeMap, HashMap};

/// The most nodes a graph may hold; larger graphs are refused by validation and by the
/// workflow loader (before they are built).
pub const MAX_NODES: usize = 10_000;

/// A link from output `output` (0-based) of node `node`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Link {
    /// The source node.
    pub node: NodeId,
    /// The index of the source node's output.
    pub output: usize,
}

/// What an input of a graph node is set to.
#[derive(Clone, Debug, PartialEq)]
pub enum InputValue {
    /// A value written in the graph.
    Literal(Literal),
    /// Another node's output.
    Link(Link),
}

/// One node of a graph: its type, its inputs, and an optional title.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    id: NodeId,
    class_type: String,
    inputs: BTreeMap<String, InputValue>,
    title: Option<String>,
}

impl GraphNode {
    /// The id.
    pub fn id(&self) -> &NodeId {
        &self.id
    }

    /// The node type's name.
    pub fn class_type(&self) -> &str {
        &self.class_type
    }

    /// The inputs that are set, by name.
    pub fn inputs(&self) -> &BTreeMap<String, InputValue> {
        &self.inputs
    }

    /// The input `name`, if set.
    pub fn input(&self, name: &str) -> Option<&InputValue> {
        self.inputs.get(name)
    }

    /// The links into this node: `(input name, link)`.
    pub fn links(&self) -> impl Iterator<Item = (&str, &Link)> {
        self.inputs.iter().filter_map(|(name, v)| match v {
            InputValue::Link(l) => Some((name.as_str(), l)),
            InputValue::Literal(_) => None,
        })
    }

    /// The title a UI shows (ComfyUI's `_meta.title`).
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
}

/// A graph of nodes, in insertion order.
///
/// ```
/// use comfy_core::Graph;
/// let mut g = Graph::new();
/// let a = g.add("IntConstant");
/// g.set(&a, "value", 3).unwrap();
/// let b = g.add("AddInts");
/// g.connect(&a, 0, &b, "a").unwrap();
/// assert_eq!(g.len(), 2);
/// assert_eq!(b.as_str(), "2");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<GraphNode>,
    index: HashMap<NodeId, usize>,
    next_id: u64,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Graph {
            next_id: 1,
            ..Self::default()
        }
    }

    /// Adds a node of type `class_type` with a fresh numeric id, which it returns.
    pub fn add(&mut self, class_type: impl Into<String>) -> NodeId {
        let mut n = self.next_id.max(1);
        while self.index.contains_key(&NodeId::from(n.to_string())) {
            n += 1;
        }
        let id = NodeId::from(n.to_string());
        self.push(id.clone(), class_type.into());
        id
    }

    /// Adds a node with a chosen id (as a workflow file names it).
    pub fn add_with_id(&mut self, id: NodeId, class_type: impl Into<String>) -> Result<(), GraphError> {
        if id.as_str().is_empty() {
            return Err(GraphError::EmptyId);
        }
        if self.index.contains_key(&id) {
            return Err(GraphError::DuplicateNode(id));
        }
        self.push(id, class_type.into());
        Ok(())
    }

    fn push(&mut self, id: NodeId, class_type: String) {
        if let Ok(n) = id.as_str().parse::<u64>() {
            self.next_id = self.next_id.max(n.saturating_add(1));
        }
        self.index.insert(id.clone(), self.nodes.len());
        self.nodes.push(GraphNode {
            id,
            class_type,
            inputs: BTreeMap::new(),
            title: None,
        });
    }

    fn node_mut(&mut self, id: &NodeId) -> Result<&mut GraphNode, GraphError> {
        let i = *self.index.get(id).ok_or_else(|| GraphError::UnknownNode(id.clone()))?;
        Ok(&mut self.nodes[i])
    }

    /// Sets input `name` of node `id` to a literal (a widget value). NaN and infinities are
    /// refused, since no workflow file could hold them.
    pub fn set(&mut self, id: &NodeId, name: &str, value: impl Into<Literal>) -> Result<(), GraphError> {
        self.set_input(id, name, InputValue::Literal(value.into()))
    }

    /// Links output `output` of node `from` to input `input` of node `to`. The source need
    /// not exist yet; validation reports it if it never does.
    pub fn connect(&mut self, from: &NodeId, output: usize, to: &NodeId, input: &str) -> Result<(), GraphError> {
        let link = Link {
            node: from.clone(),
            output,
        };
        self.set_input(to, input, InputValue::Link(link))
    }

    /// Sets input `name` of node `id` to a literal or a link.
    pub fn set_input(&mut self, id: &NodeId, name: &str, value: InputValue) -> Result<(), GraphError> {
        if let InputValue::Literal(Literal::Float(v)) = &value {
            if !v.is_finite() {
                return Err(GraphError::NonFinite {
                    node: id.clone(),
                    input: name.to_string(),
                });
            }
        }
        self.node_mut(id)?.inputs.insert(name.to_string(), value);
        Ok(())
    }

    /// Clears input `name` of node `id` (its default applies again), returning what it held.
    pub fn unset(&mut self, id: &NodeId, name: &str) -> Result<Option<InputValue>, GraphError> {
        Ok(self.node_mut(id)?.inputs.remove(name))
    }

    /// Sets the title a UI shows for node `id`.
    pub fn set_title(&mut self, id: &NodeId, title: impl Into<String>) -> Result<(), GraphError> {
        self.node_mut(id)?.title = Some(title.into());
        Ok(())
    }

    /// The node `id`.
    pub fn node(&self, id: &NodeId) -> Option<&GraphNode> {
        self.index.get(id).map(|&i| &self.nodes[i])
    }

    /// Every node, in insertion order.
    pub fn nodes(&self) -> &[GraphNode] {
        &self.nodes
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The position of node `id` in insertion order.
    pub(crate) fn position(&self, id: &NodeId) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// Graphs are equal when they hold the same nodes, in the same order, with the same inputs.
impl PartialEq for Graph {
    fn eq(&self, other: &Self) -> bool {
        self.nodes == other.nodes
    }
}
