//! The queue: pending prompts in order, the running one, and the history of finished ones.
//! HTTP handlers and the worker thread share it; it is the one place that owns them.
//!
//! Invariants: `pending` is sorted by `number` (a `front` prompt has a negative number, so it
//! runs first); a prompt is in exactly one of pending, running or history; the history holds
//! at most `history_limit` entries, the oldest dropped first.
use comfy_core::{CancelToken, Graph};
use serde_json::{json, Map, Value as Json};
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

/// A validated prompt waiting to run.
#[derive(Clone, Debug)]
pub struct Job {
    /// Its place in the queue (ComfyUI's `number`).
    pub number: i64,
    /// Its id.
    pub prompt_id: String,
    /// The prompt as posted.
    pub prompt: Json,
    /// The client's `extra_data`, kept for the history.
    pub extra_data: Json,
    /// The output nodes it runs.
    pub outputs: Vec<String>,
    /// Who posted it: per-prompt messages go only there.
    pub client_id: Option<String>,
    /// The graph built from the prompt.
    pub graph: Graph,
}

impl Job {
    /// The queue entry ComfyUI lists: `[number, prompt_id, prompt, extra_data, outputs]`.
    pub fn entry(&self) -> Json {
        json!([self.number, self.prompt_id, self.prompt, self.extra_data, self.outputs])
    }
}

struct Running {
    entry: Json,
    prompt_id: String,
    cancel: CancelToken,
}

struct State {
    pending: Vec<Job>,
    running: Option<Running>,
    history: VecDeque<(String, Json)>,
    history_limit: usize,
    next_number: i64,
    closed: bool,
    free_requested: bool,
}

/// The shared queue.
pub struct Queue {
    state: Mutex<State>,
    wake: Condvar,
}

impl Queue {
    /// An empty queue keeping at most `history_limit` finished prompts.
    pub fn new(history_limit: usize) -> Self {
        let state = State {
            pending: Vec::new(),
            running: None,
            history: VecDeque::new(),
            history_limit: history_limit.max(1),
            next_number: 0,
            closed: false,
            free_requested: false,
        };
        Queue {
            state: Mutex::new(state),
            wake: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next prompt number (every POST takes one, valid or not, as in ComfyUI).
    pub fn take_number(&self) -> i64 {
        let mut s = self.lock();
        let n = s.next_number;
        s.next_number += 1;
        n
    }

    /// Queues `job` in number order; returns how many prompts are left to run.
    pub fn push(&self, job: Job) -> usize {
        let mut s = self.lock();
        let at = s.pending.partition_point(|j| j.number <= job.number);
        s.pending.insert(at, job);
        self.wake.notify_one();
        remaining(&s)
    }

    /// Waits for the next prompt and marks it running; `None` once the queue is closed.
    pub fn take(&self) -> Option<(Job, CancelToken)> {
        let mut s = self.lock();
        loop {
            if s.closed {
                return None;
            }
            if !s.pending.is_empty() {
                let job = s.pending.remove(0);
                let cancel = CancelToken::new();
                s.running = Some(Running {
                    entry: job.entry(),
                    prompt_id: job.prompt_id.clone(),
                    cancel: cancel.clone(),
                });
                return Some((job, cancel));
            }
            s = self.wake.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Moves the running prompt into the history with `entry`.
    pub fn finish(&self, prompt_id: &str, entry: Json) {
        let mut s = self.lock();
        s.running = None;
        s.history.retain(|(id, _)| id != prompt_id);
        s.history.push_back((prompt_id.to_string(), entry));
        while s.history.len() > s.history_limit {
            s.history.pop_front();
        }
    }

    /// Prompts pending or running.
    pub fn remaining(&self) -> usize {
        remaining(&self.lock())
    }

    /// `{"queue_running": [...], "queue_pending": [...]}`.
    pub fn snapshot(&self) -> Json {
        let s = self.lock();
        let running: Vec<Json> = s.running.iter().map(|r| r.entry.clone()).collect();
        let pending: Vec<Json> = s.pending.iter().map(Job::entry).collect();
        json!({ "queue_running": running, "queue_pending": pending })
    }

    /// Drops pending prompts whose id is in `ids`; returns how many.
    pub fn delete(&self, ids: &[String]) -> usize {
        let mut s = self.lock();
        let before = s.pending.len();
        s.pending.retain(|j| !ids.contains(&j.prompt_id));
        before - s.pending.len()
    }

    /// Drops every pending prompt.
    pub fn clear(&self) {
        self.lock().pending.clear();
    }

    /// Cancels the running prompt (only if it is `prompt_id`, when given); whether one was.
    pub fn interrupt(&self, prompt_id: Option<&str>) -> bool {
        let s = self.lock();
        match &s.running {
            Some(r) if prompt_id.is_none_or(|id| id == r.prompt_id) => {
                r.cancel.cancel();
                true
            }
            _ => false,
        }
    }

    /// The last `max_items` finished prompts (all when `None`), by id.
    pub fn history(&self, max_items: Option<usize>) -> Json {
        let s = self.lock();
        let skip = max_items.map_or(0, |n| s.history.len().saturating_sub(n));
        let map: Map<String, Json> = s.history.iter().skip(skip).cloned().collect();
        Json::Object(map)
    }

    /// The history entry of `prompt_id`, if kept.
    pub fn history_of(&self, prompt_id: &str) -> Option<Json> {
        let s = self.lock();
        s.history.iter().find(|(id, _)| id == prompt_id).map(|(_, e)| e.clone())
    }

    /// Forgets the history entries in `ids`.
    pub fn delete_history(&self, ids: &[String]) {
        self.lock().history.retain(|(id, _)| !ids.contains(id));
    }

    /// Forgets the whole history.
    pub fn clear_history(&self) {
        self.lock().history.clear();
    }

    /// Asks the worker to empty its cache before the next prompt (`/free`).
    pub fn request_free(&self) {
        self.lock().free_requested = true;
    }

    /// Whether `/free` was asked for since the last call.
    pub fn take_free_request(&self) -> bool {
        std::mem::take(&mut self.lock().free_requested)
    }

    /// Stops the worker: it finishes nothing more, and a running prompt is cancelled.
    pub fn close(&self) {
        let mut s = self.lock();
        s.closed = true;
        if let Some(r) = &s.running {
            r.cancel.cancel();
        }
        self.wake.notify_all();
    }
}

fn remaining(s: &State) -> usize {
    s.pending.len() + usize::from(s.running.is_some())
}
