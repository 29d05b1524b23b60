//! A registry's schemas as JSON, in the shape of ComfyUI's `object_info`.
//!
//! ```json
//! "AddInts": {
//!   "name": "AddInts", "category": "math", "description": "a + b",
//!   "input": { "required": { "a": ["INT", {"default": 0, "min": -9, "max": 9}] }, "optional": {} },
//!   "input_order": { "required": ["a"], "optional": [] },
//!   "output": ["INT"], "output_name": ["sum"], "output_node": false, "cacheable": true
//! }
//! ```
//! A choice input is written `[["adam", "sgd"], {"default": "adam"}]`, as ComfyUI writes combos.
use crate::port::{InputPort, PortType};
use crate::registry::Registry;
use crate::schema::NodeSchema;
use crate::value::Literal;
use serde_json::{json, Map, Value as Json};

impl Registry {
    /// Every node type's schema, keyed by type name: input names, types, defaults, ranges and
    /// choices, outputs, category, description and the output-node flag — enough for a UI to
    /// build a form for each node.
    pub fn schema_json(&self) -> Json {
        let nodes: Map<String, Json> = self
            .schemas()
            .map(|s| (s.type_name().to_string(), node_json(s)))
            .collect();
        Json::Object(nodes)
    }
}

fn node_json(schema: &NodeSchema) -> Json {
    let (optional, required): (Vec<&InputPort>, Vec<&InputPort>) =
        schema.inputs().iter().partition(|p| p.is_optional());
    let ports = |ports: &[&InputPort]| -> Map<String, Json> {
        ports.iter().map(|p| (p.name().to_string(), input_json(p))).collect()
    };
    let names = |ports: &[&InputPort]| -> Json { ports.iter().map(|p| p.name()).collect() };
    json!({
        "name": schema.type_name(),
        "category": schema.category(),
        "description": schema.description_text(),
        "input": { "required": ports(&required), "optional": ports(&optional) },
        "input_order": { "required": names(&required), "optional": names(&optional) },
        "output": schema.outputs().iter().map(|o| o.port_type().name()).collect::<Vec<_>>(),
        "output_name": schema.outputs().iter().map(|o| o.name()).collect::<Vec<_>>(),
        "output_node": schema.is_output_node(),
        "cacheable": schema.is_cacheable(),
    })
}

impl InputPort {
    /// The port as `object_info` writes it: `[TYPE, {default, min, max, step, tooltip}]`, with
    /// the choice list in place of the type for a combo.
    pub fn spec_json(&self) -> Json {
        input_json(self)
    }
}

impl Literal {
    /// The literal as JSON (finite floats stay floats).
    pub fn to_json(&self) -> Json {
        literal_json(self)
    }
}

/// `[TYPE, {options}]`, with the choice list in place of the type for combos.
fn input_json(port: &InputPort) -> Json {
    let mut options = Map::new();
    let fields = [
        ("default", port.default_value()),
        ("min", port.min()),
        ("max", port.max()),
        ("step", port.step_value()),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            options.insert(key.to_string(), literal_json(v));
        }
    }
    if let Some(tip) = port.tooltip_text() {
        options.insert("tooltip".to_string(), json!(tip));
    }
    let kind = if port.choices().is_empty() || port.port_type() != PortType::String {
        json!(port.port_type().name())
    } else {
        json!(port.choices())
    };
    json!([kind, options])
}

/// A literal as JSON (finite floats stay floats, so `1.0` is not read back as an integer).
pub(crate) fn literal_json(l: &Literal) -> Json {
    match l {
        Literal::Int(v) => json!(v),
        Literal::Float(v) => json!(v),
        Literal::Bool(v) => json!(v),
        Literal::String(v) => json!(v),
    }
}
