//! `POST /prompt`'s body: read, checked against the registry, and turned into a [`Job`], or
//! refused with ComfyUI's error shape naming the node and the input.
use crate::api_error::ApiError;
use crate::object_info::input_spec;
use crate::queue::Job;
use comfy_core::{Graph, NodeId, Registry, ValidationError, ValidationErrors, ValueProblem};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashSet};

/// A prompt posted to the server, before it gets a number.
#[derive(Debug)]
pub struct Posted {
    /// The job, with `number` still to be set by the caller.
    pub job: Job,
    /// `front: true`: run before everything pending.
    pub front: bool,
    /// A number the client chose.
    pub number: Option<i64>,
}

/// Reads and validates a POST /prompt body (already known to be JSON).
pub fn parse_prompt(body: &Json, registry: &Registry, new_id: impl FnOnce() -> String) -> Result<Posted, ApiError> {
    let Some(fields) = body.as_object() else {
        return Err(ApiError::bad_request(
            "invalid_prompt",
            "The request body must be a JSON object",
            "",
        ));
    };
    let Some(prompt) = fields.get("prompt") else {
        return Err(ApiError::bad_request(
            "no_prompt",
            "No prompt provided",
            "No prompt provided",
        ));
    };
    let Some(nodes) = prompt.as_object() else {
        return Err(ApiError::bad_request(
            "invalid_prompt",
            "The prompt must be a JSON object of nodes",
            "",
        ));
    };
    check_class_types(nodes, registry)?;
    let graph = Graph::from_json(&prompt.to_string())
        .map_err(|e| ApiError::bad_request("invalid_prompt", format!("Cannot read the prompt: {e}"), ""))?;
    graph
        .validate(registry)
        .map_err(|e| validation_error(&graph, registry, &e))?;
    let outputs = output_nodes(&graph, registry);
    let text = |key: &str| fields.get(key).and_then(Json::as_str).map(str::to_string);
    let job = Job {
        number: 0,
        prompt_id: text("prompt_id").unwrap_or_else(new_id),
        prompt: prompt.clone(),
        extra_data: fields.get("extra_data").cloned().unwrap_or_else(|| json!({})),
        outputs,
        client_id: text("client_id"),
        graph,
    };
    Ok(Posted {
        job,
        front: fields.get("front").and_then(Json::as_bool).unwrap_or(false),
        number: fields.get("number").and_then(Json::as_i64),
    })
}

/// ComfyUI's two whole-prompt errors about a node's type, checked first as ComfyUI does.
fn check_class_types(nodes: &Map<String, Json>, registry: &Registry) -> Result<(), ApiError> {
    for (id, node) in nodes {
        let details = format!("Node ID '#{id}'");
        match node.get("class_type").and_then(Json::as_str) {
            None => {
                let msg = "Cannot execute because a node is missing the class_type property.";
                return Err(ApiError::bad_request("invalid_prompt", msg, details));
            }
            Some(class) if !registry.contains(class) => {
                let msg = format!("Cannot execute because node {class} does not exist.");
                return Err(ApiError::bad_request("invalid_prompt", msg, details));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The output nodes' ids, in graph order.
fn output_nodes(graph: &Graph, registry: &Registry) -> Vec<String> {
    let is_output = |class: &str| registry.schema(class).is_some_and(|s| s.is_output_node());
    graph
        .nodes()
        .iter()
        .filter(|n| is_output(n.class_type()))
        .map(|n| n.id().to_string())
        .collect()
}

/// Validation problems in ComfyUI's shape: whole-prompt ones as the top error, the others
/// grouped by node with the outputs that depend on it.
fn validation_error(graph: &Graph, registry: &Registry, errors: &ValidationErrors) -> ApiError {
    let mut by_node: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for error in errors {
        match (error, error.node()) {
            (ValidationError::NoOutputNode, _) => {
                return ApiError::bad_request("prompt_no_outputs", "Prompt has no outputs", "");
            }
            (ValidationError::Cycle { .. } | ValidationError::TooManyNodes { .. }, _) | (_, None) => {
                return ApiError::bad_request("invalid_prompt", error.to_string(), "");
            }
            (_, Some(node)) => by_node
                .entry(node.to_string())
                .or_default()
                .push(node_error(graph, registry, error)),
        }
    }
    let node_errors: Map<String, Json> = by_node
        .into_iter()
        .map(|(id, errors)| {
            let node = graph.node(&NodeId::from(id.clone()));
            let class_type = node.map(|n| n.class_type()).unwrap_or_default();
            let entry = json!({
                "errors": errors,
                "dependent_outputs": dependent_outputs(graph, registry, &id),
                "class_type": class_type,
            });
            (id, entry)
        })
        .collect();
    ApiError {
        node_errors: Json::Object(node_errors),
        ..ApiError::bad_request(
            "prompt_outputs_failed_validation",
            "Prompt outputs failed validation",
            "",
        )
    }
}

/// One `{type, message, details, extra_info}` for a problem with one node.
fn node_error(graph: &Graph, registry: &Registry, error: &ValidationError) -> Json {
    let input = error.input().unwrap_or_default();
    let mut extra = json!({ "input_name": input });
    let node = error.node().and_then(|id| graph.node(id));
    let port = node.and_then(|n| registry.schema(n.class_type())?.find_input(input));
    if let Some(port) = port {
        extra["input_config"] = input_spec(port);
    }
    if let Some(comfy_core::InputValue::Literal(l)) = node.and_then(|n| n.input(input)) {
        extra["received_value"] = l.to_json();
    }
    let (kind, message) = match error {
        ValidationError::MissingInput { .. } => ("required_input_missing", "Required input is missing".to_string()),
        ValidationError::BadValue { problem, .. } => value_problem(problem),
        ValidationError::MissingSource { .. } | ValidationError::BadOutputIndex { .. } => {
            ("invalid_link", error.to_string())
        }
        ValidationError::TypeMismatch { .. } => ("return_type_mismatch", error.to_string()),
        ValidationError::UnknownInput { .. } => ("unknown_input", error.to_string()),
        _ => ("invalid_prompt", error.to_string()),
    };
    json!({ "type": kind, "message": message, "details": format!("{input}: {error}"), "extra_info": extra })
}

fn value_problem(problem: &ValueProblem) -> (&'static str, String) {
    match problem {
        ValueProblem::BelowMin { value, min } => (
            "value_smaller_than_min",
            format!("Value {value} smaller than min of {min}"),
        ),
        ValueProblem::AboveMax { value, max } => (
            "value_bigger_than_max",
            format!("Value {value} bigger than max of {max}"),
        ),
        ValueProblem::NotAChoice { .. } => ("value_not_in_list", format!("Value not in list: {problem}")),
        other => (
            "invalid_input_type",
            format!("Failed to convert an input value: {other}"),
        ),
    }
}

/// The output nodes that depend on node `id` (itself included when it is one).
fn dependent_outputs(graph: &Graph, registry: &Registry, id: &str) -> Vec<String> {
    output_nodes(graph, registry)
        .into_iter()
        .filter(|out| ancestors(graph, out).contains(id))
        .collect()
}

/// `start` and every node it reaches through its links.
fn ancestors(graph: &Graph, start: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut stack = vec![start.to_string()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(node) = graph.node(&NodeId::from(id)) {
            stack.extend(node.links().map(|(_, link)| link.node.to_string()));
        }
    }
    seen
}
