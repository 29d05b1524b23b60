//! The encoder–decoder pair, which output ranges fit which data, and the reconstruction error.
use super::error::AutoencoderError;
use crate::dataset::{DataLoader, ImageDataset, LoaderConfig, PixelScale};
use crate::network::Network;
use comfy_core::{Activation, Backend, Mlp, Tensor};
use std::sync::Arc;

/// The MNIST encoder: `784 → 256 → 32`, LeakyReLU(0.2), a linear latent.
pub fn default_encoder() -> Mlp {
    Mlp {
        sizes: vec![784, 256, 32],
        hidden: Activation::LeakyRelu(0.2),
        output: Activation::Identity,
    }
}

/// The MNIST decoder: `32 → 256 → 784`, LeakyReLU(0.2), sigmoid pixels in `[0, 1]`.
pub fn default_decoder() -> Mlp {
    Mlp {
        sizes: vec![32, 256, 784],
        hidden: Activation::LeakyRelu(0.2),
        output: Activation::Sigmoid,
    }
}

/// Whether a decoder ending in `activation` can rebuild pixels scaled with `scale`: sigmoid and
/// ReLU cannot go below 0, tanh covers `-1..1`, a linear output covers anything.
pub fn output_fits(activation: Activation, scale: PixelScale) -> bool {
    match activation {
        Activation::Sigmoid | Activation::Relu => scale == PixelScale::ZeroToOne,
        Activation::Tanh => scale == PixelScale::MinusOneToOne,
        Activation::Identity | Activation::LeakyRelu(_) => true,
    }
}

/// An encoder and a decoder that fit together. An encoder that writes twice as many values as
/// the decoder reads is a VAE's: the first half of its outputs is μ, the second log σ², and the
/// decoder reads `z = μ + σ·ε`.
#[derive(Clone, Debug)]
pub struct Autoencoder {
    /// Image → latent vector.
    pub encoder: Network,
    /// Latent vector → image.
    pub decoder: Network,
}

impl Autoencoder {
    /// Pairs the networks if the decoder reads the encoder's outputs and writes as many values as
    /// the encoder reads.
    pub fn new(encoder: Network, decoder: Network) -> Result<Self, AutoencoderError> {
        let (e, d) = (&encoder, &decoder);
        let latent_fits = e.output_size() == d.input_size() || e.output_size() == 2 * d.input_size();
        if !latent_fits || d.output_size() != e.input_size() {
            return Err(AutoencoderError::Mismatch {
                encoder_in: e.input_size(),
                latent: e.output_size(),
                decoder_in: d.input_size(),
                decoder_out: d.output_size(),
            });
        }
        Ok(Autoencoder { encoder, decoder })
    }

    /// Values per image (pixels × channels).
    pub fn image_size(&self) -> usize {
        self.encoder.input_size()
    }

    /// Width of the latent vector (what the decoder reads).
    pub fn latent_dim(&self) -> usize {
        self.decoder.input_size()
    }

    /// Whether this is a VAE: the encoder writes μ and log σ², twice the latent width.
    pub fn is_variational(&self) -> bool {
        self.encoder.output_size() == 2 * self.decoder.input_size()
    }

    /// Checks that images of `found` values each fit the encoder.
    pub fn check_image_size(&self, found: usize) -> Result<(), AutoencoderError> {
        if found == self.image_size() {
            return Ok(());
        }
        Err(AutoencoderError::ImageSize {
            expected: self.image_size(),
            found,
        })
    }

    /// Latent vectors `[n, latent]` of images `[n, pixels]` (a VAE's μ), read back to the host.
    pub fn encode(&self, backend: &Arc<dyn Backend>, images: &Tensor) -> Result<Tensor, AutoencoderError> {
        host(backend, &self.latent(backend, images)?)
    }

    /// Reconstructions `[n, pixels]` of images `[n, pixels]`, in the decoder's output range,
    /// read back to the host; a VAE decodes the mean μ of each image's latent distribution.
    pub fn reconstruct(&self, backend: &Arc<dyn Backend>, images: &Tensor) -> Result<Tensor, AutoencoderError> {
        let latent = self.latent(backend, images)?;
        host(backend, &self.decoder.infer(backend, &latent, None)?)
    }

    /// The latent vectors on the backend: the encoder's output, or its μ half for a VAE.
    fn latent(&self, backend: &Arc<dyn Backend>, images: &Tensor) -> Result<Tensor, AutoencoderError> {
        self.check_image_size(images.shape().rows_cols().1)?;
        let out = self.encoder.infer(backend, images, None)?;
        if !self.is_variational() {
            return Ok(out);
        }
        Ok(backend.slice_cols(&out, 0, self.latent_dim())?)
    }

    /// The same networks with their parameters read back to host memory (for checkpoints).
    pub fn to_host(&self, backend: &dyn Backend) -> Result<Self, AutoencoderError> {
        Ok(Autoencoder {
            encoder: self.encoder.to_host(backend)?,
            decoder: self.decoder.to_host(backend)?,
        })
    }
}

fn host(backend: &Arc<dyn Backend>, t: &Tensor) -> Result<Tensor, AutoencoderError> {
    Ok(backend.to_host_tensor(t)?)
}

/// The mean squared error per pixel between every image of `dataset` and its reconstruction,
/// in `[0, 1]` units (black 0, white 1) whatever `scale` the model was trained with.
///
/// Images go through the model `batch_size` at a time, scaled with `scale` (which the
/// decoder's output must fit, see [`output_fits`]); reconstructions are clamped to the data's
/// range before comparing.
pub fn reconstruction_error(
    model: &Autoencoder,
    backend: &Arc<dyn Backend>,
    dataset: &Arc<ImageDataset>,
    scale: PixelScale,
    batch_size: usize,
) -> Result<f64, AutoencoderError> {
    model.check_image_size(dataset.image_size())?;
    let activation = model.decoder.output_activation();
    if !output_fits(activation, scale) {
        return Err(AutoencoderError::OutputRange { activation, scale });
    }
    let config = LoaderConfig {
        batch_size: batch_size.max(1),
        shuffle: false,
        seed: 0,
        drop_last: false,
        scale,
    };
    let loader = DataLoader::new(dataset.clone(), config)?;
    let (mut sum, mut count) = (0.0f64, 0usize);
    for batch in loader.epoch(0) {
        let originals = batch.images.to_vec()?;
        let rebuilt = model.reconstruct(backend, &batch.images)?.to_vec()?;
        for (&x, &y) in originals.iter().zip(&rebuilt) {
            let d = f64::from(unit(x, scale) - unit(y, scale));
            sum += d * d;
        }
        count += originals.len();
    }
    Ok(sum / count.max(1) as f64)
}

/// A value scaled with `scale`, clamped to its range and mapped to `[0, 1]`.
fn unit(v: f32, scale: PixelScale) -> f32 {
    match scale {
        PixelScale::ZeroToOne => v.clamp(0.0, 1.0),
        PixelScale::MinusOneToOne => (v.clamp(-1.0, 1.0) + 1.0) * 0.5,
    }
}
