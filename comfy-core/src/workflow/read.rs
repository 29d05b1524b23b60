//! Reading a workflow: JSON text → [`Graph`], refusing every malformed shape precisely.
use super::{InputProblem, WorkflowError, MAX_INPUTS_PER_NODE, MAX_NESTING_DEPTH};
use crate::graph::{Graph, InputValue, Link, NodeId, MAX_NODES};
use crate::value::Literal;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};
use std::collections::HashSet;
use std::fmt;

/// The fields a node may have.
const NODE_FIELDS: [&str; 3] = ["class_type", "inputs", "_meta"];

pub(super) fn parse(text: &str) -> Result<Graph, WorkflowError> {
    let top: TopLevel = serde_json::from_str(text).map_err(|e| {
        // serde_json stops at its recursion limit with this message (and no other error kind).
        if e.to_string().starts_with("recursion limit exceeded") {
            WorkflowError::TooDeep {
                limit: MAX_NESTING_DEPTH,
                line: e.line(),
                column: e.column(),
            }
        } else {
            WorkflowError::Syntax(e)
        }
    })?;
    let nodes = match top {
        TopLevel::Nodes(nodes) => nodes,
        TopLevel::Other(found) => return Err(WorkflowError::NotAnObject { found }),
        TopLevel::TooMany(count) => {
            return Err(WorkflowError::TooManyNodes {
                count,
                limit: MAX_NODES,
            })
        }
        TopLevel::Duplicate(id) => return Err(WorkflowError::DuplicateNode(id)),
    };
    let mut graph = Graph::new();
    for (id, node) in nodes {
        add_node(&mut graph, id, node)?;
    }
    Ok(graph)
}

/// The document, read with node order kept. Beyond [`MAX_NODES`] nodes are skipped unparsed
/// and only counted.
enum TopLevel {
    Nodes(Vec<(String, Json)>),
    Other(&'static str),
    TooMany(usize),
    Duplicate(String),
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object mapping node ids to nodes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut nodes = Vec::new();
        let mut seen = HashSet::new();
        let mut count = 0usize;
        let mut duplicate = None;
        while let Some(id) = map.next_key::<String>()? {
            count += 1;
            if count > MAX_NODES || duplicate.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if !seen.insert(id.clone()) {
                duplicate = Some(id);
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            nodes.push((id, map.next_value::<Json>()?));
        }
        Ok(match duplicate {
            _ if count > MAX_NODES => TopLevel::TooMany(count),
            Some(id) => TopLevel::Duplicate(id),
            None => TopLevel::Nodes(nodes),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TopLevel::Other("an array"))
    }

    fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a string"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_unit<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("null"))
    }
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopLevelVisitor)
    }
}

/// `"an object"`, `"a string"`… for messages.
fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn add_node(graph: &mut Graph, id: String, node: Json) -> Result<(), WorkflowError> {
    let Json::Object(fields) = node else {
        // ComfyUI's UI format (as opposed to its API format) has these top-level keys.
        let ui = matches!(id.as_str(), "nodes" | "links" | "version" | "last_node_id" | "groups");
        let hint = if ui {
            " (this looks like a ComfyUI UI workflow; export it with \"Save (API)\")"
        } else {
            ""
        };
        return Err(WorkflowError::NodeNotObject {
            found: kind(&node),
            node: id,
            hint,
        });
    };
    if let Some(field) = fields.keys().find(|k| !NODE_FIELDS.contains(&k.as_str())) {
        return Err(WorkflowError::UnknownField {
            node: id,
            field: field.clone(),
        });
    }
    let class_type = match fields.get("class_type") {
        Some(Json::String(s)) => s.clone(),
        Some(other) => return Err(field_type(&id, "class_type", "a string", other)),
        None => return Err(WorkflowError::MissingClassType { node: id }),
    };
    let node_id = NodeId::from(id.as_str());
    graph.add_with_id(node_id.clone(), class_type)?;
    if let Some(title) = read_title(&id, fields.get("_meta"))? {
        graph.set_title(&node_id, title)?;
    }
    for (name, value) in read_inputs(&id, fields.get("inputs"))? {
        graph.set_input(&node_id, &name, value)?;
    }
    Ok(())
}

fn field_type(node: &str, field: &str, expected: &'static str, found: &Json) -> WorkflowError {
    WorkflowError::FieldType {
        node: node.to_string(),
        field: field.to_string(),
        expected,
        found: kind(found),
    }
}

/// `_meta`: an object whose only field is an optional string `title`.
fn read_title(node: &str, meta: Option<&Json>) -> Result<Option<String>, WorkflowError> {
    let meta = match meta {
        None => return Ok(None),
        Some(Json::Object(m)) => m,
        Some(other) => return Err(field_type(node, "_meta", "an object", other)),
    };
    if let Some(field) = meta.keys().find(|k| k.as_str() != "title") {
        return Err(WorkflowError::UnknownField {
            node: node.to_string(),
            field: format!("_meta.{field}"),
        });
    }
    match meta.get("title") {
        None => Ok(None),
        Some(Json::String(t)) => Ok(Some(t.clone())),
        Some(other) => Err(field_type(node, "_meta.title", "a string", other)),
    }
}

fn read_inputs(node: &str, inputs: Option<&Json>) -> Result<Vec<(String, InputValue)>, WorkflowError> {
    let inputs: &Map<String, Json> = match inputs {
        None => return Ok(Vec::new()),
        Some(Json::Object(m)) => m,
        Some(other) => return Err(field_type(node, "inputs", "an object", other)),
    };
    if inputs.len() > MAX_INPUTS_PER_NODE {
        return Err(WorkflowError::TooManyInputs {
            node: node.to_string(),
            count: inputs.len(),
            limit: MAX_INPUTS_PER_NODE,
        });
    }
    inputs
        .iter()
        .map(|(name, value)| {
            let value = read_input(value).map_err(|problem| WorkflowError::BadInput {
                node: node.to_string(),
                input: name.clone(),
                problem,
            })?;
            Ok((name.clone(), value))
        })
        .collect()
}

fn read_input(value: &Json) -> Result<InputValue, InputProblem> {
    let literal = match value {
        Json::Null => return Err(InputProblem::Null),
        Json::Object(_) => return Err(InputProblem::Object),
        Json::Array(items) => return read_link(items).map(InputValue::Link),
        Json::Bool(b) => Literal::Bool(*b),
        Json::String(s) => Literal::String(s.clone()),
        Json::Number(n) => read_number(n)?,
    };
    Ok(InputValue::Literal(literal))
}

/// An integer when it fits `i64` exactly, else a float; integers beyond `i64` are refused
/// rather than rounded.
fn read_number(n: &serde_json::Number) -> Result<Literal, InputProblem> {
    if let Some(i) = n.as_i64() {
        return Ok(Literal::Int(i));
    }
    match n.as_f64() {
        Some(f) if !n.is_u64() => Ok(Literal::Float(f)),
        _ => Err(InputProblem::IntegerOutOfRange(n.to_string())),
    }
}

/// `["source id", output index]`.
fn read_link(items: &[Json]) -> Result<Link, InputProblem> {
    let shown = || Json::Array(items.to_vec()).to_string();
    let [Json::String(node), Json::Number(index)] = items else {
        return Err(InputProblem::BadLink(shown()));
    };
    let output = index.as_u64().and_then(|i| usize::try_from(i).ok());
    match output {
        Some(output) if !node.is_empty() => Ok(Link {
            node: NodeId::from(node.as_str()),
            output,
        }),
        _ => Err(InputProblem::BadLink(shown())),
    }
}
