//! [`Sequential`]: a checked list of layers with PyTorch's `nn.Sequential` parameter names, its
//! initialisation, its forward pass in training or evaluation, and its JSON description.
use super::init::{batch_norm_params, conv_params, linear_params, Init};
use super::layer::{Layer, Sample};
use crate::backend::{Backend, BinaryOp, UnaryOp};
use crate::error::{Error, Result};
use crate::params::{BoundParams, ParamStore};
use crate::tape::Var;
use crate::tape_nn::BatchStats;
use crate::tensor::Tensor;
use rand::Rng;

/// Whether batch normalisation uses the batch's statistics (and updates the running ones) or
/// the running statistics, as PyTorch's `train()` / `eval()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Batch statistics; [`Forward::batch_stats`] carries them for
    /// [`Sequential::update_running_stats`].
    Train,
    /// Running statistics.
    Eval,
}

/// The result of [`Sequential::forward`].
pub struct Forward<'t> {
    /// The last layer's output.
    pub output: Var<'t>,
    /// In training, each batch normalisation's statistics, by layer position.
    pub batch_stats: Vec<(usize, BatchStats)>,
}

/// A list of layers, checked to fit together from `input` on: what `torch.nn.Sequential` of the
/// same modules computes, with the same parameter names — `{i}.weight`, `{i}.bias`, and a batch
/// normalisation's buffers `{i}.running_mean`, `{i}.running_var`, `{i}.num_batches_tracked`,
/// `i` counting every layer but [`Layer::ConcatCondition`].
///
/// Serialised (serde) as `{"input": …, "layers": [...]}`, checked again when read back.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Description", into = "Description")]
pub struct Sequential {
    input: Sample,
    layers: Vec<Layer>,
    /// What each layer gives.
    outputs: Vec<Sample>,
}

/// The serialised form of a [`Sequential`].
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Description {
    input: Sample,
    layers: Vec<Layer>,
}

impl TryFrom<Description> for Sequential {
    type Error = Error;
    fn try_from(d: Description) -> Result<Self> {
        Sequential::new(d.input, d.layers)
    }
}

impl From<Sequential> for Description {
    fn from(s: Sequential) -> Self {
        Description {
            input: s.input,
            layers: s.layers,
        }
    }
}

/// `e` as the error of layer `index`.
fn at(index: usize, layer: &Layer, e: Error) -> Error {
    Error::Layer {
        index,
        layer: layer.describe(),
        source: Box::new(e),
    }
}

impl Sequential {
    /// Checks that each layer takes what the one before gives, starting from `input`.
    pub fn new(input: Sample, layers: Vec<Layer>) -> Result<Self> {
        let mut outputs = Vec::with_capacity(layers.len());
        let mut s = input;
        for (i, layer) in layers.iter().enumerate() {
            s = layer.output(s).map_err(|e| at(i, layer, e))?;
            outputs.push(s);
        }
        Ok(Sequential { input, layers, outputs })
    }

    /// What one input sample is.
    pub fn input(&self) -> Sample {
        self.input
    }

    /// What one output sample is.
    pub fn output(&self) -> Sample {
        self.outputs.last().copied().unwrap_or(self.input)
    }

    /// The layers.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The `nn.Sequential` index of layer `i` (`None` for a [`Layer::ConcatCondition`]).
    pub fn module_index(&self, i: usize) -> Option<usize> {
        let layer = self.layers.get(i)?;
        layer
            .is_module()
            .then(|| self.layers[..i].iter().filter(|l| l.is_module()).count())
    }

    fn name(&self, i: usize, suffix: &str) -> String {
        format!("{}.{suffix}", self.module_index(i).unwrap_or(i))
    }

    /// Every parameter and buffer name with its shape and whether it is trained, in PyTorch's
    /// `state_dict` order.
    pub fn slots(&self) -> Vec<(String, crate::Shape, bool)> {
        let mut out = Vec::new();
        for (i, layer) in self.layers.iter().enumerate() {
            for s in layer.slots() {
                out.push((self.name(i, s.suffix), s.shape, s.trainable));
            }
        }
        out
    }

    /// Checks that `store` holds every parameter and buffer with its shape (a checkpoint that
    /// describes another model is refused before anything is used).
    pub fn check_params(&self, store: &ParamStore) -> Result<()> {
        for (i, layer) in self.layers.iter().enumerate() {
            for s in layer.slots() {
                let name = self.name(i, s.suffix);
                let t = store.get(&name).map_err(|e| at(i, layer, e))?;
                if t.shape() != &s.shape {
                    let e = Error::invalid(
                        "parameters",
                        format!("`{name}` is {}, the layer needs {}", t.shape(), s.shape),
                    );
                    return Err(at(i, layer, e));
                }
            }
        }
        Ok(())
    }

    /// Fresh parameters from `rng`, layer by layer (each weight drawn before its bias), and
    /// buffers as PyTorch starts them (`running_mean = 0`, `running_var = 1`,
    /// `num_batches_tracked = 0`, the last an `f32` of shape `[]`).
    pub fn init(&self, rng: &mut impl Rng, init: Init) -> Result<ParamStore> {
        let mut store = ParamStore::new();
        for (i, layer) in self.layers.iter().enumerate() {
            let name = |s: &str| self.name(i, s);
            let mut put = |s: &str, v: Vec<f32>, shape: crate::Shape| -> Result<()> {
                store.insert(name(s), Tensor::from_vec(v, shape)?);
                Ok(())
            };
            let slots = layer.slots();
            match *layer {
                Layer::Linear {
                    in_features,
                    out_features,
                    bias,
                } => {
                    let (w, b) = linear_params(rng, in_features, out_features, init);
                    put("weight", w, slots[0].shape.clone())?;
                    if bias {
                        put("bias", b, slots[1].shape.clone())?;
                    }
                }
                Layer::Conv2d { bias, .. } | Layer::ConvTranspose2d { bias, .. } => {
                    let d = slots[0].shape.dims().to_vec();
                    let field = d[2] * d[3];
                    // PyTorch's fans of a weight [a, b, kh, kw]: in = b·kh·kw, out = a·kh·kw.
                    let fans = (d[1] * field, d[0] * field);
                    let out = slots.get(1).map(|s| s.shape.numel());
                    let (w, b) = conv_params(rng, slots[0].shape.numel(), fans, out.filter(|_| bias), init);
                    put("weight", w, slots[0].shape.clone())?;
                    if let Some(b) = b {
                        put("bias", b, slots[1].shape.clone())?;
                    }
                }
                Layer::BatchNorm1d { num_features: c, .. } | Layer::BatchNorm2d { num_features: c, .. } => {
                    let (g, b) = batch_norm_params(rng, c, init);
                    put("weight", g, slots[0].shape.clone())?;
                    put("bias", b, slots[1].shape.clone())?;
                    store.insert_buffer(name("running_mean"), Tensor::zeros([c]));
                    store.insert_buffer(name("running_var"), Tensor::full([c], 1.0));
                    store.insert_buffer(name("num_batches_tracked"), Tensor::zeros(crate::Shape::new([])));
                }
                _ => {}
            }
        }
        Ok(store)
    }

    /// Runs the layers on a batch `x`: `[N, features]` for a feature input, NHWC
    /// `[N, H, W, C]` for an image (or `[N, C·H·W]` read as NHWC — the same as PyTorch's
    /// NCHW when `C = 1` or `H = W = 1`, as for MNIST pixels or a latent vector).
    /// `condition` is what a [`Layer::ConcatCondition`] joins: `[N, channels]` at features,
    /// `[N, H, W, channels]` at an image (label maps, the caller's to build).
    pub fn forward<'t>(
        &self,
        params: &BoundParams<'t>,
        x: Var<'t>,
        condition: Option<Var<'t>>,
        mode: Mode,
    ) -> Result<Forward<'t>> {
        let shape = x.shape();
        let n = shape.dims().first().copied().unwrap_or(1);
        if shape.numel() != n * self.input.len() {
            return Err(Error::invalid(
                "sequential",
                format!("input {shape} is not a batch of {}s", self.input),
            ));
        }
        let mut h = x.reshape(self.input.batch_shape(n))?;
        let mut batch_stats = Vec::new();
        let mut i = 0;
        while i < self.layers.len() {
            let layer = &self.layers[i];
            let (next, used) = self
                .layer_forward(i, params, h, condition, mode, &mut batch_stats)
                .map_err(|e| at(i, layer, e))?;
            h = next;
            i += used;
        }
        Ok(Forward { output: h, batch_stats })
    }

    /// Layer `i` (and the activation after a linear layer, fused with it): the new activation
    /// and the number of layers it took.
    fn layer_forward<'t>(
        &self,
        i: usize,
        params: &BoundParams<'t>,
        h: Var<'t>,
        condition: Option<Var<'t>>,
        mode: Mode,
        stats: &mut Vec<(usize, BatchStats)>,
    ) -> Result<(Var<'t>, usize)> {
        let p = |s: &str| params.get(&self.name(i, s));
        let bias = |has: bool| if has { p("bias").map(Some) } else { Ok(None) };
        // An activation right after a layer runs with it (the layers it took: 2).
        let (act, used) = match self.layers.get(i + 1) {
            Some(Layer::Act { function }) if self.layers[i].takes_activation() => (function.op(), 2),
            _ => (None, 1),
        };
        Ok(match self.layers[i] {
            Layer::Linear { bias: b, .. } => (h.linear(p("weight")?, bias(b)?, act)?, used),
            Layer::Conv2d { spec, bias: b, .. } => (h.conv2d_fused(p("weight")?, bias(b)?, spec, act)?, used),
            Layer::ConvTranspose2d {
                spec,
                output_padding,
                bias: b,
                ..
            } => (
                h.conv_transpose2d_fused(p("weight")?, bias(b)?, spec, output_padding, act)?,
                used,
            ),
            Layer::BatchNorm1d { eps, .. } | Layer::BatchNorm2d { eps, .. } => {
                let (gamma, beta) = (p("weight")?, p("bias")?);
                let y = match mode {
                    Mode::Train => {
                        let (y, s) = h.batch_norm_train_act(gamma, beta, eps, act)?;
                        stats.push((i, s));
                        y
                    }
                    Mode::Eval => {
                        let (mean, var) = (p("running_mean")?.value(), p("running_var")?.value());
                        h.batch_norm_eval_act(gamma, beta, (&mean, &var), eps, act)?
                    }
                };
                (y, used)
            }
            Layer::Act { function } => (function.op().map_or(Ok(h), |op| h.unary(op))?, 1),
            Layer::Flatten => match h.shape().dims().len() {
                4 => (h.flatten_nchw()?, 1),
                _ => (h, 1),
            },
            Layer::Unflatten {
                channels,
                height,
                width,
            } => (h.unflatten_nchw(channels, height, width)?, 1),
            Layer::ConcatCondition { channels } => {
                let c = condition
                    .ok_or_else(|| Error::invalid("sequential", "the layer needs a condition, none was given"))?;
                let (hs, cs) = (h.shape(), c.shape());
                let mut want = hs.dims().to_vec();
                if let Some(last) = want.last_mut() {
                    *last = channels;
                }
                if cs.dims() != want.as_slice() {
                    return Err(Error::ShapeMismatch {
                        op: "concat_condition",
                        lhs: hs,
                        rhs: cs,
                    });
                }
                (Var::concat_cols(&[h, c])?, 1)
            }
        })
    }

    /// Folds a training forward pass's batch statistics into the running ones, as PyTorch
    /// does: `running = (1 − momentum) · running + momentum · batch`, the variance unbiased
    /// (`· n / (n − 1)`), and `num_batches_tracked + 1`. On `backend`, in place in `store`.
    pub fn update_running_stats(
        &self,
        backend: &dyn Backend,
        store: &mut ParamStore,
        stats: &[(usize, BatchStats)],
    ) -> Result<()> {
        for (i, s) in stats {
            let layer = self
                .layers
                .get(*i)
                .ok_or_else(|| Error::invalid("update_running_stats", format!("no layer {i}")))?;
            let (Layer::BatchNorm1d { momentum, .. } | Layer::BatchNorm2d { momentum, .. }) = *layer else {
                return Err(at(
                    *i,
                    layer,
                    Error::invalid("update_running_stats", "not a batch normalisation"),
                ));
            };
            let unbiased = s.count as f32 / (s.count.max(2) - 1) as f32;
            let blend = |old: &Tensor, new: &Tensor, scale: f32| -> Result<Tensor> {
                let kept = backend.unary(UnaryOp::MulScalar(1.0 - momentum), old)?;
                let added = backend.unary(UnaryOp::MulScalar(momentum * scale), new)?;
                backend.binary(BinaryOp::Add, &kept, &added)
            };
            for (suffix, batch, scale) in [("running_mean", &s.mean, 1.0), ("running_var", &s.var, unbiased)] {
                let name = self.name(*i, suffix);
                let updated = blend(store.get(&name)?, batch, scale)?.reshape(store.get(&name)?.shape().clone())?;
                store.insert_buffer(name, updated);
            }
            let name = self.name(*i, "num_batches_tracked");
            let count = backend.unary(UnaryOp::AddScalar(1.0), store.get(&name)?)?;
            store.insert_buffer(name, count);
        }
        Ok(())
    }

    /// The JSON description (`{"input": …, "layers": [...]}`) that [`Sequential::from_json`]
    /// rebuilds the same model from.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self)
            .map_err(|e| Error::invalid("sequential", format!("cannot describe the layers: {e}")))
    }

    /// The layer list a JSON description gives, checked.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::invalid("sequential", format!("bad layer list: {e}")))
    }
}
