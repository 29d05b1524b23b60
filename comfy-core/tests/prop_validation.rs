//! Property: no mutation of a valid workflow makes loading, validating or running it panic.
//!
//! A valid workflow of stub nodes is mutated at random — nodes deleted, duplicated or retyped,
//! inputs replaced by any JSON value, links pointed anywhere (huge numbers included), cycles
//! added, and then the text itself truncated or sprinkled with random bytes. Loading may fail,
//! validation may fail, running may fail: all three must return.
mod graph_support;

use comfy_core::{Executor, Graph, ReferenceBackend, Registry};
use graph_support::{registry, Runs};
use proptest::prelude::*;
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;

/// A valid workflow using every stub node type (as JSON, for mutating).
fn base() -> Json {
    json!({
        "1": { "inputs": { "value": 20 }, "class_type": "IntConstant", "_meta": { "title": "Twenty" } },
        "2": { "inputs": { "value": 22 }, "class_type": "IntConstant" },
        "3": { "inputs": { "a": ["1", 0], "b": ["2", 0] }, "class_type": "AddInts" },
        "4": { "inputs": { "value": ["3", 0] }, "class_type": "ShowInt" },
        "5": { "inputs": { "x": 2.5, "factor": -0.0 }, "class_type": "ScaleFloat" },
        "6": { "inputs": { "value": ["5", 0], "style": "brackets", "suffix": "é\"" }, "class_type": "Format" },
        "7": { "inputs": {}, "class_type": "RandomInt" },
        "8": { "inputs": { "steps": 2 }, "class_type": "Steps" },
        "9": { "inputs": { "value": ["7", 0] }, "class_type": "ShowInt" }
    })
}

const CLASS_TYPES: &[&str] = &[
    "IntConstant",
    "AddInts",
    "ScaleFloat",
    "Format",
    "RandomInt",
    "ShowInt",
    "Steps",
    "Fail",
    "",
    "NoSuchNode",
];

const INPUT_NAMES: &[&str] = &["value", "a", "b", "x", "factor", "style", "suffix", "steps", ""];

/// Raw JSON texts a `serde_json::Value` cannot hold, spliced in where a mutation leaves
/// [`RAW`].
const RAW_TEXTS: &[&str] = &[
    "1e999",
    "-1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "1e-400",
    "-0",
    "0.0",
    "[\"1\", 1e300]",
    "[\"1\", 18446744073709551615]",
    "[\"1\", -1]",
    "[\"1\", 0.5]",
    "[\"1\"]",
    "[\"1\", 0, 0]",
    "[[], 0]",
    "\"\\ud800\"",
    "{\"a\": {\"b\": [[[[[[[[[[]]]]]]]]]]}}",
];
const RAW: &str = "\u{1}RAW\u{1}";

fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        any::<f64>().prop_map(Json::from), // NaN and infinities become null
        prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0i64), -5i64..200].prop_map(Json::from),
        any::<String>().prop_map(Json::from),
        prop::sample::select(CLASS_TYPES).prop_map(Json::from),
        Just(Json::from(RAW)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::from),
            prop::collection::btree_map(".{0,4}", inner, 0..4).prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// A node id: one of the base ids, any text, or a number.
fn any_id() -> impl Strategy<Value = Json> {
    prop_oneof![
        6 => (1u32..12).prop_map(|n| Json::from(n.to_string())),
        1 => any::<String>().prop_map(Json::from),
        1 => any::<u64>().prop_map(|n| Json::from(n.to_string())),
        1 => any::<i64>().prop_map(Json::from),
    ]
}

/// An output index: small, huge, negative, fractional or not a number.
fn any_index() -> impl Strategy<Value = Json> {
    prop_oneof![
        6 => (0u64..3).prop_map(Json::from),
        1 => Just(Json::from(u64::MAX)),
        1 => Just(Json::from(u32::MAX as u64 + 1)),
        1 => any::<u64>().prop_map(Json::from),
        1 => any::<i64>().prop_map(Json::from),
        1 => any::<f64>().prop_map(Json::from),
        1 => Just(Json::from("0")),
        1 => Just(Json::from(RAW)),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize, Json),
    Retype(usize, Json),
    SetInput(usize, String, Json),
    RemoveInputs(usize),
    PointLink(usize, String, Json, Json),
    Cycle(usize, usize),
    SetField(usize, String, Json),
    ReplaceNode(usize, Json),
}

fn input_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(INPUT_NAMES).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

/// A value the loader accepts as a literal, so that validation gets to judge it.
fn scalar() -> impl Strategy<Value = Json> {
    prop_oneof![
        prop_oneof![Just(i64::MIN), Just(i64::MAX), -5i64..200, any::<i64>()].prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        prop_oneof![
            Just(-0.0f64),
            Just(5e-324f64),
            Just(f64::MAX),
            -20.0f64..20.0,
            any::<f64>()
        ]
        .prop_map(Json::from),
        any::<bool>().prop_map(Json::from),
        prop_oneof![Just("plain".to_string()), Just("brackets".to_string()), any::<String>()].prop_map(Json::from),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let class = prop_oneof![
        3 => prop::sample::select(CLASS_TYPES).prop_map(Json::from),
        1 => any_json(),
    ];
    let value = prop_oneof![4 => scalar(), 1 => any_json()];
    prop_oneof![
        2 => any::<usize>().prop_map(Mutation::Delete),
        2 => (any::<usize>(), any_id().prop_map(|id| Json::from(id.to_string()))).prop_map(|(n, id)| Mutation::Duplicate(n, id)),
        2 => (any::<usize>(), class).prop_map(|(n, c)| Mutation::Retype(n, c)),
        5 => (any::<usize>(), input_name(), value).prop_map(|(n, i, v)| Mutation::SetInput(n, i, v)),
        1 => any::<usize>().prop_map(Mutation::RemoveInputs),
        4 => (any::<usize>(), input_name(), any_id(), any_index()).prop_map(|(n, i, id, ix)| Mutation::PointLink(n, i, id, ix)),
        3 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Cycle(a, b)),
        1 => (
            any::<usize>(),
            prop_oneof![Just("class_type".to_string()), Just("inputs".to_string()), Just("_meta".to_string()), ".{0,6}"],
            any_json()
        )
            .prop_map(|(n, f, v)| Mutation::SetField(n, f, v)),
        1 => (any::<usize>(), any_json()).prop_map(|(n, v)| Mutation::ReplaceNode(n, v)),
    ]
}

fn key(nodes: &Map<String, Json>, n: usize) -> Option<String> {
    (!nodes.is_empty())
        .then(|| nodes.keys().nth(n % nodes.len()).cloned())
        .flatten()
}

fn inputs_of<'a>(nodes: &'a mut Map<String, Json>, k: &str) -> Option<&'a mut Map<String, Json>> {
    nodes.get_mut(k)?.as_object_mut()?.get_mut("inputs")?.as_object_mut()
}

fn apply(nodes: &mut Map<String, Json>, m: &Mutation) {
    match m {
        Mutation::Delete(n) => {
            if let Some(k) = key(nodes, *n) {
                nodes.remove(&k);
            }
        }
        Mutation::Duplicate(n, id) => {
            if let Some(k) = key(nodes, *n) {
                let copy = nodes[&k].clone();
                nodes.insert(id.as_str().unwrap_or("x").to_string(), copy);
            }
        }
        Mutation::Retype(n, class) => {
            if let Some(node) = key(nodes, *n).and_then(|k| nodes.get_mut(&k)?.as_object_mut()) {
                node.insert("class_type".into(), class.clone());
            }
        }
        Mutation::SetInput(n, name, v) => {
            if let Some(inputs) = key(nodes, *n).and_then(|k| inputs_of(nodes, &k)) {
                inputs.insert(name.clone(), v.clone());
            }
        }
        Mutation::RemoveInputs(n) => {
            if let Some(inputs) = key(nodes, *n).and_then(|k| inputs_of(nodes, &k)) {
                inputs.clear();
            }
        }
        Mutation::PointLink(n, name, id, index) => {
            if let Some(inputs) = key(nodes, *n).and_then(|k| inputs_of(nodes, &k)) {
                inputs.insert(name.clone(), json!([id, index]));
            }
        }
        Mutation::Cycle(a, b) => {
            // b → a and a → b through every linkable input name (a == b: a self-loop).
            if let (Some(ka), Some(kb)) = (key(nodes, *a), key(nodes, *b)) {
                for (from, to) in [(&ka, &kb), (&kb, &ka)] {
                    if let Some(inputs) = inputs_of(nodes, to) {
                        let name = inputs.keys().next().cloned().unwrap_or_else(|| "value".to_string());
                        inputs.insert(name, json!([from, 0]));
                    }
                }
            }
        }
        Mutation::SetField(n, field, v) => {
            if let Some(node) = key(nodes, *n).and_then(|k| nodes.get_mut(&k)?.as_object_mut()) {
                node.insert(field.clone(), v.clone());
            }
        }
        Mutation::ReplaceNode(n, v) => {
            if let Some(k) = key(nodes, *n) {
                nodes.insert(k, v.clone());
            }
        }
    }
}

/// Edits of the text itself, after the JSON mutations.
#[derive(Clone, Debug)]
enum TextEdit {
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        any::<usize>().prop_map(TextEdit::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 1..6),
                prop::sample::select(vec!["{", "}", "[", "]", ",", ":", "\"", "\\", "1e999", "null"])
                    .prop_map(|s| s.as_bytes().to_vec()),
            ]
        )
            .prop_map(|(at, b)| TextEdit::Insert(at, b)),
        (any::<usize>(), 1usize..8).prop_map(|(at, n)| TextEdit::Remove(at, n)),
    ]
}

fn edit(bytes: &mut Vec<u8>, e: &TextEdit) {
    let len = bytes.len();
    match e {
        TextEdit::Truncate(at) => bytes.truncate(at % (len + 1)),
        TextEdit::Insert(at, b) => {
            let at = at % (len + 1);
            bytes.splice(at..at, b.iter().copied());
        }
        TextEdit::Remove(at, n) => {
            let at = at % (len + 1);
            bytes.drain(at..(at + n).min(len));
        }
    }
}

/// Loads, validates and (when valid) runs `text`; only a panic fails.
fn check(registry: &Registry, text: &str) {
    let Ok(graph) = Graph::from_json(text) else { return };
    let _ = graph.to_json();
    if graph.validate(registry).is_ok() {
        let _ = Executor::new(Arc::new(ReferenceBackend)).run(registry, &graph, &mut ());
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_workflows_never_panic(
        mutations in prop::collection::vec(mutation(), 0..5),
        raw in prop::sample::select(RAW_TEXTS),
        edits in prop::collection::vec(text_edit(), 0..3),
    ) {
        let registry = registry(&Runs::default());
        let Json::Object(mut nodes) = base() else { unreachable!() };
        for m in &mutations {
            apply(&mut nodes, m);
        }
        let text = serde_json::to_string_pretty(&Json::Object(nodes)).unwrap();
        let text = text.replace(&serde_json::to_string(RAW).unwrap(), raw);
        // The mutated JSON itself, then with the text edits.
        check(&registry, &text);
        if !edits.is_empty() {
            let mut bytes = text.into_bytes();
            for e in &edits {
                edit(&mut bytes, e);
            }
            check(&registry, &String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn the_unmutated_base_workflow_is_valid_and_runs() {
    let registry = registry(&Runs::default());
    let graph = Graph::from_json(&base().to_string()).unwrap();
    graph.validate(&registry).unwrap();
    Executor::new(Arc::new(ReferenceBackend))
        .run(&registry, &graph, &mut ())
        .unwrap();
}
