//! The layers a [`Sequential`](super::Sequential) is made of, mirroring PyTorch's modules, and
//! what each one takes, gives and owns.
use super::activation::Activation;
use crate::conv::{ConvGeometry, ConvSpec};
use crate::error::{Error, Result};
use crate::shape::Shape;

/// What one sample looks like between two layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sample {
    /// A vector of features: the batch is `[N, features]`.
    Features(usize),
    /// An image: the batch is NHWC, `[N, height, width, channels]`.
    Image {
        /// Channels.
        channels: usize,
        /// Height.
        height: usize,
        /// Width.
        width: usize,
    },
}

impl Sample {
    /// Values per sample.
    pub fn len(&self) -> usize {
        match *self {
            Sample::Features(f) => f,
            Sample::Image {
                channels,
                height,
                width,
            } => channels * height * width,
        }
    }

    /// True for a sample of no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The shape of a batch of `n` of them.
    pub fn batch_shape(&self, n: usize) -> Shape {
        match *self {
            Sample::Features(f) => Shape::new([n, f]),
            Sample::Image {
                channels,
                height,
                width,
            } => Shape::new([n, height, width, channels]),
        }
    }
}

impl std::fmt::Display for Sample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Sample::Features(n) => write!(f, "{n} features"),
            Sample::Image {
                channels,
                height,
                width,
            } => write!(f, "{channels}×{height}×{width} image"),
        }
    }
}

/// One layer, with the sizes that fix its parameters. Names and fields follow PyTorch's modules
/// (`torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, …)`); the JSON
/// form (serde, tagged by `type`) is the layer list a checkpoint records.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type")]
pub enum Layer {
    /// `nn.Linear`: `weight [out, in]`, `bias [out]`.
    Linear {
        /// Input features.
        in_features: usize,
        /// Output features.
        out_features: usize,
        /// With a bias.
        bias: bool,
    },
    /// `nn.Conv2d`: `weight [out, in, kh, kw]`, `bias [out]`.
    Conv2d {
        /// Input channels.
        in_channels: usize,
        /// Output channels.
        out_channels: usize,
        /// `[kh, kw]`.
        kernel_size: [usize; 2],
        /// Stride, padding and dilation.
        #[serde(flatten)]
        spec: ConvSpec,
        /// With a bias.
        bias: bool,
    },
    /// `nn.ConvTranspose2d`: `weight [in, out, kh, kw]`, `bias [out]`.
    ConvTranspose2d {
        /// Input channels.
        in_channels: usize,
        /// Output channels.
        out_channels: usize,
        /// `[kh, kw]`.
        kernel_size: [usize; 2],
        /// Stride, padding and dilation.
        #[serde(flatten)]
        spec: ConvSpec,
        /// Extra rows and columns on one side of the output (below the stride).
        output_padding: [usize; 2],
        /// With a bias.
        bias: bool,
    },
    /// `nn.BatchNorm1d` over the batch of feature vectors.
    BatchNorm1d {
        /// Features.
        num_features: usize,
        /// Added to the variance.
        eps: f32,
        /// Weight of the batch in the running averages.
        momentum: f32,
    },
    /// `nn.BatchNorm2d` over the batch, height and width of images, per channel.
    BatchNorm2d {
        /// Channels.
        num_features: usize,
        /// Added to the variance.
        eps: f32,
        /// Weight of the batch in the running averages.
        momentum: f32,
    },
    /// An element-wise function (`nn.ReLU`, `nn.LeakyReLU`, `nn.Tanh`, `nn.Sigmoid`,
    /// `nn.Identity`).
    Act {
        /// The function.
        function: Activation,
    },
    /// `nn.Flatten`: images to feature vectors in PyTorch's NCHW order (channel-major).
    Flatten,
    /// `nn.Unflatten(1, (channels, height, width))`: feature vectors in NCHW order to images.
    Unflatten {
        /// Channels.
        channels: usize,
        /// Height.
        height: usize,
        /// Width.
        width: usize,
    },
    /// Joins the condition given to the forward pass (one-hot labels, label maps) to the
    /// activation as extra features or channels. Not a PyTorch module: it takes no index in
    /// the parameter names (PyTorch code does `torch.cat([x, condition], 1)` at that point).
    ConcatCondition {
        /// Features or channels the condition adds.
        channels: usize,
    },
}

/// A parameter or buffer of a layer: name suffix (`weight`, …), shape, and whether it is
/// trained.
pub(crate) struct Slot {
    pub suffix: &'static str,
    pub shape: Shape,
    pub trainable: bool,
}

impl Layer {
    /// `BatchNorm2d` with PyTorch's defaults (eps 1e-5, momentum 0.1).
    pub fn batch_norm2d(num_features: usize) -> Layer {
        Layer::BatchNorm2d {
            num_features,
            eps: 1e-5,
            momentum: 0.1,
        }
    }

    /// Whether an activation right after this layer is computed with it (linear layers,
    /// convolutions, batch normalisation).
    pub fn takes_activation(&self) -> bool {
        matches!(
            self,
            Layer::Linear { .. }
                | Layer::Conv2d { .. }
                | Layer::ConvTranspose2d { .. }
                | Layer::BatchNorm1d { .. }
                | Layer::BatchNorm2d { .. }
        )
    }

    /// Whether the layer takes an index in PyTorch's `nn.Sequential` (all but the condition).
    pub fn is_module(&self) -> bool {
        !matches!(self, Layer::ConcatCondition { .. })
    }

    /// A short description for messages: `Conv2d(64 → 128, k4, s2, p1)`.
    pub fn describe(&self) -> String {
        match self {
            Layer::Linear {
                in_features,
                out_features,
                ..
            } => format!("Linear({in_features} → {out_features})"),
            Layer::Conv2d {
                in_channels,
                out_channels,
                kernel_size,
                spec,
                ..
            } => format!(
                "Conv2d({in_channels} → {out_channels}, {})",
                conv_text(*kernel_size, spec)
            ),
            Layer::ConvTranspose2d {
                in_channels,
                out_channels,
                kernel_size,
                spec,
                ..
            } => format!(
                "ConvTranspose2d({in_channels} → {out_channels}, {})",
                conv_text(*kernel_size, spec)
            ),
            Layer::BatchNorm1d { num_features, .. } => format!("BatchNorm1d({num_features})"),
            Layer::BatchNorm2d { num_features, .. } => format!("BatchNorm2d({num_features})"),
            Layer::Act { function } => format!("{function:?}"),
            Layer::Flatten => "Flatten".into(),
            Layer::Unflatten {
                channels,
                height,
                width,
            } => format!("Unflatten({channels}×{height}×{width})"),
            Layer::ConcatCondition { channels } => format!("ConcatCondition(+{channels})"),
        }
    }

    /// The parameters and buffers the layer owns, in PyTorch's `state_dict` order.
    pub(crate) fn slots(&self) -> Vec<Slot> {
        let p = |suffix, shape: Shape| Slot {
            suffix,
            shape,
            trainable: true,
        };
        let buf = |suffix, shape: Shape| Slot {
            suffix,
            shape,
            trainable: false,
        };
        let with_bias = |mut v: Vec<Slot>, bias: bool, out: usize| {
            if bias {
                v.push(p("bias", Shape::new([out])));
            }
            v
        };
        match *self {
            Layer::Linear {
                in_features,
                out_features,
                bias,
            } => with_bias(
                vec![p("weight", Shape::new([out_features, in_features]))],
                bias,
                out_features,
            ),
            Layer::Conv2d {
                in_channels: i,
                out_channels: o,
                kernel_size: [kh, kw],
                bias,
                ..
            } => with_bias(vec![p("weight", Shape::new([o, i, kh, kw]))], bias, o),
            Layer::ConvTranspose2d {
                in_channels: i,
                out_channels: o,
                kernel_size: [kh, kw],
                bias,
                ..
            } => with_bias(vec![p("weight", Shape::new([i, o, kh, kw]))], bias, o),
            Layer::BatchNorm1d { num_features: c, .. } | Layer::BatchNorm2d { num_features: c, .. } => vec![
                p("weight", Shape::new([c])),
                p("bias", Shape::new([c])),
                buf("running_mean", Shape::new([c])),
                buf("running_var", Shape::new([c])),
                buf("num_batches_tracked", Shape::new([])),
            ],
            _ => vec![],
        }
    }

    /// What the layer gives for a sample `input`, or why it cannot take it.
    pub fn output(&self, input: Sample) -> Result<Sample> {
        let refuse = |why: String| Error::invalid("layer", format!("{} cannot take a {input}: {why}", self.describe()));
        match (*self, input) {
            (
                Layer::Linear {
                    in_features,
                    out_features,
                    ..
                },
                Sample::Features(f),
            ) if f == in_features => Ok(Sample::Features(out_features)),
            (Layer::Linear { in_features, .. }, _) => Err(refuse(format!("it needs {in_features} features"))),
            (
                Layer::Conv2d {
                    in_channels,
                    out_channels,
                    kernel_size: [kh, kw],
                    spec,
                    ..
                },
                Sample::Image { .. },
            ) => {
                let w = Shape::new([out_channels, in_channels, kh, kw]);
                let g = ConvGeometry::conv2d(&input.batch_shape(1), &w, spec)?;
                Ok(image_out(g.out_c, g.out_h, g.out_w))
            }
            (
                Layer::ConvTranspose2d {
                    in_channels,
                    out_channels,
                    kernel_size: [kh, kw],
                    spec,
                    output_padding,
                    ..
                },
                Sample::Image { .. },
            ) => {
                let w = Shape::new([in_channels, out_channels, kh, kw]);
                let g = ConvGeometry::conv_transpose2d(&input.batch_shape(1), &w, spec, output_padding)?;
                Ok(image_out(g.in_c, g.in_h, g.in_w))
            }
            (Layer::Conv2d { .. } | Layer::ConvTranspose2d { .. }, _) => Err(refuse("it needs an image".into())),
            (Layer::BatchNorm1d { num_features, .. }, Sample::Features(f)) if f == num_features => Ok(input),
            (Layer::BatchNorm2d { num_features, .. }, Sample::Image { channels, .. }) if channels == num_features => {
                Ok(input)
            }
            (Layer::BatchNorm1d { num_features, .. }, _) => Err(refuse(format!("it needs {num_features} features"))),
            (Layer::BatchNorm2d { num_features, .. }, _) => {
                Err(refuse(format!("it needs an image of {num_features} channels")))
            }
            (Layer::Act { .. }, _) => Ok(input),
            (Layer::Flatten, s) => Ok(Sample::Features(s.len())),
            (
                Layer::Unflatten {
                    channels,
                    height,
                    width,
                },
                Sample::Features(f),
            ) if f == channels * height * width => Ok(image_out(channels, height, width)),
            (Layer::Unflatten { .. }, _) => Err(refuse("its sizes do not multiply to the features".into())),
            (Layer::ConcatCondition { channels: k }, Sample::Features(f)) => Ok(Sample::Features(f + k)),
            (
                Layer::ConcatCondition { channels: k },
                Sample::Image {
                    channels,
                    height,
                    width,
                },
            ) => Ok(image_out(channels + k, height, width)),
        }
    }
}

fn image_out(channels: usize, height: usize, width: usize) -> Sample {
    Sample::Image {
        channels,
        height,
        width,
    }
}

fn conv_text([kh, kw]: [usize; 2], s: &ConvSpec) -> String {
    let mut t = if kh == kw {
        format!("k{kh}")
    } else {
        format!("k{kh}×{kw}")
    };
    if s.stride != [1, 1] {
        t += &format!(", s{}", s.stride[0]);
    }
    if s.padding != [0, 0] {
        t += &format!(", p{}", s.padding[0]);
    }
    if s.dilation != [1, 1] {
        t += &format!(", d{}", s.dilation[0]);
    }
    t
}
