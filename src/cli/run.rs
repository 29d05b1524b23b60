//! Running a graph on the console: progress on standard error, and Ctrl-C (or SIGTERM)
//! stopping the run at the next step boundary.
use crate::console::ConsoleObserver;
use comfy_core::{Backend, CancelToken, Executor, Graph, Registry, RunError, RunOptions, RunReport, RunStatus};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, OnceLock};

/// Runs `graph` with the built-in nodes, progress on the console. The first Ctrl-C (or
/// SIGTERM) cancels the run: a trainer stops at the next step boundary and writes its state and
/// pictures; a second Ctrl-C ends the process at once. Returns the report of a completed run,
/// or the exit code to end with: 1 for a failure, 130 for a cancelled run.
pub fn run_on_console(graph: &Graph, backend: Arc<dyn Backend>, seed: u64) -> Result<RunReport, ExitCode> {
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
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
