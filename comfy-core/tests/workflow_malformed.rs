//! Bad workflow files give a precise error each, never a panic.
mod graph_support;

use comfy_core::{Graph, InputProblem, WorkflowError, MAX_INPUTS_PER_NODE, MAX_NESTING_DEPTH, MAX_NODES};
use graph_support::{registry, Runs};

fn error(text: &str) -> String {
    match Graph::from_json(text) {
        Ok(g) => panic!("accepted {text:?} as {g:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn not_json() {
    assert_eq!(
        error(""),
        "malformed JSON: EOF while parsing a value at line 1 column 0"
    );
    assert_eq!(
        error("{\"1\": {"),
        "malformed JSON: EOF while parsing an object at line 1 column 7"
    );
    assert_eq!(error("{} x"), "malformed JSON: trailing characters at line 1 column 4");
    assert_eq!(
        error("{'1': 2}"),
        "malformed JSON: key must be a string at line 1 column 2"
    );
    assert!(error(r#"{"1": {"class_type": "X", "inputs": {"v": 1e400}}}"#).contains("number out of range"));
}

#[test]
fn not_an_object_of_nodes() {
    let not_object = "a workflow is a JSON object mapping node ids to nodes, not";
    assert_eq!(error("[1, 2]"), format!("{not_object} an array"));
    assert_eq!(error("42"), format!("{not_object} a number"));
    assert_eq!(error("null"), format!("{not_object} null"));
    assert_eq!(error("\"x\""), format!("{not_object} a string"));
    assert_eq!(
        error(r#"{"1": 5}"#),
        r#"node 1: expected an object with "class_type" and "inputs", found a number"#
    );
    assert!(error(r#"{"last_node_id": 9, "nodes": []}"#).contains("this looks like a ComfyUI UI workflow"));
}

#[test]
fn bad_node_fields() {
    assert_eq!(error(r#"{"1": {"inputs": {}}}"#), r#"node 1: missing "class_type""#);
    assert_eq!(
        error(r#"{"1": {"class_type": 5}}"#),
        r#"node 1: "class_type" must be a string, found a number"#
    );
    assert_eq!(
        error(r#"{"1": {"class_type": "X", "inputs": []}}"#),
        r#"node 1: "inputs" must be an object, found an array"#
    );
    assert!(error(r#"{"1": {"class_type": "X", "widgets": 1}}"#).starts_with(r#"node 1: unknown field "widgets""#));
    assert!(error(r#"{"1": {"class_type": "X", "_meta": {"colour": 1}}}"#).contains(r#"unknown field "_meta.colour""#));
    assert_eq!(
        error(r#"{"1": {"class_type": "X", "_meta": {"title": 3}}}"#),
        r#"node 1: "_meta.title" must be a string, found a number"#
    );
    assert_eq!(
        error(r#"{"1": {"class_type": "X", "_meta": []}}"#),
        r#"node 1: "_meta" must be an object, found an array"#
    );
}

#[test]
fn bad_ids() {
    assert_eq!(
        error(r#"{"1": {"class_type": "X"}, "1": {"class_type": "Y"}}"#),
        r#"node id "1" appears twice"#
    );
    assert_eq!(error(r#"{"": {"class_type": "X"}}"#), "a node id cannot be empty");
}

fn input_problem(value: &str) -> InputProblem {
    let text = format!(r#"{{"7": {{"class_type": "X", "inputs": {{"v": {value}}}}}}}"#);
    match Graph::from_json(&text) {
        Err(WorkflowError::BadInput { node, input, problem }) => {
            assert_eq!((node.as_str(), input.as_str()), ("7", "v"));
            problem
        }
        other => panic!("{value}: {other:?}"),
    }
}

#[test]
fn bad_input_values() {
    assert_eq!(input_problem("null"), InputProblem::Null);
    assert_eq!(input_problem(r#"{"a": 1}"#), InputProblem::Object);
    for link in [
        r#"[1, 0]"#,
        r#"["1", -1]"#,
        r#"["1", 1.5]"#,
        r#"["1"]"#,
        r#"["1", 0, 2]"#,
        r#"["", 0]"#,
        "[]",
    ] {
        assert!(matches!(input_problem(link), InputProblem::BadLink(_)), "{link}");
    }
    assert_eq!(
        input_problem("18446744073709551615"),
        InputProblem::IntegerOutOfRange("18446744073709551615".into())
    );
    let text = r#"{"7": {"class_type": "X", "inputs": {"v": ["1", -1]}}}"#;
    assert_eq!(
        error(text),
        r#"node 7, input "v": an array must be a link ["node id", output index], found ["1",-1]"#
    );
}

#[test]
fn values_of_the_wrong_kind_are_caught_by_validation_all_at_once() {
    let text = r#"{
      "1": {"class_type": "IntConstant", "inputs": {"value": "five"}},
      "2": {"class_type": "IntConstant", "inputs": {"value": -9223372036854775808}},
      "3": {"class_type": "AddInts", "inputs": {"a": ["1", 0], "b": 1.5}},
      "4": {"class_type": "ShowInt", "inputs": {"value": ["3", 0], "extra": true}},
      "5": {"class_type": "ShowInt", "inputs": {"value": ["5", 0]}}
    }"#;
    let g = Graph::from_json(text).unwrap();
    let errors = g.validate(&registry(&Runs::default())).unwrap_err();
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        messages,
        [
            r#"node 1, input "value": expected INT, found STRING"#,
            r#"node 2, input "value": -9223372036854775808 is below the minimum -1000000"#,
            r#"node 3, input "b": expected INT, found FLOAT"#,
            r#"node 4: ShowInt has no input "extra""#,
            "nodes 5 form a cycle",
        ]
    );
}

#[test]
fn absurd_sizes_are_refused() {
    let nodes: Vec<String> = (0..=MAX_NODES)
        .map(|i| format!(r#""{i}": {{"class_type": "X"}}"#))
        .collect();
    assert_eq!(
        error(&format!("{{{}}}", nodes.join(","))),
        format!(
            "the workflow has {} nodes; at most {MAX_NODES} are allowed",
            MAX_NODES + 1
        )
    );
    let inputs: Vec<String> = (0..=MAX_INPUTS_PER_NODE).map(|i| format!(r#""i{i}": 1"#)).collect();
    let text = format!(r#"{{"1": {{"class_type": "X", "inputs": {{{}}}}}}}"#, inputs.join(","));
    assert_eq!(error(&text), "node 1: 1001 inputs; at most 1000 are allowed");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    // Skipped values are not built, so their depth costs nothing.
    assert!(error(&deep).ends_with("not an array"));
    // Read values stop at the nesting limit with their own error: in an input, in _meta.
    let in_input = format!(r#"{{"1": {{"class_type": "X", "inputs": {{"v": {deep}}}}}}}"#);
    let objects = format!(r#"{}1{}"#, r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    let in_meta = format!(r#"{{"1": {{"class_type": "X", "_meta": {objects}}}}}"#);
    for text in [in_input, in_meta] {
        let err = Graph::from_json(&text).unwrap_err();
        assert!(
            matches!(
                err,
                WorkflowError::TooDeep {
                    limit: MAX_NESTING_DEPTH,
                    line: 1,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().starts_with("JSON nested deeper than 128 levels"),
            "{err}"
        );
    }
    // Below the limit, a value is read (and refused for what it is, not for its depth).
    let shallow = format!(
        r#"{{"1": {{"class_type": "X", "inputs": {{"v": {}{}}}}}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert!(!matches!(
        Graph::from_json(&shallow),
        Err(WorkflowError::TooDeep { .. })
    ));
    let past_limit: Vec<String> = (0..=MAX_NODES).map(|i| format!(r#""{i}": 1"#)).collect();
    let skipped = format!("{{{}, \"x\": {deep}}}", past_limit.join(","));
    assert!(error(&skipped).starts_with("the workflow has 10002 nodes"));
}

#[test]
fn unreadable_files() {
    let missing = Graph::load("/definitely/not/here.json").unwrap_err();
    assert!(matches!(missing, WorkflowError::Io { .. }));
    assert!(missing.to_string().starts_with("/definitely/not/here.json: "));

    let path = std::env::temp_dir().join(format!("comfy-bad-utf8-{}.json", std::process::id()));
    std::fs::write(&path, b"{\"1\": \xff}").unwrap();
    let err = Graph::load(&path);
    let _ = std::fs::remove_file(&path);
    assert!(matches!(err, Err(WorkflowError::Io { .. })));
}
