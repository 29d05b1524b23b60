//! What a run reports while it goes: events, and the observers that receive them.
use crate::image::Image;
use crate::node_id::NodeId;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Something that happened during a run, in the order it happened.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Event {
    /// The run begins; `nodes` is how many nodes it will run or take from the cache.
    RunStarted {
        /// Number of nodes in the run.
        nodes: usize,
    },
    /// A node begins executing.
    NodeStarted {
        /// The node.
        node: NodeId,
        /// Its type.
        class_type: String,
    },
    /// A node's outputs came from the cache; it did not execute.
    NodeCached {
        /// The node.
        node: NodeId,
        /// Its type.
        class_type: String,
    },
    /// A node executed successfully.
    NodeFinished {
        /// The node.
        node: NodeId,
        /// Its type.
        class_type: String,
        /// How long `execute` took.
        elapsed: Duration,
    },
    /// The image files a node wrote for people to see (after its `NodeFinished`, or after its
    /// `NodeCached` when its outputs came from the cache).
    ImagesShown {
        /// The node.
        node: NodeId,
        /// Its type.
        class_type: String,
        /// The files, in the order the node showed them.
        images: Vec<PathBuf>,
    },
    /// A node failed; the run stops.
    NodeFailed {
        /// The node.
        node: NodeId,
        /// Its type.
        class_type: String,
        /// The error, as text.
        error: String,
    },
    /// A node reports how far along it is.
    Progress {
        /// The node.
        node: NodeId,
        /// Steps done.
        step: u64,
        /// Steps in all.
        total: u64,
        /// What it is doing (`"epoch 3, loss 0.41"`), possibly empty.
        message: String,
    },
    /// A node shows an intermediate image.
    Preview {
        /// The node.
        node: NodeId,
        /// The image.
        image: Arc<Image>,
    },
    /// The run stopped because it was cancelled, before or inside `node`.
    RunCancelled {
        /// The node that was about to run or was running.
        node: NodeId,
    },
    /// The run completed.
    RunFinished {
        /// Nodes that executed.
        executed: usize,
        /// Nodes taken from the cache.
        cached: usize,
    },
}

/// Receives a run's [`Event`]s. Closures `FnMut(&Event)` are observers, and `()` ignores
/// everything.
pub trait Observer {
    /// Called once per event, on the thread that runs the graph.
    fn on_event(&mut self, event: &Event);
}

impl<F: FnMut(&Event)> Observer for F {
    fn on_event(&mut self, event: &Event) {
        self(event)
    }
}

impl Observer for () {
    fn on_event(&mut self, _event: &Event) {}
}
