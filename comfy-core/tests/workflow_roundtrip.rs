//! Workflows load from ComfyUI's API format and save back without losing anything.
mod graph_support;

use comfy_core::{Executor, Graph, InputValue, Link, Literal, NodeId, ReferenceBackend, Value};
use graph_support::{registry, Runs};
use std::path::PathBuf;
use std::sync::Arc;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/workflow_files")
        .join(name)
}

#[test]
fn the_documented_example_loads_runs_and_saves_back_byte_for_byte() {
    let path = example("arithmetic.json");
    let graph = Graph::load(&path).unwrap();
    let sum = NodeId::from("3");
    assert_eq!(graph.node(&sum).and_then(|n| n.title()), Some("Sum"));
    assert_eq!(
        graph.node(&sum).and_then(|n| n.input("a")),
        Some(&InputValue::Link(Link {
            node: NodeId::from("1"),
            output: 0
        }))
    );

    let registry = registry(&Runs::default());
    let report = Executor::new(Arc::new(ReferenceBackend))
        .run(&registry, &graph, &mut ())
        .unwrap();
    assert_eq!(report.output(&NodeId::from("4"), 0).and_then(Value::as_int), Some(42));

    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(graph.to_json().unwrap() + "\n", text);
}

#[test]
fn every_value_survives_a_round_trip() {
    let mut g = Graph::new();
    // Ids that are not numbers, and an order that is not sorted.
    g.add_with_id(NodeId::from("10"), "Anything").unwrap();
    g.add_with_id(NodeId::from("2"), "Other").unwrap();
    g.add_with_id(NodeId::from("my node"), "Third").unwrap();
    let ten = NodeId::from("10");
    let floats = [0.1, 2e-4, 1e-300, 5e-324, f64::MAX, -0.0, 1.0, 1.0 / 3.0];
    for (i, f) in floats.into_iter().enumerate() {
        g.set(&ten, &format!("f{i}"), f).unwrap();
    }
    g.set(&ten, "min", i64::MIN).unwrap();
    g.set(&ten, "max", i64::MAX).unwrap();
    g.set(&ten, "flag", true).unwrap();
    g.set(&ten, "text", "quote \" backslash \\ newline \n unicode é 🎨")
        .unwrap();
    g.connect(&NodeId::from("my node"), 7, &ten, "link").unwrap();
    g.set_title(&NodeId::from("2"), "A title").unwrap();

    let text = g.to_json().unwrap();
    let back = Graph::from_json(&text).unwrap();
    assert_eq!(back, g);
    let ids: Vec<&str> = back.nodes().iter().map(|n| n.id().as_str()).collect();
    assert_eq!(ids, ["10", "2", "my node"]);
    // Bit for bit, and floats stay floats even when whole.
    let node = back.node(&ten).unwrap();
    for (i, f) in floats.into_iter().enumerate() {
        match node.input(&format!("f{i}")) {
            Some(InputValue::Literal(Literal::Float(v))) => assert_eq!(v.to_bits(), f.to_bits()),
            other => panic!("f{i}: {other:?}"),
        }
    }
    assert_eq!(back.to_json().unwrap(), text);
}

#[test]
fn comfyui_files_with_meta_titles_load() {
    // As ComfyUI's "Save (API)" writes it.
    let text = r#"{
      "3": {"inputs": {"value": 5}, "class_type": "IntConstant", "_meta": {"title": "Five"}},
      "9": {"inputs": {"value": ["3", 0]}, "class_type": "ShowInt", "_meta": {}}
    }"#;
    let g = Graph::from_json(text).unwrap();
    assert_eq!(g.len(), 2);
    assert_eq!(g.node(&NodeId::from("9")).unwrap().title(), None);
    assert!(g.validate(&registry(&Runs::default())).is_ok());
}

#[test]
fn save_and_load_a_file() {
    let mut g = Graph::new();
    let c = g.add("IntConstant");
    g.set(&c, "value", 3).unwrap();
    let path = std::env::temp_dir().join(format!("comfy-workflow-{}.json", std::process::id()));
    g.save(&path).unwrap();
    let back = Graph::load(&path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(back.unwrap(), g);
}

#[test]
fn the_example_workflows_load_and_round_trip() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let graph = Graph::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                Graph::from_json(&graph.to_json().unwrap()).unwrap(),
                graph,
                "{}",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen >= 1);
}
