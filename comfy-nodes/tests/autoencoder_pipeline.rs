//! The shipped autoencoder workflow is the graph the autoencoder example builds, it validates
//! against the built-in nodes, and a short run of it writes every promised file.
use comfy_core::{Executor, Graph, Registry, RunStatus};
use comfy_gpu::CpuBackend;
use comfy_nodes::autoencoder::{autoencoder_graph, AutoencoderSettings};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn workflow_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows/autoencoder.json")
}

#[test]
fn shipped_workflow_matches_the_example_graph() {
    let built = autoencoder_graph(&AutoencoderSettings::default())
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
        "examples/workflows/autoencoder.json is out of date: rerun this test with COMFY_WRITE_WORKFLOWS=1"
    );
}

#[test]
fn builtin_registry_validates_the_pipeline() {
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
    assert!(registry.check().is_ok(), "{:?}", registry.check());
    autoencoder_graph(&AutoencoderSettings::default())
        .unwrap()
        .validate(&registry)
        .unwrap();
}

#[test]
fn one_epoch_writes_every_file_and_a_sensible_error() {
    let out = std::env::temp_dir().join(format!("comfy-ae-pipeline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let settings = AutoencoderSettings {
        epochs: 1,
        batch_size: 128,
        out_dir: out.to_string_lossy().into_owned(),
        ..Default::default()
    };
    let graph = autoencoder_graph(&settings).unwrap();
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
    let report = Executor::new(Arc::new(CpuBackend::new()))
        .run(&registry, &graph, &mut ())
        .unwrap();
    assert_eq!(report.status(), RunStatus::Completed);
    for file in [
        "reconstructions.png",
        "loss_curve.png",
        "losses.csv",
        "checkpoint/encoder.safetensors",
        "checkpoint/decoder.safetensors",
    ] {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
    let node = graph
        .nodes()
        .iter()
        .find(|n| n.class_type() == "ReconstructionError")
        .unwrap();
    let mse = report.output(node.id(), 0).unwrap().as_float().unwrap();
    // Predicting every pixel as the mean image scores about 0.067; one epoch already beats it.
    assert!(mse > 0.0 && mse < 0.06, "test MSE after one epoch: {mse}");
    let csv = std::fs::read_to_string(out.join("losses.csv")).unwrap();
    assert_eq!(csv.lines().next(), Some("step,epoch,loss"));
    assert_eq!(csv.lines().count(), 1 + 9000 / 128);
    let _ = std::fs::remove_dir_all(&out);
}
