//! The MNIST GAN pipeline, the main job.
use super::{path, seed, training_state_path, TrainSettings};
use comfy_core::{Graph, GraphError, NodeId};

/// Which networks the GAN pipeline trains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GanModel {
    /// The classic MLP GAN: G 100 → 256 → 512 → 1024 → 784, D 784 → 512 → 256 → 1.
    Mlp,
    /// The DCGAN at base width 32 (G 128 → 64 → 32 channels, D 32 → 64 → 128): transposed
    /// convolutions up from z, strided convolutions down to a logit. In five minutes on two
    /// cores its digits were the closest to real ones of the candidates (README, "The main job").
    #[default]
    Dcgan,
}

impl GanModel {
    /// The model nodes' type names (generator, discriminator).
    fn nodes(self) -> (&'static str, &'static str) {
        match self {
            GanModel::Mlp => ("MlpGenerator", "MlpDiscriminator"),
            GanModel::Dcgan => ("ConvGenerator", "ConvDiscriminator"),
        }
    }

    /// Epochs of a default run: about five minutes on two cores with the CPU backend.
    pub fn default_epochs(self) -> u32 {
        match self {
            GanModel::Mlp => 100,
            GanModel::Dcgan => 50,
        }
    }
}

/// What the GAN pipeline trains: the networks, and whether they are conditional (the
/// generator told which digit to draw, the discriminator shown the digit with the image).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GanOptions {
    /// The networks.
    pub model: GanModel,
    /// Conditional on the digit.
    pub conditional: bool,
}

/// The main job's DCGAN width (the nodes' default, 64, is the network: slower, and in
/// equal time no better).
const DCGAN_WIDTH: i64 = 32;

/// Classes of a conditional MNIST model.
const DIGITS: i64 = 10;

/// [`gan_graph`] with the main job's default networks.
pub fn mnist_gan_graph(s: &TrainSettings) -> Result<Graph, GraphError> {
    gan_graph(s, &GanOptions::default())
}

/// The MNIST GAN pipeline: MNIST → loader → generator and discriminator → trainer →
/// generate from a fixed latent batch → sample grid, loss curve, losses.csv and checkpoints
/// (the training state after every epoch, see [`training_state_path`]; the final networks),
/// the real-vs-fake view (`classified.png`) and the HTML report (`index.html`, live while the
/// trainer runs). A conditional run's samples are class grids (row d all digit d), and it
/// also writes `class_grid.png`, ten fresh samples of every digit.
pub fn gan_graph(s: &TrainSettings, o: &GanOptions) -> Result<Graph, GraphError> {
    let mut g = Graph::new();
    let out = s.out_dir.as_str();
    let data = g.add("MnistDataset");
    g.set(&data, "directory", s.data_dir.as_str())?;
    g.set(&data, "split", "train")?;
    let loader = g.add("DataLoader");
    g.connect(&data, 0, &loader, "dataset")?;
    g.set(&loader, "batch_size", s.batch_size as i64)?;
    g.set(&loader, "seed", seed(s.seed, 0))?;
    let (g_type, d_type) = o.model.nodes();
    let generator = g.add(g_type);
    g.set(&generator, "seed", seed(s.seed, 1))?;
    let discriminator = g.add(d_type);
    g.set(&discriminator, "seed", seed(s.seed, 2))?;
    if o.model == GanModel::Dcgan {
        g.set(&generator, "width", DCGAN_WIDTH)?;
        g.set(&discriminator, "width", DCGAN_WIDTH)?;
    }
    if o.conditional {
        g.set(&generator, "classes", DIGITS)?;
        g.set(&discriminator, "classes", DIGITS)?;
    }
    let z = g.add("LatentNoise");
    // A conditional run's fixed samples are a class grid: eight of each digit.
    g.set(&z, "count", if o.conditional { 8 * DIGITS } else { 64 })?;
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
    if o.conditional {
        g.set(&images, "digits", "rows")?;
        g.set(&grid, "rows", DIGITS)?;
        let classes = g.add("SaveClassGrid");
        g.connect(&trainer, 0, &classes, "generator")?;
        g.set(&classes, "per_class", 10)?;
        g.set(&classes, "seed", seed(s.seed, 5))?;
        g.set(&classes, "path", path(out, "class_grid.png"))?;
    }
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
    let classified = real_vs_fake(&mut g, s, o.conditional, &trainer, &images)?;
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
fn real_vs_fake(
    g: &mut Graph,
    s: &TrainSettings,
    conditional: bool,
    trainer: &NodeId,
    generated: &NodeId,
) -> Result<NodeId, GraphError> {
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
    if conditional {
        // A conditional discriminator judges each image with its digit.
        g.connect(&real, 1, &view, "real_labels")?;
        g.connect(generated, 1, &view, "generated_labels")?;
    }
    Ok(view)
}
