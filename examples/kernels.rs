//! Matrix-product throughput, per backend and shape, measured side by side in one run.
//!
//! ```text
//! cargo run --release --example kernels              # table
//! cargo run --release --example kernels -- --json    # one JSON object per line
//! cargo run --release --example kernels -- --quick   # fewer shapes and samples
//! cargo run --release --example kernels -- --gan     # also: one whole GAN training step
//! cargo run --release --example kernels -- --only conv [--batch 64] [--rounds 2]
//!                                                    # the DCGAN's convolutions beside PyTorch's
//! ```
//! Other flags: `--gpu-max N` (largest dimension timed on the wgpu backend; default 256 on a
//! software adapter, unlimited on hardware), `--slow-max N` (largest `m·k·n` timed on the naive
//! loop and the reference backend; default 2^24, i.e. up to 256³ — they run at 1–6 GFLOP/s),
//! `--only GROUP` (`square`, `gan64` or `gan256`), `--best` (report the fastest sample instead
//! of the median: steadier on a busy machine), `--samples N` and `--sample-ms T` (timed samples
//! per figure and the least length of each; defaults 7 × 40 ms, `--quick` 3 × 10 ms),
//! `--square 1024,2048,…` (the square sizes instead of 256, 512, 1024), `--backends cpu,wgpu,…`
//! (time only these columns) and `--check` (compare each wgpu product with the cpu backend's
//! and print the largest difference relative to the largest value).
//!
//! Shapes: square 256, 512 and 1024 in all three layouts, and every distinct product of one
//! MLP-GAN training step (G 100→256→512→1024→784, D 784→512→256→1) at batch 64 and 256: the
//! forward `X·Wᵀ` (`matmul_nt`), `dX = dZ·W` (`matmul_nn`) and `dW = dZᵀ·X` (`matmul_tn`).
//! Backends: `naive` (a triple loop), `reference` and `cpu` (through the `Backend` trait, output
//! allocation included), `ndarray` (`dot`: matrixmultiply with `threading`), `gemm` (the gemm
//! crate on rayon's pool) and `wgpu` (when an adapter opens; timed up to `synchronize()`).
//! Each figure is the median of several timed samples, and `cpu`, `ndarray` and `gemm` take
//! their samples in turn (one of each, then the next) so that load from elsewhere on the
//! machine falls on all three alike; JSON lines carry `op`, `backend`, `m`,
//! `k`, `n`, `gflops`, `ms` and `group` (GAN steps: `op` = `gan_step`, `batch`, `ms`).
//!
//! Convolutions (`--conv`, or `--only conv` for them alone): each layer of the MNIST DCGAN of
//! issue 14 (G: ConvT 100→256 k4, 256→128 k3 s2 p1, 128→64 k4 s2 p1, 64→1 k4 s2 p1; D: Conv
//! 1→64, 64→128, 128→256 k4 s2 p1, 256→1 k3) at `--batch N` (default 64), its forward pass and
//! both gradients on the `cpu` backend, then the same on PyTorch's CPU convolutions
//! (`benches/torch_conv.py`, run by `--torch PYTHON`, default `.venv-torch/bin/python` here or
//! one folder up, else `python3`; `--no-torch` skips it) right after, on the same number of
//! threads; `--rounds R` alternates the two R times. JSON lines carry `op` = `conv`, `layer`,
//! `pass`, `backend`, `batch`, `gflops`, `ms`, `round`. `--layers G1,D2` times only those.
#[path = "../benches/support/conv.rs"]
mod conv;
#[path = "../benches/support/gan.rs"]
mod gan;
#[path = "../benches/support/matmul.rs"]
mod support;

use comfy::core::{Backend, ReferenceBackend};
use comfy::gpu::CpuBackend;
use std::sync::Arc;
use std::time::Instant;
use support::{gan_cases, gemm_crate, naive, ndarray_dot, square_cases, square_sizes, Case};

type Error = Box<dyn std::error::Error>;

/// Time matrix products and convolutions on every backend, beside ndarray, gemm and PyTorch.
#[derive(clap::Parser)]
#[command(name = "kernels")]
struct Options {
    /// One JSON object per line instead of tables
    #[arg(long)]
    json: bool,
    /// Fewer and shorter samples
    #[arg(long)]
    quick: bool,
    /// The products of one MLP-GAN training step only
    #[arg(long)]
    gan: bool,
    /// The largest square size timed on the wgpu backend
    #[arg(long, value_name = "N")]
    gpu_max: Option<usize>,
    /// The most multiply-adds timed on the slow naive and reference columns
    #[arg(long, value_name = "MACS", default_value_t = 1 << 24)]
    slow_max: usize,
    /// Only one group: square, gan or conv
    #[arg(long, value_name = "GROUP")]
    only: Option<String>,
    /// The fastest sample instead of the median
    #[arg(long)]
    best: bool,
    /// Timed samples per product
    #[arg(long, value_name = "N")]
    samples: Option<usize>,
    /// Length of one sample
    #[arg(long, value_name = "MS")]
    sample_ms: Option<f64>,
    /// Square sizes, comma-separated
    #[arg(long, value_name = "N,N,…", value_delimiter = ',')]
    square: Option<Vec<usize>>,
    /// Backends (columns) to time, comma-separated
    #[arg(long, value_name = "NAME,…", value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(COLUMNS))]
    backends: Option<Vec<String>>,
    /// Compare each backend's result with the reference instead of timing
    #[arg(long)]
    check: bool,
    /// The DCGAN's convolutions too
    #[arg(long)]
    conv: bool,
    /// Batch of the convolution rows
    #[arg(long, value_name = "N", default_value_t = 64)]
    batch: usize,
    /// Rounds of the convolutions, alternating with PyTorch
    #[arg(long, value_name = "R", default_value_t = 1)]
    rounds: usize,
    /// The Python that runs benches/torch_conv.py
    #[arg(long, value_name = "PYTHON")]
    torch: Option<String>,
    /// Do not run PyTorch
    #[arg(long)]
    no_torch: bool,
    /// Only these DCGAN layers (G1,…,D4), comma-separated
    #[arg(long, value_name = "G1,D2,…", value_delimiter = ',')]
    layers: Option<Vec<String>>,
}

impl Options {
    /// Whether the `backend` column is to be timed.
    fn wants(&self, backend: &str) -> bool {
        self.backends.as_ref().is_none_or(|b| b.iter().any(|x| x == backend))
    }
}

/// Median (or best) seconds per call of `f`, over samples long enough to time.
fn time(mut f: impl FnMut(), o: &Options) -> f64 {
    let mut one: [&mut dyn FnMut(); 1] = [&mut f];
    time_interleaved(&mut one, o)[0]
}

/// Median (or best) seconds per call of each function, their samples taken in turn (sample 1
/// of each, then sample 2 of each, …) so that a change in the machine's load hits them all
/// alike rather than whichever happened to be timed then.
fn time_interleaved(fs: &mut [&mut dyn FnMut()], o: &Options) -> Vec<f64> {
    let (samples, sample_len) = if o.quick { (3, 0.01) } else { (7, 0.04) };
    let samples = o.samples.unwrap_or(samples).max(1);
    let sample_len = o.sample_ms.map_or(sample_len, |ms| ms / 1e3);
    let reps: Vec<usize> = fs
        .iter_mut()
        .map(|f| {
            // Untimed: a first call may build a pipeline (tens of ms on lavapipe), which would
            // make one call look long enough to be a sample by itself.
            f();
            let t = Instant::now();
            f();
            let once = t.elapsed().as_secs_f64().max(1e-7);
            ((sample_len / once) as usize).clamp(1, 10_000)
        })
        .collect();
    let mut per_call = vec![Vec::with_capacity(samples); fs.len()];
    for _ in 0..samples {
        for ((f, &n), out) in fs.iter_mut().zip(&reps).zip(&mut per_call) {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            out.push(t.elapsed().as_secs_f64() / n as f64);
        }
    }
    per_call
        .into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            v[if o.best { 0 } else { samples / 2 }]
        })
        .collect()
}

/// One measured figure.
struct Figure {
    backend: &'static str,
    gflops: f64,
    ms: f64,
}

/// The wgpu backend, its adapter's name, and the largest dimension to time on it.
struct Gpu {
    backend: Arc<dyn Backend>,
    adapter: String,
    max_dim: usize,
    hardware: bool,
}

fn open_gpu(o: &Options) -> Option<Gpu> {
    match comfy::gpu::gpu_backend(true) {
        Ok(backend) => {
            let (adapter, hardware) = comfy::gpu::gpu_adapters()
                .into_iter()
                .next()
                .unwrap_or(("unknown adapter".into(), false));
            let max_dim = o.gpu_max.unwrap_or(if hardware { usize::MAX } else { 256 });
            eprintln!("wgpu: {adapter} (hardware: {hardware}); timing dimensions up to {max_dim}");
            Some(Gpu {
                backend,
                adapter,
                max_dim,
                hardware,
            })
        }
        Err(e) => {
            eprintln!("wgpu: column skipped ({e})");
            None
        }
    }
}

/// Times every backend that applies to one case, one after the other.
fn measure(c: Case, o: &Options, gpu: Option<&Gpu>) -> Result<Vec<Figure>, Error> {
    let (ta, tb) = c.layout.flags();
    let ops = c.operands();
    let (at, bt) = ops.tensors();
    let (av, bv) = ops.views();
    let mut out = Vec::new();
    let mut record = |backend, secs: f64| {
        out.push(Figure {
            backend,
            gflops: c.flops() / secs / 1e9,
            ms: secs * 1e3,
        })
    };
    if c.macs() <= o.slow_max {
        if o.wants("naive") {
            record(
                "naive",
                time(|| drop(std::hint::black_box(naive(&ops.a, &ops.b, c))), o),
            );
        }
        if o.wants("reference") {
            let r = ReferenceBackend;
            record("reference", time(|| drop(r.matmul(&at, &bt, ta, tb)), o));
        }
    }
    // The fast CPU columns are timed interleaved, sample by sample: they are the comparison.
    let cpu = CpuBackend::new();
    let mut run_cpu = || drop(cpu.matmul(&at, &bt, ta, tb));
    let mut run_ndarray = || drop(ndarray_dot(av, bv, c));
    let mut run_gemm = || drop(std::hint::black_box(gemm_crate(&ops.a, &ops.b, c)));
    let mut fast: Vec<(&'static str, &mut dyn FnMut())> = vec![
        ("cpu", &mut run_cpu),
        ("ndarray", &mut run_ndarray),
        ("gemm", &mut run_gemm),
    ];
    fast.retain(|(name, _)| o.wants(name));
    let (names, mut fns): (Vec<&'static str>, Vec<&mut dyn FnMut()>) = fast.into_iter().unzip();
    for (name, secs) in names.into_iter().zip(time_interleaved(&mut fns, o)) {
        record(name, secs);
    }
    let gpu = gpu.filter(|g| o.wants("wgpu") && c.m.max(c.k).max(c.n) <= g.max_dim);
    if let Some(g) = gpu {
        let be = &g.backend;
        let (ga, gb) = (be.upload(&at)?, be.upload(&bt)?);
        if o.check {
            let got = be.to_host(&be.matmul(&ga, &gb, ta, tb)?)?;
            let want = cpu.matmul(&at, &bt, ta, tb)?.to_vec()?;
            eprintln!("check {}: {}", c.label(), relative_difference(&got, &want));
        }
        let run = || {
            drop(be.matmul(&ga, &gb, ta, tb));
            drop(be.synchronize());
        };
        record("wgpu", time(run, o));
    }
    Ok(out)
}

/// `max |got − want| / max |want|`, as text.
fn relative_difference(got: &[f32], want: &[f32]) -> String {
    let scale = want.iter().fold(0f32, |m, x| m.max(x.abs())).max(f32::MIN_POSITIVE);
    // A NaN or infinite difference counts as infinite (f32::max would pass over a NaN).
    let diff = got.iter().zip(want).fold(0f32, |m, (a, b)| {
        let d = (a - b).abs();
        if d.is_finite() {
            m.max(d)
        } else {
            f32::INFINITY
        }
    });
    format!("max |wgpu − cpu| / max |cpu| = {:.2e}", diff / scale)
}

/// Runs every backend for a moment before anything is timed, so that thread pools, scratch
/// buffers, shader pipelines and clocks are up. (Without it, the first CPU figure of a run with
/// the software Vulkan driver loaded came out at half speed.)
fn warm_up(gpu: Option<&Gpu>) {
    let c = Case {
        group: "square",
        layout: support::Layout::Nn,
        m: 256,
        k: 256,
        n: 256,
    };
    let ops = c.operands();
    let (at, bt) = ops.tensors();
    let (av, bv) = ops.views();
    if let Some(g) = gpu {
        let small = Case {
            m: 64,
            k: 64,
            n: 64,
            ..c
        };
        let (sa, sb) = small.operands().tensors();
        if let (Ok(ga), Ok(gb)) = (g.backend.upload(&sa), g.backend.upload(&sb)) {
            drop(g.backend.matmul(&ga, &gb, false, false));
            drop(g.backend.synchronize());
        }
    }
    let cpu = CpuBackend::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < 0.5 {
        drop(cpu.matmul(&at, &bt, false, false));
        drop(ndarray_dot(av, bv, c));
        drop(gemm_crate(&ops.a, &ops.b, c));
    }
}

const COLUMNS: [&str; 6] = ["naive", "reference", "cpu", "ndarray", "gemm", "wgpu"];

fn main() -> Result<(), Error> {
    let o: Options = comfy::cli::parse_or_exit();
    let conv_only = o.only.as_deref() == Some("conv");
    let gpu = if o.wants("wgpu") && !conv_only {
        open_gpu(&o)
    } else {
        None
    };
    let mut cases = match &o.square {
        Some(sizes) => square_sizes(sizes),
        None => square_cases(o.quick),
    };
    cases.extend(gan_cases(64, "gan64"));
    cases.extend(gan_cases(256, "gan256"));
    cases.retain(|c| o.only.as_deref().is_none_or(|g| g == c.group));
    warm_up(gpu.as_ref());
    if conv_only {
        return conv_rows(&o);
    }
    if !o.json {
        print_header(gpu.as_ref(), o.best);
    }
    // Per group and backend: summed milliseconds and the number of cases timed.
    let mut totals: Vec<(&str, &str, f64, usize)> = Vec::new();
    let mut group = "";
    for c in cases {
        if c.group != group && !o.json {
            print_totals(group, &totals);
            group = c.group;
            println!("-- {group}");
        }
        let figs = measure(c, &o, gpu.as_ref())?;
        for f in &figs {
            match totals.iter_mut().find(|t| t.0 == c.group && t.1 == f.backend) {
                Some(t) => (t.2, t.3) = (t.2 + f.ms, t.3 + 1),
                None => totals.push((c.group, f.backend, f.ms, 1)),
            }
        }
        if o.json {
            print_json(c, &figs, gpu.as_ref());
        } else {
            print_row(c, &figs);
        }
    }
    if !o.json {
        print_totals(group, &totals);
    }
    if o.gan {
        gan_steps(&o, gpu.as_ref())?;
    }
    if o.conv {
        conv_rows(&o)?;
    }
    Ok(())
}

/// The DCGAN's convolutions on the `cpu` backend, then PyTorch's, `--rounds` times.
fn conv_rows(o: &Options) -> Result<(), Error> {
    let cpu = CpuBackend::new();
    let batch = o.batch;
    let (samples, sample_ms) = if o.quick { (3, 10.0) } else { (7, 40.0) };
    let (samples, sample_ms) = (o.samples.unwrap_or(samples), o.sample_ms.unwrap_or(sample_ms));
    let python = conv::torch_python(o.torch.as_deref());
    for round in 1..=o.rounds.max(1) {
        let mut ours = Vec::new();
        let wanted = |l: &conv::Layer| o.layers.as_ref().is_none_or(|ls| ls.iter().any(|n| n == l.name));
        for layer in conv::DCGAN.iter().filter(|l| wanted(l)) {
            let ops = conv::Operands::new(&cpu, layer, batch)?;
            for pass in conv::OPS {
                let mut failed = None;
                let secs = time(
                    || {
                        if let Err(e) = ops.run(&cpu, pass) {
                            failed = Some(e);
                        }
                    },
                    o,
                );
                if let Some(e) = failed {
                    return Err(e.into());
                }
                ours.push((layer, pass, secs * 1e3));
            }
        }
        let torch = if o.no_torch {
            Err("--no-torch".to_string())
        } else {
            conv::torch_figures(&python, batch, samples, sample_ms, o.best)
        };
        if let Err(e) = &torch {
            eprintln!("torch column skipped: {e}");
        }
        let torch = torch.unwrap_or_default();
        let torch_ms = |l: &str, p: &str| torch.iter().find(|t| t.layer == l && t.op == p).map(|t| t.ms);
        if !o.json {
            let method = |l: &conv::Layer| comfy::gpu::cpu::conv_input_grad_method(&l.geometry(batch));
            println!("-- DCGAN convolutions, batch {batch}, round {round} (GFLOP/s; cpu, then torch right after)");
            println!(
                "{:<4} {:<12} {:>9} {:>10} {:>10} {:>9}",
                "layer", "pass", "MFLOP", "cpu", "torch", "cpu/torch"
            );
            for &(l, p, ms) in &ours {
                let mflop = l.flops(batch) / 1e6;
                let t = torch_ms(l.name, p);
                let tg = t.map_or("-".into(), |t| format!("{:.1}", mflop / t));
                let ratio = t.map_or("-".into(), |t| format!("{:.2}", t / ms));
                // The primitive that is the convolution's input gradient: say which way it ran.
                let grad_primitive = if l.transposed {
                    p == "forward"
                } else {
                    p == "input_grad"
                };
                let note = if grad_primitive {
                    format!(" ({})", method(l))
                } else {
                    String::new()
                };
                println!(
                    "{:<4} {:<12} {mflop:>9.1} {:>10.1} {tg:>10} {ratio:>9}{note}",
                    l.name,
                    p,
                    mflop / ms
                );
            }
            let sum: f64 = ours.iter().map(|r| r.2).sum();
            let tsum: Option<f64> = ours.iter().map(|&(l, p, _)| torch_ms(l.name, p)).sum();
            let tsum = tsum.map_or("-".into(), |t| format!("{t:.2} ms (cpu/torch speed {:.2})", t / sum));
            println!("   all {} primitives: cpu {sum:.2} ms, torch {tsum}", ours.len());
        } else {
            for &(l, p, ms) in &ours {
                let mut rows = vec![("cpu", ms)];
                rows.extend(torch_ms(l.name, p).map(|t| ("torch", t)));
                for (backend, ms) in rows {
                    let v = serde_json::json!({"op": "conv", "layer": l.name, "pass": p, "backend": backend, "batch": batch,
                        "gflops": (l.flops(batch) / ms / 1e4).round() / 100.0, "ms": (ms * 1e4).round() / 1e4, "round": round});
                    println!("{v}");
                }
            }
        }
    }
    Ok(())
}

/// Times whole GAN training steps: cpu at batch 64 and 256, reference at 64 (unless `--quick`),
/// wgpu at 64 when an adapter opened (and at 256 on a hardware one); `--backends` filters.
fn gan_steps(o: &Options, gpu: Option<&Gpu>) -> Result<(), Error> {
    let mut runs: Vec<(&str, Arc<dyn Backend>, usize)> = vec![
        ("cpu", Arc::new(CpuBackend::new()), 64),
        ("cpu", Arc::new(CpuBackend::new()), 256),
    ];
    if !o.quick {
        runs.push(("reference", Arc::new(ReferenceBackend), 64));
    }
    if let Some(g) = gpu {
        runs.push(("wgpu", g.backend.clone(), 64));
        if g.hardware {
            runs.push(("wgpu", g.backend.clone(), 256));
        }
    }
    runs.retain(|r| o.wants(r.0));
    if !o.json {
        println!("-- one MLP-GAN training step (D update + G update, Adam)");
    }
    for (name, backend, batch) in runs {
        let mut model = gan::Gan::new(backend, batch, 0)?;
        model.step()?; // warm-up: Adam state, scratch buffers, pipelines
        let mut failed = None;
        let secs = time(
            || {
                if let Err(e) = model.step() {
                    failed = Some(e);
                }
            },
            o,
        );
        if let Some(e) = failed {
            return Err(e.into());
        }
        if o.json {
            let v = serde_json::json!({"op": "gan_step", "backend": name, "batch": batch, "ms": (secs * 1e5).round() / 100.0});
            println!("{v}");
        } else {
            println!("{name:<10} batch {batch:>4}: {:>8.2} ms per step", secs * 1e3);
        }
    }
    Ok(())
}

fn print_header(gpu: Option<&Gpu>, best: bool) {
    let threads = rayon::current_num_threads();
    let kernel = CpuBackend::new().kernel_name();
    let stat = if best { "best" } else { "median" };
    println!("GFLOP/s ({stat} of samples), {threads} threads; cpu micro-kernel: {kernel}");
    match gpu {
        Some(g) => println!("wgpu adapter: {}", g.adapter),
        None => println!("wgpu: no adapter (column skipped)"),
    }
    let head: String = COLUMNS.iter().map(|c| format!("{c:>10}")).collect();
    println!(
        "{:<10} {:>5} {:>5} {:>5}{head} {:>8} {:>8}",
        "op", "m", "k", "n", "cpu/nd", "cpu/gemm"
    );
}

fn gflops_of(figs: &[Figure], backend: &str) -> Option<f64> {
    figs.iter().find(|f| f.backend == backend).map(|f| f.gflops)
}

fn print_row(c: Case, figs: &[Figure]) {
    let cells: String = COLUMNS
        .iter()
        .map(|b| match gflops_of(figs, b) {
            Some(g) => format!("{g:>10.1}"),
            None => format!("{:>10}", "-"),
        })
        .collect();
    let ratio = |other| match (gflops_of(figs, "cpu"), gflops_of(figs, other)) {
        (Some(x), Some(y)) => format!("{:>8.2}", x / y),
        _ => format!("{:>8}", "-"),
    };
    let (nd, gm) = (ratio("ndarray"), ratio("gemm"));
    println!(
        "{:<10} {:>5} {:>5} {:>5}{cells} {nd} {gm}",
        c.layout.name(),
        c.m,
        c.k,
        c.n
    );
}

/// For a GAN group: the summed time of all its products per backend that timed all of them.
fn print_totals(group: &str, totals: &[(&str, &str, f64, usize)]) {
    if !group.starts_with("gan") {
        return;
    }
    let all = totals.iter().filter(|t| t.0 == group).map(|t| t.3).max().unwrap_or(0);
    let line: Vec<String> = totals
        .iter()
        .filter(|t| t.0 == group && t.3 == all)
        .map(|t| format!("{} {:.2} ms", t.1, t.2))
        .collect();
    println!("   sum of the {all} products of {group}: {}", line.join(", "));
}

fn print_json(c: Case, figs: &[Figure], gpu: Option<&Gpu>) {
    for f in figs {
        let mut v = serde_json::json!({
            "op": c.layout.name(), "backend": f.backend, "group": c.group,
            "m": c.m, "k": c.k, "n": c.n,
            "gflops": (f.gflops * 100.0).round() / 100.0, "ms": (f.ms * 1e4).round() / 1e4,
        });
        if let (Some(g), "wgpu") = (gpu, f.backend) {
            v["adapter"] = g.adapter.clone().into();
        }
        println!("{v}");
    }
}
