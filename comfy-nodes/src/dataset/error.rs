//! Errors of the dataset readers: each names the file and what is wrong with it.
use std::path::PathBuf;

/// Why a dataset could not be read or batched.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// None of the expected file names exists in the directory.
    #[error("{}: no {what} file found (looked for {})", dir.display(), tried.join(", "))]
    Missing {
        /// The directory searched.
        dir: PathBuf,
        /// Which file was wanted (`train images`, …).
        what: String,
        /// The names tried.
        tried: Vec<String>,
    },
    /// The gzip stream is corrupt or cut short.
    #[error("{}: corrupt gzip data: {msg}", path.display())]
    Gzip {
        /// The file.
        path: PathBuf,
        /// What the decoder reported.
        msg: String,
    },
    /// The decompressed data is larger than the reader accepts (a gzip bomb, or not a dataset).
    #[error("{}: decompresses to more than {limit} bytes; refusing to read further", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not in the expected format.
    #[error("{}: {msg}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        msg: String,
    },
    /// The header promises a different amount of data than the file holds.
    #[error("{}: header says {expected} bytes of data but the file has {actual}", path.display())]
    LengthMismatch {
        /// The file.
        path: PathBuf,
        /// Bytes the header's dimensions imply.
        expected: u64,
        /// Bytes actually present after the header.
        actual: u64,
    },
    /// Images and labels that do not belong together, or a bad label.
    #[error("{}: {msg}", path.display())]
    Inconsistent {
        /// The file at fault.
        path: PathBuf,
        /// What does not fit.
        msg: String,
    },
    /// A dataset with nothing in it.
    #[error("{}: the dataset is empty", path.display())]
    Empty {
        /// Where it came from.
        path: PathBuf,
    },
    /// A loader setting that cannot work.
    #[error("data loader: {0}")]
    Config(String),
}
