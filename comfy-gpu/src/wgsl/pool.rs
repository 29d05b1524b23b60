//! A pool of storage buffers, recycled by size class instead of created per op.
//!
//! A buffer whose tensor is dropped may still be named by commands recorded but not yet
//! submitted, so it goes to a *pending* list first and becomes reusable only after the next
//! submission ([`Pool::recycle_pending`]). Every buffer handed out is therefore idle in the
//! unsubmitted batch, which makes `Queue::write_buffer` into it (it runs before that batch's
//! commands) safe.
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Smallest buffer handed out, in bytes: 16 keeps every buffer a whole number of vec4s.
const MIN_BYTES: u64 = 16;

/// Idle bytes kept for reuse at most; beyond this, released buffers are freed.
const MAX_IDLE_BYTES: u64 = 1 << 30;

/// The size class of a request: the next power of two (at least [`MIN_BYTES`]).
pub(crate) fn size_class(bytes: u64) -> u64 {
    bytes.max(MIN_BYTES).next_power_of_two()
}

#[derive(Debug, Default)]
struct State {
    idle: HashMap<u64, Vec<wgpu::Buffer>>,
    idle_bytes: u64,
    pending: Vec<wgpu::Buffer>,
    created: u64,
}

/// Storage buffers (`STORAGE | COPY_SRC | COPY_DST`) by size class.
#[derive(Debug, Default)]
pub(crate) struct Pool {
    state: Mutex<State>,
}

/// Counts for tests and tuning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Buffers ever created by the pool.
    pub created: u64,
    /// Buffers idle and ready for reuse.
    pub idle: u64,
    /// Buffers released since the last submission.
    pub pending: u64,
}

impl Pool {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A buffer of at least `bytes` bytes, reused if one of its class is idle. Its contents
    /// are whatever was there before.
    pub(crate) fn acquire(&self, device: &wgpu::Device, bytes: u64) -> wgpu::Buffer {
        let class = size_class(bytes);
        {
            let mut s = self.lock();
            if let Some(buf) = s.idle.get_mut(&class).and_then(Vec::pop) {
                s.idle_bytes -= class;
                return buf;
            }
            s.created += 1;
        }
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("comfy tensor"),
            size: class,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Takes back a buffer whose tensor is gone; reusable after the next submission.
    pub(crate) fn release(&self, buf: wgpu::Buffer) {
        self.lock().pending.push(buf);
    }

    /// Makes the buffers released before a submission reusable (call right after submitting).
    pub(crate) fn recycle_pending(&self) {
        let mut s = self.lock();
        let pending = std::mem::take(&mut s.pending);
        for buf in pending {
            let class = buf.size();
            if s.idle_bytes + class > MAX_IDLE_BYTES {
                // Dropping the handle frees the memory once the GPU is done with it.
                continue;
            }
            s.idle_bytes += class;
            s.idle.entry(class).or_default().push(buf);
        }
    }

    /// Current counts.
    pub(crate) fn stats(&self) -> PoolStats {
        let s = self.lock();
        PoolStats {
            created: s.created,
            idle: s.idle.values().map(|v| v.len() as u64).sum(),
            pending: s.pending.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::size_class;

    #[test]
    fn classes_are_powers_of_two_of_at_least_16_bytes() {
        assert_eq!(size_class(0), 16);
        assert_eq!(size_class(4), 16);
        assert_eq!(size_class(16), 16);
        assert_eq!(size_class(17), 32);
        assert_eq!(size_class(784 * 1024 * 4), 4 << 20);
    }
}
