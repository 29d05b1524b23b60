//! Setting up and running a training example: its settings from the flags, its backend, its
//! graph, and after a stop, the command that continues it.
use super::args::TrainArgs;
use super::run::run_on_console;
use crate::pipelines::{training_state_path, TrainSettings};
use comfy_core::{Backend, Graph, GraphError, RunReport};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// A training example ready to run: its settings (defaults with the flags applied), backend
/// and graph.
pub struct TrainingExample {
    /// The example's name (`mnist_gan`), for the resume command.
    pub name: String,
    /// The defaults with the flags put in place.
    pub settings: TrainSettings,
    /// The backend `--device` (or `COMFY_DEVICE`, or `auto`) chose.
    pub backend: Arc<dyn Backend>,
    /// The pipeline built from the settings.
    pub graph: Graph,
}

/// Sets up the training example `name`, which trains `what`: applies the flags to `defaults`,
/// asks glibc to keep freed memory ([`keep_freed_memory`](super::keep_freed_memory)), opens the backend (exit code 1 if it cannot be), prints what will be trained where, and
/// builds the graph with `build` (exit code 2 if it cannot be).
pub fn prepare_training(
    name: &str,
    what: &str,
    args: &TrainArgs,
    defaults: TrainSettings,
    build: impl FnOnce(&TrainSettings) -> Result<Graph, GraphError>,
) -> Result<TrainingExample, ExitCode> {
    let settings = args.apply(defaults);
    // Every step frees and allocates the same activations again: keep them (see malloc.rs).
    super::keep_freed_memory();
    let backend = args.device.backend().map_err(|e| {
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
        name: name.to_string(),
        settings,
        backend,
        graph,
    })
}

impl TrainingExample {
    /// Runs the graph on the console ([`run_on_console`]) and says how long it took and where
    /// the results are. After a Ctrl-C that saved a training state, prints the command that
    /// continues the run.
    pub fn run(&self) -> Result<RunReport, ExitCode> {
        let (started, wall) = (Instant::now(), SystemTime::now());
        match run_on_console(&self.graph, self.backend.clone(), self.settings.seed) {
            Ok(report) => {
                eprintln!(
                    "finished in {:.1}s; pictures and checkpoints are in {}",
                    started.elapsed().as_secs_f64(),
                    self.settings.out_dir
                );
                Ok(report)
            }
            Err(code) => {
                let state = training_state_path(&self.settings.out_dir);
                if code == ExitCode::from(130) && written_since(&state, wall) {
                    eprintln!(
                        "the training state is saved in {state}; to continue:\n  {}",
                        self.resume_command(&state)
                    );
                }
                Err(code)
            }
        }
    }

    /// The command line that runs this example again with `--resume state`.
    fn resume_command(&self, state: &str) -> String {
        let mut args: Vec<String> = std::env::args().skip(1).collect();
        if let Some(i) = args.iter().position(|a| a == "--resume") {
            args.drain(i..(i + 2).min(args.len()));
        }
        args.retain(|a| !a.starts_with("--resume="));
        args.extend(["--resume".to_string(), state.to_string()]);
        let words: Vec<String> = args.iter().map(|a| shell_quoted(a)).collect();
        format!("cargo run --release --example {} -- {}", self.name, words.join(" "))
    }
}

/// Whether `path` is a file written at or after `since` (this run's state, not an older one).
fn written_since(path: &str, since: SystemTime) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|modified| modified >= since)
}

/// `arg` as one shell word: unchanged when it is plain, else in single quotes.
fn shell_quoted(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}
