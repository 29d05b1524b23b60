//! `ServerError`: why a server could not start.
use std::path::PathBuf;

/// Why a server could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A folder could not be created or resolved.
    #[error("folder {path}: {error}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        error: std::io::Error,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The I/O error.
        #[source]
        error: std::io::Error,
    },
    /// The async runtime or a thread could not be started.
    #[error("cannot start the server's threads: {0}")]
    Runtime(#[source] std::io::Error),
    /// A server thread panicked.
    #[error("a server thread panicked")]
    Panicked,
}
