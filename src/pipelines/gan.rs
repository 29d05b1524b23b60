//! The MNIST GAN pipeline, the main job.
use super::{path, seed, training_state_path, TrainSettings};
use comfy_core::{Graph, GraphError, NodeId};

/// The MNIST GAN pipeline: MNIST → loader → generator and discriminator → trainer →
/// generate from a fixed latent batch → sample grid, loss curve, losses.csv and checkpoints
/// (the training state after every epoch, see [`training_state_path`]; the final networks),
/// the real-vs-fake view (`classified.png`) and the HTML report (`index.html`, live while the
/// trainer runs).
pub fn mnist_gan_graph(s: &TrainSettings) -> Result<Graph, GraphError> {
    let mut g = Graph::new();
    let out = s.out_dir.as_str();
    let data = g.add("MnistDataset");
    g.set(&data, "directory", s.data_dir.as_str())?;
    g.set(&data, "split", "train")?;
    let loader = g.add("DataLoader");
    g.connect(&data, 0, &loader, "dataset")?;
    g.set(&loader, "batch_size", s.batch_size as i64)?;
    g.set(&loader, "seed", seed(s.seed, 0))?;
    let generator = g.add("MlpGenerator");
    g.set(&generator, "seed", seed(s.seed, 1))?;
    let discriminator = g.add("MlpDiscriminator");
    g.set(&discriminator, "seed", seed(s.seed, 2))?;
    let z = g.add("LatentNoise");
    g.set(&z, "count", 64)?;
    g.set(&z, "seed", seed(s.seed, 3))?;
    let trainer = g.add("GanTrainer");
    g.connect(&generator, 0, &trainer, "generator")?;
    g.connect(&discriminator, 0, &trainer, "discriminator")?;
    g.connect(&loader, 0, &trainer, "loader")?;
    g.connect(&z, 0, &trainer, "fixed_z")?;
    g.set(&trainer, "epochs", s.epochs as i64)?;
    g.set(&trainer, "lr_g", s.lr)?;
    g.set(&trainer, "lr_d", s.lr)?;
    g.set(&trainer, "seed", seed(s.seed, 4))?;
    g.set(&trainer, "samples_dir", out)?;
    g.set(&trainer, "report_dir", out)?;
    g.set(&trainer, "checkpoint_path", training_state_path(out))?;
    if !s.resume_from.is_empty() {
        g.set(&trainer, "resume_from", s.resume_from.as_str())?;
    }
    let images = g.add("GenerateImages");
    g.connect(&trainer, 0, &images, "generator")?;
    g.connect(&z, 0, &images, "z")?;
    let grid = g.add("SaveImageGrid");
    g.connect(&images, 0, &grid, "images")?;
    g.set(&grid, "path", path(out, "final_samples.png"))?;
    let curve = save_history(&mut g, &trainer, out)?;
    let ckpt = path(out, "checkpoint");
    for (output, name) in [(0, "generator.safetensors"), (1, "discriminator.safetensors")] {
        let save = g.add("SaveModel");
        g.connect(&trainer, output, &save, "model")?;
        g.set(&save, "path", path(&ckpt, name))?;
    }
    let save_z = g.add("SaveTensor");
    g.connect(&z, 0, &save_z, "tensor")?;
    g.set(&save_z, "name", "z")?;
    g.set(&save_z, "path", path(&ckpt, "fixed_z.safetensors"))?;
    let classified = real_vs_fake(&mut g, s, &trainer, &images)?;
    let report = g.add("HtmlReport");
    g.connect(&trainer, 3, &report, "run")?;
    g.connect(&grid, 0, &report, "samples")?;
    g.connect(&curve, 0, &report, "loss_curve")?;
    g.connect(&classified, 0, &report, "classified")?;
    g.set(&report, "path", path(out, "index.html"))?;
    Ok(g)
}

/// The loss curve and losses.csv; returns the loss-curve node.
fn save_history(g: &mut Graph, trainer: &NodeId, out: &str) -> Result<NodeId, GraphError> {
    let curve = g.add("SaveLossCurve");
    g.connect(trainer, 2, &curve, "history")?;
    g.set(&curve, "path", path(out, "loss_curve.png"))?;
    let csv = g.add("SaveLossCsv");
    g.connect(trainer, 2, &csv, "history")?;
    g.set(&csv, "path", path(out, "losses.csv"))?;
    Ok(curve)
}

/// The trained discriminator judges 32 held-out test digits and 32 generated ones; returns the
/// `RealVsFake` node.
fn real_vs_fake(g: &mut Graph, s: &TrainSettings, trainer: &NodeId, generated: &NodeId) -> Result<NodeId, GraphError> {
    let test = g.add("MnistDataset");
    g.set(&test, "directory", s.data_dir.as_str())?;
    g.set(&test, "split", "test")?;
    let real = g.add("DatasetImages");
    g.connect(&test, 0, &real, "dataset")?;
    g.set(&real, "count", 32)?;
    g.set(&real, "scale", "-1..1")?;
    let view = g.add("RealVsFake");
    g.connect(trainer, 1, &view, "discriminator")?;
    g.connect(&real, 0, &view, "real")?;
    g.connect(generated, 0, &view, "generated")?;
    g.set(&view, "count", 32)?;
    g.set(&view, "path", path(&s.out_dir, "classified.png"))?;
    Ok(view)
}
