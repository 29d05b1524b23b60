//! Property: saving a random graph as a workflow and loading it again loses nothing.
//!
//! Graphs are built from the stub node types of `graph_support` (plus a few type names no
//! registry knows), with literals of every kind — extreme integers, tiny, huge and negative-zero
//! floats, flags, text with quotes, escapes and unicode — titles, and links that only point to
//! earlier nodes (so the graph is acyclic).
mod graph_support;

use comfy_core::{Graph, InputValue, Link, Literal, NodeId};
use proptest::prelude::*;

/// The class types nodes are drawn from, with the inputs each one has.
const TYPES: &[(&str, &[&str])] = &[
    ("IntConstant", &["value"]),
    ("AddInts", &["a", "b"]),
    ("ScaleFloat", &["x", "factor"]),
    ("Format", &["value", "style", "suffix"]),
    ("RandomInt", &[]),
    ("ShowInt", &["value"]),
    ("Steps", &["steps"]),
    ("Fail", &["value"]),
    ("Unknown \"type\" é", &["any", "other input"]),
];

fn int_literal() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(0i64),
        Just(-1i64),
        -1000i64..1000,
        any::<i64>(),
    ]
}

fn float_literal() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0f64),
        Just(-0.0f64),
        Just(f64::MIN_POSITIVE),
        Just(5e-324f64),
        Just(-5e-324f64),
        Just(f64::MAX),
        Just(f64::MIN),
        Just(f64::EPSILON),
        Just(1.0f64),
        Just(1.0f64 / 3.0),
        -10.0f64..10.0,
        // Any finite f64 at all (every bit pattern, subnormals included).
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("quote \" backslash \\ slash / newline \n tab \t nul \u{0} é 🎨".to_string()),
        "[a-z0-9 ]{0,12}",
        // Any unicode text, control characters included.
        any::<String>(),
        r#"["\\/\n\r\t\u{1}\u{7f}\u{2028}\u{fffd}é漢🎨a-z]{0,16}"#,
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        int_literal().prop_map(Literal::Int),
        float_literal().prop_map(Literal::Float),
        any::<bool>().prop_map(Literal::Bool),
        text().prop_map(Literal::String),
    ]
}

/// A node before links are resolved: a type index, an id style, a title, and per input either
/// a literal or a link given as (earlier-node selector, output index).
#[derive(Clone, Debug)]
struct NodePlan {
    class: usize,
    id_prefix: Option<String>,
    title: Option<String>,
    inputs: Vec<(usize, Option<Literal>, (usize, usize))>,
    extra: Option<(String, Literal)>,
}

fn node_plan() -> impl Strategy<Value = NodePlan> {
    (
        0..TYPES.len(),
        proptest::option::of(prop_oneof!["[a-z]{1,4} ", Just("ñode \"".to_string()), any::<String>()]),
        proptest::option::of(text()),
        proptest::collection::vec(
            (
                0usize..3,
                proptest::option::weighted(0.7, literal()),
                (any::<usize>(), prop_oneof![0usize..3, Just(usize::MAX), any::<usize>()]),
            ),
            0..4,
        ),
        proptest::option::of((text(), literal())),
    )
        .prop_map(|(class, id_prefix, title, inputs, extra)| NodePlan {
            class,
            id_prefix,
            title,
            inputs,
            extra,
        })
}

fn build(plans: &[NodePlan]) -> Graph {
    let mut g = Graph::new();
    let mut ids: Vec<NodeId> = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let (class, names) = TYPES[plan.class];
        // Unique ids: numbers, or any text then `#` and the position (the last `#` splits them).
        let id = NodeId::from(match &plan.id_prefix {
            Some(p) => format!("{p}#{i}"),
            None => (i + 1).to_string(),
        });
        g.add_with_id(id.clone(), class).unwrap();
        if let Some(t) = &plan.title {
            g.set_title(&id, t.clone()).unwrap();
        }
        for (name_ix, literal, (target, output)) in &plan.inputs {
            if names.is_empty() {
                break;
            }
            let name = names[name_ix % names.len()];
            let value = match (literal, ids.is_empty()) {
                (Some(l), _) => InputValue::Literal(l.clone()),
                (None, true) => InputValue::Literal(Literal::Int(0)),
                // Only earlier nodes: acyclic.
                (None, false) => InputValue::Link(Link {
                    node: ids[target % ids.len()].clone(),
                    output: *output,
                }),
            };
            g.set_input(&id, name, value).unwrap();
        }
        if let Some((name, l)) = &plan.extra {
            g.set_input(&id, name, InputValue::Literal(l.clone())).unwrap();
        }
        ids.push(id);
    }
    g
}

/// Equal node structure, with floats compared bit for bit (`-0.0 == 0.0` would hide a sign).
fn assert_same(a: &Graph, b: &Graph) {
    assert_eq!(a, b);
    for (x, y) in a.nodes().iter().zip(b.nodes()) {
        assert_eq!(x.id(), y.id());
        assert_eq!(x.class_type(), y.class_type());
        assert_eq!(x.title(), y.title());
        for ((nx, vx), (ny, vy)) in x.inputs().iter().zip(y.inputs()) {
            assert_eq!(nx, ny);
            match (vx, vy) {
                (InputValue::Literal(Literal::Float(fx)), InputValue::Literal(Literal::Float(fy))) => {
                    assert_eq!(fx.to_bits(), fy.to_bits(), "float {fx:e} of input {nx:?}")
                }
                _ => assert_eq!(vx, vy),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn save_then_load_is_lossless(plans in proptest::collection::vec(node_plan(), 1..=30)) {
        let graph = build(&plans);
        let text = graph.to_json().unwrap();
        let back = Graph::from_json(&text).unwrap();
        assert_same(&graph, &back);
        let again = back.to_json().unwrap();
        prop_assert_eq!(&text, &again);
        // And the loaded copy loads to the same graph once more.
        assert_same(&back, &Graph::from_json(&again).unwrap());
    }
}
