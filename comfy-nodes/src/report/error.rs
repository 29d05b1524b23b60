//! `ReportError`: why a report page could not be written.
use crate::viewer::ViewerError;
use std::path::PathBuf;

/// Why a report page, or a picture on it, could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing the page failed.
    #[error("report {}: {source}", path.display())]
    Io {
        /// The page being written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Drawing a picture for the page failed.
    #[error("report picture {what}: {source}")]
    Draw {
        /// Which picture (`loss curve`, `samples`…).
        what: String,
        /// The underlying error.
        source: ViewerError,
    },
    /// Encoding a picture as PNG failed.
    #[error("report picture {what}: cannot encode PNG: {source}")]
    Encode {
        /// Which picture.
        what: String,
        /// The underlying error.
        source: image::ImageError,
    },
}
