//! `Network`: a model's layer list with its parameters and buffers — what the `MODEL` type
//! carries, for the MLPs and the convolutional models alike.
use comfy_core::nn::{Forward, Layer, Mode, Sample, Sequential};
use comfy_core::random::rng_from_seed;
use comfy_core::{Activation, Backend, BoundParams, Error, Init, Mlp, ParamStore, Result, Tape, Tensor, Var};
use std::sync::Arc;

/// A layer list ([`Sequential`], with PyTorch's `nn.Sequential` names) and its parameters and
/// batch-normalisation buffers: a generator, a discriminator, an encoder or a decoder.
#[derive(Clone, Debug)]
pub struct Network {
    /// The architecture.
    pub arch: Sequential,
    /// The parameters and buffers, PyTorch-named (`0.weight`, `1.running_mean`, …).
    pub params: ParamStore,
}

impl Network {
    /// Fresh parameters for `arch` drawn with `seed` (`init`: PyTorch's defaults or DCGAN's).
    pub fn new(arch: Sequential, seed: u64, init: Init) -> Result<Self> {
        let params = arch.init(&mut rng_from_seed(seed), init)?;
        Ok(Network { arch, params })
    }

    /// An MLP with fresh parameters drawn with `seed`, as PyTorch's `nn.Linear` initialises
    /// them (the same values as [`Mlp::init`]).
    pub fn mlp(mlp: &Mlp, seed: u64) -> Result<Self> {
        Self::new(mlp.to_sequential()?, seed, Init::PyTorch)
    }

    /// `arch` with given parameters, checked to hold every parameter and buffer it needs.
    pub fn with_params(arch: Sequential, params: ParamStore) -> Result<Self> {
        arch.check_params(&params)?;
        Ok(Network { arch, params })
    }

    /// Values one input sample has (pixels for a discriminator, the latent width for a generator).
    pub fn input_size(&self) -> usize {
        self.arch.input().len()
    }

    /// What one input sample is.
    pub fn input(&self) -> Sample {
        self.arch.input()
    }

    /// Values one output sample has.
    pub fn output_size(&self) -> usize {
        self.arch.output().len()
    }

    /// What one output sample is.
    pub fn output(&self) -> Sample {
        self.arch.output()
    }

    /// Classes of a conditional model (the labels its first layer joins to the input); 0 when
    /// it is not conditional.
    pub fn classes(&self) -> usize {
        match self.arch.layers().first() {
            Some(Layer::ConcatCondition { channels }) => *channels,
            _ => 0,
        }
    }

    /// The activation of the last layer (identity when it is not an activation).
    pub fn output_activation(&self) -> Activation {
        match self.arch.layers().last() {
            Some(Layer::Act { function }) => *function,
            _ => Activation::Identity,
        }
    }

    /// Whether a layer normalises over the batch (training then differs from evaluation).
    pub fn has_batch_norm(&self) -> bool {
        self.arch
            .layers()
            .iter()
            .any(|l| matches!(l, Layer::BatchNorm1d { .. } | Layer::BatchNorm2d { .. }))
    }

    /// The layer list without its last activation (a decoder trained on logits), or the same
    /// list when it does not end in one.
    pub fn arch_without_output_activation(&self) -> Result<Sequential> {
        let layers = self.arch.layers();
        match layers.last() {
            Some(Layer::Act { .. }) => Sequential::new(self.arch.input(), layers[..layers.len() - 1].to_vec()),
            _ => Ok(self.arch.clone()),
        }
    }

    /// What the first layer joins for `labels` (one per sample): one-hot vectors for a feature
    /// input, label maps (the one-hot vector at every pixel) for an image; `None` for a model
    /// that is not conditional. A label that is not below the number of classes is an error.
    pub fn condition(&self, labels: &[u8]) -> Result<Option<Tensor>> {
        let classes = self.classes();
        if classes == 0 {
            return Ok(None);
        }
        if let Some(&bad) = labels.iter().find(|&&l| usize::from(l) >= classes) {
            return Err(Error::invalid(
                "condition",
                format!("label {bad} is not below the model's {classes} classes"),
            ));
        }
        let pixels = match self.arch.input() {
            Sample::Features(_) => 1,
            Sample::Image { height, width, .. } => height * width,
        };
        let mut values = vec![0.0f32; labels.len() * pixels * classes];
        for (i, &label) in labels.iter().enumerate() {
            for p in 0..pixels {
                values[(i * pixels + p) * classes + usize::from(label)] = 1.0;
            }
        }
        let shape = match self.arch.input() {
            Sample::Features(_) => vec![labels.len(), classes],
            Sample::Image { height, width, .. } => vec![labels.len(), height, width, classes],
        };
        Ok(Some(Tensor::from_vec(values, shape)?))
    }

    /// The forward pass on `tape` with bound parameters: `labels` for a conditional model
    /// (checked against the batch), batch statistics in [`Mode::Train`].
    pub fn forward<'t>(
        &self,
        params: &BoundParams<'t>,
        tape: &'t Tape,
        x: Var<'t>,
        labels: Option<&[u8]>,
        mode: Mode,
    ) -> Result<Forward<'t>> {
        let condition = match (self.classes(), labels) {
            (0, _) => None,
            (classes, None) => {
                return Err(Error::invalid(
                    "condition",
                    format!("the model is conditional on {classes} classes and was given no labels"),
                ))
            }
            (_, Some(labels)) => {
                let n = x.shape().dims().first().copied().unwrap_or(0);
                if labels.len() != n {
                    return Err(Error::invalid(
                        "condition",
                        format!("{} labels for a batch of {n}", labels.len()),
                    ));
                }
                match self.condition(labels)? {
                    Some(c) => Some(tape.constant(&c)?),
                    None => None,
                }
            }
        };
        self.arch.forward(params, x, condition, mode)
    }

    /// The same network with its parameters read back to host memory (for checkpoints).
    pub fn to_host(&self, backend: &dyn Backend) -> Result<Self> {
        Ok(Network {
            arch: self.arch.clone(),
            params: self.params.to_host(backend)?,
        })
    }

    /// Runs the network in evaluation mode without recording gradients, returning
    /// `[batch, out]` on the backend; `labels` for a conditional model.
    pub fn infer(&self, backend: &Arc<dyn Backend>, x: &Tensor, labels: Option<&[u8]>) -> Result<Tensor> {
        let tape = Tape::new(backend.clone());
        let bound = self.params.bind(&tape, false)?;
        let out = self
            .forward(&bound, &tape, tape.constant(x)?, labels, Mode::Eval)?
            .output;
        let n = out.shape().dims().first().copied().unwrap_or(0);
        out.value().reshape([n, self.output_size()])
    }
}
