//! `GpuError`: why a GPU backend could not be made.
use crate::DEVICE_ENV;

/// Why a GPU backend could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No suitable adapter.
    #[error("no GPU adapter found: {0}")]
    NoAdapter(String),
    /// An adapter was found but would not open a device.
    #[error("the GPU adapter would not open a device: {0}")]
    RequestDevice(String),
    /// A device choice that is not `auto`, `cpu` or `gpu`.
    #[error("unknown device `{0}`: expected auto, cpu or gpu (in {DEVICE_ENV} or a flag)")]
    BadChoice(String),
}
