//! The WGSL compute backend through wgpu.
//!
//! Built once per [`WgpuBackend`]: instance → adapter → device and queue ([`context`]), a
//! pipeline cache keyed by [`kernels::Kernel`] (each `.wgsl` file in `shaders/` pulled in with
//! `include_str!` and compiled on first use), a buffer pool ([`pool`]) and a batch of recorded
//! commands ([`batch`]) that is submitted when data is read back, on `synchronize`, or when it
//! is full. Tensors are [`comfy_core::Storage::Device`] buffers; host tensors are uploaded.
mod backend;
mod backend_impl;
mod batch;
mod columns;
pub(crate) mod context;
mod conv;
mod copies;
mod elementwise;
mod kernels;
mod matmul;
mod norm;
mod optim;
mod params;
mod pipelines;
mod pool;
mod reduce;
mod storage;

pub use backend::{WgpuBackend, WgpuStats};
pub use pool::PoolStats;
