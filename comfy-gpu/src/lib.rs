//! # comfy-gpu
//!
//! Fast implementations of [`comfy_core::Backend`]: a rayon CPU backend ([`cpu::CpuBackend`])
//! and a WGSL compute backend through wgpu. [`select`] picks one at run time.
#![warn(missing_docs)]

pub mod cpu;
mod device;

pub use cpu::CpuBackend;
pub use device::{gpu_backend, select, DeviceChoice, GpuError};
