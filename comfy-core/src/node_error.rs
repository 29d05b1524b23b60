//! `NodeError`: why a node's `execute` failed.
use crate::port::{PortType, ValueProblem};

/// Why a node could not produce its outputs.
///
/// Node packs with their own error types wrap them with [`NodeError::other`], or return a
/// message with [`NodeError::msg`]. [`NodeError::Cancelled`] is not a failure: the engine
/// reports the run as cancelled.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// An input the node asked for is not there.
    #[error("missing input {0:?}")]
    MissingInput(String),
    /// An input holds a value of another type than the node asked for.
    #[error("input {input:?}: expected {expected}, found {found}")]
    InputType {
        /// The input.
        input: String,
        /// The type the node asked for.
        expected: PortType,
        /// The type of the value.
        found: PortType,
    },
    /// A linked value that does not fit its port (out of range, not a choice…).
    #[error("input {input:?}: {problem}")]
    BadInput {
        /// The input.
        input: String,
        /// What is wrong.
        problem: ValueProblem,
    },
    /// The node returned outputs that do not match its declared output ports.
    #[error("bad outputs: {0}")]
    BadOutputs(String),
    /// The node panicked; the engine caught it.
    #[error("panicked: {0}")]
    Panicked(String),
    /// The run was cancelled while the node was working.
    #[error("cancelled")]
    Cancelled,
    /// An error from the tensor maths.
    #[error(transparent)]
    Core(#[from] crate::Error),
    /// An I/O error (reading a dataset, writing a file…).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A failure described in words.
    #[error("{0}")]
    Message(String),
    /// Any other error.
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl NodeError {
    /// A failure described in words.
    pub fn msg(message: impl Into<String>) -> Self {
        NodeError::Message(message.into())
    }

    /// Wraps another error type.
    pub fn other(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        NodeError::Other(Box::new(error))
    }
}
