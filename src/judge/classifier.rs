//! The judge's classifier and its training step: a small CNN trained with softmax
//! cross-entropy on real labelled digits, on the one training loop.
use comfy_core::nn::{Activation, Layer, Mode, Sample, Sequential};
use comfy_core::{Adam, Backend, ConvSpec, Optimizer, Tape, Tensor};
use comfy_nodes::checkpoint::CheckpointError;
use comfy_nodes::dataset::{Batch, DataLoader};
use comfy_nodes::network::Network;
use comfy_nodes::train::{LossName, StateReader, StateWriter, StepCtx, TrainError, TrainStep};
use std::sync::Arc;

/// Classes the judge tells apart.
pub const CLASSES: usize = 10;

/// Width of the feature vector the judge compares distributions with (its last hidden layer).
pub const FEATURES: usize = 128;

/// The judge's CNN for 28 × 28 digits in `[0, 1]`: Conv(16, k3, p1) 28×28 → Conv(32, k4, s2, p1)
/// 14×14 → Conv(64, k4, s2, p1) 7×7 → Linear(128) → Linear(10), ReLU between.
pub fn classifier_layers() -> comfy_core::Result<Sequential> {
    let conv = |i: usize, o: usize, k: usize, s: usize| Layer::Conv2d {
        in_channels: i,
        out_channels: o,
        kernel_size: [k, k],
        spec: ConvSpec::new(s, 1),
        bias: true,
    };
    let relu = Layer::Act {
        function: Activation::Relu,
    };
    let layers = vec![
        conv(1, 16, 3, 1),
        relu,
        conv(16, 32, 4, 2),
        relu,
        conv(32, 64, 4, 2),
        relu,
        Layer::Flatten,
        Layer::Linear {
            in_features: 64 * 7 * 7,
            out_features: FEATURES,
            bias: true,
        },
        relu,
        Layer::Linear {
            in_features: FEATURES,
            out_features: CLASSES,
            bias: true,
        },
    ];
    let input = Sample::Image {
        channels: 1,
        height: 28,
        width: 28,
    };
    Sequential::new(input, layers)
}

/// One Adam update of the classifier on a labelled batch.
#[derive(Clone)]
pub struct ClassifierStep {
    /// The network being trained.
    pub net: Network,
    opt: Adam,
    backend: Arc<dyn Backend>,
}

impl ClassifierStep {
    /// Moves `net` onto `backend`, with Adam at `lr`.
    pub fn new(mut net: Network, backend: Arc<dyn Backend>, lr: f32) -> Result<Self, TrainError> {
        net.params.upload(backend.as_ref())?;
        Ok(ClassifierStep {
            net,
            opt: Adam::new(lr, 0.9, 0.999),
            backend,
        })
    }
}

/// One-hot rows `[n, CLASSES]` for `labels`.
pub(crate) fn one_hot(labels: &[u8]) -> comfy_core::Result<Tensor> {
    let mut values = vec![0.0; labels.len() * CLASSES];
    for (i, &l) in labels.iter().enumerate() {
        values[i * CLASSES + usize::from(l).min(CLASSES - 1)] = 1.0;
    }
    Tensor::from_vec(values, [labels.len(), CLASSES])
}

impl TrainStep for ClassifierStep {
    const MODEL: &'static str = "digit judge";
    const STATE_FORMAT: &'static str = "comfy-digit-judge-training-state/1";

    fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    fn loss_names(&self) -> Vec<LossName> {
        vec![LossName::new("loss", "cross-entropy")]
    }

    fn loss_title(&self) -> String {
        "Digit judge".to_string()
    }

    fn check_data(&self, loader: &DataLoader) -> Result<(), TrainError> {
        if loader.dataset().labels().is_none() {
            return Err(TrainError::Tensor(comfy_core::Error::invalid(
                "judge",
                "the judge learns from labelled digits; this dataset has no labels",
            )));
        }
        Ok(())
    }

    fn step(&mut self, batch: &Batch, ctx: &StepCtx<'_>) -> Result<Vec<f32>, TrainError> {
        let labels = batch.labels.as_deref().unwrap_or_default();
        let tape = Tape::new(self.backend.clone());
        let bound = self.net.params.bind(&tape, true)?;
        let logits = self
            .net
            .forward(&bound, &tape, tape.constant(&batch.images)?, None, Mode::Train)?
            .output;
        let loss = logits.softmax_cross_entropy(tape.constant(&one_hot(labels)?)?)?;
        let value = loss.item()?;
        ctx.check_finite("classification", value)?;
        let grads = bound.grads(&mut tape.backward(loss)?);
        drop(bound);
        drop(tape);
        self.opt.step(self.backend.as_ref(), &mut self.net.params, &grads)?;
        Ok(vec![value])
    }

    fn save_state(&self, out: &mut StateWriter<'_>) -> Result<(), CheckpointError> {
        out.network("classifier", &self.net.params, &self.opt)
    }

    fn restored(&self, state: &mut StateReader<'_>) -> Result<Self, CheckpointError> {
        let restored = state.network("classifier", &self.net.params)?;
        let mut next = self.clone();
        restored.install(&mut next.net.params, &mut next.opt);
        Ok(next)
    }
}
