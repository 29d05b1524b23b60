//! `GpuStorage`: a tensor's values in a pooled wgpu buffer.
use super::pool::Pool;
use comfy_core::DeviceStorage;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// The name every WGSL-backend tensor reports.
pub(crate) const BACKEND_NAME: &str = "wgpu";

/// A tensor's values on the GPU: `len` `f32`s at the start of `buffer`, which may be larger
/// (its size class). The buffer returns to the pool when the storage is dropped.
pub(crate) struct GpuStorage {
    buffer: wgpu::Buffer,
    len: usize,
    /// Identifies the backend (device) that made it.
    owner: u64,
    pool: Arc<Pool>,
}

impl GpuStorage {
    /// Wraps a buffer from `pool` holding `len` values.
    pub(crate) fn new(buffer: wgpu::Buffer, len: usize, owner: u64, pool: Arc<Pool>) -> Self {
        GpuStorage {
            buffer,
            len,
            owner,
            pool,
        }
    }

    /// The buffer (possibly longer than the tensor).
    pub(crate) fn buffer(&self) -> &wgpu::Buffer {
        &self.buffer
    }

    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The backend that made it.
    pub(crate) fn owner(&self) -> u64 {
        self.owner
    }
}

impl Drop for GpuStorage {
    fn drop(&mut self) {
        self.pool.release(self.buffer.clone());
    }
}

impl fmt::Debug for GpuStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GpuStorage({} values, {} bytes)", self.len, self.buffer.size())
    }
}

impl DeviceStorage for GpuStorage {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn backend_name(&self) -> &str {
        BACKEND_NAME
    }
}
