//! The registry exports every node's schema as JSON, shaped like ComfyUI's `object_info`.
mod graph_support;

use comfy_core::{PortType, Registry};
use graph_support::{registry, Runs};
use serde_json::json;

#[test]
fn schema_json_describes_every_node() {
    let registry = registry(&Runs::default());
    let schema = registry.schema_json();
    let names: Vec<&String> = schema.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "AddInts",
            "Fail",
            "Format",
            "IntConstant",
            "RandomInt",
            "ScaleFloat",
            "ShowInt",
            "Steps"
        ]
    );
    assert_eq!(
        schema["AddInts"],
        json!({
            "name": "AddInts",
            "category": "test/math",
            "description": "a + b",
            "input": {
                "required": {
                    "a": ["INT", {}],
                    "b": ["INT", {"default": 0, "min": -1000, "max": 1000, "step": 1}],
                },
                "optional": {},
            },
            "input_order": {"required": ["a", "b"], "optional": []},
            "output": ["INT"],
            "output_name": ["sum"],
            "output_node": false,
            "cacheable": true,
        })
    );
    // Choices are written as ComfyUI writes combos; optional inputs and the wildcard type.
    assert_eq!(
        schema["Format"]["input"]["required"]["style"],
        json!([["plain", "brackets"], {"default": "plain"}])
    );
    assert_eq!(schema["Format"]["input"]["required"]["value"], json!(["*", {}]));
    assert_eq!(schema["Format"]["input"]["optional"]["suffix"], json!(["STRING", {}]));
    assert_eq!(
        schema["ScaleFloat"]["input"]["required"]["factor"],
        json!(["FLOAT", {"default": 1.0, "tooltip": "multiplier"}])
    );
    assert_eq!(schema["ShowInt"]["output_node"], json!(true));
    assert_eq!(schema["RandomInt"]["cacheable"], json!(false));
}

#[test]
fn registry_lookups() {
    let registry = registry(&Runs::default());
    assert_eq!(registry.len(), 8);
    assert!(registry.check().is_ok());
    let add = registry.schema("AddInts").unwrap();
    assert_eq!(
        add.find_input("b").and_then(|p| p.max()).map(|m| m.to_string()),
        Some("1000".into())
    );
    assert_eq!(add.outputs()[0].port_type(), PortType::Int);
    assert!(registry.schema("Nope").is_none());
    assert!(Registry::new().is_empty());
    assert_eq!(Registry::new().schema_json(), json!({}));
}
