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
use comfy::cli::{parse_or_exit, run_cancellable, DeviceArgs};
use comfy::core::{Executor, Graph, Registry, RunError, RunReport, RunStatus, ValidationErrors, WorkflowError};
use std::path::PathBuf;
use std::process::ExitCode;

const NODE_FAILED: u8 = 1;
const UNREADABLE: u8 = 3;
const INVALID: u8 = 4;
const CANCELLED: u8 = 130;

/// Run a workflow file (ComfyUI's API format) with the built-in nodes.
#[derive(clap::Parser)]
#[command(name = "run_workflow")]
struct Args {
    /// The workflow to run
    #[arg(value_name = "FILE.json", required_unless_present = "schema")]
    file: Option<PathBuf>,
    #[command(flatten)]
    device: DeviceArgs,
    /// The run seed: every node's random generator is seeded from it and the node's id
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Print every node type's schema as JSON instead of running anything
    #[arg(long, conflicts_with = "file")]
    schema: bool,
}

fn main() -> ExitCode {
    let args: Args = parse_or_exit();
    // Step 1: the node types a workflow may use.
    let mut registry = Registry::new();
    comfy::nodes::register_all(&mut registry);
    match &args.file {
        Some(file) => run_file(&registry, &file.to_string_lossy(), &args),
        None => {
            println!("{:#}", registry.schema_json());
            ExitCode::SUCCESS
        }
    }
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
    let backend = match args.device.backend() {
        Ok(backend) => backend,
        Err(e) => {
            eprintln!("error: {e}");
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
