//! Refused prompts: 400 with ComfyUI's error shape and a message naming the node and input.
use crate::common::*;
use serde_json::{json, Value};

fn assert_shape(body: &Value) {
    for key in ["type", "message", "details", "extra_info"] {
        assert!(body["error"].get(key).is_some(), "error.{key} in {body}");
    }
    assert!(body["node_errors"].is_object(), "{body}");
}

async fn refused(server: &TestServer, prompt: Value) -> Value {
    let (status, body) = server
        .post("/prompt", &json!({ "prompt": prompt, "client_id": "v" }))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_shape(&body);
    body
}

fn with(node: &str, input: &str, value: Value) -> Value {
    let mut prompt = generate_prompt(1, "v.png");
    prompt[node]["inputs"][input] = value;
    prompt
}

#[tokio::test]
async fn bad_bodies_are_400s_in_comfyuis_shape() {
    let server = TestServer::start();
    let post_raw = |body: &'static str, kind: &'static str| {
        let req = server
            .http
            .post(server.url("/prompt"))
            .header("content-type", kind)
            .body(body);
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = post_raw("{\"prompt\": {", "application/json").await;
    assert_eq!(status, 400);
    assert_shape(&body);
    assert_eq!(body["error"]["type"], "invalid_json");
    let (status, body) = post_raw("", "application/json").await;
    assert_eq!((status, body["error"]["type"].clone()), (400, json!("invalid_json")));
    let (status, body) = post_raw("{\"prompt\": {}}", "text/plain").await;
    assert_eq!(
        (status, body["error"]["type"].clone()),
        (400, json!("invalid_content_type"))
    );
    let (status, body) = server.post("/prompt", &json!({ "client_id": "x" })).await;
    assert_eq!((status, body["error"]["type"].clone()), (400, json!("no_prompt")));
    let (status, body) = server.post("/prompt", &json!([1, 2])).await;
    assert_eq!(status, 400);
    assert_shape(&body);
}

#[tokio::test]
async fn whole_prompt_errors_name_the_node() {
    let server = TestServer::start();
    let mut unknown = generate_prompt(1, "v.png");
    unknown["2"]["class_type"] = json!("NoSuchNodeXYZ");
    let body = refused(&server, unknown).await;
    assert_eq!(body["error"]["type"], "invalid_prompt");
    assert_eq!(
        body["error"]["message"],
        "Cannot execute because node NoSuchNodeXYZ does not exist."
    );
    assert_eq!(body["error"]["details"], "Node ID '#2'");

    let mut no_class = generate_prompt(1, "v.png");
    no_class["2"].as_object_mut().unwrap().remove("class_type");
    let body = refused(&server, no_class).await;
    assert_eq!(
        body["error"]["message"],
        "Cannot execute because a node is missing the class_type property."
    );

    let no_outputs = json!({ "1": { "class_type": "MlpGenerator", "inputs": {} } });
    let body = refused(&server, no_outputs).await;
    assert_eq!(body["error"]["type"], "prompt_no_outputs");
}

#[tokio::test]
async fn input_errors_are_keyed_by_node_with_their_input() {
    let server = TestServer::start();
    let cases = [
        (with("2", "count", json!(0)), "value_smaller_than_min", "count"),
        (with("2", "count", json!(1 << 20)), "value_bigger_than_max", "count"),
        (with("2", "count", json!("abc")), "invalid_input_type", "count"),
        (with("3", "range", json!("bogus")), "value_not_in_list", "range"),
        (with("3", "images", json!(["99", 0])), "invalid_link", "images"),
        (with("3", "images", json!(["2", 7])), "invalid_link", "images"),
    ];
    for (prompt, kind, input) in cases {
        let body = refused(&server, prompt).await;
        assert_eq!(body["error"]["type"], "prompt_outputs_failed_validation", "{body}");
        let (node, entry) = body["node_errors"].as_object().unwrap().iter().next().unwrap();
        let error = &entry["errors"][0];
        assert_eq!(error["type"], kind, "{body}");
        assert_eq!(error["extra_info"]["input_name"], input, "{body}");
        assert!(error["details"].as_str().unwrap().contains(input), "{body}");
        assert!(
            entry["dependent_outputs"].as_array().unwrap().contains(&json!("3")),
            "{body}"
        );
        assert_eq!(entry["class_type"], generate_prompt(1, "")[node]["class_type"]);
    }
    let body = refused(&server, with("2", "count", json!(0))).await;
    let info = &body["node_errors"]["2"]["errors"][0]["extra_info"];
    assert_eq!(info["received_value"], 0);
    assert_eq!(info["input_config"][0], "INT");
    assert_eq!(
        body["node_errors"]["2"]["errors"][0]["message"],
        "Value 0 smaller than min of 1"
    );

    let mut missing = generate_prompt(1, "v.png");
    missing["2"]["inputs"].as_object_mut().unwrap().remove("generator");
    let body = refused(&server, missing).await;
    assert_eq!(body["node_errors"]["2"]["errors"][0]["type"], "required_input_missing");
    assert_eq!(body["node_errors"]["2"]["class_type"], "GenerateImages");
}

#[tokio::test]
async fn every_post_takes_a_number_invalid_ones_included() {
    let server = TestServer::start();
    let (_, first) = server
        .post("/prompt", &json!({ "prompt": generate_prompt(1, "n.png") }))
        .await;
    refused(&server, with("2", "count", json!(0))).await;
    let (_, third) = server
        .post(
            "/prompt",
            &json!({ "prompt": generate_prompt(1, "n.png"), "prompt_id": "mine" }),
        )
        .await;
    assert_eq!(first["number"], 0);
    assert_eq!(third["number"], 2);
    assert_eq!(third["prompt_id"], "mine");
}
