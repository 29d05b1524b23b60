//! `WgpuBackend`: the device, the pipeline cache, the buffer pool and the pending batch, built
//! once; and the helpers every op uses (allocate, make resident, dispatch, read back).
use super::batch::Batch;
use super::context::{describe, AdapterPolicy, Gpu};
use super::kernels::Kernel;
use super::pipelines::Pipelines;
use super::pool::{size_class, Pool, PoolStats};
use super::storage::{GpuStorage, BACKEND_NAME};
use crate::error::GpuError;
use comfy_core::{Error, Result, Shape, Storage, Tensor};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Threads per workgroup of the element-wise kernels.
const ELEMENTWISE_GROUP: u64 = 256;

/// Distinguishes the storage of one backend from another's.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The WGSL compute backend: every tensor it makes lives in a GPU buffer, and a training step
/// runs without a host round-trip; only [`Backend::to_host`](comfy_core::Backend::to_host)
/// reads data back. Cloning shares the same device.
#[derive(Clone)]
pub struct WgpuBackend {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub gpu: Gpu,
    id: u64,
    pool: Arc<Pool>,
    pipelines: Pipelines,
    batch: Mutex<Batch>,
    readbacks: AtomicU64,
}

/// Counters that show residency and batching at work (for tests and tuning).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WgpuStats {
    /// Command submissions.
    pub submits: u64,
    /// Kernel dispatches recorded.
    pub dispatches: u64,
    /// Reads back to the host.
    pub readbacks: u64,
    /// Pipelines compiled.
    pub pipelines: usize,
    /// The buffer pool's counts.
    pub pool: PoolStats,
}

impl WgpuBackend {
    /// Opens the best adapter: hardware only, or software ones too (lavapipe) when
    /// `allow_software` is set. No adapter, or a device that cannot be opened, is an error.
    pub fn new(allow_software: bool) -> std::result::Result<Self, GpuError> {
        let policy = if allow_software {
            AdapterPolicy::AllowSoftware
        } else {
            AdapterPolicy::HardwareOnly
        };
        let gpu = Gpu::open(policy)?;
        let batch = Mutex::new(Batch::new(&gpu));
        Ok(WgpuBackend {
            inner: Arc::new(Inner {
                gpu,
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                pool: Arc::new(Pool::default()),
                pipelines: Pipelines::default(),
                batch,
                readbacks: AtomicU64::new(0),
            }),
        })
    }

    /// What the adapter says about itself (name, type, API).
    pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
        &self.inner.gpu.info
    }

    /// One line naming the adapter, e.g. `llvmpipe (LLVM 15.0.6, 256 bits) (Cpu, Vulkan)`.
    pub fn adapter_name(&self) -> String {
        describe(&self.inner.gpu.info)
    }

    /// True when the adapter is real hardware rather than a software rasteriser.
    pub fn is_hardware(&self) -> bool {
        super::context::is_hardware(self.inner.gpu.info.device_type)
    }

    /// Destroys the device, as a driver reset or an unplugged GPU would: every later operation
    /// returns an error saying the device was lost. For tests of that path.
    #[doc(hidden)]
    pub fn destroy_device(&self) {
        self.inner.gpu.device.destroy();
        let _ = self.inner.gpu.device.poll(wgpu::PollType::Poll);
    }

    /// Current counters.
    pub fn stats(&self) -> WgpuStats {
        let b = self.inner.lock_batch();
        WgpuStats {
            submits: b.submits,
            dispatches: b.dispatches,
            readbacks: self.inner.readbacks.load(Ordering::Relaxed),
            pipelines: self.inner.pipelines.len(),
            pool: self.inner.pool.stats(),
        }
    }
}

impl fmt::Debug for WgpuBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WgpuBackend({})", self.adapter_name())
    }
}

/// An [`Error::Backend`] from this backend.
pub(crate) fn backend_error(msg: impl Into<String>) -> Error {
    Error::Backend {
        backend: BACKEND_NAME.into(),
        msg: msg.into(),
    }
}

/// The [`GpuStorage`] of a tensor that [`Inner::resident`] returned.
pub(crate) fn gpu(t: &Tensor) -> Result<&GpuStorage> {
    match t.storage() {
        Storage::Device(d) => d
            .as_any()
            .downcast_ref::<GpuStorage>()
            .ok_or_else(|| backend_error(format!("tensor {t:?} is not a wgpu tensor"))),
        Storage::Host(_) => Err(backend_error(format!("tensor {t:?} is on the host"))),
    }
}

impl Inner {
    pub(crate) fn lock_batch(&self) -> MutexGuard<'_, Batch> {
        self.batch.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `Err` if the device was lost or reported an error since the last check.
    pub(crate) fn check(&self) -> Result<()> {
        self.gpu.health.check().map_err(backend_error)
    }

    /// A new tensor of `shape` with unspecified contents.
    pub(crate) fn alloc(&self, shape: Shape) -> Result<Tensor> {
        let len = shape.numel();
        let bytes = (len as u64).checked_mul(4).map(size_class);
        let limit = self
            .gpu
            .limits
            .max_storage_buffer_binding_size
            .min(self.gpu.limits.max_buffer_size);
        match bytes {
            Some(b) if b <= limit => {
                let buffer = self.pool.acquire(&self.gpu.device, b);
                let storage = GpuStorage::new(buffer, len, self.id, self.pool.clone());
                Ok(Tensor::from_storage(Storage::Device(Arc::new(storage)), shape))
            }
            _ => Err(backend_error(format!(
                "a tensor of shape {shape} needs more than the device's largest buffer ({limit} bytes)"
            ))),
        }
    }

    /// The tensor in this backend's storage: itself if it already is, uploaded if on the host.
    pub(crate) fn resident(&self, t: &Tensor) -> Result<Tensor> {
        match t.storage() {
            Storage::Host(v) => self.upload_values(v, t.shape().clone()),
            Storage::Device(d) => match d.as_any().downcast_ref::<GpuStorage>() {
                Some(s) if s.owner() == self.id && s.len() == t.numel() => Ok(t.clone()),
                Some(_) => Err(backend_error(format!(
                    "tensor {t:?} lives on another wgpu device; read it back and upload it"
                ))),
                None => Err(backend_error(format!(
                    "tensor {t:?} belongs to backend `{}`; read it back and upload it",
                    d.backend_name()
                ))),
            },
        }
    }

    /// A new tensor holding `values`. The write reaches the GPU before the next submission's
    /// commands, and the buffer is idle in the pending batch (see the pool), so it is in order.
    pub(crate) fn upload_values(&self, values: &[f32], shape: Shape) -> Result<Tensor> {
        if values.len() != shape.numel() {
            return Err(Error::DataLength {
                len: values.len(),
                shape,
            });
        }
        let t = self.alloc(shape)?;
        if !values.is_empty() {
            self.gpu
                .queue
                .write_buffer(gpu(&t)?.buffer(), 0, bytemuck::cast_slice(values));
        }
        Ok(t)
    }

    /// Reads a tensor of this backend back to the host.
    pub(crate) fn read(&self, t: &Tensor) -> Result<Vec<f32>> {
        let s = gpu(t)?;
        self.check()?;
        self.readbacks.fetch_add(1, Ordering::Relaxed);
        let bytes = {
            let mut batch = self.lock_batch();
            batch
                .read(&self.gpu, &self.pool, s.buffer(), s.len() as u64 * 4)
                .map_err(backend_error)?
        };
        self.check()?;
        Ok(bytemuck::pod_collect_to_vec(&bytes))
    }

    /// Submits everything and waits for the GPU.
    pub(crate) fn wait(&self) -> Result<()> {
        self.check()?;
        self.lock_batch().wait(&self.gpu, &self.pool).map_err(backend_error)?;
        self.check()
    }

    /// A grid of workgroups covering `groups` in total: as wide as the device allows, then as
    /// many rows as needed (kernels fold `(y, x)` back into one index and skip the excess).
    pub(crate) fn grid(&self, groups: u64) -> Result<[u32; 3]> {
        let max = u64::from(self.gpu.limits.max_compute_workgroups_per_dimension).max(1);
        let x = groups.clamp(1, max);
        let y = groups.div_ceil(x).max(1);
        if y > max {
            return Err(backend_error(format!("{groups} workgroups exceed the device's grid")));
        }
        Ok([x as u32, y as u32, 1])
    }

    /// The grid of an element-wise kernel over `len` values.
    pub(crate) fn elementwise_grid(&self, len: usize) -> Result<[u32; 3]> {
        self.grid((len as u64).div_ceil(ELEMENTWISE_GROUP))
    }

    /// Records one dispatch of `kernel` with `buffers` bound at 0, 1, … and `params` after them.
    pub(crate) fn dispatch<P: bytemuck::Pod>(
        &self,
        kernel: Kernel,
        buffers: &[&wgpu::Buffer],
        params: &P,
        groups: [u32; 3],
    ) -> Result<()> {
        self.check()?;
        let compiled = self.pipelines.get(&self.gpu.device, kernel).map_err(backend_error)?;
        let mut batch = self.lock_batch();
        batch.make_room(&self.gpu, &self.pool);
        let bind_group = {
            let slot = batch.uniform(params);
            let mut entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
                .iter()
                .enumerate()
                .map(|(i, b)| wgpu::BindGroupEntry {
                    binding: i as u32,
                    resource: b.as_entire_binding(),
                })
                .collect();
            entries.push(wgpu::BindGroupEntry {
                binding: buffers.len() as u32,
                resource: slot.binding(),
            });
            self.gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: None,
                layout: &compiled.layout,
                entries: &entries,
            })
        };
        batch.dispatch(compiled.pipeline, bind_group, groups);
        Ok(())
    }

    /// Records a copy of `bytes` bytes between buffers.
    pub(crate) fn copy(&self, src: &wgpu::Buffer, src_offset: u64, dst: &wgpu::Buffer, dst_offset: u64, bytes: u64) {
        let mut batch = self.lock_batch();
        batch.make_room(&self.gpu, &self.pool);
        batch.copy(src, src_offset, dst, dst_offset, bytes);
    }

    /// Records zeroing the first `bytes` bytes of a buffer.
    pub(crate) fn clear(&self, buffer: &wgpu::Buffer, bytes: u64) {
        let mut batch = self.lock_batch();
        batch.make_room(&self.gpu, &self.pool);
        batch.clear(buffer, bytes);
    }

    /// Makes `t` a tensor of this backend that nothing else shares, so that a kernel may update
    /// it in place: a host tensor is uploaded, a shared one copied (as the host copies on write).
    pub(crate) fn make_exclusive(&self, t: &mut Tensor) -> Result<()> {
        let shared = match t.storage() {
            Storage::Device(d) => Arc::strong_count(d) > 1,
            Storage::Host(_) => false,
        };
        let resident = self.resident(t)?;
        if !shared {
            *t = resident;
            return Ok(());
        }
        let fresh = self.alloc(t.shape().clone())?;
        let bytes = t.numel() as u64 * 4;
        self.copy(gpu(&resident)?.buffer(), 0, gpu(&fresh)?.buffer(), 0, bytes);
        *t = fresh;
        Ok(())
    }
}
