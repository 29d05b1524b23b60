//! A short run of the autoencoder example's graph writes every promised file (the shipped
//! workflow's match with that graph is checked in `pipelines.rs`).
use comfy::pipelines::autoencoder_graph;
use comfy::pipelines::TrainSettings;
use comfy_core::{Executor, Registry, RunStatus};
use comfy_gpu::CpuBackend;
use std::sync::Arc;

#[test]
fn one_epoch_writes_every_file_and_a_sensible_error() {
    let out = std::env::temp_dir().join(format!("comfy-ae-pipeline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let settings = TrainSettings {
        epochs: 1,
        batch_size: 128,
        out_dir: out.to_string_lossy().into_owned(),
        ..TrainSettings::autoencoder()
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

#[test]
fn a_narrow_vae_run_of_the_example_graph_samples_the_prior_and_saves_a_loadable_decoder() {
    use comfy::pipelines::{autoencoder_model_graph, AutoencoderModel};
    let out = std::env::temp_dir().join(format!("comfy-vae-pipeline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let settings = TrainSettings {
        epochs: 1,
        batch_size: 128,
        out_dir: out.to_string_lossy().into_owned(),
        ..TrainSettings::autoencoder_for(AutoencoderModel::Vae)
    };
    let mut graph = autoencoder_model_graph(&settings, AutoencoderModel::Vae).unwrap();
    // Narrow conv networks keep the test quick.
    let convs: Vec<_> = graph
        .nodes()
        .iter()
        .filter(|n| n.class_type().starts_with("Conv"))
        .map(|n| n.id().clone())
        .collect();
    assert_eq!(convs.len(), 2);
    for id in &convs {
        graph.set(id, "width", 4i64).unwrap();
    }
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
    let report = Executor::new(Arc::new(CpuBackend::new()))
        .run(&registry, &graph, &mut ())
        .unwrap();
    assert_eq!(report.status(), RunStatus::Completed);
    assert!(out.join("samples.png").is_file(), "samples.png was not written");
    let csv = std::fs::read_to_string(out.join("losses.csv")).unwrap();
    assert_eq!(csv.lines().next(), Some("step,epoch,reconstruction,kl"));
    // The decoder file alone rebuilds the decoder: 16 latent values in, 28×28 pixels out.
    let decoder = comfy_nodes::model_file::load_network(&out.join("checkpoint/decoder.safetensors"), None).unwrap();
    assert_eq!((decoder.input_size(), decoder.output_size()), (16, 784));
    let encoder = comfy_nodes::model_file::load_network(&out.join("checkpoint/encoder.safetensors"), None).unwrap();
    assert_eq!(encoder.output_size(), 32, "a VAE encoder writes μ and log σ²");
    let _ = std::fs::remove_dir_all(&out);
}
