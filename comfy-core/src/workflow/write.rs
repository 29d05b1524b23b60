//! Writing a workflow: [`Graph`] → JSON text, nodes in graph order.
use super::WorkflowError;
use crate::graph::{Graph, GraphNode, InputValue};
use crate::schema_json::literal_json;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value as Json};

pub(super) fn to_json(graph: &Graph) -> Result<String, WorkflowError> {
    serde_json::to_string_pretty(&Nodes(graph)).map_err(WorkflowError::Serialize)
}

/// The top-level object, written entry by entry so that node order is kept.
struct Nodes<'a>(&'a Graph);

impl Serialize for Nodes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for node in self.0.nodes() {
            map.serialize_entry(node.id().as_str(), &NodeOut::from(node))?;
        }
        map.end()
    }
}

/// One node, fields in the order ComfyUI writes them.
#[derive(serde::Serialize)]
struct NodeOut<'a> {
    inputs: Map<String, Json>,
    class_type: &'a str,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    meta: Option<Json>,
}

impl<'a> From<&'a GraphNode> for NodeOut<'a> {
    fn from(node: &'a GraphNode) -> Self {
        let inputs = node
            .inputs()
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    InputValue::Literal(l) => literal_json(l),
                    InputValue::Link(link) => json!([link.node.as_str(), link.output]),
                };
                (name.clone(), value)
            })
            .collect();
        NodeOut {
            inputs,
            class_type: node.class_type(),
            meta: node.title().map(|title| json!({ "title": title })),
        }
    }
}
