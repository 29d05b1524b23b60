//! Runs a workflow file (ComfyUI's API format) with the built-in nodes.
//!
//! ```sh
//! cargo run --release --example run_workflow -- examples/workflows/mnist_gan.json
//! cargo run --release --example run_workflow -- FILE.json --device cpu --seed 7
//! cargo run --release --example run_workflow -- --schema      # every node's schema as JSON
//! ```
//!
//! Progress goes to stderr (a bar on a terminal, plain lines otherwise); the outputs of the
//! output nodes go to stdout. Exit codes:
//!
//! | code | meaning                                                        |
//! |------|----------------------------------------------------------------|
//! | 0    | the workflow ran to the end                                    |
//! | 1    | a node failed, or the chosen device is not available           |
//! | 2    | the command line is wrong                                      |
//! | 3    | the file cannot be read or is not a workflow (malformed JSON…) |
//! | 4    | the workflow is invalid (every problem is listed)              |
//! | 130  | the run was cancelled (Ctrl-C or SIGTERM; a second Ctrl-C quits at once) |
use comfy::core::{
    Backend, Executor, Graph, Registry, RunError, RunReport, RunStatus, ValidationErrors, WorkflowError,
};
use comfy::gpu::{select, select_from_env, DeviceChoice};
use comfy::nodes::cli::run_cancellable;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "usage: run_workflow FILE.json [--device cpu|gpu|auto] [--seed N]\n       run_workflow --schema";

const NODE_FAILED: u8 = 1;
const BAD_USAGE: u8 = 2;
const UNREADABLE: u8 = 3;
const INVALID: u8 = 4;
const CANCELLED: u8 = 130;

/// The command line.
struct Args {
    file: Option<String>,
    device: Option<DeviceChoice>,
    seed: u64,
    schema: bool,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(msg) => {
            eprintln!("error: {msg}\n{USAGE}");
            return ExitCode::from(BAD_USAGE);
        }
    };
    // Step 1: the node types a workflow may use.
    let mut registry = Registry::new();
    comfy::nodes::register_all(&mut registry);
    if args.schema {
        println!("{:#}", registry.schema_json());
        return ExitCode::SUCCESS;
    }
    let Some(file) = args.file.as_deref() else {
        eprintln!("error: no workflow file given\n{USAGE}");
        return ExitCode::from(BAD_USAGE);
    };
    run_file(&registry, file, &args)
}

fn run_file(registry: &Registry, file: &str, args: &Args) -> ExitCode {
    // Step 2: read the file and check it against the registry, before anything runs.
    let graph = match Graph::load(file) {
        Ok(graph) => graph,
        Err(e) => return exit_unreadable(file, &e),
    };
    if let Err(errors) = graph.validate(registry) {
        return exit_invalid(file, &errors);
    }
    // Step 3: pick the backend and run, showing progress on stderr.
    let backend = match backend(args.device) {
        Ok(backend) => backend,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(NODE_FAILED);
        }
    };
    eprintln!(
        "running {file} ({} nodes) on `{}`, seed {}",
        graph.len(),
        backend.name(),
        args.seed
    );
    let mut executor = Executor::new(backend).with_seed(args.seed);
    // Ctrl-C cancels: a GanTrainer stops at a step boundary and saves its state first.
    match run_cancellable(&mut executor, registry, &graph) {
        Ok(report) if report.status() == RunStatus::Completed => {
            print_outputs(&graph, registry, &report);
            ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!("cancelled");
            ExitCode::from(CANCELLED)
        }
        Err(RunError::Invalid(errors)) => exit_invalid(file, &errors),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(NODE_FAILED)
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        file: None,
        device: None,
        seed: 0,
        schema: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--schema" => parsed.schema = true,
            "--device" | "--seed" => {
                let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
                if arg == "--seed" {
                    parsed.seed = value
                        .parse()
                        .map_err(|_| format!("--seed: `{value}` is not a whole number"))?;
                } else {
                    parsed.device = Some(value.parse().map_err(|e| format!("--device: {e}"))?);
                }
            }
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            _ if parsed.file.is_some() => return Err(format!("more than one workflow file: {arg}")),
            _ => parsed.file = Some(arg),
        }
    }
    Ok(parsed)
}

/// `--device` if given, else `COMFY_DEVICE`, else `auto`.
fn backend(device: Option<DeviceChoice>) -> Result<Arc<dyn Backend>, String> {
    let backend = match device {
        Some(choice) => select(choice),
        None => select_from_env(DeviceChoice::Auto),
    };
    backend.map_err(|e| e.to_string())
}

fn exit_unreadable(file: &str, error: &WorkflowError) -> ExitCode {
    match error {
        // These name the file already.
        WorkflowError::Io { .. } | WorkflowError::TooLarge { .. } => eprintln!("error: {error}"),
        _ => eprintln!("error: {file}: {error}"),
    }
    ExitCode::from(UNREADABLE)
}

fn exit_invalid(file: &str, errors: &ValidationErrors) -> ExitCode {
    let n = errors.len();
    eprintln!(
        "error: {file} is not a valid workflow ({n} problem{}):",
        if n == 1 { "" } else { "s" }
    );
    for error in errors {
        eprintln!("  - {error}");
    }
    ExitCode::from(INVALID)
}

/// One line per output node that returned values.
fn print_outputs(graph: &Graph, registry: &Registry, report: &RunReport) {
    for node in graph.nodes() {
        let is_output = registry.schema(node.class_type()).is_some_and(|s| s.is_output_node());
        let values = report.outputs(node.id()).unwrap_or_default();
        if !is_output || values.is_empty() {
            continue;
        }
        let shown: Vec<String> = values.iter().map(ToString::to_string).collect();
        println!("node {} ({}): {}", node.id(), node.class_type(), shown.join(", "));
    }
}
