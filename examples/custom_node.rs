//! A node written the way your own crate would write one: with Comfy's public API only,
//! registered next to the built-in nodes and run in one graph with them.
//!
//! `TvDenoise` cleans noisy images by gradient descent on
//! `mean((x − noisy)²) + weight · TV(x)`, where `TV` is a smoothed total variation built from
//! the autodiff tape's ops — so its gradient comes for free, and is checked here against
//! finite differences before anything runs.
//!
//! ```sh
//! cargo run --release --example custom_node -- [--out DIR] [--steps N] [--weight X]
//! ```
//!
//! Writes `clean.png`, `noisy.png` and `denoised.png` (16 test digits each) into `--out`
//! (default `out/custom_node`) and prints how far the noisy and the denoised digits are from
//! the clean ones.
use comfy::core::testing::{check_gradients, GradCheck};
use comfy::core::{
    Adam, Context, Executor, Graph, GraphError, Node, NodeError, NodeId, NodeInfo, NodeInputs, NodeOutputs, Optimizer,
    ParamStore, Registry, Result, RunStatus, Tape, Tensor, Var,
};
use std::path::Path;
use std::process::ExitCode;

// Step 1: the maths, as a function of tape variables. Everything below is built from `Var` ops
// (reshape, slice_rows, sub, mul, exp, log, sum), so `backward` knows its gradient already.

/// Smoothed total variation of images `[n, height·width]`: for each pair of horizontal or
/// vertical neighbours with difference `d`, `√(d² + ε²) − ε` (≈ |d| once |d| ≫ ε, but smooth
/// at 0), summed, and divided by the number of pixels in the batch.
pub fn total_variation<'t>(images: Var<'t>, height: usize, width: usize, eps: f32) -> Result<Var<'t>> {
    let (n, pixels) = images.shape().rows_cols();
    if height < 2 || width < 2 || pixels != height * width {
        return Err(comfy::core::Error::invalid(
            "total_variation",
            format!("images of {pixels} values are not {height}×{width} (each side at least 2)"),
        ));
    }
    // One pixel per row, image after image: a neighbour is a fixed number of rows further on.
    let flat = images.reshape([n * pixels, 1])?;
    // The right neighbour is 1 row on, except at the end of an image row.
    let right = neighbour_penalty(flat, 1, eps, |i| i % width != width - 1)?;
    // The neighbour below is `width` rows on, except on an image's last row.
    let below = neighbour_penalty(flat, width, eps, |i| i % pixels < pixels - width)?;
    right.add(below)?.mul_scalar(1.0 / (n * pixels) as f32)
}

/// `Σ keep(i) · (√((x[i + offset] − x[i])² + ε²) − ε)` over a column of pixels `x`.
fn neighbour_penalty<'t>(flat: Var<'t>, offset: usize, eps: f32, keep: impl Fn(usize) -> bool) -> Result<Var<'t>> {
    let pairs = flat.shape().numel() - offset;
    let d = flat.slice_rows(offset, pairs)?.sub(flat.slice_rows(0, pairs)?)?;
    // √y = exp(½ ln y); y ≥ ε² > 0, so the log is always defined.
    let smooth_abs = d
        .mul(d)?
        .add_scalar(eps * eps)?
        .log()?
        .mul_scalar(0.5)?
        .exp()?
        .add_scalar(-eps)?;
    let mask: Vec<f32> = (0..pairs).map(|i| if keep(i) { 1.0 } else { 0.0 }).collect();
    let mask = flat.tape().constant(&Tensor::from_vec(mask, [pairs, 1])?)?;
    smooth_abs.mul(mask)?.sum()
}

/// Step 2: check the gradient against central finite differences on two random 3×4 images.
pub fn tv_gradient_check() -> Result<GradCheck> {
    let values: Vec<f32> = (0..24).map(|i| ((i * 7919) % 23) as f32 / 11.5 - 1.0).collect();
    let images = Tensor::from_vec(values, [2, 12])?;
    check_gradients(&[images], 1e-2, |v| total_variation(v[0], 3, 4, 0.1))
}

// Step 3: the node. Its inputs and outputs are structs: each field is a port, named after it,
// typed by its Rust type, with its default and range in `#[port(...)]` and its tooltip in the
// doc comment. `execute` gets the inputs already checked and converted.

/// The inputs of [`TvDenoise`].
#[derive(NodeInputs)]
pub struct TvDenoiseInputs {
    /// Images `[count, height·width]`.
    pub images: Tensor,
    /// Same shape as images; none for no added noise.
    pub noise: Option<Tensor>,
    /// How much of the noise is added.
    #[port(default = 0.3, min = 0.0, max = 10.0)]
    pub noise_std: f32,
    /// Height of one image.
    #[port(default = 28, min = 2, max = 4096)]
    pub height: usize,
    /// Width of one image.
    #[port(default = 28, min = 2, max = 4096)]
    pub width: usize,
    /// Strength of the smoothing.
    #[port(default = 0.5, min = 0.0, max = 100.0)]
    pub weight: f32,
    /// Adam steps.
    #[port(default = 100, min = 1, max = 100_000)]
    pub steps: u64,
    /// Adam's learning rate.
    #[port(default = 0.02, min = 0.0, max = 10.0)]
    pub lr: f32,
}

/// The outputs of [`TvDenoise`].
#[derive(NodeOutputs)]
pub struct TvDenoiseOutputs {
    /// The images with the noise added.
    pub noisy: Tensor,
    /// The denoised images.
    pub denoised: Tensor,
}

/// Adds `noise_std · noise` to images, then removes noise by minimising
/// `mean((x − noisy)²) + weight · TV(x)` with Adam.
#[derive(Default)]
pub struct TvDenoise;

impl Node for TvDenoise {
    type Inputs = TvDenoiseInputs;
    type Outputs = TvDenoiseOutputs;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("TvDenoise", "user/filters")
            .description("Adds noise to images [count, height·width], then denoises them by gradient descent on mean squared distance plus weight × total variation.")
    }

    fn execute(&self, i: TvDenoiseInputs, ctx: &mut Context) -> std::result::Result<TvDenoiseOutputs, NodeError> {
        let backend = ctx.backend().clone();
        let mut noisy = backend.to_host(&i.images)?;
        if let Some(noise) = &i.noise {
            let noise = backend.to_host(noise)?;
            if noise.len() != noisy.len() {
                return Err(NodeError::msg(format!(
                    "noise has {} values, the images {}",
                    noise.len(),
                    noisy.len()
                )));
            }
            noisy.iter_mut().zip(&noise).for_each(|(x, z)| *x += i.noise_std * z);
        }
        let noisy = Tensor::from_vec(noisy, i.images.shape().clone())?;
        let mut params = ParamStore::new();
        params.insert("x", noisy.clone());
        params.upload(backend.as_ref())?;
        let mut adam = Adam::new(i.lr, 0.9, 0.999);
        for step in 1..=i.steps {
            ctx.check_cancelled()?; // stop promptly when the run is cancelled
            let tape = Tape::new(backend.clone());
            let bound = params.bind(&tape, true)?;
            let x = bound.get("x")?;
            let fit = x.mse(tape.constant(&noisy)?)?;
            let loss = fit.add(total_variation(x, i.height, i.width, 0.01)?.mul_scalar(i.weight)?)?;
            let value = loss.item()?;
            let mut grads = tape.backward(loss)?;
            let named = bound.grads(&mut grads);
            drop(tape);
            adam.step(backend.as_ref(), &mut params, &named)?;
            if step % 10 == 0 || step == i.steps {
                ctx.progress(step, i.steps, format!("loss {value:.5}"));
            }
        }
        let x = params.get("x")?;
        let denoised = Tensor::from_vec(backend.to_host(x)?, x.shape().clone())?;
        Ok(TvDenoiseOutputs { noisy, denoised })
    }
}

// Step 4: a graph that mixes built-in nodes with the new one.

/// The ids of the nodes whose outputs the example reads.
pub struct DenoiseNodes {
    /// `DatasetImages`: the clean digits.
    pub clean: NodeId,
    /// `TvDenoise`: output 0 noisy, output 1 denoised.
    pub denoise: NodeId,
}

/// Test digits → 16 of them as a tensor → `TvDenoise` (fed built-in `LatentNoise`) → three
/// `SaveImageGrid`s in `out`.
pub fn denoise_graph(out: &Path, steps: i64, weight: f64) -> std::result::Result<(Graph, DenoiseNodes), GraphError> {
    let mut g = Graph::new();
    let data = g.add("MnistDataset");
    g.set(&data, "split", "test")?;
    let clean = g.add("DatasetImages");
    g.connect(&data, 0, &clean, "dataset")?;
    g.set(&clean, "count", 16)?;
    let noise = g.add("LatentNoise"); // standard normal values: here, one per pixel
    g.set(&noise, "count", 16)?;
    g.set(&noise, "dim", 784)?;
    g.set(&noise, "seed", 7)?;
    let denoise = g.add("TvDenoise");
    g.connect(&clean, 0, &denoise, "images")?;
    g.connect(&noise, 0, &denoise, "noise")?;
    g.set(&denoise, "noise_std", 0.5)?;
    g.set(&denoise, "steps", steps)?;
    g.set(&denoise, "weight", weight)?;
    for (name, from, output) in [("clean", &clean, 0), ("noisy", &denoise, 0), ("denoised", &denoise, 1)] {
        let save = g.add("SaveImageGrid");
        g.connect(from, output, &save, "images")?;
        g.set(&save, "rows", 2)?;
        g.set(&save, "range", "0..1")?;
        g.set(&save, "scale", 2)?;
        g.set(
            &save,
            "path",
            out.join(format!("{name}.png")).to_string_lossy().as_ref(),
        )?;
    }
    Ok((g, DenoiseNodes { clean, denoise }))
}

/// Step 5: register the node next to the built-ins, and run.
pub fn registry() -> Registry {
    let mut registry = Registry::new();
    comfy::nodes::register_all(&mut registry);
    registry.register::<TvDenoise>();
    registry
}

/// Mean squared distance between two tensors.
pub fn mse(a: &Tensor, b: &Tensor) -> Result<f64> {
    let (a, b) = (a.to_vec()?, b.to_vec()?);
    let sum: f64 = a.iter().zip(&b).map(|(x, y)| f64::from(x - y).powi(2)).sum();
    Ok(sum / a.len().max(1) as f64)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Denoise test digits with a user-written node, run beside the built-in ones.
#[derive(clap::Parser)]
#[command(name = "custom_node")]
struct Args {
    /// Where clean.png, noisy.png and denoised.png go
    #[arg(long, value_name = "DIR", default_value = "out/custom_node")]
    out: std::path::PathBuf,
    /// Adam steps of the denoiser
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    steps: i64,
    /// Strength of the smoothing
    #[arg(long, value_name = "X", default_value_t = 0.5)]
    weight: f64,
}

fn run() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let Args { out, steps, weight } = comfy::cli::parse_or_exit();
    let check = tv_gradient_check()?;
    println!(
        "total variation gradient vs finite differences: max error {:.2e}",
        check.max_error
    );
    if check.max_error > 1e-2 {
        return Err("the gradient of total_variation is wrong".into());
    }
    let (graph, nodes) = denoise_graph(&out, steps, weight)?;
    let backend = comfy::gpu::select(comfy::gpu::DeviceChoice::Auto)?;
    let report = Executor::new(backend).run(&registry(), &graph, &mut comfy::console::ConsoleObserver::new())?;
    if report.status() != RunStatus::Completed {
        return Err("cancelled".into());
    }
    let tensor = |id: &NodeId, i: usize| report.output(id, i).and_then(|v| v.as_tensor()).ok_or("missing output");
    let clean = tensor(&nodes.clean, 0)?;
    println!(
        "noisy digits:    MSE {:.4} from the clean ones",
        mse(tensor(&nodes.denoise, 0)?, clean)?
    );
    println!(
        "denoised digits: MSE {:.4} from the clean ones",
        mse(tensor(&nodes.denoise, 1)?, clean)?
    );
    println!("pictures in {}/{{clean,noisy,denoised}}.png", out.display());
    Ok(())
}
