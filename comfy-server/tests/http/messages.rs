//! A prompt's WebSocket messages: the full sequence, caching across prompts, who hears what,
//! interrupting, and the queue's order.
use crate::common::*;
use serde_json::json;

fn position(types: &[String], kind: &str) -> usize {
    types
        .iter()
        .position(|t| t == kind)
        .unwrap_or_else(|| panic!("no {kind} in {types:?}"))
}

#[tokio::test]
async fn a_prompt_sends_comfyuis_sequence_and_its_image_is_viewable_and_kept_in_history() {
    let server = TestServer::start();
    let mut ws = server.ws("alice").await;
    send_feature_flags(&mut ws, false).await;
    let flags = next_text(&mut ws).await;
    assert_eq!(flags["type"], "feature_flags");
    assert_eq!(flags["data"]["supports_preview_metadata"], true);

    let id = server.queue(&generate_prompt(5, "gen/grid.png"), "alice").await;
    let heard = until_done(&mut ws, &id).await;
    let types = heard.types();
    let executing: Vec<&str> = heard
        .of("executing")
        .iter()
        .filter_map(|d| d["node"].as_str())
        .collect();
    assert_eq!(executing, ["1", "2", "3"]);
    let start = position(&types, "execution_start");
    let first_executing = position(&types, "executing");
    let executed = position(&types, "executed");
    let success = position(&types, "execution_success");
    assert!(
        start < first_executing && first_executing < executed && executed < success,
        "{types:?}"
    );
    assert_eq!(types.last().unwrap(), "executing");
    assert!(
        types[success..].contains(&"status".to_string()),
        "status after the run: {types:?}"
    );
    assert!(heard
        .of("progress_state")
        .iter()
        .any(|d| d["nodes"]["3"]["state"] == "finished"));
    let output = &heard.of("executed")[0];
    assert_eq!(output["node"], "3");
    let image = &output["output"]["images"][0];
    assert_eq!(
        image,
        &json!({ "filename": "grid.png", "subfolder": "gen", "type": "output" })
    );

    let res = server
        .http
        .get(server.url("/view?filename=grid.png&subfolder=gen&type=output"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(
        &bytes[..],
        &std::fs::read(server.root.join("output/gen/grid.png")).unwrap()[..]
    );

    let (_, history) = server.get(&format!("/history/{id}")).await;
    let entry = &history[&id];
    assert_eq!(entry["status"]["status_str"], "success");
    assert_eq!(entry["status"]["completed"], true);
    assert_eq!(entry["outputs"]["3"]["images"][0]["filename"], "grid.png");
    assert_eq!(entry["prompt"][1], id);
    let (_, one) = server.get("/history?max_items=1").await;
    assert_eq!(one.as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn the_cache_lives_across_prompts() {
    let server = TestServer::start();
    let mut ws = server.ws("bob").await;
    let first = server.queue(&generate_prompt(1, "a.png"), "bob").await;
    until_done(&mut ws, &first).await;

    // The same prompt again: everything cached, no node executes, the image is still reported.
    let again = server.queue(&generate_prompt(1, "a.png"), "bob").await;
    let heard = until_done(&mut ws, &again).await;
    assert_eq!(heard.of("execution_cached")[0]["nodes"], json!(["1", "2", "3"]));
    assert!(
        heard.of("executing").iter().all(|d| d["node"].is_null()),
        "{:?}",
        heard.types()
    );
    assert_eq!(heard.of("executed")[0]["output"]["images"][0]["filename"], "a.png");
    assert!(heard.types().contains(&"execution_success".to_string()));

    // A new seed for GenerateImages: the generator stays cached; only 2 and 3 run.
    let reseeded = server.queue(&generate_prompt(2, "a.png"), "bob").await;
    let heard = until_done(&mut ws, &reseeded).await;
    assert_eq!(heard.of("execution_cached")[0]["nodes"], json!(["1"]));
    let executing: Vec<&str> = heard
        .of("executing")
        .iter()
        .filter_map(|d| d["node"].as_str())
        .collect();
    assert_eq!(executing, ["2", "3"]);
}

#[tokio::test]
async fn per_prompt_messages_go_only_to_the_client_that_posted_it() {
    let server = TestServer::start();
    let mut alice = server.ws("alice").await;
    let mut bob = server.ws("bob").await;
    let hers = server.queue(&generate_prompt(1, "a.png"), "alice").await;
    until_done(&mut alice, &hers).await;
    let his = server.queue(&generate_prompt(2, "b.png"), "bob").await;
    let heard = until_done(&mut bob, &his).await;
    assert!(
        heard.types().contains(&"status".to_string()),
        "bob hears the queue's status"
    );
    let leaked = heard.messages.iter().filter(|m| m["data"]["prompt_id"] == hers).count();
    assert_eq!(leaked, 0, "{:?}", heard.messages);
}

#[tokio::test]
async fn a_training_run_reports_progress_and_a_preview_and_can_be_interrupted() {
    let server = TestServer::start();
    let mut ws = server.ws("trainer").await;
    let short = server.queue(&training_prompt(1), "trainer").await;
    let heard = until_done(&mut ws, &short).await;
    let progress = heard.of("progress");
    assert!(
        progress.iter().any(|d| d["node"] == "5" && d["max"].as_u64() > Some(1)),
        "{:?}",
        heard.types()
    );
    assert!(heard.previews >= 1, "a preview per epoch");

    let long = server.queue(&training_prompt(10_000), "trainer").await;
    loop {
        let msg = next_text(&mut ws).await;
        if msg["type"] == "progress" && msg["data"]["prompt_id"] == long {
            break;
        }
    }
    let (status, _) = server.post("/interrupt", &json!({})).await;
    assert_eq!(status, 200);
    let heard = until_done(&mut ws, &long).await;
    let interrupted = heard.of("execution_interrupted");
    assert_eq!(interrupted[0]["node_id"], "5");
    assert_eq!(interrupted[0]["node_type"], "GanTrainer");
    assert!(!heard.types().contains(&"execution_success".to_string()));
    let (_, history) = server.get(&format!("/history/{long}")).await;
    assert_eq!(history[&long]["status"]["status_str"], "error");
}

#[tokio::test]
async fn front_jumps_the_queue_and_pending_prompts_can_be_deleted() {
    let server = TestServer::start();
    let mut ws = server.ws("q").await;
    let blocker = server.queue(&training_prompt(10_000), "q").await;
    loop {
        let msg = next_text(&mut ws).await;
        if msg["type"] == "executing" && msg["data"]["prompt_id"] == blocker {
            break;
        }
    }
    let a = server.queue(&generate_prompt(1, "a.png"), "q").await;
    let b = server.queue(&generate_prompt(2, "b.png"), "q").await;
    let body = json!({ "prompt": generate_prompt(3, "c.png"), "client_id": "q", "front": true });
    let (_, posted) = server.post("/prompt", &body).await;
    let c = posted["prompt_id"].as_str().unwrap().to_string();
    let (_, queue) = server.get("/queue").await;
    assert_eq!(queue["queue_running"][0][1], blocker);
    let pending: Vec<&str> = queue["queue_pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[1].as_str().unwrap())
        .collect();
    assert_eq!(pending, [c.as_str(), a.as_str(), b.as_str()]);

    server.post("/queue", &json!({ "delete": [b] })).await;
    server.post("/interrupt", &json!({ "prompt_id": blocker })).await;
    until_done(&mut ws, &blocker).await;
    let heard_c = until_done(&mut ws, &c).await;
    assert!(heard_c.types().contains(&"execution_success".to_string()));
    until_done(&mut ws, &a).await;
    let (_, history) = server.get("/history").await;
    assert!(history.get(&b).is_none(), "deleted before it ran");
    assert!(history.get(&a).is_some() && history.get(&c).is_some());
    assert!(!std::path::Path::new(&server.root.join("output/b.png")).exists());
}
