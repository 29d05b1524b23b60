//! How a layer's parameters are drawn: PyTorch's defaults, Xavier, or DCGAN's scheme.
use crate::random::{standard_normal, uniform};
use rand::Rng;

/// How weights are drawn at initialisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Init {
    /// PyTorch's defaults: `Linear`, `Conv2d` and `ConvTranspose2d` weights and biases uniform
    /// in `±1/√fan_in` (`fan_in` = `in · kh · kw` for a convolution, `out · kh · kw` for a
    /// transposed one, as PyTorch computes it from the weight's second dimension); batch norm
    /// `γ = 1`, `β = 0`.
    PyTorch,
    /// Xavier/Glorot uniform weights in `±√(6 / (fan_in + fan_out))`, zero biases; batch norm
    /// as PyTorch.
    XavierUniform,
    /// DCGAN's (Radford et al.; PyTorch's DCGAN example): convolution and transposed
    /// convolution weights `N(0, 0.02)`, batch norm `γ ~ N(1, 0.02)`, `β = 0`; everything else
    /// (linear layers, biases) as PyTorch.
    Dcgan,
}

/// `bound · u` with `u` uniform in `[-1, 1)`, `n` values.
fn symmetric(rng: &mut impl Rng, n: usize, bound: f32) -> Vec<f32> {
    uniform(rng, n, -bound, bound)
}

/// `n` values from `N(mean, std²)`.
fn normal(rng: &mut impl Rng, n: usize, mean: f32, std: f32) -> Vec<f32> {
    standard_normal(rng, n).into_iter().map(|v| mean + std * v).collect()
}

/// A linear layer's `[out · in]` weight and `[out]` bias, weight drawn first.
pub(crate) fn linear_params(rng: &mut impl Rng, fan_in: usize, fan_out: usize, init: Init) -> (Vec<f32>, Vec<f32>) {
    match init {
        Init::PyTorch | Init::Dcgan => {
            let bound = 1.0 / (fan_in as f32).sqrt();
            (symmetric(rng, fan_in * fan_out, bound), symmetric(rng, fan_out, bound))
        }
        Init::XavierUniform => {
            let bound = (6.0 / (fan_in + fan_out) as f32).sqrt();
            (symmetric(rng, fan_in * fan_out, bound), vec![0.0; fan_out])
        }
    }
}

/// A convolution's weight (`len` values) and, when `bias` holds its length, its bias; `fans`
/// are PyTorch's `(fan_in, fan_out)` of the weight.
pub(crate) fn conv_params(
    rng: &mut impl Rng,
    len: usize,
    (fan_in, fan_out): (usize, usize),
    bias: Option<usize>,
    init: Init,
) -> (Vec<f32>, Option<Vec<f32>>) {
    let bias_bound = 1.0 / (fan_in as f32).sqrt();
    let w = match init {
        Init::PyTorch => symmetric(rng, len, bias_bound),
        Init::XavierUniform => symmetric(rng, len, (6.0 / (fan_in + fan_out) as f32).sqrt()),
        Init::Dcgan => normal(rng, len, 0.0, 0.02),
    };
    let b = bias.map(|n| match init {
        Init::XavierUniform => vec![0.0; n],
        Init::PyTorch | Init::Dcgan => symmetric(rng, n, bias_bound),
    });
    (w, b)
}

/// Batch normalisation's `γ` and `β` for `c` channels.
pub(crate) fn batch_norm_params(rng: &mut impl Rng, c: usize, init: Init) -> (Vec<f32>, Vec<f32>) {
    match init {
        Init::Dcgan => (normal(rng, c, 1.0, 0.02), vec![0.0; c]),
        Init::PyTorch | Init::XavierUniform => (vec![1.0; c], vec![0.0; c]),
    }
}
