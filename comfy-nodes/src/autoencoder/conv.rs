//! `ConvAutoencoderConfig`: the convolutional encoder and decoder for 28 × 28 images, plain or
//! variational, as layer lists with PyTorch's module order.
use super::error::AutoencoderError;
use comfy_core::nn::{Layer, Sample, Sequential};
use comfy_core::{Activation, ConvSpec};

/// The sizes of a convolutional autoencoder for 28 × 28 images.
///
/// Encoder: Conv(c → w, k4, s2, p1) 14×14 → Conv(w → 2w, k4, s2, p1) 7×7 → Flatten → Linear →
/// the latent (`2 × latent` values for a VAE: μ, then log σ²); LeakyReLU(0.2) between.
/// Decoder, the mirror: Linear → 2w × 7 × 7 → ConvT(2w → w, k4, s2, p1) 14×14 →
/// ConvT(w → c, k4, s2, p1) 28×28 → the output activation (sigmoid for pixels in 0..1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConvAutoencoderConfig {
    /// Channels of the images (1 for MNIST).
    pub image_channels: usize,
    /// Channels of the first convolution (the second has twice as many).
    pub width: usize,
    /// Width of the latent vector z.
    pub latent: usize,
    /// Whether the encoder writes μ and log σ² (a VAE) rather than z itself.
    pub variational: bool,
}

impl Default for ConvAutoencoderConfig {
    /// One channel, width 32 (32 and 64 channels), 16 latent values, not variational.
    fn default() -> Self {
        ConvAutoencoderConfig {
            image_channels: 1,
            width: 32,
            latent: 16,
            variational: false,
        }
    }
}

/// The side of the images.
const SIDE: usize = 28;
/// The side after the two strided convolutions.
const INNER: usize = 7;

fn leaky() -> Layer {
    Layer::Act {
        function: Activation::LeakyRelu(0.2),
    }
}

fn spec() -> ConvSpec {
    ConvSpec::new(2, 1)
}

impl ConvAutoencoderConfig {
    fn check(&self) -> Result<(), AutoencoderError> {
        if self.image_channels == 0 || self.width == 0 || self.latent == 0 {
            return Err(AutoencoderError::ZeroSize {
                what: format!(
                    "channels {}, width {}, latent {}",
                    self.image_channels, self.width, self.latent
                ),
            });
        }
        Ok(())
    }

    /// Values the encoder writes: the latent width, twice it for a VAE.
    pub fn encoder_outputs(&self) -> usize {
        if self.variational {
            2 * self.latent
        } else {
            self.latent
        }
    }

    /// The encoder's layer list.
    pub fn encoder(&self) -> Result<Sequential, AutoencoderError> {
        self.check()?;
        let w = self.width;
        let conv = |i, o| Layer::Conv2d {
            in_channels: i,
            out_channels: o,
            kernel_size: [4, 4],
            spec: spec(),
            bias: true,
        };
        let layers = vec![
            conv(self.image_channels, w),
            leaky(),
            conv(w, 2 * w),
            leaky(),
            Layer::Flatten,
            Layer::Linear {
                in_features: 2 * w * INNER * INNER,
                out_features: self.encoder_outputs(),
                bias: true,
            },
        ];
        let input = Sample::Image {
            channels: self.image_channels,
            height: SIDE,
            width: SIDE,
        };
        Ok(Sequential::new(input, layers)?)
    }

    /// The decoder's layer list, ending in `output` (sigmoid for pixels in 0..1, tanh for -1..1).
    pub fn decoder(&self, output: Activation) -> Result<Sequential, AutoencoderError> {
        self.check()?;
        let w = self.width;
        let conv_t = |i, o| Layer::ConvTranspose2d {
            in_channels: i,
            out_channels: o,
            kernel_size: [4, 4],
            spec: spec(),
            output_padding: [0, 0],
            bias: true,
        };
        let layers = vec![
            Layer::Linear {
                in_features: self.latent,
                out_features: 2 * w * INNER * INNER,
                bias: true,
            },
            leaky(),
            Layer::Unflatten {
                channels: 2 * w,
                height: INNER,
                width: INNER,
            },
            conv_t(2 * w, w),
            leaky(),
            conv_t(w, self.image_channels),
            Layer::Act { function: output },
        ];
        Ok(Sequential::new(Sample::Features(self.latent), layers)?)
    }
}
