//! `Registry`: the node types a graph may use, by type name.
use crate::node::DynNode;
use crate::schema::{NodeSchema, SchemaError};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A registered node type: the node, its schema (read once) and the schema's mistakes.
pub(crate) struct Entry {
    pub(crate) node: Arc<dyn DynNode>,
    pub(crate) schema: NodeSchema,
    pub(crate) problems: Vec<SchemaError>,
}

/// The node types available to graphs. Node packs register into it with one function each
/// (`comfy_nodes::register_all(&mut registry)`); there is no global registry.
///
/// ```
/// # use comfy_core::{Context, Node, NodeError, NodeInfo, NodeOutputs};
/// # #[derive(NodeOutputs)] struct Out { value: i64 }
/// # #[derive(Default)] struct Answer;
/// # impl Node for Answer {
/// #     type Inputs = ();
/// #     type Outputs = Out;
/// #     fn info(&self) -> NodeInfo { NodeInfo::new("Answer", "demo") }
/// #     fn execute(&self, _: (), _: &mut Context) -> Result<Out, NodeError> { Ok(Out { value: 42 }) }
/// # }
/// use comfy_core::Registry;
/// let mut registry = Registry::new();
/// registry.register::<Answer>();
/// assert!(registry.contains("Answer"));
/// assert_eq!(registry.schema_json()["Answer"]["output"][0], "INT");
/// ```
#[derive(Default)]
pub struct Registry {
    entries: BTreeMap<String, Entry>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the node type `N` (made with `N::default()`). Mistakes in its schema (see
    /// [`NodeSchema::check`]) are kept: a graph that uses the node is refused with them, and
    /// [`Registry::check`] lists them.
    pub fn register<N: DynNode + Default + 'static>(&mut self) -> &mut Self {
        self.register_node(N::default())
    }

    /// Registers a node instance: useful for nodes built with configuration or shared state.
    /// A type name registered before is replaced, so a pack can override a built-in node.
    pub fn register_node(&mut self, node: impl DynNode + 'static) -> &mut Self {
        let schema = node.schema();
        let problems = schema.check();
        let entry = Entry {
            node: Arc::new(node),
            schema,
            problems,
        };
        self.entries.insert(entry.schema.type_name().to_string(), entry);
        self
    }

    pub(crate) fn entry(&self, type_name: &str) -> Option<&Entry> {
        self.entries.get(type_name)
    }

    /// Whether `type_name` is registered.
    pub fn contains(&self, type_name: &str) -> bool {
        self.entries.contains_key(type_name)
    }

    /// The schema of `type_name`.
    pub fn schema(&self, type_name: &str) -> Option<&NodeSchema> {
        self.entries.get(type_name).map(|e| &e.schema)
    }

    /// Every schema, by type name.
    pub fn schemas(&self) -> impl Iterator<Item = &NodeSchema> {
        self.entries.values().map(|e| &e.schema)
    }

    /// Number of node types.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no node type is registered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every mistake in every registered schema (for a node pack's own tests).
    pub fn check(&self) -> Result<(), Vec<SchemaError>> {
        let problems: Vec<SchemaError> = self.entries.values().flat_map(|e| e.problems.clone()).collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.entries.keys()).finish()
    }
}
