//! The DCGAN of issue 14 for MNIST-sized images, as layer lists with PyTorch's module order.
use super::activation::Activation;
use super::layer::{Layer, Sample};
use super::sequential::Sequential;
use crate::conv::ConvSpec;
use crate::error::{Error, Result};

/// The sizes of a DCGAN for 28 × 28 images.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DcganConfig {
    /// Length of the latent vector `z`.
    pub latent: usize,
    /// Channels of the images (1 for MNIST).
    pub image_channels: usize,
    /// Base width: the generator's layers have `4w`, `2w`, `w` channels, the
    /// discriminator's `w`, `2w`, `4w`.
    pub width: usize,
    /// Extra `3 × 3`, stride-1 convolution + batch norm + activation blocks at 14 × 14 in each
    /// network (the "extra layers" of the WGAN paper's DCGAN): the depth.
    pub extra_layers: usize,
    /// Classes of a conditional model (0: unconditional): the generator gets the one-hot
    /// label beside `z`, the discriminator the label maps beside the image.
    pub classes: usize,
}

impl Default for DcganConfig {
    /// The network: z = 100, one channel, width 64, no extra layers, unconditional.
    fn default() -> Self {
        DcganConfig {
            latent: 100,
            image_channels: 1,
            width: 64,
            extra_layers: 0,
            classes: 0,
        }
    }
}

fn conv(in_channels: usize, out_channels: usize, k: usize, stride: usize, padding: usize) -> Layer {
    Layer::Conv2d {
        in_channels,
        out_channels,
        kernel_size: [k, k],
        spec: ConvSpec::new(stride, padding),
        bias: false,
    }
}

fn conv_t(in_channels: usize, out_channels: usize, k: usize, stride: usize, padding: usize) -> Layer {
    Layer::ConvTranspose2d {
        in_channels,
        out_channels,
        kernel_size: [k, k],
        spec: ConvSpec::new(stride, padding),
        output_padding: [0, 0],
        bias: false,
    }
}

fn act(function: Activation) -> Layer {
    Layer::Act { function }
}

impl DcganConfig {
    fn check(&self) -> Result<()> {
        if self.latent == 0 || self.image_channels == 0 || self.width == 0 {
            return Err(Error::invalid("dcgan", format!("sizes must not be zero: {self:?}")));
        }
        Ok(())
    }

    /// G: `z` (a `latent × 1 × 1` image, plus the one-hot label when conditional) →
    /// ConvT(4w, k4) 4×4 → ConvT(2w, k3, s2, p1) 7×7 → ConvT(w, k4, s2, p1) 14×14 →
    /// [extra blocks] → ConvT(channels, k4, s2, p1) 28×28, batch norm + ReLU between, tanh.
    /// No biases (batch norm follows every hidden layer), as PyTorch's DCGAN example.
    pub fn generator(&self) -> Result<Sequential> {
        self.check()?;
        let w = self.width;
        let relu = act(Activation::Relu);
        let mut layers = Vec::new();
        if self.classes > 0 {
            layers.push(Layer::ConcatCondition { channels: self.classes });
        }
        layers.extend([
            conv_t(self.latent + self.classes, 4 * w, 4, 1, 0),
            Layer::batch_norm2d(4 * w),
            relu,
            conv_t(4 * w, 2 * w, 3, 2, 1),
            Layer::batch_norm2d(2 * w),
            relu,
            conv_t(2 * w, w, 4, 2, 1),
            Layer::batch_norm2d(w),
            relu,
        ]);
        for _ in 0..self.extra_layers {
            layers.extend([conv(w, w, 3, 1, 1), Layer::batch_norm2d(w), relu]);
        }
        layers.extend([conv_t(w, self.image_channels, 4, 2, 1), act(Activation::Tanh)]);
        let input = Sample::Image {
            channels: self.latent,
            height: 1,
            width: 1,
        };
        Sequential::new(input, layers)
    }

    /// D: the image (plus the label maps when conditional) → Conv(w, k4, s2, p1) 14×14 →
    /// [extra blocks] → Conv(2w, k4, s2, p1) + BN 7×7 → Conv(4w, k4, s2, p1) + BN 3×3 →
    /// Conv(1, k3) 1×1 → Flatten: one logit per image; LeakyReLU(0.2) between. No biases.
    pub fn discriminator(&self) -> Result<Sequential> {
        self.check()?;
        let w = self.width;
        let leaky = act(Activation::LeakyRelu(0.2));
        let mut layers = Vec::new();
        if self.classes > 0 {
            layers.push(Layer::ConcatCondition { channels: self.classes });
        }
        layers.extend([conv(self.image_channels + self.classes, w, 4, 2, 1), leaky]);
        for _ in 0..self.extra_layers {
            layers.extend([conv(w, w, 3, 1, 1), Layer::batch_norm2d(w), leaky]);
        }
        layers.extend([
            conv(w, 2 * w, 4, 2, 1),
            Layer::batch_norm2d(2 * w),
            leaky,
            conv(2 * w, 4 * w, 4, 2, 1),
            Layer::batch_norm2d(4 * w),
            leaky,
            conv(4 * w, 1, 3, 1, 0),
            Layer::Flatten,
        ]);
        let input = Sample::Image {
            channels: self.image_channels,
            height: 28,
            width: 28,
        };
        Sequential::new(input, layers)
    }
}
