//! The shipped workflow file is the same graph the mnist_gan example builds, and it validates
//! against the built-in nodes.
use comfy_core::{Graph, Registry};
use comfy_nodes::pipelines::{mnist_gan_graph, MnistGanSettings};
use std::path::Path;

fn workflow_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows/mnist_gan.json")
}

#[test]
fn shipped_workflow_matches_the_example_graph() {
    let built = mnist_gan_graph(&MnistGanSettings::default())
        .unwrap()
        .to_json()
        .unwrap();
    if std::env::var_os("COMFY_WRITE_WORKFLOWS").is_some() {
        std::fs::write(workflow_path(), &built).unwrap();
    }
    let shipped = std::fs::read_to_string(workflow_path()).unwrap();
    let shipped = Graph::from_json(&shipped).unwrap().to_json().unwrap();
    assert_eq!(
        shipped, built,
        "examples/workflows/mnist_gan.json is out of date: rerun this test with COMFY_WRITE_WORKFLOWS=1"
    );
}

#[test]
fn builtin_registry_validates_the_pipeline() {
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
    assert!(registry.check().is_ok());
    let graph = mnist_gan_graph(&MnistGanSettings::default()).unwrap();
    graph.validate(&registry).unwrap();
}
