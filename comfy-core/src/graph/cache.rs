//! Output caching keyed by what determines a node's outputs (ComfyUI's idea): its type, its
//! literal inputs, the run's seed, and the keys of the nodes its links come from.
//!
//! Signatures are interned into small integer keys, so a node's key stands for its whole
//! ancestry exactly (no hash collisions) while staying the size of one node's inputs.
use super::{GraphNode, InputValue, NodeId};
use crate::value::{Literal, Value};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// What a node's execution left: its outputs and the image files it showed.
#[derive(Clone, Debug, Default)]
pub(crate) struct NodeResult {
    pub(crate) outputs: Arc<Vec<Value>>,
    pub(crate) images: Arc<[PathBuf]>,
}

/// A literal input or a link, made hashable (floats by their bits).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum KeyPart {
    Int(i64),
    Float(u64),
    Bool(bool),
    String(String),
    Link(u64, usize),
    /// A link whose source has no key (cannot happen after validation; never equal to a key).
    Dangling,
}

/// Everything that determines a cacheable node's outputs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Signature {
    class_type: String,
    seed: u64,
    inputs: Vec<(String, KeyPart)>,
}

impl Signature {
    /// The signature of `node`, given the keys of the nodes already planned in this run.
    pub(crate) fn of(node: &GraphNode, seed: u64, keys: &HashMap<NodeId, u64>) -> Self {
        let inputs = node
            .inputs()
            .iter()
            .map(|(name, value)| {
                let part = match value {
                    InputValue::Literal(l) => literal_part(l),
                    InputValue::Link(link) => match keys.get(&link.node) {
                        Some(&key) => KeyPart::Link(key, link.output),
                        None => KeyPart::Dangling,
                    },
                };
                (name.clone(), part)
            })
            .collect();
        Signature {
            class_type: node.class_type().to_string(),
            seed,
            inputs,
        }
    }
}

fn literal_part(l: &Literal) -> KeyPart {
    match l {
        Literal::Int(v) => KeyPart::Int(*v),
        Literal::Float(v) => KeyPart::Float(v.to_bits()),
        Literal::Bool(v) => KeyPart::Bool(*v),
        Literal::String(v) => KeyPart::String(v.clone()),
    }
}

/// The outputs of earlier runs. After a run completes, only what that run used is kept, so
/// memory is bounded by one run's outputs.
#[derive(Default)]
pub(crate) struct Cache {
    keys: HashMap<Signature, u64>,
    entries: HashMap<u64, NodeResult>,
    used: HashSet<u64>,
    next: u64,
}

impl Cache {
    /// The key of a signature; `None` (a node that is not cacheable) gets a fresh key that
    /// matches nothing, so it and everything downstream run again.
    pub(crate) fn key(&mut self, signature: Option<Signature>) -> u64 {
        let fresh = self.next;
        let key = match signature {
            Some(sig) => *self.keys.entry(sig).or_insert(fresh),
            None => fresh,
        };
        if key == fresh {
            self.next += 1;
        }
        key
    }

    /// Forgets which entries the previous run used.
    pub(crate) fn begin_run(&mut self) {
        self.used.clear();
    }

    /// Cached outputs for `key`.
    pub(crate) fn get(&mut self, key: u64) -> Option<NodeResult> {
        let hit = self.entries.get(&key).cloned();
        if hit.is_some() {
            self.used.insert(key);
        }
        hit
    }

    /// Stores the outputs for `key`.
    pub(crate) fn insert(&mut self, key: u64, result: NodeResult) {
        self.used.insert(key);
        self.entries.insert(key, result);
    }

    /// Drops everything the current run did not use.
    pub(crate) fn retain_used(&mut self) {
        let used = &self.used;
        self.entries.retain(|k, _| used.contains(k));
        self.keys.retain(|_, k| used.contains(k));
    }

    /// Number of cached node outputs.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Drops everything.
    pub(crate) fn clear(&mut self) {
        *self = Cache {
            next: self.next,
            ..Cache::default()
        };
    }
}
