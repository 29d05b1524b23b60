//! `ReadPath` and `WritePath`: paths written on a STRING input, resolved through the run's
//! [`FilePolicy`] before the node runs.
use super::from_input::FromInput;
use crate::files::{Access, FilePolicy};
use crate::node_error::NodeError;
use crate::port::{PortType, ValueProblem};
use crate::value::Value;
use std::path::{Path, PathBuf};

macro_rules! path_type {
    ($(#[$doc:meta])* $name:ident, $access:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(Option<PathBuf>);

        impl $name {
            /// The resolved path; `None` when the input is empty.
            pub fn get(&self) -> Option<&Path> {
                self.0.as_deref()
            }

            /// The resolved path, or an error naming `input` when it is empty.
            pub fn require(&self, input: &str) -> Result<&Path, NodeError> {
                self.get().ok_or_else(|| NodeError::BadInput {
                    input: input.to_string(),
                    problem: ValueProblem::EmptyPath,
                })
            }
        }

        impl FromInput for $name {
            fn port_type() -> PortType {
                PortType::String
            }
            fn from_input(value: Option<&Value>, files: &dyn FilePolicy) -> Result<Self, ValueProblem> {
                let text = String::from_input(value, files)?;
                if text.is_empty() {
                    return Ok($name(None));
                }
                Ok($name(Some(files.resolve(&text, $access)?)))
            }
        }
    };
}

path_type!(
    /// A file or folder the node reads: the text of a STRING input, resolved for reading (an
    /// empty input gives no path).
    ReadPath,
    Access::Read
);
path_type!(
    /// A file or folder the node writes (a picture, a checkpoint, a folder of samples): the
    /// text of a STRING input, resolved for writing (an empty input gives no path).
    WritePath,
    Access::Write
);
