//! A node pack written as a user's crate would write it — public API only — with a value type
//! of its own, running in one graph with other nodes.
mod graph_support;

use comfy_core::{
    Context, CustomValue, DynNode, Executor, Graph, Inputs, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs,
    NodeSchema, Outputs, PortType, ReferenceBackend, Registry, RunError, ValidationError, Value,
};
use graph_support::{registry, Runs};
use std::sync::Arc;

/// The user's own value type.
#[derive(Debug, PartialEq)]
struct Histogram {
    counts: Vec<i64>,
}

impl CustomValue for Histogram {
    const TYPE_NAME: &'static str = "HISTOGRAM";
}

#[derive(NodeInputs)]
struct CollectInputs {
    a: i64,
    b: i64,
    c: Option<i64>,
}

#[derive(NodeOutputs)]
struct Collected {
    histogram: Histogram,
}

/// Collects two or three integers into a histogram.
#[derive(Default)]
struct Collect;

impl Node for Collect {
    type Inputs = CollectInputs;
    type Outputs = Collected;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Collect", "user/stats").description("Collects integers into a histogram")
    }

    fn execute(&self, inputs: CollectInputs, _ctx: &mut Context) -> Result<Collected, NodeError> {
        let mut counts = vec![inputs.a, inputs.b];
        counts.extend(inputs.c);
        Ok(Collected {
            histogram: Histogram { counts },
        })
    }
}

#[derive(NodeInputs)]
struct TotalInputs {
    histogram: Arc<Histogram>,
}

#[derive(NodeOutputs)]
struct Totals {
    total: i64,
    bins: i64,
}

/// Sums a histogram; an output node.
#[derive(Default)]
struct Total;

impl Node for Total {
    type Inputs = TotalInputs;
    type Outputs = Totals;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Total", "user/stats").output_node()
    }

    fn execute(&self, inputs: TotalInputs, _ctx: &mut Context) -> Result<Totals, NodeError> {
        let h = &inputs.histogram;
        Ok(Totals {
            total: h.counts.iter().sum::<i64>(),
            bins: h.counts.len() as i64,
        })
    }
}

fn user_registry(runs: &Runs) -> Registry {
    let mut registry = registry(runs);
    registry.register::<Collect>().register::<Total>();
    registry
}

#[test]
fn a_user_node_runs_with_other_nodes() {
    let runs = Runs::default();
    let registry = user_registry(&runs);
    let mut g = Graph::new();
    let one = g.add("IntConstant");
    g.set(&one, "value", 1).unwrap();
    let sum = g.add("AddInts");
    g.connect(&one, 0, &sum, "a").unwrap();
    g.set(&sum, "b", 10).unwrap();
    let collect = g.add("Collect");
    g.connect(&one, 0, &collect, "a").unwrap();
    g.connect(&sum, 0, &collect, "b").unwrap();
    let total = g.add("Total");
    g.connect(&collect, 0, &total, "histogram").unwrap();

    let mut exec = Executor::new(Arc::new(ReferenceBackend));
    let report = exec.run(&registry, &g, &mut ()).unwrap();
    assert_eq!(report.output(&total, 0).and_then(Value::as_int), Some(12));
    assert_eq!(report.output(&total, 1).and_then(Value::as_int), Some(2));
    let h = report.output(&collect, 0).and_then(|v| v.downcast::<Histogram>());
    assert_eq!(h, Some(&Histogram { counts: vec![1, 11] }));
    assert_eq!(report.executed(), &[one, sum, collect, total]);
}

#[test]
fn custom_types_are_checked_on_links() {
    let runs = Runs::default();
    let registry = user_registry(&runs);
    let mut g = Graph::new();
    let c = g.add("IntConstant");
    let collect = g.add("Collect");
    g.connect(&c, 0, &collect, "a").unwrap();
    g.connect(&c, 0, &collect, "b").unwrap();
    let show = g.add("ShowInt");
    g.connect(&collect, 0, &show, "value").unwrap(); // HISTOGRAM into INT
    let total = g.add("Total");
    g.connect(&c, 0, &total, "histogram").unwrap(); // INT into HISTOGRAM
    let errors = g.validate(&registry).unwrap_err();
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        messages,
        [
            r#"node 3, input "value": expects INT, but output 0 of node 2 is HISTOGRAM"#,
            r#"node 4, input "histogram": expects HISTOGRAM, but output 0 of node 1 is INT"#,
        ]
    );
    assert!(matches!(errors.errors()[0], ValidationError::TypeMismatch { .. }));
}

#[test]
fn a_literal_cannot_stand_for_a_custom_value() {
    let registry = user_registry(&Runs::default());
    let mut g = Graph::new();
    let total = g.add("Total");
    g.set(&total, "histogram", "1,2,3").unwrap();
    let errors = g.validate(&registry).unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        r#"node 1, input "histogram": a HISTOGRAM cannot be written as a literal; link it to an output"#
    );
}

/// Declares an output it does not return.
#[derive(Default)]
struct Liar;

/// Written as a `DynNode`, the value-level form: a typed `Node` cannot return what it does not
/// declare.
impl DynNode for Liar {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("Liar", "user").output("n", PortType::Int).output_node()
    }

    fn execute_values(&self, _: &Inputs, _: &mut Context) -> Result<Outputs, NodeError> {
        Ok(Outputs::one("not a number"))
    }
}

/// Panics.
#[derive(Default)]
struct Panics;

impl Node for Panics {
    type Inputs = ();
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Panics", "user").output_node()
    }

    fn execute(&self, _: (), _: &mut Context) -> Result<(), NodeError> {
        panic!("boom")
    }
}

#[test]
fn bad_outputs_and_panics_are_node_failures() {
    let mut registry = Registry::new();
    registry.register::<Liar>().register::<Panics>();
    let mut exec = Executor::new(Arc::new(ReferenceBackend));

    let mut g = Graph::new();
    let liar = g.add("Liar");
    let err = exec.run(&registry, &g, &mut ()).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"node 1 (Liar) failed: bad outputs: output "n" is declared INT but holds "not a number""#
    );

    let mut g = Graph::new();
    g.add_with_id(liar, "Panics").unwrap();
    match exec.run(&registry, &g, &mut ()) {
        Err(RunError::NodeFailed { error, .. }) => assert_eq!(error.to_string(), "panicked: boom"),
        other => panic!("expected a node failure, got {other:?}"),
    }
}

#[test]
fn a_node_can_be_tested_alone() {
    let mut ctx = Context::reference();
    // Typed, as the engine hands it over…
    let inputs = CollectInputs { a: 2, b: 3, c: Some(4) };
    let out = Collect.execute(inputs, &mut ctx).unwrap();
    assert_eq!(out.histogram.counts, vec![2, 3, 4]);
    // …or from values, as a graph gives them.
    let out = Collect
        .execute_values(&Inputs::new().with("a", 2).with("b", 3), &mut ctx)
        .unwrap();
    let h = out.values()[0].downcast::<Histogram>().unwrap();
    assert_eq!(h.counts, vec![2, 3]);
    let err = Collect
        .execute_values(&Inputs::new().with("a", 2), &mut ctx)
        .unwrap_err();
    assert_eq!(err.to_string(), r#"missing input "b""#);
    let err = Collect
        .execute_values(&Inputs::new().with("a", 2).with("b", "x"), &mut ctx)
        .unwrap_err();
    assert_eq!(err.to_string(), r#"input "b": expected INT, found STRING"#);
}
