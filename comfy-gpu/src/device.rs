//! Choosing a backend at run time.
use crate::cpu::CpuBackend;
use comfy_core::Backend;
use std::sync::Arc;

/// Which backend to run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceChoice {
    /// A hardware GPU if there is one, else the CPU backend.
    Auto,
    /// The rayon CPU backend.
    Cpu,
    /// The WGSL backend on any adapter, software ones included.
    Gpu,
}

/// Why a GPU backend could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No suitable adapter.
    #[error("no GPU adapter found: {0}")]
    NoAdapter(String),
}

/// A WGSL backend; `allow_software` admits CPU-emulated adapters such as lavapipe.
pub fn gpu_backend(allow_software: bool) -> Result<Arc<dyn Backend>, GpuError> {
    let _ = allow_software;
    Err(GpuError::NoAdapter("the WGSL backend is not built yet".into()))
}

/// The backend for `choice`; `Auto` falls back to the CPU when no hardware GPU is present.
pub fn select(choice: DeviceChoice) -> Result<Arc<dyn Backend>, GpuError> {
    match choice {
        DeviceChoice::Cpu => Ok(Arc::new(CpuBackend::new())),
        DeviceChoice::Gpu => gpu_backend(true),
        DeviceChoice::Auto => Ok(gpu_backend(false).unwrap_or_else(|_| Arc::new(CpuBackend::new()))),
    }
}
