//! The connected WebSocket clients, by client id: where the worker's messages go.
//!
//! Invariant: a client id maps to the newest socket that connected with it (a reconnecting
//! browser tab replaces its old socket); messages to an id with no socket are dropped.
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc::UnboundedSender;

/// One frame for a client.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    /// A JSON message `{"type", "data"}`.
    Text(String),
    /// A binary frame (a preview image).
    Binary(Vec<u8>),
}

/// A connected socket's sending side.
#[derive(Debug)]
pub struct Client {
    tx: UnboundedSender<Frame>,
    /// Whether it asked for previews with metadata (binary type 4).
    pub wants_metadata: AtomicBool,
    serial: u64,
}

/// Every connected client.
#[derive(Debug, Default)]
pub struct Hub {
    clients: Mutex<HashMap<String, Arc<Client>>>,
    next_serial: Mutex<u64>,
}

/// A message as ComfyUI writes it: `{"type": kind, "data": data}`.
pub fn message(kind: &str, data: Json) -> String {
    json!({ "type": kind, "data": data }).to_string()
}

impl Hub {
    fn clients(&self) -> MutexGuard<'_, HashMap<String, Arc<Client>>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a socket for `id`; returns its serial, for [`Hub::leave`].
    pub fn join(&self, id: &str, tx: UnboundedSender<Frame>) -> u64 {
        let serial = {
            let mut next = self.next_serial.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            *next
        };
        let client = Client {
            tx,
            wants_metadata: AtomicBool::new(false),
            serial,
        };
        self.clients().insert(id.to_string(), Arc::new(client));
        serial
    }

    /// Forgets the socket `serial` of `id` (not a newer one that replaced it).
    pub fn leave(&self, id: &str, serial: u64) {
        let mut clients = self.clients();
        if clients.get(id).is_some_and(|c| c.serial == serial) {
            clients.remove(id);
        }
    }

    /// The client `id`, if connected.
    pub fn client(&self, id: &str) -> Option<Arc<Client>> {
        self.clients().get(id).cloned()
    }

    /// Sends `frame` to client `id`, if connected.
    pub fn send(&self, id: &str, frame: Frame) {
        if let Some(client) = self.client(id) {
            let _ = client.tx.send(frame);
        }
    }

    /// Sends `frame` to every client.
    pub fn broadcast(&self, frame: Frame) {
        for client in self.clients().values() {
            let _ = client.tx.send(frame.clone());
        }
    }
}

impl Client {
    /// Whether this client asked for previews with metadata.
    pub fn metadata(&self) -> bool {
        self.wants_metadata.load(Ordering::Relaxed)
    }
}
