//! What a run is asked to do ([`RunOptions`]) and what it did ([`RunReport`]).
use super::NodeId;
use crate::context::CancelToken;
use crate::value::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Options for one run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The nodes to compute (with what they depend on); empty means every output node.
    pub targets: Vec<NodeId>,
    /// Checked before each node and by nodes between their steps.
    pub cancel: CancelToken,
}

/// How a run ended, when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// Every needed node ran or came from the cache.
    Completed,
    /// The run was cancelled; nodes after the cancellation did not run.
    Cancelled,
}

/// What a run did, and the outputs of every node it ran or took from the cache.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub(super) status: RunStatus,
    pub(super) executed: Vec<NodeId>,
    pub(super) cached: Vec<NodeId>,
    pub(super) outputs: HashMap<NodeId, Arc<Vec<Value>>>,
    pub(super) images: HashMap<NodeId, Arc<[PathBuf]>>,
}

impl RunReport {
    /// The image files node `id` showed (see [`Context::show_image`](crate::Context::show_image)), in this run or, for a
    /// cached node, when it last ran.
    pub fn images(&self, id: &NodeId) -> &[PathBuf] {
        self.images.get(id).map_or(&[], |i| i)
    }

    /// How the run ended.
    pub fn status(&self) -> RunStatus {
        self.status
    }

    /// Whether the run was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.status == RunStatus::Cancelled
    }

    /// The nodes that executed, in order.
    pub fn executed(&self) -> &[NodeId] {
        &self.executed
    }

    /// The nodes whose outputs came from the cache, in order.
    pub fn cached(&self) -> &[NodeId] {
        &self.cached
    }

    /// The outputs of node `id`, if it ran or was cached in this run.
    pub fn outputs(&self, id: &NodeId) -> Option<&[Value]> {
        self.outputs.get(id).map(|v| v.as_slice())
    }

    /// Output `index` of node `id`.
    pub fn output(&self, id: &NodeId, index: usize) -> Option<&Value> {
        self.outputs(id)?.get(index)
    }
}
