//! # comfy-gpu
//!
//! Fast implementations of [`comfy_core::Backend`]: a rayon CPU backend ([`cpu::CpuBackend`])
//! and a WGSL compute backend through wgpu ([`WgpuBackend`]). [`select`] and
//! [`select_from_env`] pick one at run time.
#![warn(missing_docs)]

pub mod cpu;
mod device;
mod wgsl;

pub use cpu::CpuBackend;
pub use device::{gpu_adapters, gpu_backend, select, select_from_env, DeviceChoice, GpuError, DEVICE_ENV};
pub use wgsl::{PoolStats, WgpuBackend, WgpuStats};
