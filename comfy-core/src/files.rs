//! `FilePolicy`: how a run turns the paths written in a graph into files — what a node may read
//! and write. The command-line programs take paths as given ([`AnyPath`]); a server confines
//! them to its folders.
use std::fmt;
use std::path::PathBuf;

/// Whether a path is to be read or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A file or folder the node reads (a dataset, a checkpoint to load).
    Read,
    /// A file or folder the node writes (a picture, a checkpoint, a report).
    Write,
}

/// Why a path given to a node is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    /// An absolute path where only paths inside the run's folders are allowed.
    #[error("{0:?} is an absolute path; give a path inside the {1} folder")]
    Absolute(String, &'static str),
    /// A `..` component.
    #[error("{0:?} goes up with `..`; give a path inside the {1} folder")]
    ParentDir(String, &'static str),
    /// A path that leads out of the folder (through a symbolic link, say).
    #[error("{0:?} leads outside the {1} folder")]
    Outside(String, &'static str),
    /// Another reason, in words.
    #[error("{0}")]
    Other(String),
}

/// Resolves the paths nodes are given. Every path a built-in node reads or writes comes from a
/// [`ReadPath`](crate::ReadPath) or [`WritePath`](crate::WritePath) input, resolved through the
/// run's policy before the node runs, so a refused path is an error naming the node and input.
pub trait FilePolicy: Send + Sync + fmt::Debug {
    /// The file or folder to use for the non-empty path `raw`, as `access` needs it.
    fn resolve(&self, raw: &str, access: Access) -> Result<PathBuf, PathProblem>;
}

/// Paths as given, relative to the working directory: what a program run by its own user does.
#[derive(Clone, Copy, Debug, Default)]
pub struct AnyPath;

impl FilePolicy for AnyPath {
    fn resolve(&self, raw: &str, _access: Access) -> Result<PathBuf, PathProblem> {
        Ok(PathBuf::from(raw))
    }
}
