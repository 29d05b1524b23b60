//! The shipped workflow files are the same graphs the examples build, and they validate against
//! the built-in nodes.
use comfy::pipelines::autoencoder_graph;
use comfy::pipelines::{mnist_gan_graph, TrainSettings};
use comfy_core::{Graph, Registry};
use std::path::Path;

/// Compares `examples/workflows/{file}` with `built`; `COMFY_WRITE_WORKFLOWS=1` rewrites the file first.
fn assert_matches_shipped(file: &str, built: &Graph) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/workflows")
        .join(file);
    let built = built.to_json().unwrap();
    if std::env::var_os("COMFY_WRITE_WORKFLOWS").is_some() {
        std::fs::write(&path, &built).unwrap();
    }
    let shipped = std::fs::read_to_string(&path).unwrap();
    let shipped = Graph::from_json(&shipped).unwrap().to_json().unwrap();
    assert_eq!(
        shipped, built,
        "examples/workflows/{file} is out of date: rerun this test with COMFY_WRITE_WORKFLOWS=1"
    );
}

fn builtin_registry() -> Registry {
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
    assert!(registry.check().is_ok(), "{:?}", registry.check());
    registry
}

#[test]
fn shipped_workflows_match_the_example_graphs() {
    assert_matches_shipped("mnist_gan.json", &mnist_gan_graph(&TrainSettings::mnist_gan()).unwrap());
    assert_matches_shipped(
        "autoencoder.json",
        &autoencoder_graph(&TrainSettings::autoencoder()).unwrap(),
    );
}

#[test]
fn builtin_registry_validates_the_pipelines() {
    let registry = builtin_registry();
    mnist_gan_graph(&TrainSettings::mnist_gan())
        .unwrap()
        .validate(&registry)
        .unwrap();
    autoencoder_graph(&TrainSettings::autoencoder())
        .unwrap()
        .validate(&registry)
        .unwrap();
}
