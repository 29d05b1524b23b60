//! Checking a graph against a registry before anything runs, collecting every problem.
use super::cycles::cycles;
use super::error::{ValidationError, ValidationErrors};
use super::plan::dependencies;
use super::{Graph, GraphNode, InputValue, Link, MAX_NODES};
use crate::port::InputPort;
use crate::registry::Registry;

impl Graph {
    /// Checks the graph against `registry` and reports every problem at once, each naming its
    /// node and input: unknown node types, unknown or missing inputs, literals of the wrong
    /// type, out of range or not among the choices, links to missing nodes or outputs, links
    /// whose types do not match, cycles, a graph without output nodes or with more than
    /// [`MAX_NODES`] nodes.
    pub fn validate(&self, registry: &Registry) -> Result<(), ValidationErrors> {
        validate(self, registry, true)
    }
}

/// [`Graph::validate`], with the output-node requirement optional (a run with explicit
/// targets does not need one).
pub(crate) fn validate(graph: &Graph, registry: &Registry, require_output: bool) -> Result<(), ValidationErrors> {
    if graph.len() > MAX_NODES {
        return Err(ValidationErrors(vec![ValidationError::TooManyNodes {
            count: graph.len(),
            limit: MAX_NODES,
        }]));
    }
    let mut errors = Vec::new();
    for node in graph.nodes() {
        check_node(graph, registry, node, &mut errors);
    }
    for cycle in cycles(&dependencies(graph)) {
        let nodes = cycle.into_iter().map(|i| graph.nodes()[i].id().clone()).collect();
        errors.push(ValidationError::Cycle { nodes });
    }
    // With unknown node types, a missing output node is most likely one of them.
    let all_known = graph.nodes().iter().all(|n| registry.contains(n.class_type()));
    if require_output && all_known && !has_output_node(graph, registry) {
        errors.push(ValidationError::NoOutputNode);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

fn has_output_node(graph: &Graph, registry: &Registry) -> bool {
    graph
        .nodes()
        .iter()
        .any(|n| registry.schema(n.class_type()).is_some_and(|s| s.is_output_node()))
}

/// Links from nodes that are not in the graph (checked whatever the node's type).
fn check_sources(graph: &Graph, node: &GraphNode, errors: &mut Vec<ValidationError>) {
    for (input, link) in node.links() {
        if graph.node(&link.node).is_none() {
            errors.push(ValidationError::MissingSource {
                node: node.id().clone(),
                input: input.to_string(),
                from: link.node.clone(),
            });
        }
    }
}

fn check_node(graph: &Graph, registry: &Registry, node: &GraphNode, errors: &mut Vec<ValidationError>) {
    let id = node.id();
    check_sources(graph, node, errors);
    let Some(entry) = registry.entry(node.class_type()) else {
        errors.push(ValidationError::UnknownNodeType {
            node: id.clone(),
            class_type: node.class_type().to_string(),
        });
        return;
    };
    for error in &entry.problems {
        errors.push(ValidationError::BadSchema {
            node: id.clone(),
            error: error.clone(),
        });
    }
    for (name, value) in node.inputs() {
        match entry.schema.find_input(name) {
            Some(port) => check_input(graph, registry, node, port, value, errors),
            None => errors.push(ValidationError::UnknownInput {
                node: id.clone(),
                class_type: node.class_type().to_string(),
                input: name.clone(),
            }),
        }
    }
    for port in entry.schema.inputs() {
        if port.must_be_given() && node.input(port.name()).is_none() {
            errors.push(ValidationError::MissingInput {
                node: id.clone(),
                input: port.name().to_string(),
            });
        }
    }
}

fn check_input(
    graph: &Graph,
    registry: &Registry,
    node: &GraphNode,
    port: &InputPort,
    value: &InputValue,
    errors: &mut Vec<ValidationError>,
) {
    let error = match value {
        InputValue::Literal(literal) => {
            port.value_from_literal(literal)
                .err()
                .map(|problem| ValidationError::BadValue {
                    node: node.id().clone(),
                    input: port.name().to_string(),
                    problem,
                })
        }
        InputValue::Link(link) => check_link(graph, registry, node, port, link),
    };
    errors.extend(error);
}

/// The output index and type of a link whose source exists (a missing source is reported
/// with the node's other links).
fn check_link(
    graph: &Graph,
    registry: &Registry,
    node: &GraphNode,
    port: &InputPort,
    link: &Link,
) -> Option<ValidationError> {
    let source = graph.node(&link.node)?;
    // An unknown source type is reported at the source.
    let schema = registry.schema(source.class_type())?;
    let Some(output) = schema.outputs().get(link.output) else {
        return Some(ValidationError::BadOutputIndex {
            node: node.id().clone(),
            input: port.name().to_string(),
            from: link.node.clone(),
            output: link.output,
            outputs: schema.outputs().len(),
        });
    };
    if output.port_type().links_to(port.port_type()) {
        return None;
    }
    Some(ValidationError::TypeMismatch {
        node: node.id().clone(),
        input: port.name().to_string(),
        expected: port.port_type(),
        from: link.node.clone(),
        output: link.output,
        found: output.port_type(),
    })
}
