//! `PromptObserver`: the Executor's events for one prompt, turned into ComfyUI's WebSocket
//! messages (to the client that posted it) and into the prompt's history record.
use crate::files::Folders;
use crate::hub::{message, Frame, Hub};
use crate::preview::preview_frame;
use comfy_core::{Event, NodeId, Observer};
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the epoch, as ComfyUI stamps its messages.
pub fn timestamp() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// What one prompt's run has told its client so far.
pub struct PromptObserver {
    hub: Arc<Hub>,
    folders: Folders,
    prompt_id: String,
    client_id: Option<String>,
    class_types: HashMap<NodeId, String>,
    /// Cached nodes not yet announced in an `execution_cached` message.
    cached: Vec<String>,
    /// Frames held back until `execution_cached` has gone out (ComfyUI sends it first).
    held: Vec<String>,
    /// Nodes that executed, in order.
    pub executed: Vec<String>,
    /// The images each output node showed, for the history.
    pub outputs: Map<String, Json>,
    /// `[event, data]` pairs for the history's `status.messages`.
    pub messages: Vec<Json>,
    /// The node that was running or about to run when the run was cancelled.
    pub cancelled_at: Option<NodeId>,
}

impl PromptObserver {
    /// An observer for `prompt_id`, sending to `client_id`.
    pub fn new(
        hub: Arc<Hub>,
        folders: Folders,
        prompt_id: &str,
        client_id: Option<String>,
        graph: &comfy_core::Graph,
    ) -> Self {
        let class_types = graph
            .nodes()
            .iter()
            .map(|n| (n.id().clone(), n.class_type().to_string()))
            .collect();
        PromptObserver {
            hub,
            folders,
            prompt_id: prompt_id.to_string(),
            client_id,
            class_types,
            cached: Vec::new(),
            held: Vec::new(),
            executed: Vec::new(),
            outputs: Map::new(),
            messages: Vec::new(),
            cancelled_at: None,
        }
    }

    /// The type of node `id`.
    pub fn class_type(&self, id: &NodeId) -> String {
        self.class_types.get(id).cloned().unwrap_or_default()
    }

    /// Sends `kind` to the client (when there is one).
    pub fn send(&self, kind: &str, data: Json) {
        if let Some(id) = &self.client_id {
            self.hub.send(id, Frame::Text(message(kind, data)));
        }
    }

    /// Sends `kind` and records it in the history's messages.
    pub fn send_recorded(&mut self, kind: &str, data: Json) {
        self.messages.push(json!([kind, data]));
        self.send(kind, data);
    }

    /// Announces the cached nodes seen so far, then what was held back behind them.
    pub fn flush_cached(&mut self) {
        if !self.cached.is_empty() {
            let nodes = std::mem::take(&mut self.cached);
            let data = json!({ "nodes": nodes, "prompt_id": self.prompt_id, "timestamp": timestamp() });
            self.send_recorded("execution_cached", data);
        }
        for text in std::mem::take(&mut self.held) {
            if let Some(id) = &self.client_id {
                self.hub.send(id, Frame::Text(text));
            }
        }
    }

    fn node_state(&self, node: &str, value: u64, max: u64, state: &str) {
        let entry = json!({
            "value": value, "max": max, "state": state, "node_id": node, "prompt_id": self.prompt_id,
            "display_node_id": node, "parent_node_id": null, "real_node_id": node,
        });
        let data = json!({ "prompt_id": self.prompt_id, "nodes": { node: entry } });
        self.send("progress_state", data);
    }

    fn images_shown(&mut self, node: &NodeId, images: &[std::path::PathBuf]) {
        let list: Vec<Json> = images.iter().filter_map(|p| self.image_ref(p)).collect();
        let output = json!({ "images": list });
        self.outputs.insert(node.to_string(), output.clone());
        let data = json!({ "node": node.as_str(), "display_node": node.as_str(), "output": output, "prompt_id": self.prompt_id });
        let text = message("executed", data);
        if self.cached.is_empty() {
            if let Some(id) = &self.client_id {
                self.hub.send(id, Frame::Text(text));
            }
        } else {
            self.held.push(text);
        }
    }

    /// `{filename, subfolder, type}` for a file inside the output or input folder.
    fn image_ref(&self, path: &Path) -> Option<Json> {
        let real = path.canonicalize().ok()?;
        let (base, kind) = if real.starts_with(&self.folders.output) {
            (&self.folders.output, "output")
        } else if real.starts_with(&self.folders.input) {
            (&self.folders.input, "input")
        } else {
            return None;
        };
        let relative = real.strip_prefix(base).ok()?;
        let filename = relative.file_name()?.to_string_lossy().to_string();
        let subfolder = relative
            .parent()
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_default();
        Some(json!({ "filename": filename, "subfolder": subfolder, "type": kind }))
    }
}

impl Observer for PromptObserver {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::NodeCached { node, .. } => self.cached.push(node.to_string()),
            Event::NodeStarted { node, .. } => {
                self.flush_cached();
                self.node_state(node.as_str(), 0, 1, "running");
                let data = json!({ "node": node.as_str(), "display_node": node.as_str(), "prompt_id": self.prompt_id });
                self.send("executing", data);
            }
            Event::Progress { node, step, total, .. } => {
                let data = json!({ "value": step, "max": total, "prompt_id": self.prompt_id, "node": node.as_str() });
                self.send("progress", data);
                self.node_state(node.as_str(), *step, *total, "running");
            }
            Event::Preview { node, image } => {
                let (Some(client), Some(id)) = (
                    self.client_id.as_ref().and_then(|c| self.hub.client(c)),
                    &self.client_id,
                ) else {
                    return;
                };
                if let Some(frame) = preview_frame(image, node.as_str(), &self.prompt_id, client.metadata()) {
                    self.hub.send(id, Frame::Binary(frame));
                }
            }
            Event::NodeFinished { node, .. } => {
                self.executed.push(node.to_string());
                self.node_state(node.as_str(), 1, 1, "finished");
            }
            Event::ImagesShown { node, images, .. } => self.images_shown(node, images),
            Event::RunCancelled { node } => self.cancelled_at = Some(node.clone()),
            _ => {}
        }
    }
}
