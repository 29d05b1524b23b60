//! What the training examples share: their command-line flags and running a graph on the console.
use crate::console::ConsoleObserver;
use crate::pipelines::TrainSettings;
use comfy_core::{
    Backend, CancelToken, Executor, Graph, GraphError, Registry, RunError, RunOptions, RunReport, RunStatus,
};
use comfy_gpu::{select, select_from_env, DeviceChoice};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, OnceLock};

/// The flags of a training example; `None` where the flag was not given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainFlags {
    /// `--epochs N` (positive).
    pub epochs: Option<u32>,
    /// `--batch-size N` (positive).
    pub batch_size: Option<u32>,
    /// `--lr X` (positive, finite).
    pub lr: Option<f64>,
    /// `--seed N`.
    pub seed: Option<u64>,
    /// `--device cpu|gpu|auto`.
    pub device: Option<DeviceChoice>,
    /// `--data DIR`.
    pub data: Option<String>,
    /// `--out DIR`.
    pub out: Option<String>,
    /// `--resume FILE`: a training state to continue from.
    pub resume: Option<String>,
}

impl TrainFlags {
    /// `settings` with every flag that was given put in place of its default.
    pub fn apply(&self, mut settings: TrainSettings) -> TrainSettings {
        settings.epochs = self.epochs.unwrap_or(settings.epochs);
        settings.batch_size = self.batch_size.unwrap_or(settings.batch_size);
        settings.lr = self.lr.unwrap_or(settings.lr);
        settings.seed = self.seed.unwrap_or(settings.seed);
        if let Some(data) = &self.data {
            settings.data_dir = data.clone();
        }
        if let Some(out) = &self.out {
            settings.out_dir = out.clone();
        }
        if let Some(from) = &self.resume {
            settings.resume_from = from.clone();
        }
        settings
    }
}

/// The usage line of an example called `name` (with `--resume` when it can resume).
pub fn usage(name: &str, resumable: bool) -> String {
    let resume = if resumable { " [--resume FILE]" } else { "" };
    format!("usage: {name} [--epochs N] [--batch-size N] [--lr X] [--seed N] [--device cpu|gpu|auto] [--data DIR] [--out DIR]{resume}")
}

/// Parses the flags; `Ok(None)` when `--help` was asked for, `Err` with a message for bad input.
pub fn parse_train_flags(mut args: impl Iterator<Item = String>) -> Result<Option<TrainFlags>, String> {
    let mut f = TrainFlags::default();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |what: &str| format!("{flag}: `{value}` is not {what}");
        let count = || {
            value
                .parse()
                .ok()
                .filter(|&n: &u32| n > 0)
                .ok_or_else(|| bad("a positive whole number"))
        };
        match flag.as_str() {
            "--epochs" => f.epochs = Some(count()?),
            "--batch-size" => f.batch_size = Some(count()?),
            "--lr" => {
                let lr = value.parse().ok().filter(|&x: &f64| x > 0.0 && x.is_finite());
                f.lr = Some(lr.ok_or_else(|| bad("a positive number"))?)
            }
            "--seed" => f.seed = Some(value.parse().map_err(|_| bad("a whole number"))?),
            "--data" => f.data = Some(value),
            "--out" => f.out = Some(value),
            "--resume" => f.resume = Some(value),
            "--device" => f.device = Some(value.parse().map_err(|_| bad("cpu, gpu or auto"))?),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(Some(f))
}

/// Parses `std::env::args()` for the example `name`: prints the usage and exits 0 on `--help`,
/// prints the error and the usage and exits 2 on bad input — `--resume` included, unless the
/// example is `resumable`.
pub fn train_flags_or_exit(name: &str, resumable: bool) -> TrainFlags {
    let parsed = parse_train_flags(std::env::args().skip(1)).and_then(|flags| match flags {
        Some(f) if f.resume.is_some() && !resumable => {
            Err(format!("--resume: {name} has no training state to resume from"))
        }
        other => Ok(other),
    });
    match parsed {
        Ok(Some(flags)) => flags,
        Ok(None) => {
            println!("{}", usage(name, resumable));
            std::process::exit(0);
        }
        Err(msg) => {
            eprintln!("error: {msg}\n{}", usage(name, resumable));
            std::process::exit(2);
        }
    }
}

/// The backend for `--device`; without it, `COMFY_DEVICE` may choose, otherwise `auto`.
pub fn backend_for(device: Option<DeviceChoice>) -> Result<Arc<dyn Backend>, comfy_gpu::GpuError> {
    match device {
        Some(choice) => select(choice),
        None => select_from_env(DeviceChoice::Auto),
    }
}

/// A training example ready to run: its settings (defaults with the flags applied), backend
/// and graph.
pub struct TrainingExample {
    /// The defaults with the flags put in place.
    pub settings: TrainSettings,
    /// The backend `--device` (or `COMFY_DEVICE`, or `auto`) chose.
    pub backend: Arc<dyn Backend>,
    /// The pipeline built from the settings.
    pub graph: Graph,
}

/// Sets up the training example `name`, which trains `what`: parses the flags (see
/// [`train_flags_or_exit`]), opens the backend (exit code 1 if it cannot be), prints what will
/// be trained where, and builds the graph with `build` (exit code 2 if it cannot be).
pub fn prepare_training(
    name: &str,
    what: &str,
    resumable: bool,
    defaults: TrainSettings,
    build: impl FnOnce(&TrainSettings) -> Result<Graph, GraphError>,
) -> Result<TrainingExample, ExitCode> {
    let flags = train_flags_or_exit(name, resumable);
    let settings = flags.apply(defaults);
    let backend = backend_for(flags.device).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(1)
    })?;
    eprintln!(
        "training {what} for {} epochs, batch {}, lr {}, seed {} on `{}` → {}",
        settings.epochs,
        settings.batch_size,
        settings.lr,
        settings.seed,
        backend.name(),
        settings.out_dir
    );
    let graph = build(&settings).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    Ok(TrainingExample {
        settings,
        backend,
        graph,
    })
}

impl TrainingExample {
    /// Runs the graph on the console ([`run_on_console`]) and says how long it took and where
    /// the results are.
    pub fn run(&self) -> Result<RunReport, ExitCode> {
        let started = std::time::Instant::now();
        let report = run_on_console(&self.graph, self.backend.clone(), self.settings.seed)?;
        eprintln!(
            "finished in {:.1}s; pictures and checkpoints are in {}",
            started.elapsed().as_secs_f64(),
            self.settings.out_dir
        );
        Ok(report)
    }
}

/// Runs `graph` with the built-in nodes, progress on the console. The first Ctrl-C (or
/// SIGTERM) cancels the run: a trainer stops at the next step boundary and writes its state and
/// pictures; a second Ctrl-C ends the process at once. Returns the report of a completed run,
/// or the exit code to end with: 1 for a failure, 130 for a cancelled run.
pub fn run_on_console(graph: &Graph, backend: Arc<dyn Backend>, seed: u64) -> Result<RunReport, ExitCode> {
    let mut registry = Registry::new();
    crate::register_all(&mut registry);
    let mut executor = Executor::new(backend).with_seed(seed);
    match run_cancellable(&mut executor, &registry, graph) {
        Ok(report) if report.status() == RunStatus::Completed => Ok(report),
        Ok(_) => {
            eprintln!("cancelled");
            Err(ExitCode::from(130))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(1))
        }
    }
}

/// Runs `graph` on `executor` with progress on the console; the first Ctrl-C (or SIGTERM)
/// cancels the run — a trainer stops at the next step boundary and saves its state — and a
/// second one ends the process at once with status 130. Once the run is over, Ctrl-C ends the
/// process again.
pub fn run_cancellable(executor: &mut Executor, registry: &Registry, graph: &Graph) -> Result<RunReport, RunError> {
    let options = RunOptions {
        cancel: cancel_on_ctrl_c(),
        ..RunOptions::default()
    };
    let result = executor.run_with(registry, graph, &options, &mut ConsoleObserver::new());
    release_ctrl_c();
    result
}

/// The token of the run that Ctrl-C cancels now.
static CURRENT_RUN: Mutex<Option<CancelToken>> = Mutex::new(None);

/// A fresh token that the next Ctrl-C (or SIGTERM) cancels, for [`RunOptions::cancel`]; a
/// second Ctrl-C ends the process at once with status 130. The process's handler is installed
/// once; if it cannot be, a warning says so and Ctrl-C keeps its default effect.
fn cancel_on_ctrl_c() -> CancelToken {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let handler = || {
            let current = CURRENT_RUN.lock().ok().and_then(|c| c.clone());
            match current {
                Some(token) if !token.is_cancelled() => {
                    eprintln!("\nstopping at the next step boundary (Ctrl-C again to quit at once)");
                    token.cancel();
                }
                _ => std::process::exit(130),
            }
        };
        if let Err(e) = ctrlc::set_handler(handler) {
            eprintln!("warning: Ctrl-C will not stop training cleanly: {e}");
        }
    });
    let token = CancelToken::new();
    if let Ok(mut current) = CURRENT_RUN.lock() {
        *current = Some(token.clone());
    }
    token
}

/// Ends the run [`cancel_on_ctrl_c`] gave a token for: from now on Ctrl-C ends the process.
fn release_ctrl_c() {
    if let Ok(mut current) = CURRENT_RUN.lock() {
        *current = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<TrainFlags>, String> {
        parse_train_flags(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_parse_and_bad_values_are_named() {
        let f = parse(&[
            "--epochs", "3", "--lr", "0.001", "--device", "cpu", "--out", "x", "--resume", "s",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (f.epochs, f.lr, f.device, f.out.as_deref(), f.resume.as_deref()),
            (Some(3), Some(0.001), Some(DeviceChoice::Cpu), Some("x"), Some("s"))
        );
        assert_eq!(f.apply(TrainSettings::mnist_gan()).resume_from, "s");
        assert_eq!(parse(&["--help"]).unwrap(), None);
        assert!(parse(&["--epochs", "0"]).unwrap_err().contains("--epochs: `0`"));
        assert!(parse(&["--lr", "nan"]).is_err());
        assert!(parse(&["--device", "tpu"]).unwrap_err().contains("cpu, gpu or auto"));
        assert!(parse(&["--epochs"]).unwrap_err().contains("needs a value"));
        assert!(parse(&["--bogus", "1"]).unwrap_err().contains("unknown flag"));
    }
}
