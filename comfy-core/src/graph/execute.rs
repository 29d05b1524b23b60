//! Running a validated graph: dependency order, cached outputs, events and cancellation.
use super::cache::{Cache, NodeResult, Signature};
use super::error::{RunError, ValidationError, ValidationErrors};
use super::plan::{dependencies, execution_order};
use super::report::{RunOptions, RunReport, RunStatus};
use super::validate::validate;
use super::{Graph, GraphNode, InputValue, NodeId};
use crate::backend::Backend;
use crate::context::Context;
use crate::event::{Event, Observer};
use crate::files::{AnyPath, FilePolicy};
use crate::inputs::Inputs;
use crate::node_error::NodeError;
use crate::registry::{Entry, Registry};
use crate::schema::NodeSchema;
use crate::value::Value;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Runs graphs on one backend and keeps their outputs cached between runs.
///
/// ```
/// # use comfy_core::{Context, Node, NodeError, NodeInfo, NodeOutputs};
/// # #[derive(NodeOutputs)] struct Out { value: i64 }
/// # #[derive(Default)] struct Answer;
/// # impl Node for Answer {
/// #     type Inputs = ();
/// #     type Outputs = Out;
/// #     fn info(&self) -> NodeInfo { NodeInfo::new("Answer", "demo").output_node() }
/// #     fn execute(&self, _: (), _: &mut Context) -> Result<Out, NodeError> { Ok(Out { value: 42 }) }
/// # }
/// use comfy_core::{Executor, Graph, ReferenceBackend, Registry, RunStatus};
/// use std::sync::Arc;
///
/// let mut registry = Registry::new();
/// registry.register::<Answer>();
/// let mut graph = Graph::new();
/// let answer = graph.add("Answer");
///
/// let mut executor = Executor::new(Arc::new(ReferenceBackend)).with_seed(1);
/// let report = executor.run(&registry, &graph, &mut ()).unwrap();
/// assert_eq!(report.status(), RunStatus::Completed);
/// assert_eq!(report.output(&answer, 0).and_then(|v| v.as_int()), Some(42));
/// // Nothing changed, so the second run takes the answer from the cache.
/// assert_eq!(executor.run(&registry, &graph, &mut ()).unwrap().cached(), &[answer]);
/// ```
pub struct Executor {
    backend: Arc<dyn Backend>,
    seed: u64,
    files: Arc<dyn FilePolicy>,
    cache: Cache,
}

impl Executor {
    /// An executor on `backend` with seed 0 and an empty cache.
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Executor {
            backend,
            seed: 0,
            files: Arc::new(AnyPath),
            cache: Cache::default(),
        }
    }

    /// Resolves every path nodes are given with `files` (paths as given by default).
    pub fn with_files(mut self, files: Arc<dyn FilePolicy>) -> Self {
        self.files = files;
        self
    }

    /// The policy that resolves the paths nodes are given.
    pub fn files(&self) -> &Arc<dyn FilePolicy> {
        &self.files
    }

    /// Sets the run seed; each node's generator is seeded from it and the node's id.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Changes the run seed. Cached outputs depend on the seed, so nodes run again.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
    }

    /// The run seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The backend nodes compute on.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Number of node outputs held in the cache.
    pub fn cached_len(&self) -> usize {
        self.cache.len()
    }

    /// Empties the cache, so the next run executes every node.
    pub fn clear_cache(&mut self) {
        self.cache.clear();
    }

    /// Validates `graph` and runs its output nodes and what they depend on, sending events to
    /// `observer` (`&mut ()` for none).
    pub fn run(
        &mut self,
        registry: &Registry,
        graph: &Graph,
        observer: &mut dyn Observer,
    ) -> Result<RunReport, RunError> {
        self.run_with(registry, graph, &RunOptions::default(), observer)
    }

    /// [`Executor::run`] with targets and a cancellation token.
    pub fn run_with(
        &mut self,
        registry: &Registry,
        graph: &Graph,
        options: &RunOptions,
        observer: &mut dyn Observer,
    ) -> Result<RunReport, RunError> {
        validate(graph, registry, options.targets.is_empty()).map_err(RunError::Invalid)?;
        let targets = targets(graph, registry, &options.targets)?;
        let order = execution_order(&dependencies(graph), &targets);
        observer.on_event(&Event::RunStarted { nodes: order.len() });
        self.cache.begin_run();
        let mut run = RunState {
            options,
            observer,
            keys: HashMap::new(),
            report: RunReport {
                status: RunStatus::Completed,
                executed: Vec::new(),
                cached: Vec::new(),
                outputs: HashMap::new(),
                images: HashMap::new(),
            },
        };
        for position in order {
            let node = &graph.nodes()[position];
            if !self.step(registry, node, &mut run)? {
                run.report.status = RunStatus::Cancelled;
                return Ok(run.report);
            }
        }
        self.cache.retain_used();
        let (executed, cached) = (run.report.executed.len(), run.report.cached.len());
        run.observer.on_event(&Event::RunFinished { executed, cached });
        Ok(run.report)
    }

    /// Takes one node from the cache or executes it; `Ok(false)` when the run is cancelled.
    fn step(&mut self, registry: &Registry, node: &GraphNode, run: &mut RunState) -> Result<bool, RunError> {
        let entry = registry.entry(node.class_type()).ok_or_else(|| unknown_type(node))?;
        let signature = entry
            .schema
            .is_cacheable()
            .then(|| Signature::of(node, self.seed, &run.keys));
        let key = self.cache.key(signature);
        run.keys.insert(node.id().clone(), key);
        let (id, class_type) = (node.id().clone(), node.class_type().to_string());
        if let Some(result) = self.cache.get(key) {
            run.observer.on_event(&Event::NodeCached {
                node: id.clone(),
                class_type: class_type.clone(),
            });
            shown(run, &id, &class_type, &result.images);
            run.report.cached.push(id.clone());
            run.report.outputs.insert(id.clone(), result.outputs);
            run.report.images.insert(id, result.images);
            return Ok(true);
        }
        if run.options.cancel.is_cancelled() {
            run.observer.on_event(&Event::RunCancelled { node: id });
            return Ok(false);
        }
        run.observer.on_event(&Event::NodeStarted { node: id, class_type });
        let result = self.execute(entry, node, run);
        self.record(key, node, result, run)
    }

    /// Caches and reports what `execute` returned.
    fn record(
        &mut self,
        key: u64,
        node: &GraphNode,
        result: Result<NodeResult, NodeError>,
        run: &mut RunState,
    ) -> Result<bool, RunError> {
        let (id, class_type) = (node.id().clone(), node.class_type().to_string());
        match result {
            Ok(result) => {
                shown(run, &id, &class_type, &result.images);
                run.report.executed.push(id.clone());
                run.report.outputs.insert(id.clone(), Arc::clone(&result.outputs));
                run.report.images.insert(id, Arc::clone(&result.images));
                self.cache.insert(key, result);
                Ok(true)
            }
            Err(NodeError::Cancelled) => {
                run.observer.on_event(&Event::RunCancelled { node: id });
                Ok(false)
            }
            Err(error) => {
                run.observer.on_event(&Event::NodeFailed {
                    node: id.clone(),
                    class_type: class_type.clone(),
                    error: error.to_string(),
                });
                let error = Box::new(error);
                Err(RunError::NodeFailed {
                    node: id,
                    class_type,
                    error,
                })
            }
        }
    }

    /// Resolves the inputs, calls `execute` (a panic becomes an error), checks the outputs.
    fn execute(&self, entry: &Entry, node: &GraphNode, run: &mut RunState) -> Result<NodeResult, NodeError> {
        let inputs = resolve_inputs(&entry.schema, node, &run.report.outputs)?;
        let mut ctx = Context::new(Arc::clone(&self.backend))
            .with_node(node.id().clone())
            .with_seed(node_seed(self.seed, node.id()))
            .with_cancel(run.options.cancel.clone())
            .with_files(Arc::clone(&self.files))
            .with_observer(&mut *run.observer);
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| entry.node.execute_values(&inputs, &mut ctx)));
        let outputs = result.map_err(|panic| NodeError::Panicked(panic_message(panic)))??;
        check_outputs(&entry.schema, outputs.values())?;
        let images: Arc<[PathBuf]> = ctx.shown_images().into();
        drop(ctx);
        run.observer.on_event(&Event::NodeFinished {
            node: node.id().clone(),
            class_type: node.class_type().to_string(),
            elapsed: start.elapsed(),
        });
        Ok(NodeResult {
            outputs: Arc::new(outputs.into_values()),
            images,
        })
    }
}

/// What one run carries from node to node.
struct RunState<'a> {
    options: &'a RunOptions,
    observer: &'a mut dyn Observer,
    keys: HashMap<NodeId, u64>,
    report: RunReport,
}

/// Tells the observer which images a node showed, if any.
fn shown(run: &mut RunState, id: &NodeId, class_type: &str, images: &[PathBuf]) {
    if !images.is_empty() {
        run.observer.on_event(&Event::ImagesShown {
            node: id.clone(),
            class_type: class_type.to_string(),
            images: images.to_vec(),
        });
    }
}

fn unknown_type(node: &GraphNode) -> RunError {
    RunError::Invalid(ValidationErrors(vec![ValidationError::UnknownNodeType {
        node: node.id().clone(),
        class_type: node.class_type().to_string(),
    }]))
}

/// The positions of the requested nodes, or of every output node.
fn targets(graph: &Graph, registry: &Registry, requested: &[NodeId]) -> Result<Vec<usize>, RunError> {
    if requested.is_empty() {
        let is_output = |n: &GraphNode| registry.schema(n.class_type()).is_some_and(NodeSchema::is_output_node);
        let positions = graph.nodes().iter().enumerate().filter(|(_, n)| is_output(n));
        return Ok(positions.map(|(i, _)| i).collect());
    }
    requested
        .iter()
        .map(|id| graph.position(id).ok_or_else(|| RunError::UnknownTarget(id.clone())))
        .collect()
}

/// Every declared input's value: the literal, the linked output, or the default; inputs
/// without any of these are left out.
fn resolve_inputs(
    schema: &NodeSchema,
    node: &GraphNode,
    outputs: &HashMap<NodeId, Arc<Vec<Value>>>,
) -> Result<Inputs, NodeError> {
    let mut inputs = Inputs::new();
    for port in schema.inputs() {
        let bad = |problem| NodeError::BadInput {
            input: port.name().to_string(),
            problem,
        };
        let value = match node.input(port.name()) {
            Some(InputValue::Literal(literal)) => port.value_from_literal(literal).map_err(bad)?,
            Some(InputValue::Link(link)) => {
                let value = outputs.get(&link.node).and_then(|o| o.get(link.output));
                let value = value.ok_or_else(|| NodeError::MissingInput(port.name().to_string()))?;
                port.check_value(value).map_err(bad)?;
                value.clone()
            }
            None => match port.default_value() {
                Some(default) => port.value_from_literal(default).map_err(bad)?,
                None => continue,
            },
        };
        inputs.insert(port.name(), value);
    }
    Ok(inputs)
}

fn check_outputs(schema: &NodeSchema, values: &[Value]) -> Result<(), NodeError> {
    let ports = schema.outputs();
    if values.len() != ports.len() {
        let msg = format!("{} values for {} declared outputs", values.len(), ports.len());
        return Err(NodeError::BadOutputs(msg));
    }
    for (port, value) in ports.iter().zip(values) {
        if !value.port_type().links_to(port.port_type()) {
            let msg = format!(
                "output {:?} is declared {} but holds {}",
                port.name(),
                port.port_type(),
                value
            );
            return Err(NodeError::BadOutputs(msg));
        }
    }
    Ok(())
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        return s.to_string();
    }
    panic
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_else(|| "unknown panic".into())
}

/// A node's seed from the run seed and its id (FNV-1a, then a SplitMix64 finaliser), so
/// nodes draw independent streams that do not depend on the order they run in.
fn node_seed(seed: u64, id: &NodeId) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_str().bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = seed ^ h;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
