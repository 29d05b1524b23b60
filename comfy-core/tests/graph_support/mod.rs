//! Stub nodes for the graph engine's tests, written as a user's crate would write them
//! (public API only). They stand in for the built-in nodes, which live in comfy-nodes.
#![allow(dead_code)]

use comfy_core::{Context, Event, Image, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Registry};
use rand::Rng;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// How many times each node type executed.
#[derive(Clone, Default)]
pub struct Runs(Arc<Mutex<BTreeMap<&'static str, usize>>>);

impl Runs {
    pub fn hit(&self, name: &'static str) {
        if let Ok(mut m) = self.0.lock() {
            *m.entry(name).or_default() += 1;
        }
    }

    pub fn get(&self, name: &str) -> usize {
        self.0.lock().map(|m| m.get(name).copied().unwrap_or(0)).unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.0.lock().map(|m| m.values().sum()).unwrap_or(0)
    }
}

/// `value` → `value`.
pub struct IntConstant(pub Runs);

impl Node for IntConstant {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("IntConstant", "test/math")
            .description("An integer")
            .input(InputPort::int("value").default(0).range(-1_000_000, 1_000_000))
            .output("value", PortType::Int)
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("IntConstant");
        Ok(Outputs::one(inputs.int("value")?))
    }
}

/// `a + b`.
pub struct AddInts(pub Runs);

impl Node for AddInts {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("AddInts", "test/math")
            .description("a + b")
            .input(InputPort::int("a"))
            .input(InputPort::int("b").default(0).range(-1000, 1000).step(1))
            .output("sum", PortType::Int)
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("AddInts");
        let sum = inputs.int("a")?.checked_add(inputs.int("b")?);
        Ok(Outputs::one(sum.ok_or_else(|| NodeError::msg("overflow"))?))
    }
}

/// `x * factor`, on floats.
pub struct ScaleFloat(pub Runs);

impl Node for ScaleFloat {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("ScaleFloat", "test/math")
            .input(InputPort::float("x").range(0.0, 10.0))
            .input(InputPort::float("factor").default(1.0).tooltip("multiplier"))
            .output("y", PortType::Float)
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("ScaleFloat");
        Ok(Outputs::one(inputs.float("x")? * inputs.float("factor")?))
    }
}

/// Any value as text, in one of two styles.
pub struct Format(pub Runs);

impl Node for Format {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("Format", "test/text")
            .input(InputPort::new("value", PortType::Any))
            .input(InputPort::choice("style", ["plain", "brackets"]).default("plain"))
            .input(InputPort::string("suffix").optional())
            .output("text", PortType::String)
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("Format");
        let v = inputs.value("value")?;
        let mut text = match inputs.string("style")? {
            "brackets" => format!("[{v}]"),
            _ => format!("{v}"),
        };
        if let Some(suffix) = inputs.get("suffix").and_then(|s| s.as_str()) {
            text.push_str(suffix);
        }
        Ok(Outputs::one(text))
    }
}

/// A random integer from the node's generator: not cacheable.
pub struct RandomInt(pub Runs);

impl Node for RandomInt {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("RandomInt", "test/random")
            .output("value", PortType::Int)
            .not_cacheable()
    }

    fn execute(&self, _inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("RandomInt");
        Ok(Outputs::one(ctx.rng().random_range(0..1_000_000i64)))
    }
}

/// An output node that passes its input through.
pub struct ShowInt(pub Runs);

impl Node for ShowInt {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("ShowInt", "test/output")
            .input(InputPort::int("value"))
            .output("value", PortType::Int)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("ShowInt");
        Ok(Outputs::one(inputs.int("value")?))
    }
}

/// An output node that works in `steps` steps, reporting progress and a preview per step and
/// stopping when cancelled.
pub struct Steps(pub Runs);

impl Node for Steps {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("Steps", "test/output")
            .input(InputPort::int("steps").default(3).range(0, 100))
            .output("done", PortType::Int)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("Steps");
        let steps = inputs.int("steps")? as u64;
        for step in 1..=steps {
            ctx.check_cancelled()?;
            ctx.progress(step, steps, format!("step {step}"));
            ctx.preview(Image::filled(2, 2, 1, step as u8).map_err(NodeError::other)?);
        }
        Ok(Outputs::one(steps as i64))
    }
}

/// An output node that fails.
pub struct Fail(pub Runs);

impl Node for Fail {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("Fail", "test/output")
            .input(InputPort::int("value").optional())
            .output_node()
    }

    fn execute(&self, _inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        self.0.hit("Fail");
        Err(NodeError::msg("this node always fails"))
    }
}

/// Every stub node, counting into `runs`.
pub fn registry(runs: &Runs) -> Registry {
    let mut r = Registry::new();
    r.register_node(IntConstant(runs.clone()))
        .register_node(AddInts(runs.clone()))
        .register_node(ScaleFloat(runs.clone()))
        .register_node(Format(runs.clone()))
        .register_node(RandomInt(runs.clone()))
        .register_node(ShowInt(runs.clone()))
        .register_node(Steps(runs.clone()))
        .register_node(Fail(runs.clone()));
    r
}

/// An event as a short line, for comparing sequences.
pub fn describe(e: &Event) -> String {
    match e {
        Event::RunStarted { nodes } => format!("run started ({nodes})"),
        Event::NodeStarted { node, class_type } => format!("{node} {class_type} started"),
        Event::NodeCached { node, .. } => format!("{node} cached"),
        Event::NodeFinished { node, .. } => format!("{node} finished"),
        Event::NodeFailed { node, error, .. } => format!("{node} failed: {error}"),
        Event::Progress {
            node,
            step,
            total,
            message,
        } => format!("{node} {step}/{total} {message}"),
        Event::Preview { node, image } => format!("{node} preview {}", image.pixels()[0]),
        Event::RunCancelled { node } => format!("cancelled at {node}"),
        Event::RunFinished { executed, cached } => format!("run finished ({executed} run, {cached} cached)"),
        other => format!("{other:?}"),
    }
}
