//! Convolutional and conditional GANs on the one training loop: a small conditional DCGAN (batch
//! norm, label maps) stopped mid-epoch and resumed equals a run that was never stopped, running
//! statistics included; networks that do not fit, labels a model does not know and data
//! without labels are refused with messages; GenerateImages draws the digits asked for; model
//! files rebuild their model alone and refuse another one.
use comfy_core::nn::{DcganConfig, Init};
use comfy_core::{Backend, Executor, Graph, Registry, RunError, Tensor};
use comfy_gpu::CpuBackend;
use comfy_nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, ImageDataset, LoaderConfig, PixelScale, Split};
use comfy_nodes::gan::{trainer, GanStep, GanTrainConfig, GanTrainer};
use comfy_nodes::model_file::{load_network, save_network};
use comfy_nodes::network::Network;
use comfy_nodes::train::{Checkpointing, Silent, StepReport, TrainError, TrainObserver};
use std::path::PathBuf;
use std::sync::Arc;

fn backend() -> Arc<dyn Backend> {
    Arc::new(CpuBackend::new())
}

/// A conditional DCGAN four channels wide: quick, but with every kind of layer.
fn small_dcgan(classes: usize, seed: u64) -> (Network, Network) {
    let cfg = DcganConfig {
        latent: 8,
        width: 4,
        classes,
        ..DcganConfig::default()
    };
    let g = Network::new(cfg.generator().unwrap(), seed, Init::Dcgan).unwrap();
    let d = Network::new(cfg.discriminator().unwrap(), seed + 1, Init::Dcgan).unwrap();
    (g, d)
}

/// The 1,000 bundled test digits in `[-1, 1]`, 100 a batch: 10 steps per epoch.
fn digits() -> DataLoader {
    let data = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Test).unwrap());
    DataLoader::new(data, config()).unwrap()
}

fn config() -> LoaderConfig {
    LoaderConfig {
        batch_size: 100,
        shuffle: true,
        seed: 4,
        drop_last: true,
        scale: PixelScale::MinusOneToOne,
    }
}

fn conditional_trainer(epochs: usize) -> GanTrainer {
    let (g, d) = small_dcgan(10, 3);
    let config = GanTrainConfig {
        epochs,
        seed: 5,
        lr_g: 1e-3,
        lr_d: 1e-3,
        ..Default::default()
    };
    trainer(g, d, backend(), config).unwrap()
}

struct StopAfter(usize, usize);

impl TrainObserver<GanStep> for StopAfter {
    fn on_step(&mut self, _: &StepReport) {
        self.1 += 1;
    }
    fn should_stop(&self) -> bool {
        self.1 >= self.0
    }
}

/// Every parameter and buffer of both networks.
fn everything(t: &GanTrainer) -> Vec<(String, Vec<f32>)> {
    let (g, d) = t.model.networks_on_host().unwrap();
    let mut all = Vec::new();
    for (net, n) in [("G", g), ("D", d)] {
        for (name, p) in n.params.iter() {
            all.push((format!("{net} {name}"), p.to_vec().unwrap()));
        }
    }
    all
}

#[test]
fn a_stopped_conditional_dcgan_resumes_bit_for_bit() {
    let dir = std::env::temp_dir().join(format!("comfy-gan-conv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("state.safetensors");
    let loader = digits();
    let mut whole = conditional_trainer(2);
    whole.train(&loader, &mut Silent).unwrap();
    let mut part = conditional_trainer(2);
    part.set_checkpointing(Some(Checkpointing {
        path: state.clone(),
        every_epochs: 5,
    }));
    let stopped = part.train(&loader, &mut StopAfter(13, 0));
    assert!(
        matches!(stopped, Err(TrainError::Cancelled { step: 13, .. })),
        "{stopped:?}"
    );
    let mut resumed = conditional_trainer(2);
    resumed.restore_state(&state, 10).unwrap();
    resumed.train(&loader, &mut Silent).unwrap();
    assert_eq!(
        resumed.history, whole.history,
        "losses differ from the uninterrupted run"
    );
    let (a, b) = (everything(&resumed), everything(&whole));
    assert!(
        a.iter().any(|(n, _)| n.ends_with("running_var")),
        "the state keeps batch norm's buffers"
    );
    assert_eq!(a, b, "parameters or running statistics differ");
    // The running statistics moved away from their start (mean 0, variance 1).
    let var = a.iter().find(|(n, _)| n == "G 1.running_var").unwrap();
    assert!(var.1.iter().any(|&v| (v - 1.0).abs() > 1e-3), "{:?}", var.1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn networks_labels_and_data_that_do_not_fit_are_refused() {
    let (g, _) = small_dcgan(10, 1);
    let (_, d) = small_dcgan(0, 1);
    let e = trainer(g, d, backend(), GanTrainConfig::default())
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("same classes (generator 10, discriminator 0)"), "{e}");

    let (g, _) = small_dcgan(10, 1);
    let labels = g.condition(&[3, 12]).unwrap_err().to_string();
    assert!(
        labels.contains("label 12 is not below the model's 10 classes"),
        "{labels}"
    );
    let z = Tensor::zeros([2, 8]);
    let e = g.infer(&backend(), &z, None).unwrap_err().to_string();
    assert!(e.contains("conditional on 10 classes and was given no labels"), "{e}");

    // Images without labels cannot train a conditional GAN.
    let unlabelled = ImageDataset::new(vec![0; 100 * 784], None, (28, 28, 1), "blank").unwrap();
    let loader = DataLoader::new(Arc::new(unlabelled), config()).unwrap();
    let mut t = conditional_trainer(1);
    let e = t.train(&loader, &mut Silent).unwrap_err().to_string();
    assert!(e.contains("needs labelled images"), "{e}");
}

fn registry() -> Registry {
    let mut r = Registry::new();
    comfy_nodes::register_all(&mut r);
    r
}

/// Runs `graph`; the outputs of `node`, or the run's error.
fn run(graph: &Graph, node: &comfy_core::NodeId) -> Result<Vec<comfy_core::Value>, RunError> {
    let mut executor = Executor::new(backend());
    let report = executor.run_with(
        &registry(),
        graph,
        &comfy_core::RunOptions {
            targets: vec![node.clone()],
            ..Default::default()
        },
        &mut (),
    )?;
    Ok(report.outputs(node).unwrap_or_default().to_vec())
}

#[test]
fn generate_images_draws_the_digits_asked_for() {
    let mut g = Graph::new();
    let gen = g.add("ConvGenerator");
    g.set(&gen, "width", 4).unwrap();
    g.set(&gen, "classes", 10).unwrap();
    let images = g.add("GenerateImages");
    g.connect(&gen, 0, &images, "generator").unwrap();
    g.set(&images, "count", 6).unwrap();
    g.set(&images, "digits", "3, 7").unwrap();
    let out = run(&g, &images).unwrap();
    assert_eq!(out[0].as_tensor().unwrap().shape().dims(), &[6, 784]);
    assert_eq!(
        out[1].as_tensor().unwrap().to_vec().unwrap(),
        vec![3.0, 7.0, 3.0, 7.0, 3.0, 7.0]
    );

    g.set(&images, "digits", "12").unwrap();
    let e = run(&g, &images).unwrap_err().to_string();
    assert!(
        e.contains("GenerateImages") && e.contains("`12` is not one of the generator's classes 0–9"),
        "{e}"
    );

    g.set(&gen, "classes", 0).unwrap();
    g.set(&images, "digits", "3").unwrap();
    let e = run(&g, &images).unwrap_err().to_string();
    assert!(e.contains("the generator is not conditional"), "{e}");
}

#[test]
fn a_model_file_rebuilds_its_model_and_refuses_another() {
    let dir = std::env::temp_dir().join(format!("comfy-model-file-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path: PathBuf = dir.join("g.safetensors");
    let (g, _) = small_dcgan(10, 7);
    save_network(&path, &g, backend().as_ref()).unwrap();
    let loaded = load_network(&path, None).unwrap();
    assert_eq!(loaded.arch, g.arch);
    let z = Tensor::from_vec((0..16).map(|i| i as f32 / 16.0).collect(), [2, 8]).unwrap();
    let draw = |n: &Network| n.infer(&backend(), &z, Some(&[1, 9])).unwrap().to_vec().unwrap();
    assert_eq!(draw(&loaded), draw(&g), "the loaded generator draws other images");
    assert!(loaded.params.is_buffer("1.running_mean"));

    let (other, _) = small_dcgan(0, 7);
    let e = load_network(&path, Some(&other)).unwrap_err().to_string();
    assert!(e.contains("the file holds") && e.contains("the model given is"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
