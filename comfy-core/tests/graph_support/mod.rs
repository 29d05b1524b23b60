//! Stub nodes for the graph engine's tests, written as a user's crate would write them
//! (public API only). They stand in for the built-in nodes, which live in comfy-nodes.
#![allow(dead_code)]

use comfy_core::{
    Context, Event, Image, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, PortChoice, Registry, Value,
};
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

/// One integer output called `value`.
#[derive(NodeOutputs)]
pub struct IntValue {
    pub value: i64,
}

#[derive(NodeInputs)]
pub struct IntConstantInputs {
    #[port(default = 0, min = -1_000_000, max = 1_000_000)]
    value: i64,
}

/// `value` → `value`.
pub struct IntConstant(pub Runs);

impl Node for IntConstant {
    type Inputs = IntConstantInputs;
    type Outputs = IntValue;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("IntConstant", "test/math").description("An integer")
    }

    fn execute(&self, inputs: IntConstantInputs, _ctx: &mut Context) -> Result<IntValue, NodeError> {
        self.0.hit("IntConstant");
        Ok(IntValue { value: inputs.value })
    }
}

#[derive(NodeInputs)]
pub struct AddIntsInputs {
    a: i64,
    #[port(default = 0, min = -1000, max = 1000, step = 1)]
    b: i64,
}

#[derive(NodeOutputs)]
pub struct Sum {
    sum: i64,
}

/// `a + b`.
pub struct AddInts(pub Runs);

impl Node for AddInts {
    type Inputs = AddIntsInputs;
    type Outputs = Sum;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("AddInts", "test/math").description("a + b")
    }

    fn execute(&self, inputs: AddIntsInputs, _ctx: &mut Context) -> Result<Sum, NodeError> {
        self.0.hit("AddInts");
        let sum = inputs.a.checked_add(inputs.b);
        Ok(Sum {
            sum: sum.ok_or_else(|| NodeError::msg("overflow"))?,
        })
    }
}

#[derive(NodeInputs)]
pub struct ScaleInputs {
    #[port(min = 0.0, max = 10.0)]
    x: f64,
    /// multiplier
    #[port(default = 1.0)]
    factor: f64,
}

#[derive(NodeOutputs)]
pub struct Scaled {
    y: f64,
}

/// `x * factor`, on floats.
pub struct ScaleFloat(pub Runs);

impl Node for ScaleFloat {
    type Inputs = ScaleInputs;
    type Outputs = Scaled;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ScaleFloat", "test/math")
    }

    fn execute(&self, inputs: ScaleInputs, _ctx: &mut Context) -> Result<Scaled, NodeError> {
        self.0.hit("ScaleFloat");
        Ok(Scaled {
            y: inputs.x * inputs.factor,
        })
    }
}

/// How `Format` writes its value.
#[derive(PortChoice)]
pub enum Style {
    Plain,
    Brackets,
}

#[derive(NodeInputs)]
pub struct FormatInputs {
    value: Value,
    #[port(default = "plain")]
    style: Style,
    suffix: Option<String>,
}

#[derive(NodeOutputs)]
pub struct Text {
    text: String,
}

/// Any value as text, in one of two styles.
pub struct Format(pub Runs);

impl Node for Format {
    type Inputs = FormatInputs;
    type Outputs = Text;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Format", "test/text")
    }

    fn execute(&self, inputs: FormatInputs, _ctx: &mut Context) -> Result<Text, NodeError> {
        self.0.hit("Format");
        let v = inputs.value;
        let mut text = match inputs.style {
            Style::Brackets => format!("[{v}]"),
            Style::Plain => format!("{v}"),
        };
        if let Some(suffix) = inputs.suffix {
            text.push_str(&suffix);
        }
        Ok(Text { text })
    }
}

/// A random integer from the node's generator: not cacheable.
pub struct RandomInt(pub Runs);

impl Node for RandomInt {
    type Inputs = ();
    type Outputs = IntValue;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("RandomInt", "test/random").not_cacheable()
    }

    fn execute(&self, _inputs: (), ctx: &mut Context) -> Result<IntValue, NodeError> {
        self.0.hit("RandomInt");
        Ok(IntValue {
            value: ctx.rng().random_range(0..1_000_000i64),
        })
    }
}

#[derive(NodeInputs)]
pub struct ShowIntInputs {
    value: i64,
}

/// An output node that passes its input through.
pub struct ShowInt(pub Runs);

impl Node for ShowInt {
    type Inputs = ShowIntInputs;
    type Outputs = IntValue;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("ShowInt", "test/output").output_node()
    }

    fn execute(&self, inputs: ShowIntInputs, _ctx: &mut Context) -> Result<IntValue, NodeError> {
        self.0.hit("ShowInt");
        Ok(IntValue { value: inputs.value })
    }
}

#[derive(NodeInputs)]
pub struct StepsInputs {
    #[port(default = 3, min = 0, max = 100)]
    steps: i64,
}

#[derive(NodeOutputs)]
pub struct Done {
    done: i64,
}

/// An output node that works in `steps` steps, reporting progress and a preview per step and
/// stopping when cancelled.
pub struct Steps(pub Runs);

impl Node for Steps {
    type Inputs = StepsInputs;
    type Outputs = Done;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Steps", "test/output").output_node()
    }

    fn execute(&self, inputs: StepsInputs, ctx: &mut Context) -> Result<Done, NodeError> {
        self.0.hit("Steps");
        let steps = inputs.steps as u64;
        for step in 1..=steps {
            ctx.check_cancelled()?;
            ctx.progress(step, steps, format!("step {step}"));
            ctx.preview(Image::filled(2, 2, 1, step as u8).map_err(NodeError::other)?);
        }
        Ok(Done { done: steps as i64 })
    }
}

#[derive(NodeInputs)]
pub struct FailInputs {
    #[allow(dead_code)]
    value: Option<i64>,
}

/// An output node that fails.
pub struct Fail(pub Runs);

impl Node for Fail {
    type Inputs = FailInputs;
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Fail", "test/output").output_node()
    }

    fn execute(&self, _inputs: FailInputs, _ctx: &mut Context) -> Result<(), NodeError> {
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
