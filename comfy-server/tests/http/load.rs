//! Many clients at once: 50 WebSocket clients queue 200 prompts, some deleted before they
//! run, some failing; every client hears the end of each of its prompts that ran, in bounded
//! time, and the server keeps answering.
use crate::common::*;
use std::time::{Duration, Instant};

const CLIENTS: usize = 50;
const PER_CLIENT: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_and_two_hundred_prompts_all_get_their_messages() {
    let server = TestServer::start();
    let start = Instant::now();
    let mut sockets = Vec::new();
    for c in 0..CLIENTS {
        sockets.push(server.ws(&format!("load-{c}")).await);
    }
    // A long training run holds the queue, so the deletions find their prompts still pending.
    let blocker = server.queue(&training_prompt(10_000), "load-0").await;
    loop {
        let msg = next_text(&mut sockets[0]).await;
        if msg["type"] == "executing" && msg["data"]["prompt_id"] == blocker {
            break;
        }
    }
    let mut expected: Vec<Vec<(String, bool)>> = vec![Vec::new(); CLIENTS];
    let mut deleted = Vec::new();
    for i in 0..CLIENTS * PER_CLIENT {
        let client = i % CLIENTS;
        // Every 7th prompt writes outside the output folder and fails; every 10th is deleted.
        let path = if i % 7 == 3 {
            "../escape.png".to_string()
        } else {
            format!("load/{i}.png")
        };
        let id = server
            .queue(&generate_prompt(i as u64, &path), &format!("load-{client}"))
            .await;
        if i % 10 == 9 {
            deleted.push(id);
        } else {
            expected[client].push((id, i % 7 != 3));
        }
    }
    server.post("/queue", &serde_json::json!({ "delete": deleted })).await;
    let (status, queue) = server.get("/api/queue").await;
    assert_eq!(status, 200, "answers while the queue is full");
    assert_eq!(
        queue["queue_pending"].as_array().unwrap().len(),
        CLIENTS * PER_CLIENT - deleted.len()
    );
    server
        .post("/interrupt", &serde_json::json!({ "prompt_id": blocker }))
        .await;

    let mut tasks = Vec::new();
    for (ws, prompts) in sockets.into_iter().zip(expected) {
        tasks.push(tokio::spawn(async move {
            let mut ws = ws;
            for (id, succeeds) in prompts {
                let heard = until_done(&mut ws, &id).await;
                let ended = if succeeds {
                    "execution_success"
                } else {
                    "execution_error"
                };
                assert!(heard.types().contains(&ended.to_string()), "{id}: {:?}", heard.types());
            }
        }));
    }
    let all = futures_util::future::join_all(tasks);
    for result in tokio::time::timeout(Duration::from_secs(120), all)
        .await
        .expect("done within 120 s")
    {
        result.unwrap();
    }
    let (_, history) = server.get("/history").await;
    let kept = history.as_object().unwrap();
    assert_eq!(kept.len(), CLIENTS * PER_CLIENT - deleted.len() + 1, "the blocker too");
    assert!(deleted.iter().all(|id| !kept.contains_key(id)));
    eprintln!(
        "load test: {} prompts, {CLIENTS} clients in {:?}",
        kept.len(),
        start.elapsed()
    );
}
