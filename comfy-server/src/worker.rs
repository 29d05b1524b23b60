//! The worker thread: takes prompts from the queue one at a time and runs them on one
//! long-lived [`Executor`], so its cache lives across prompts.
use crate::files::Folders;
use crate::hub::{message, Frame, Hub};
use crate::observer::{timestamp, PromptObserver};
use crate::queue::{Job, Queue};
use comfy_core::{Executor, Registry, RunError, RunOptions, RunStatus};
use serde_json::{json, Value as Json};
use std::sync::Arc;

/// What the worker needs, shared with the HTTP side.
pub struct Worker {
    /// The node types.
    pub registry: Arc<Registry>,
    /// The queue it takes prompts from.
    pub queue: Arc<Queue>,
    /// Where messages go.
    pub hub: Arc<Hub>,
    /// The server's folders (to name output images).
    pub folders: Folders,
}

/// The `status` message every client gets when the queue changes.
pub fn status_message(queue_remaining: usize, sid: Option<&str>) -> String {
    let mut data = json!({ "status": { "exec_info": { "queue_remaining": queue_remaining } } });
    if let Some(sid) = sid {
        data["sid"] = json!(sid);
    }
    message("status", data)
}

impl Worker {
    /// Runs prompts until the queue is closed.
    pub fn run(self, mut executor: Executor) {
        while let Some((job, cancel)) = self.queue.take() {
            if self.queue.take_free_request() {
                executor.clear_cache();
            }
            self.broadcast_status();
            let options = RunOptions {
                targets: Vec::new(),
                cancel,
            };
            let entry = self.run_one(&mut executor, &job, &options);
            self.queue.finish(&job.prompt_id, entry);
            self.broadcast_status();
            if let Some(client) = &job.client_id {
                let data = json!({ "node": null, "prompt_id": job.prompt_id });
                self.hub.send(client, Frame::Text(message("executing", data)));
            }
        }
    }

    fn broadcast_status(&self) {
        self.hub
            .broadcast(Frame::Text(status_message(self.queue.remaining(), None)));
    }

    /// Runs `job` and returns its history entry.
    fn run_one(&self, executor: &mut Executor, job: &Job, options: &RunOptions) -> Json {
        let hub = Arc::clone(&self.hub);
        let mut obs = PromptObserver::new(
            hub,
            self.folders.clone(),
            &job.prompt_id,
            job.client_id.clone(),
            &job.graph,
        );
        let start = json!({ "prompt_id": job.prompt_id, "timestamp": timestamp() });
        obs.send_recorded("execution_start", start);
        let result = executor.run_with(&self.registry, &job.graph, options, &mut obs);
        obs.flush_cached();
        let (status, completed) = match result {
            Ok(report) if report.status() == RunStatus::Completed => {
                let data = json!({ "prompt_id": job.prompt_id, "timestamp": timestamp() });
                obs.send_recorded("execution_success", data);
                ("success", true)
            }
            Ok(_) => {
                let node = obs.cancelled_at.clone().map(|n| n.to_string());
                let node_type = obs.cancelled_at.as_ref().map(|n| obs.class_type(n));
                let data = json!({
                    "prompt_id": job.prompt_id, "timestamp": timestamp(), "node_id": node,
                    "node_type": node_type, "executed": obs.executed,
                });
                obs.messages.push(json!(["execution_interrupted", data]));
                // ComfyUI broadcasts the interruption to every client.
                self.hub.broadcast(Frame::Text(message("execution_interrupted", data)));
                ("error", false)
            }
            Err(error) => {
                let data = error_data(job, &obs, &error);
                obs.send_recorded("execution_error", data);
                ("error", false)
            }
        };
        json!({
            "prompt": job.entry(),
            "outputs": obs.outputs,
            "status": { "status_str": status, "completed": completed, "messages": obs.messages },
            "meta": meta(&obs),
        })
    }
}

/// `execution_error`'s data: the failing node, its type, the message.
fn error_data(job: &Job, obs: &PromptObserver, error: &RunError) -> Json {
    let (node_id, node_type, text, kind) = match error {
        RunError::NodeFailed {
            node,
            class_type,
            error,
        } => (json!(node.as_str()), json!(class_type), error.to_string(), "NodeError"),
        other => (Json::Null, Json::Null, other.to_string(), "RunError"),
    };
    json!({
        "prompt_id": job.prompt_id, "timestamp": timestamp(), "node_id": node_id, "node_type": node_type,
        "executed": obs.executed, "exception_message": text, "exception_type": kind, "traceback": [],
        "current_inputs": {}, "current_outputs": {},
    })
}

/// The history's `meta`: per output node, its display ids.
fn meta(obs: &PromptObserver) -> Json {
    let map: serde_json::Map<String, Json> = obs
        .outputs
        .keys()
        .map(|id| {
            let entry = json!({ "node_id": id, "display_node": id, "parent_node": null, "real_node_id": id });
            (id.clone(), entry)
        })
        .collect();
    Json::Object(map)
}
