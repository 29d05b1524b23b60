//! The autoencoder nodes in a graph: progress every step, a preview every epoch, cancellation,
//! reconstructions, and the reconstruction picture.
use comfy_core::{CancelToken, Event, Executor, Graph, NodeId, Registry, RunOptions, RunStatus, Value};
use comfy_gpu::CpuBackend;
use std::sync::Arc;

fn registry() -> Registry {
    let mut r = Registry::new();
    comfy_nodes::register_all(&mut r);
    r
}

/// Test digits → loader (0..1) → a small encoder and decoder → trainer for `epochs`.
fn training_graph(epochs: i64) -> (Graph, NodeId, NodeId) {
    let mut g = Graph::new();
    let data = g.add("MnistDataset");
    g.set(&data, "split", "test").unwrap();
    let loader = g.add("DataLoader");
    g.connect(&data, 0, &loader, "dataset").unwrap();
    g.set(&loader, "batch_size", 100).unwrap();
    g.set(&loader, "scale", "0..1").unwrap();
    let encoder = g.add("MlpEncoder");
    g.set(&encoder, "hidden", "32").unwrap();
    g.set(&encoder, "latent_dim", 8).unwrap();
    let decoder = g.add("MlpDecoder");
    g.set(&decoder, "hidden", "32").unwrap();
    g.set(&decoder, "latent_dim", 8).unwrap();
    let trainer = g.add("AutoencoderTrainer");
    g.connect(&encoder, 0, &trainer, "encoder").unwrap();
    g.connect(&decoder, 0, &trainer, "decoder").unwrap();
    g.connect(&loader, 0, &trainer, "loader").unwrap();
    g.set(&trainer, "epochs", epochs).unwrap();
    g.set(&trainer, "preview_count", 8).unwrap();
    g.set(&trainer, "lr", 0.01).unwrap();
    (g, data, trainer)
}

#[test]
fn trainer_reports_progress_every_step_and_a_preview_every_epoch() {
    let (mut g, data, trainer) = training_graph(2);
    let view = g.add("SaveReconstructions");
    g.connect(&trainer, 0, &view, "encoder").unwrap();
    g.connect(&trainer, 1, &view, "decoder").unwrap();
    g.connect(&data, 0, &view, "dataset").unwrap();
    g.set(&view, "count", 16).unwrap();
    let path = std::env::temp_dir().join(format!("comfy-ae-view-{}.png", std::process::id()));
    g.set(&view, "path", path.to_string_lossy().as_ref()).unwrap();
    let samples = std::env::temp_dir().join(format!("comfy-ae-samples-{}", std::process::id()));
    g.set(&trainer, "samples_dir", samples.to_string_lossy().as_ref())
        .unwrap();
    let (mut progress, mut previews) = (Vec::new(), Vec::new());
    let mut observer = |e: &Event| match e {
        Event::Progress {
            node,
            step,
            total,
            message,
        } if node == &trainer => progress.push((*step, *total, message.clone())),
        Event::Preview { node, image } if node == &trainer => previews.push(image.clone()),
        _ => {}
    };
    let report = Executor::new(Arc::new(CpuBackend::new()))
        .run(&registry(), &g, &mut observer)
        .unwrap();
    assert_eq!(report.status(), RunStatus::Completed);
    assert_eq!(progress.len(), 20, "10 batches × 2 epochs");
    assert_eq!((progress[19].0, progress[19].1), (20, 20));
    let last = &progress[19].2;
    for part in ["epoch 2/2", "step 10/10", "BCE ", "steps/s", "ETA "] {
        assert!(last.contains(part), "{part:?} missing from {last:?}");
    }
    assert_eq!(previews.len(), 2, "one preview per epoch");
    // 8 digits in one row of 8, upscaled twice, above their reconstructions.
    let p = &previews[0];
    assert_eq!(p.width(), 8 * 56 + 9 * 2);
    let picture = image::open(&path).unwrap();
    assert_eq!(picture.width(), 8 * 56 + 9 * 2);
    let cells = 2 * (2 * 56 + 3 * 2);
    assert!(
        picture.height() > cells,
        "two rows of originals and two of reconstructions, captioned"
    );
    for epoch in ["001", "002"] {
        let file = samples.join(format!("reconstructions_epoch_{epoch}.png"));
        assert_eq!(image::open(&file).unwrap().width(), p.width(), "{}", file.display());
    }
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir_all(samples);
}

#[test]
fn cancelling_stops_the_trainer_between_steps() {
    let (g, _, trainer) = training_graph(50);
    let cancel = CancelToken::new();
    let token = cancel.clone();
    let mut steps = 0;
    let mut observer = |e: &Event| {
        if let Event::Progress { node, .. } = e {
            if node == &trainer {
                steps += 1;
                if steps == 3 {
                    token.cancel();
                }
            }
        }
    };
    let options = RunOptions {
        targets: vec![trainer.clone()],
        cancel,
    };
    let report = Executor::new(Arc::new(CpuBackend::new()))
        .run_with(&registry(), &g, &options, &mut observer)
        .unwrap();
    assert_eq!(report.status(), RunStatus::Cancelled);
    assert_eq!(steps, 3, "no step after the cancellation");
}

#[test]
fn reconstruct_images_gives_images_and_latents_of_the_right_shapes() {
    let (mut g, data, trainer) = training_graph(3);
    let images = g.add("DatasetImages");
    g.connect(&data, 0, &images, "dataset").unwrap();
    g.set(&images, "count", 5).unwrap();
    let rec = g.add("ReconstructImages");
    g.connect(&trainer, 0, &rec, "encoder").unwrap();
    g.connect(&trainer, 1, &rec, "decoder").unwrap();
    g.connect(&images, 0, &rec, "images").unwrap();
    let error = g.add("ReconstructionError");
    g.connect(&trainer, 0, &error, "encoder").unwrap();
    g.connect(&trainer, 1, &error, "decoder").unwrap();
    g.connect(&data, 0, &error, "dataset").unwrap();
    let options = RunOptions {
        targets: vec![rec.clone(), error.clone()],
        ..Default::default()
    };
    let report = Executor::new(Arc::new(CpuBackend::new()))
        .run_with(&registry(), &g, &options, &mut ())
        .unwrap();
    let tensor = |v: &Value| v.as_tensor().unwrap().shape().dims().to_vec();
    assert_eq!(tensor(report.output(&images, 0).unwrap()), vec![5, 784]);
    assert_eq!(tensor(report.output(&rec, 0).unwrap()), vec![5, 784]);
    assert_eq!(tensor(report.output(&rec, 1).unwrap()), vec![5, 8]);
    let values = report.output(&rec, 0).unwrap().as_tensor().unwrap().to_vec().unwrap();
    assert!(values.iter().all(|v| (0.0..=1.0).contains(v)), "sigmoid pixels");
    let mse = report.output(&error, 0).unwrap().as_float().unwrap();
    // Every pixel at 0.5 scores about 0.2, the mean digit 0.067.
    assert!(mse > 0.0 && mse < 0.067, "{mse}");
}

#[test]
fn a_mismatched_pair_is_an_error_naming_both_networks() {
    let (mut g, _, trainer) = training_graph(1);
    let decoder = g
        .nodes()
        .iter()
        .find(|n| n.class_type() == "MlpDecoder")
        .unwrap()
        .id()
        .clone();
    g.set(&decoder, "latent_dim", 9).unwrap();
    let err = Executor::new(Arc::new(CpuBackend::new()))
        .run_with(
            &registry(),
            &g,
            &RunOptions {
                targets: vec![trainer],
                ..Default::default()
            },
            &mut (),
        )
        .expect_err("a mismatched pair must fail");
    let text = err.to_string();
    for part in ["(AutoencoderTrainer)", "encoder 784 → 8", "decoder 9 → 784"] {
        assert!(text.contains(part), "{part:?} missing from {text:?}");
    }
}
