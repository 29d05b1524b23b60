//! The shipped workflow files are the same graphs the examples build, and they validate against
//! the built-in nodes.
use comfy::pipelines::{autoencoder_graph, autoencoder_model_graph, AutoencoderModel};
use comfy::pipelines::{gan_graph, mnist_gan_graph, GanModel, GanOptions, TrainSettings};
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

/// Every GAN the main job trains, with the workflow file that ships it.
fn gan_workflows() -> Vec<(&'static str, Graph)> {
    let mut all = vec![("mnist_gan.json", mnist_gan_graph(&TrainSettings::mnist_gan()).unwrap())];
    for (file, model, conditional) in [
        ("gan_mlp.json", GanModel::Mlp, false),
        ("gan_dcgan.json", GanModel::Dcgan, false),
        ("gan_mlp_conditional.json", GanModel::Mlp, true),
        ("gan_dcgan_conditional.json", GanModel::Dcgan, true),
    ] {
        let settings = TrainSettings {
            out_dir: format!("out/{}", file.trim_end_matches(".json")),
            ..TrainSettings::gan(model)
        };
        all.push((file, gan_graph(&settings, &GanOptions { model, conditional }).unwrap()));
    }
    all
}

#[test]
fn shipped_workflows_match_the_example_graphs() {
    for (file, graph) in gan_workflows() {
        assert_matches_shipped(file, &graph);
    }
    assert_matches_shipped(
        "autoencoder.json",
        &autoencoder_graph(&TrainSettings::autoencoder()).unwrap(),
    );
    for (file, graph) in autoencoder_workflows() {
        assert_matches_shipped(file, &graph);
    }
}

/// The conv autoencoder and the VAE, with the workflow files that ship them.
fn autoencoder_workflows() -> Vec<(&'static str, Graph)> {
    [
        ("autoencoder_conv.json", AutoencoderModel::Conv),
        ("vae.json", AutoencoderModel::Vae),
    ]
    .into_iter()
    .map(|(file, model)| {
        let graph = autoencoder_model_graph(&TrainSettings::autoencoder_for(model), model).unwrap();
        (file, graph)
    })
    .collect()
}

#[test]
fn builtin_registry_validates_the_pipelines() {
    let registry = builtin_registry();
    for (file, graph) in gan_workflows() {
        graph.validate(&registry).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    autoencoder_graph(&TrainSettings::autoencoder())
        .unwrap()
        .validate(&registry)
        .unwrap();
    for (file, graph) in autoencoder_workflows() {
        graph.validate(&registry).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}
