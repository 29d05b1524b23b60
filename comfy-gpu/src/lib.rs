//! # comfy-gpu
//!
//! Fast implementations of [`comfy_core::Backend`]: a rayon CPU backend ([`cpu::CpuBackend`])
//! and a WGSL compute backend through wgpu ([`WgpuBackend`]). [`select`] and
//! [`select_from_env`] pick one at run time.
#![warn(missing_docs)]

pub mod cpu;
mod device;
mod error;
mod wgsl;

pub use cpu::CpuBackend;
pub use device::{gpu_adapters, gpu_backend, select, select_from_env, DeviceChoice};
pub use error::GpuError;

/// The environment variable read by [`select_from_env`].
pub const DEVICE_ENV: &str = "COMFY_DEVICE";
pub use wgsl::{PoolStats, WgpuBackend, WgpuStats};
