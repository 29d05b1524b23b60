//! Workflows as JSON files, in ComfyUI's API format:
//!
//! ```json
//! {
//!   "1": { "class_type": "IntConstant", "inputs": { "value": 3 } },
//!   "2": { "class_type": "AddInts", "inputs": { "a": ["1", 0], "b": 4 },
//!          "_meta": { "title": "Sum" } }
//! }
//! ```
//!
//! Keys are node ids; `inputs` maps input names to literals (numbers, booleans, strings) or to
//! links `["source id", output index]`; `_meta.title` is optional. Node order is kept, and
//! saving then loading gives back an equal [`Graph`].
//!
//! Loading checks the *shape* of the file and refuses anything else with a precise
//! [`WorkflowError`]; whether node types, inputs and links make sense is
//! [`Graph::validate`]'s job, which reports every problem at once.
mod read;
mod write;

use crate::graph::{Graph, GraphError};
use std::io::Read;
use std::path::Path;

/// The largest workflow file [`Graph::load`] reads.
pub const MAX_WORKFLOW_BYTES: u64 = 64 << 20;

/// The most inputs one node may set in a workflow file.
pub const MAX_INPUTS_PER_NODE: usize = 1_000;
/// The deepest nesting of JSON arrays and objects read (serde_json's recursion limit).
pub const MAX_NESTING_DEPTH: usize = 128;

/// Why a workflow file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        error: std::io::Error,
    },
    /// The file is larger than [`MAX_WORKFLOW_BYTES`].
    #[error("{path}: larger than {limit} bytes")]
    TooLarge {
        /// The file.
        path: String,
        /// The limit.
        limit: u64,
    },
    /// Not JSON (the message gives line and column).
    #[error("malformed JSON: {0}")]
    Syntax(#[source] serde_json::Error),
    /// Arrays or objects nested deeper than [`MAX_NESTING_DEPTH`] (no workflow needs more
    /// than a few levels; the limit keeps a hostile file from exhausting the stack).
    #[error("JSON nested deeper than {limit} levels (line {line}, column {column}); a workflow needs a few")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where the limit was passed.
        line: usize,
        /// Where the limit was passed.
        column: usize,
    },
    /// The document is JSON but not an object of nodes.
    #[error("a workflow is a JSON object mapping node ids to nodes, not {found}")]
    NotAnObject {
        /// What the document is instead (`an array`, `a number`…).
        found: &'static str,
    },
    /// More nodes than [`MAX_NODES`](crate::MAX_NODES).
    #[error("the workflow has {count} nodes; at most {limit} are allowed")]
    TooManyNodes {
        /// Nodes in the file.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Two nodes with the same id.
    #[error("node id {0:?} appears twice")]
    DuplicateNode(String),
    /// A node that cannot be added to the graph as written (an empty id…).
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A node that is not a JSON object.
    #[error("node {node}: expected an object with \"class_type\" and \"inputs\", found {found}{hint}")]
    NodeNotObject {
        /// The node id.
        node: String,
        /// What it is instead.
        found: &'static str,
        /// A hint when the file looks like a ComfyUI UI workflow rather than an API one.
        hint: &'static str,
    },
    /// A node without `class_type`.
    #[error("node {node}: missing \"class_type\"")]
    MissingClassType {
        /// The node id.
        node: String,
    },
    /// A node field of the wrong JSON type.
    #[error("node {node}: {field:?} must be {expected}, found {found}")]
    FieldType {
        /// The node id.
        node: String,
        /// The field (`class_type`, `inputs`, `_meta`, `_meta.title`).
        field: String,
        /// What it must be.
        expected: &'static str,
        /// What it is.
        found: &'static str,
    },
    /// A node field this format does not have.
    #[error(
        "node {node}: unknown field {field:?} (a node has \"class_type\", \"inputs\" and \"_meta\": {{\"title\"}})"
    )]
    UnknownField {
        /// The node id.
        node: String,
        /// The field.
        field: String,
    },
    /// A node with more than [`MAX_INPUTS_PER_NODE`] inputs.
    #[error("node {node}: {count} inputs; at most {limit} are allowed")]
    TooManyInputs {
        /// The node id.
        node: String,
        /// Inputs given.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// An input value that is neither a literal nor a link.
    #[error("node {node}, input {input:?}: {problem}")]
    BadInput {
        /// The node id.
        node: String,
        /// The input.
        input: String,
        /// What is wrong.
        problem: InputProblem,
    },
    /// The graph could not be written as JSON.
    #[error("cannot write the workflow: {0}")]
    Serialize(#[source] serde_json::Error),
}

/// What is wrong with one input value in a workflow file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputProblem {
    /// `null`.
    #[error("null is not a value (leave the input out to use its default)")]
    Null,
    /// A JSON object.
    #[error("an object is not a value; give a number, boolean, string or link [\"node id\", output index]")]
    Object,
    /// An array that is not a two-element link.
    #[error("an array must be a link [\"node id\", output index], found {0}")]
    BadLink(String),
    /// An integer beyond the 64-bit signed range.
    #[error("integer {0} is out of range (−2⁶³ ..= 2⁶³−1)")]
    IntegerOutOfRange(String),
}

impl Graph {
    /// Reads a workflow from JSON text.
    pub fn from_json(text: &str) -> Result<Graph, WorkflowError> {
        read::parse(text)
    }

    /// The workflow as pretty-printed JSON, nodes in graph order.
    pub fn to_json(&self) -> Result<String, WorkflowError> {
        write::to_json(self)
    }

    /// Reads a workflow file (at most [`MAX_WORKFLOW_BYTES`]).
    pub fn load(path: impl AsRef<Path>) -> Result<Graph, WorkflowError> {
        let path = path.as_ref();
        let io = |error| WorkflowError::Io {
            path: path.display().to_string(),
            error,
        };
        let mut text = String::new();
        let file = std::fs::File::open(path).map_err(io)?;
        file.take(MAX_WORKFLOW_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(io)?;
        if text.len() as u64 > MAX_WORKFLOW_BYTES {
            return Err(WorkflowError::TooLarge {
                path: path.display().to_string(),
                limit: MAX_WORKFLOW_BYTES,
            });
        }
        Self::from_json(&text)
    }

    /// Writes the workflow to a file, atomically (a temporary file renamed into place; see
    /// [`crate::atomic::atomic_write`]), creating missing parent folders.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), WorkflowError> {
        let path = path.as_ref();
        let text = self.to_json()? + "\n";
        crate::atomic::atomic_write(path, text.as_bytes()).map_err(|error| WorkflowError::Io {
            path: path.display().to_string(),
            error,
        })
    }
}
