//! What the convolution benchmarks share (benches/conv.rs and examples/kernels.rs): the layers
//! of the MNIST DCGAN, their operands, the three primitives each layer runs, and PyTorch's
//! figures for the same layers from `benches/torch_conv.py`.
#![allow(dead_code)]

use comfy::core::random::{rng_from_seed, uniform};
use comfy::core::{Backend, ConvGeometry, ConvSpec, Result, Shape, Tensor};
use std::path::Path;
use std::process::Command;

/// One layer: a convolution, or a transposed one, as PyTorch declares it.
#[derive(Clone, Copy, Debug)]
pub struct Layer {
    /// `G1` … `G4`, `D1` … `D4`.
    pub name: &'static str,
    /// `ConvTranspose2d` rather than `Conv2d`.
    pub transposed: bool,
    /// The layer's input channels.
    pub cin: usize,
    /// The layer's output channels.
    pub cout: usize,
    /// Square kernel.
    pub k: usize,
    /// Stride.
    pub stride: usize,
    /// Padding.
    pub pad: usize,
    /// Height (and width) of the layer's input.
    pub size: usize,
}

const fn layer(name: &'static str, transposed: bool, [cin, cout, k, stride, pad, size]: [usize; 6]) -> Layer {
    Layer {
        name,
        transposed,
        cin,
        cout,
        k,
        stride,
        pad,
        size,
    }
}

/// The DCGAN of issue 14 (z = 100, 28 × 28 images), as `benches/torch_conv.py` lists it.
pub const DCGAN: [Layer; 8] = [
    layer("G1", true, [100, 256, 4, 1, 0, 1]),
    layer("G2", true, [256, 128, 3, 2, 1, 4]),
    layer("G3", true, [128, 64, 4, 2, 1, 7]),
    layer("G4", true, [64, 1, 4, 2, 1, 14]),
    layer("D1", false, [1, 64, 4, 2, 1, 28]),
    layer("D2", false, [64, 128, 4, 2, 1, 14]),
    layer("D3", false, [128, 256, 4, 2, 1, 7]),
    layer("D4", false, [256, 1, 3, 1, 0, 3]),
];

/// The three things a layer computes in a training step, in the layer's own sense.
pub const OPS: [&str; 3] = ["forward", "input_grad", "weight_grad"];

impl Layer {
    /// The geometry of the convolution (for a transposed layer: the one it transposes).
    pub fn geometry(&self, batch: usize) -> ConvGeometry {
        let spec = ConvSpec::new(self.stride, self.pad);
        let x = Shape::new([batch, self.size, self.size, self.cin]);
        let g = if self.transposed {
            ConvGeometry::conv_transpose2d(&x, &Shape::new([self.cin, self.cout, self.k, self.k]), spec, [0, 0])
        } else {
            ConvGeometry::conv2d(&x, &Shape::new([self.cout, self.cin, self.k, self.k]), spec)
        };
        g.unwrap_or_else(|e| unreachable!("the DCGAN's layers are valid: {e}"))
    }

    /// Floating-point operations of each of the three primitives.
    pub fn flops(&self, batch: usize) -> f64 {
        2.0 * self.geometry(batch).macs() as f64
    }
}

/// A layer's operands on a backend: its input, weight, and the gradient of its output.
pub struct Operands {
    g: ConvGeometry,
    transposed: bool,
    x: Tensor,
    w: Tensor,
    dy: Tensor,
}

fn random(shape: Shape, seed: u64) -> Result<Tensor> {
    Tensor::from_vec(uniform(&mut rng_from_seed(seed), shape.numel(), -1.0, 1.0), shape)
}

impl Operands {
    /// Random operands of `layer` at `batch`, resident on `be`.
    pub fn new(be: &dyn Backend, layer: &Layer, batch: usize) -> Result<Self> {
        let g = layer.geometry(batch);
        // A transposed layer's input is the convolution's output, and the other way round.
        let (xs, ys) = if layer.transposed {
            (g.output_shape(), g.input_shape())
        } else {
            (g.input_shape(), g.output_shape())
        };
        Ok(Operands {
            g,
            transposed: layer.transposed,
            x: be.upload(&random(xs, 1)?)?,
            w: be.upload(&random(g.weight_shape(), 2)?)?,
            dy: be.upload(&random(ys, 3)?)?,
        })
    }

    /// Runs primitive `op` (one of [`OPS`]) once.
    pub fn run(&self, be: &dyn Backend, op: &str) -> Result<Tensor> {
        let (g, x, w, dy) = (&self.g, &self.x, &self.w, &self.dy);
        match (op, self.transposed) {
            ("forward", false) => be.conv2d(x, w, g),
            ("input_grad", false) => be.conv2d_input_grad(dy, w, g),
            ("weight_grad", false) => be.conv2d_weight_grad(x, dy, g),
            ("forward", true) => be.conv2d_input_grad(x, w, g),
            ("input_grad", true) => be.conv2d(dy, w, g),
            ("weight_grad", true) => be.conv2d_weight_grad(dy, x, g),
            _ => Err(comfy::core::Error::invalid("bench", format!("unknown op {op}"))),
        }
    }
}

/// PyTorch's time for one `(layer, op)`, from `torch_conv.py`'s JSON lines.
#[derive(Clone, Debug)]
pub struct TorchFigure {
    pub layer: String,
    pub op: String,
    pub ms: f64,
}

/// The Python to run PyTorch with: `explicit`, else `.venv-torch/bin/python` here or one
/// folder up, else `python3`.
pub fn torch_python(explicit: Option<&str>) -> String {
    if let Some(p) = explicit {
        return p.to_string();
    }
    for candidate in [".venv-torch/bin/python", "../.venv-torch/bin/python"] {
        if Path::new(candidate).exists() {
            return candidate.to_string();
        }
    }
    "python3".to_string()
}

/// Runs `benches/torch_conv.py` at `batch` with `python` and reads its figures; `Err` with the
/// reason when PyTorch is not there.
pub fn torch_figures(
    python: &str,
    batch: usize,
    samples: usize,
    sample_ms: f64,
    best: bool,
) -> std::result::Result<Vec<TorchFigure>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/torch_conv.py");
    let mut cmd = Command::new(python);
    cmd.args([script, "--batch", &batch.to_string(), "--threads"])
        .arg(rayon::current_num_threads().to_string())
        .args(["--samples", &samples.to_string(), "--sample-ms", &sample_ms.to_string()]);
    if best {
        cmd.arg("--best");
    }
    let out = cmd.output().map_err(|e| format!("could not run {python}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{python} benches/torch_conv.py failed: {}",
            err.lines().last().unwrap_or("")
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("bad line {line}: {e}"))?;
            Ok(TorchFigure {
                layer: v["layer"].as_str().unwrap_or_default().to_string(),
                op: v["op"].as_str().unwrap_or_default().to_string(),
                ms: v["ms"].as_f64().ok_or(format!("no ms in {line}"))?,
            })
        })
        .collect()
}
