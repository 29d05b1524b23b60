//! Validation reports every problem at once, each naming its node and input.
mod graph_support;

use comfy_core::{
    Executor, Graph, InputPort, NodeId, NodeSchema, PortType, ReferenceBackend, Registry, RunError, SchemaError,
    SchemaProblem, ValidationError, MAX_NODES,
};
use graph_support::{registry, Runs};
use std::sync::Arc;

fn messages(g: &Graph, registry: &Registry) -> Vec<String> {
    match g.validate(registry) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let mut g = Graph::new();
    let c = g.add("IntConstant"); // 1
    g.set(&c, "value", 5_000_000).unwrap(); // above the max
    let unknown = g.add("NoSuchNode"); // 2
    g.connect(&NodeId::from("99"), 0, &unknown, "x").unwrap(); // dangling, even on an unknown type
    let add = g.add("AddInts"); // 3: "a" missing
    g.set(&add, "b", "seven").unwrap(); // wrong type
    g.set(&add, "colour", 1).unwrap(); // unknown input
    let fmt = g.add("Format"); // 4
    g.connect(&c, 3, &fmt, "value").unwrap(); // no output 3
    g.set(&fmt, "style", "fancy").unwrap(); // not a choice
    let scale = g.add("ScaleFloat"); // 5
    g.set(&scale, "x", -1).unwrap(); // int literal accepted for FLOAT, but below the min
    g.connect(&fmt, 0, &scale, "factor").unwrap(); // STRING into FLOAT
    let show = g.add("ShowInt"); // 6
    g.connect(&NodeId::from("40"), 0, &show, "value").unwrap();

    assert_eq!(
        messages(&g, &registry),
        [
            r#"node 1, input "value": 5000000 is above the maximum 1000000"#,
            r#"node 2, input "x": linked to node 99, which does not exist"#,
            r#"node 2: unknown node type "NoSuchNode""#,
            r#"node 3, input "b": expected INT, found STRING"#,
            r#"node 3: AddInts has no input "colour""#,
            r#"node 3, input "a": required input is missing"#,
            r#"node 4, input "style": "fancy" is not one of "plain", "brackets""#,
            r#"node 4, input "value": linked to output 3 of node 1, which has 1 output(s)"#,
            r#"node 5, input "factor": expects FLOAT, but output 0 of node 4 is STRING"#,
            r#"node 5, input "x": -1 is below the minimum 0.0"#,
            r#"node 6, input "value": linked to node 40, which does not exist"#,
        ]
    );
    // Each error names its node and, where there is one, its input.
    let errors = g.validate(&registry).unwrap_err();
    assert!(errors.iter().all(|e| e.node().is_some()));
    assert_eq!(errors.errors()[3].input(), Some("b"));
    // Running refuses the graph with the same errors, and nothing executes.
    let mut exec = Executor::new(Arc::new(ReferenceBackend));
    assert!(matches!(exec.run(&registry, &g, &mut ()), Err(RunError::Invalid(e)) if e == errors));
    assert_eq!(runs.total(), 0);
}

#[test]
fn cycles_are_reported_with_their_nodes() {
    let registry = registry(&Runs::default());
    let mut g = Graph::new();
    let a = g.add("AddInts");
    let b = g.add("AddInts");
    let c = g.add("AddInts");
    g.connect(&a, 0, &b, "a").unwrap();
    g.connect(&b, 0, &c, "a").unwrap();
    g.connect(&c, 0, &a, "a").unwrap();
    let selfish = g.add("AddInts");
    g.connect(&selfish, 0, &selfish, "a").unwrap();
    let show = g.add("ShowInt");
    g.connect(&c, 0, &show, "value").unwrap();
    assert_eq!(
        messages(&g, &registry),
        ["nodes 1, 2, 3 form a cycle", "nodes 4 form a cycle"]
    );
    let errors = g.validate(&registry).unwrap_err();
    assert!(matches!(&errors.errors()[0], ValidationError::Cycle { nodes } if nodes.len() == 3));
}

#[test]
fn a_graph_needs_an_output_node() {
    let registry = registry(&Runs::default());
    let mut g = Graph::new();
    g.add("IntConstant");
    assert_eq!(
        messages(&g, &registry),
        ["the graph has no output node, so there is nothing to run"]
    );
    assert_eq!(messages(&Graph::new(), &registry).len(), 1);
    // With an unknown type in the graph, only the unknown type is reported.
    g.add("Mystery");
    assert_eq!(messages(&g, &registry), [r#"node 2: unknown node type "Mystery""#]);
}

#[test]
fn graphs_over_the_limit_are_refused() {
    let registry = registry(&Runs::default());
    let mut g = Graph::new();
    for _ in 0..=MAX_NODES {
        g.add("IntConstant");
    }
    assert_eq!(
        messages(&g, &registry),
        [format!(
            "the graph has {} nodes; at most {MAX_NODES} are allowed",
            MAX_NODES + 1
        )]
    );
}

#[test]
fn defaults_fill_in_for_left_out_inputs() {
    let registry = registry(&Runs::default());
    let mut g = Graph::new();
    let c = g.add("IntConstant"); // "value" defaults to 0
    let show = g.add("ShowInt");
    g.connect(&c, 0, &show, "value").unwrap();
    assert_eq!(messages(&g, &registry), Vec::<String>::new());
}

#[test]
fn building_errors_are_typed() {
    let mut g = Graph::new();
    let a = g.add("IntConstant");
    assert!(g.add_with_id(a.clone(), "X").is_err());
    assert!(g.add_with_id(NodeId::from(""), "X").is_err());
    assert!(g.set(&NodeId::from("7"), "value", 1).is_err());
    assert_eq!(
        g.set(&a, "value", f64::NAN).unwrap_err().to_string(),
        r#"node 1, input "value": NaN and infinities cannot be written in a graph"#
    );
    // Ids continue after the largest numeric id.
    g.add_with_id(NodeId::from("41"), "X").unwrap();
    assert_eq!(g.add("X").as_str(), "42");
}

/// A node pack with mistakes in its declarations.
struct Sloppy;

impl comfy_core::DynNode for Sloppy {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("Sloppy", "test")
            .input(InputPort::int("n").default(500).range(0, 100))
            .input(InputPort::int("n"))
            .input(InputPort::string("s").range(0, 1))
            .input(InputPort::float("f").range(2.0, 1.0))
            .output("out", PortType::Int)
            .output_node()
    }

    fn execute_values(
        &self,
        _: &comfy_core::Inputs,
        _: &mut comfy_core::Context,
    ) -> Result<comfy_core::Outputs, comfy_core::NodeError> {
        Ok(comfy_core::Outputs::one(0))
    }
}

#[test]
fn schema_mistakes_are_reported() {
    let mut registry = Registry::new();
    registry.register_node(Sloppy);
    let problems = registry.check().unwrap_err();
    let texts: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        texts,
        [
            r#"node type "Sloppy", port "n": declared twice"#,
            r#"node type "Sloppy", port "n": bad default: 500 is above the maximum 100"#,
            r#"node type "Sloppy", port "s": bound 0 does not fit the port's type"#,
            r#"node type "Sloppy", port "f": empty range: min 2.0 is above max 1.0"#,
        ]
    );
    assert!(matches!(
        &problems[1],
        SchemaError::Port {
            problem: SchemaProblem::BadDefault(_),
            ..
        }
    ));
    // A graph using the node is refused, naming the node (then its missing inputs).
    let mut g = Graph::new();
    g.add("Sloppy");
    let errors = g.validate(&registry).unwrap_err();
    let schema_errors = errors.iter().filter(|e| matches!(e, ValidationError::BadSchema { .. }));
    assert_eq!(schema_errors.count(), 4);
    assert!(errors.errors()[0]
        .to_string()
        .starts_with("node 1: node type \"Sloppy\""));
}
