//! `/object_info`: every node type described in ComfyUI's fields, so its frontend can draw
//! the node, its widgets (with ranges, steps, combos) and its sockets.
//!
//! An input with a default is listed as `optional` (a prompt may leave it out and the default
//! applies, as in Comfy's own workflows); one without is `required`.
use comfy_core::{InputPort, NodeSchema, PortType, Registry};
use serde_json::{json, Map, Value as Json};

/// The module name the frontend shows as a node's source.
pub const PYTHON_MODULE: &str = "comfy_nodes";

/// Every node type, by name.
pub fn object_info(registry: &Registry) -> Json {
    let map: Map<String, Json> = registry
        .schemas()
        .map(|s| (s.type_name().to_string(), node_info(s)))
        .collect();
    Json::Object(map)
}

/// One node type's entry.
pub fn node_info(schema: &NodeSchema) -> Json {
    let (optional, required): (Vec<&InputPort>, Vec<&InputPort>) = schema
        .inputs()
        .iter()
        .partition(|p| p.is_optional() || p.default_value().is_some());
    let specs = |ports: &[&InputPort]| -> Map<String, Json> {
        ports.iter().map(|p| (p.name().to_string(), input_spec(p))).collect()
    };
    let names = |ports: &[&InputPort]| -> Json { ports.iter().map(|p| p.name()).collect() };
    let outputs = schema.outputs();
    json!({
        "input": { "required": specs(&required), "optional": specs(&optional) },
        "input_order": { "required": names(&required), "optional": names(&optional) },
        "output": outputs.iter().map(|o| o.port_type().name()).collect::<Vec<_>>(),
        "output_is_list": outputs.iter().map(|_| false).collect::<Vec<_>>(),
        "output_name": outputs.iter().map(|o| o.name()).collect::<Vec<_>>(),
        "name": schema.type_name(),
        "display_name": schema.display_name(),
        "description": schema.description_text(),
        "python_module": PYTHON_MODULE,
        "category": schema.category(),
        "output_node": schema.is_output_node(),
    })
}

/// An input's spec: `["INT", {default, min, max, step, tooltip}]`, `[["a", "b"], {default}]`
/// for a combo, `["STRING", {default, multiline}]`, `["MODEL", {tooltip}]` for linked types.
pub fn input_spec(port: &InputPort) -> Json {
    // comfy-core writes the declared options; ComfyUI's widgets want a few more.
    let core = port.spec_json();
    let mut options = core[1].as_object().cloned().unwrap_or_default();
    match port.port_type() {
        PortType::Int if port.step_value().is_none() => {
            options.insert("step".into(), json!(1));
        }
        PortType::Float => {
            options.entry("step").or_insert(json!(0.0001));
            options.insert("round".into(), json!(false));
        }
        PortType::String if port.choices().is_empty() => {
            options.insert("multiline".into(), json!(false));
        }
        _ => {}
    }
    let kind = if port.choices().is_empty() {
        json!(port.port_type().name())
    } else {
        json!(port.choices())
    };
    json!([kind, options])
}
