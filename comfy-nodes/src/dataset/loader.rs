//! Batching: shuffled (with a seed), optionally dropping the last short batch, scaled to floats.
use super::error::DatasetError;
use super::image_set::ImageDataset;
use comfy_core::random::rng_from_seed;
use comfy_core::Tensor;
use rand::Rng;
use std::sync::Arc;

/// How bytes become floats (`-1..1` or `0..1` on the nodes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, comfy_core::PortChoice)]
pub enum PixelScale {
    /// `x / 127.5 - 1`: the range of a tanh output, as GANs use.
    #[choice("-1..1")]
    MinusOneToOne,
    /// `x / 255`.
    #[choice("0..1")]
    ZeroToOne,
}

impl PixelScale {
    /// The float for a byte.
    #[inline]
    pub fn apply(self, b: u8) -> f32 {
        match self {
            PixelScale::MinusOneToOne => b as f32 / 127.5 - 1.0,
            PixelScale::ZeroToOne => b as f32 / 255.0,
        }
    }

    /// The byte nearest to a float (clamped), the inverse of [`PixelScale::apply`].
    pub fn to_byte(self, v: f32) -> u8 {
        let unit = match self {
            PixelScale::MinusOneToOne => (v + 1.0) * 0.5,
            PixelScale::ZeroToOne => v,
        };
        (unit.clamp(0.0, 1.0) * 255.0).round() as u8
    }
}

/// Settings of a [`DataLoader`].
#[derive(Clone, Debug, PartialEq)]
pub struct LoaderConfig {
    /// Images per batch (at least 1).
    pub batch_size: usize,
    /// Shuffle each epoch (with `seed` and the epoch number).
    pub shuffle: bool,
    /// Seed of the shuffle.
    pub seed: u64,
    /// Skip the last batch when it is smaller than `batch_size`.
    pub drop_last: bool,
    /// Float range of the pixels.
    pub scale: PixelScale,
}

/// One batch: pixels `[batch, height × width × channels]` and the labels, if any.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The images as a host tensor.
    pub images: Tensor,
    /// One label per image.
    pub labels: Option<Vec<u8>>,
}

/// Cuts a dataset into batches, epoch after epoch.
#[derive(Clone, Debug)]
pub struct DataLoader {
    dataset: Arc<ImageDataset>,
    config: LoaderConfig,
}

impl DataLoader {
    /// Checks the settings against the dataset.
    pub fn new(dataset: Arc<ImageDataset>, config: LoaderConfig) -> Result<Self, DatasetError> {
        if config.batch_size == 0 {
            return Err(DatasetError::Config("batch size must be at least 1".into()));
        }
        if config.drop_last && config.batch_size > dataset.len() {
            return Err(DatasetError::Config(format!(
                "batch size {} is larger than the {} images of {}, and drop_last leaves no batch",
                config.batch_size,
                dataset.len(),
                dataset.source().display()
            )));
        }
        Ok(DataLoader { dataset, config })
    }

    /// The dataset.
    pub fn dataset(&self) -> &Arc<ImageDataset> {
        &self.dataset
    }

    /// The settings.
    pub fn config(&self) -> &LoaderConfig {
        &self.config
    }

    /// Batches in one epoch: at least 1, since an empty dataset and a `drop_last` batch larger
    /// than the dataset are both refused when they are made.
    pub fn batches_per_epoch(&self) -> usize {
        let (n, b) = (self.dataset.len(), self.config.batch_size);
        if self.config.drop_last {
            n / b
        } else {
            n.div_ceil(b)
        }
    }

    /// The order of the images in `epoch` (0-based): shuffled with `seed` and the epoch, so
    /// that a resumed run sees the same order as an uninterrupted one.
    fn order(&self, epoch: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.dataset.len()).collect();
        if self.config.shuffle {
            let mut rng = rng_from_seed(self.config.seed ^ (epoch as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            for i in (1..idx.len()).rev() {
                idx.swap(i, rng.random_range(0..=i));
            }
        }
        idx
    }

    /// Batch `index` of an epoch whose image order is `order`, or `None` past the end.
    fn batch(&self, order: &[usize], index: usize) -> Option<Batch> {
        let b = self.config.batch_size;
        let start = index.checked_mul(b)?;
        if start >= order.len() || (self.config.drop_last && start + b > order.len()) {
            return None;
        }
        let ids = &order[start..(start + b).min(order.len())];
        let size = self.dataset.image_size();
        let mut pixels = Vec::with_capacity(ids.len() * size);
        for &i in ids {
            pixels.extend(self.dataset.image(i)?.iter().map(|&p| self.config.scale.apply(p)));
        }
        let images = Tensor::from_vec(pixels, [ids.len(), size]).ok()?;
        let labels = self.dataset.labels().map(|l| ids.iter().map(|&i| l[i]).collect());
        Some(Batch { images, labels })
    }

    /// The batches of `epoch` (0-based), each with its index in the epoch, from batch `first`
    /// on: a resumed run skips the batches it took before it stopped.
    pub fn epoch_from(&self, epoch: usize, first: usize) -> impl Iterator<Item = (usize, Batch)> + '_ {
        let order = self.order(epoch);
        (first..).map_while(move |i| Some((i, self.batch(&order, i)?)))
    }

    /// The batches of `epoch`, in order.
    pub fn epoch(&self, epoch: usize) -> impl Iterator<Item = Batch> + '_ {
        self.epoch_from(epoch, 0).map(|(_, batch)| batch)
    }
}
