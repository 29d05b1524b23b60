//! `DigitJudge`: the trained classifier, what it says of images, and the scores of a batch.
use super::classifier::{classifier_layers, ClassifierStep, CLASSES, FEATURES};
use super::frechet::frechet_distance;
use comfy_core::nn::{Init, Mode, Sequential};
use comfy_core::{Backend, Tape, Tensor};
use comfy_nodes::checkpoint::CheckpointError;
use comfy_nodes::dataset::{DataLoader, ImageDataset, LoaderConfig, PixelScale};
use comfy_nodes::model_file::{load_network, save_network};
use comfy_nodes::network::Network;
use comfy_nodes::train::{Silent, TrainError, TrainLoop};
use std::path::Path;
use std::sync::Arc;

/// Why the judge could not be trained, loaded or asked.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    /// Training failed.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// The judge file could not be read or written.
    #[error(transparent)]
    File(#[from] CheckpointError),
    /// A tensor operation failed (images of the wrong size, say).
    #[error(transparent)]
    Tensor(#[from] comfy_core::Error),
    /// The dataset could not be batched.
    #[error(transparent)]
    Dataset(#[from] comfy_nodes::dataset::DatasetError),
}

/// What the judge reads one image as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// The most likely digit.
    pub class: usize,
    /// Its softmax probability.
    pub confidence: f32,
}

/// The judge's scores for a batch of generated images.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Images judged.
    pub count: usize,
    /// Share read as some digit with more than 90 % confidence.
    pub confident: f64,
    /// Mean confidence.
    pub mean_confidence: f64,
    /// Images per class.
    pub per_class: [usize; CLASSES],
    /// Entropy of the class distribution in bits (log2 10 ≈ 3.32 when every digit is as common).
    pub class_entropy_bits: f64,
    /// Fréchet distance between the images' and real test digits' judge features (lower is closer).
    pub frechet: f64,
    /// For images asked to be given digits: the share read as the digit asked for.
    pub asked_for: Option<f64>,
}

/// A CNN digit classifier trained on real labelled digits only.
pub struct DigitJudge {
    net: Network,
    backend: Arc<dyn Backend>,
}

impl DigitJudge {
    /// Trains a fresh judge on `train` (labelled) for `epochs`, batch 64, Adam 1e-3.
    pub fn train(
        backend: Arc<dyn Backend>,
        train: Arc<ImageDataset>,
        epochs: usize,
        seed: u64,
    ) -> Result<Self, JudgeError> {
        let net = Network::new(classifier_layers()?, seed, Init::PyTorch)?;
        let loader = DataLoader::new(train, config(64, true, seed))?;
        let mut run = TrainLoop::new(ClassifierStep::new(net, backend.clone(), 1e-3)?, epochs);
        run.train(&loader, &mut Silent)?;
        let net = run.model.net.to_host(backend.as_ref())?;
        Ok(DigitJudge { net, backend })
    }

    /// The judge saved at `path`, or a fresh one trained as [`DigitJudge::train`] does and
    /// saved there (a model file: layer list and weights).
    pub fn load_or_train(
        path: &Path,
        backend: Arc<dyn Backend>,
        train: Arc<ImageDataset>,
        epochs: usize,
        seed: u64,
    ) -> Result<Self, JudgeError> {
        let expected = Network::new(classifier_layers()?, seed, Init::PyTorch)?;
        if path.is_file() {
            let net = load_network(path, Some(&expected))?;
            return Ok(DigitJudge { net, backend });
        }
        let judge = Self::train(backend, train, epochs, seed)?;
        save_network(path, &judge.net, judge.backend.as_ref())?;
        Ok(judge)
    }

    /// The share of `data`'s images read as their own label.
    pub fn accuracy(&self, data: &Arc<ImageDataset>) -> Result<f64, JudgeError> {
        let loader = DataLoader::new(data.clone(), config(500, false, 0))?;
        let (mut right, mut all) = (0usize, 0usize);
        for batch in loader.epoch(0) {
            let labels = batch.labels.clone().unwrap_or_default();
            let verdicts = self.classify(&batch.images, PixelScale::ZeroToOne)?;
            right += verdicts
                .iter()
                .zip(&labels)
                .filter(|(v, &l)| v.class == usize::from(l))
                .count();
            all += verdicts.len();
        }
        Ok(right as f64 / all.max(1) as f64)
    }

    /// What the judge reads each image of `images` (`[n, 784]`, scaled with `scale`) as.
    pub fn classify(&self, images: &Tensor, scale: PixelScale) -> Result<Vec<Verdict>, JudgeError> {
        let logits = self.run(&self.net.arch, images, scale)?;
        Ok(logits.chunks(CLASSES).map(verdict).collect())
    }

    /// The judge's last hidden layer for each image: what [`Scores::frechet`] compares.
    pub fn features(&self, images: &Tensor, scale: PixelScale) -> Result<Vec<Vec<f32>>, JudgeError> {
        let layers = self.net.arch.layers();
        let upto = layers.len() - 1;
        let trunk = Sequential::new(self.net.arch.input(), layers[..upto].to_vec())?;
        Ok(self
            .run(&trunk, images, scale)?
            .chunks(FEATURES)
            .map(<[f32]>::to_vec)
            .collect())
    }

    /// Scores `images` (scaled with `scale`) against real digits' `real_features`; `asked`
    /// gives the digit each image was asked to be, for a conditional generator.
    pub fn score(
        &self,
        images: &Tensor,
        scale: PixelScale,
        real_features: &[Vec<f32>],
        asked: Option<&[u8]>,
    ) -> Result<Scores, JudgeError> {
        let verdicts = self.classify(images, scale)?;
        let n = verdicts.len().max(1) as f64;
        let mut per_class = [0usize; CLASSES];
        verdicts.iter().for_each(|v| per_class[v.class] += 1);
        let class_entropy_bits = per_class
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = c as f64 / n;
                -p * p.log2()
            })
            .sum();
        let asked_for = asked.map(|labels| {
            let right = verdicts
                .iter()
                .zip(labels)
                .filter(|(v, &l)| v.class == usize::from(l))
                .count();
            right as f64 / n
        });
        Ok(Scores {
            count: verdicts.len(),
            confident: verdicts.iter().filter(|v| v.confidence > 0.9).count() as f64 / n,
            mean_confidence: verdicts.iter().map(|v| f64::from(v.confidence)).sum::<f64>() / n,
            per_class,
            class_entropy_bits,
            frechet: frechet_distance(&self.features(images, scale)?, real_features),
            asked_for,
        })
    }

    /// `arch` (the judge's layers, or the first of them) on `images`, 500 at a time: the rows of
    /// its output, concatenated.
    fn run(&self, arch: &Sequential, images: &Tensor, scale: PixelScale) -> Result<Vec<f32>, JudgeError> {
        let (n, pixels) = images.shape().rows_cols();
        let unit: Vec<f32> = self
            .backend
            .to_host(images)?
            .into_iter()
            .map(|v| match scale {
                PixelScale::ZeroToOne => v,
                PixelScale::MinusOneToOne => (v + 1.0) * 0.5,
            })
            .collect();
        let mut out = Vec::new();
        for start in (0..n).step_by(500) {
            let rows = (n - start).min(500);
            let chunk = Tensor::from_vec(unit[start * pixels..(start + rows) * pixels].to_vec(), [rows, pixels])?;
            let tape = Tape::new(self.backend.clone());
            let bound = self.net.params.bind(&tape, false)?;
            let y = arch.forward(&bound, tape.constant(&chunk)?, None, Mode::Eval)?.output;
            out.extend(self.backend.to_host(&y.value())?);
        }
        Ok(out)
    }
}

/// The most likely class of a row of logits and its softmax probability.
fn verdict(row: &[f32]) -> Verdict {
    let max = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let total: f32 = row.iter().map(|v| (v - max).exp()).sum();
    let class = (0..row.len()).fold(0, |b, i| if row[i] > row[b] { i } else { b });
    Verdict {
        class,
        confidence: 1.0 / total,
    }
}

fn config(batch_size: usize, shuffle: bool, seed: u64) -> LoaderConfig {
    LoaderConfig {
        batch_size,
        shuffle,
        seed,
        drop_last: false,
        scale: PixelScale::ZeroToOne,
    }
}
