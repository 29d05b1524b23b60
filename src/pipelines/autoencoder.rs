//! The autoencoder example's graph.
use super::{path, seed, training_state_path, TrainSettings};
use comfy_core::{Graph, GraphError, NodeId};

/// Which autoencoder the pipeline trains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AutoencoderModel {
    /// MLP encoder `784 → 256 → 32` and decoder `32 → 256 → 784`.
    #[default]
    Mlp,
    /// Convolutional encoder (32 and 64 channels, 16 latent values) and its mirror decoder.
    Conv,
    /// The convolutional VAE: the conv encoder writing μ and log σ² of 16 latent values, the
    /// conv decoder, reconstruction (BCE summed per image) + KL; it also samples the prior.
    Vae,
}

impl AutoencoderModel {
    /// The model nodes' type names (encoder, decoder).
    fn nodes(self) -> (&'static str, &'static str) {
        match self {
            AutoencoderModel::Mlp => ("MlpEncoder", "MlpDecoder"),
            AutoencoderModel::Conv | AutoencoderModel::Vae => ("ConvEncoder", "ConvDecoder"),
        }
    }

    /// Epochs of a default run (the conv models take about 15× longer per epoch than the MLP).
    pub fn default_epochs(self) -> u32 {
        match self {
            AutoencoderModel::Mlp => DEFAULT_AE_EPOCHS,
            AutoencoderModel::Conv | AutoencoderModel::Vae => 10,
        }
    }
}

/// Epochs of the example: under a minute on two cores with the rayon CPU backend (about
/// 350 steps/s); the test-set error has levelled off by then.
pub const DEFAULT_AE_EPOCHS: u32 = 100;

impl TrainSettings {
    /// The autoencoder example's defaults: 100 epochs, batch 64, Adam 1e-3, seed 0,
    /// `out/autoencoder`.
    pub fn autoencoder() -> Self {
        Self::autoencoder_for(AutoencoderModel::Mlp)
    }

    /// The autoencoder example's defaults for `model`: its default epochs, batch 64, Adam 1e-3,
    /// seed 0, `out/autoencoder` (`out/autoencoder_conv`, `out/vae` for the others).
    pub fn autoencoder_for(model: AutoencoderModel) -> Self {
        let out_dir = match model {
            AutoencoderModel::Mlp => "out/autoencoder",
            AutoencoderModel::Conv => "out/autoencoder_conv",
            AutoencoderModel::Vae => "out/vae",
        };
        TrainSettings {
            epochs: model.default_epochs(),
            batch_size: 64,
            lr: 1e-3,
            seed: 0,
            data_dir: String::new(),
            out_dir: out_dir.into(),
            resume_from: String::new(),
        }
    }
}

/// The MNIST autoencoder pipeline: the training digits → loader (pixels in 0..1) → encoder
/// `784 → 256 → 32` and decoder `32 → 256 → 784` (sigmoid) → trainer (BCE, Adam) → on the
/// test digits: `reconstructions.png` and the reconstruction error (output 0 of the
/// `ReconstructionError` node); `loss_curve.png`, `losses.csv`,
/// `checkpoint/{encoder,decoder}.safetensors`, and the training state after every epoch (see
/// [`training_state_path`]).
pub fn autoencoder_graph(s: &TrainSettings) -> Result<Graph, GraphError> {
    autoencoder_model_graph(s, AutoencoderModel::Mlp)
}

/// Samples from the prior in the VAE pipeline's `samples.png` (an 8 × 8 grid).
const PRIOR_SAMPLES: i64 = 64;

/// [`autoencoder_graph`] for `model`: the conv models swap in the `ConvEncoder` and
/// `ConvDecoder`; the VAE's encoder is variational, and the graph also decodes 64 draws from
/// the prior (`SampleVae`) into `samples.png`.
pub fn autoencoder_model_graph(s: &TrainSettings, model: AutoencoderModel) -> Result<Graph, GraphError> {
    let mut g = Graph::new();
    let out = s.out_dir.as_str();
    let train = g.add("MnistDataset");
    g.set(&train, "directory", s.data_dir.as_str())?;
    g.set(&train, "split", "train")?;
    let loader = g.add("DataLoader");
    g.connect(&train, 0, &loader, "dataset")?;
    g.set(&loader, "batch_size", s.batch_size as i64)?;
    g.set(&loader, "seed", seed(s.seed, 0))?;
    g.set(&loader, "scale", "0..1")?;
    let (encoder_node, decoder_node) = model.nodes();
    let encoder = g.add(encoder_node);
    g.set(&encoder, "seed", seed(s.seed, 1))?;
    if model == AutoencoderModel::Vae {
        g.set(&encoder, "variational", true)?;
    }
    let decoder = g.add(decoder_node);
    g.set(&decoder, "seed", seed(s.seed, 2))?;
    let trainer = g.add("AutoencoderTrainer");
    g.connect(&encoder, 0, &trainer, "encoder")?;
    g.connect(&decoder, 0, &trainer, "decoder")?;
    g.connect(&loader, 0, &trainer, "loader")?;
    g.set(&trainer, "epochs", s.epochs as i64)?;
    g.set(&trainer, "lr", s.lr)?;
    g.set(&trainer, "loss", "bce")?;
    g.set(&trainer, "checkpoint_path", training_state_path(out))?;
    if model == AutoencoderModel::Vae {
        g.set(&trainer, "noise_seed", seed(s.seed, 3))?;
    }
    if !s.resume_from.is_empty() {
        g.set(&trainer, "resume_from", s.resume_from.as_str())?;
    }
    let test = g.add("MnistDataset");
    g.set(&test, "directory", s.data_dir.as_str())?;
    g.set(&test, "split", "test")?;
    let view = g.add("SaveReconstructions");
    g.connect(&trainer, 0, &view, "encoder")?;
    g.connect(&trainer, 1, &view, "decoder")?;
    g.connect(&test, 0, &view, "dataset")?;
    g.set(&view, "path", path(out, "reconstructions.png"))?;
    let error = g.add("ReconstructionError");
    g.connect(&trainer, 0, &error, "encoder")?;
    g.connect(&trainer, 1, &error, "decoder")?;
    g.connect(&test, 0, &error, "dataset")?;
    let curve = g.add("SaveLossCurve");
    g.connect(&trainer, 2, &curve, "history")?;
    g.set(&curve, "path", path(out, "loss_curve.png"))?;
    g.set(&curve, "smoothing", "epoch_mean")?;
    let csv = g.add("SaveLossCsv");
    g.connect(&trainer, 2, &csv, "history")?;
    g.set(&csv, "path", path(out, "losses.csv"))?;
    let ckpt = path(out, "checkpoint");
    for (output, name) in [(0, "encoder.safetensors"), (1, "decoder.safetensors")] {
        let save = g.add("SaveModel");
        g.connect(&trainer, output, &save, "model")?;
        g.set(&save, "path", path(&ckpt, name))?;
    }
    if model == AutoencoderModel::Vae {
        prior_samples(&mut g, &trainer, s)?;
    }
    Ok(g)
}

/// The VAE's samples from the prior: `SampleVae` on the trained decoder → `samples.png`.
fn prior_samples(g: &mut Graph, trainer: &NodeId, s: &TrainSettings) -> Result<(), GraphError> {
    let sample = g.add("SampleVae");
    g.connect(trainer, 1, &sample, "decoder")?;
    g.set(&sample, "count", PRIOR_SAMPLES)?;
    g.set(&sample, "seed", seed(s.seed, 4))?;
    let grid = g.add("SaveImageGrid");
    g.connect(&sample, 0, &grid, "images")?;
    g.set(&grid, "path", path(&s.out_dir, "samples.png"))?;
    g.set(&grid, "range", "0..1")?;
    g.set(&grid, "scale", 2i64)?;
    Ok(())
}
