//! Recording commands and submitting them in batches.
//!
//! Ops append [`Cmd`]s here instead of submitting one command buffer each; [`Batch::flush`]
//! encodes them (consecutive dispatches share one compute pass) and submits them together,
//! which happens when a result is read back, on `synchronize`, or every [`MAX_CMDS`] commands.
//!
//! Uniforms go to a host-side staging area, one aligned slot per dispatch, and reach the GPU
//! with one `write_buffer` just before the submission: wgpu runs queued writes before the
//! command buffers of the submission that follows them, so each dispatch sees its own slot.
use super::context::Gpu;
use super::pool::{size_class, Pool};
use std::collections::HashMap;
use std::num::NonZeroU64;

/// Commands (and uniform slots) per submission at most.
pub(crate) const MAX_CMDS: usize = 256;

/// One recorded command.
enum Cmd {
    Dispatch {
        pipeline: wgpu::ComputePipeline,
        bind_group: wgpu::BindGroup,
        groups: [u32; 3],
    },
    Copy {
        src: wgpu::Buffer,
        src_offset: u64,
        dst: wgpu::Buffer,
        dst_offset: u64,
        size: u64,
    },
    Clear {
        buffer: wgpu::Buffer,
        size: u64,
    },
}

/// Commands waiting for submission, the uniform ring they read, and idle read-back buffers.
pub(crate) struct Batch {
    cmds: Vec<Cmd>,
    uniforms: Vec<u8>,
    uniform_buffer: wgpu::Buffer,
    slot: u64,
    staging: HashMap<u64, Vec<wgpu::Buffer>>,
    /// Submissions so far.
    pub submits: u64,
    /// Dispatches so far.
    pub dispatches: u64,
}

/// Where a dispatch's uniforms live.
pub(crate) struct UniformSlot<'a> {
    /// The ring buffer.
    pub buffer: &'a wgpu::Buffer,
    /// Offset of the slot.
    pub offset: u64,
    /// Bytes of the uniform struct.
    pub size: NonZeroU64,
}

impl UniformSlot<'_> {
    /// The binding of the slot.
    pub(crate) fn binding(&self) -> wgpu::BindingResource<'_> {
        wgpu::BindingResource::Buffer(wgpu::BufferBinding {
            buffer: self.buffer,
            offset: self.offset,
            size: Some(self.size),
        })
    }
}

impl Batch {
    /// An empty batch with a uniform ring of [`MAX_CMDS`] slots.
    pub(crate) fn new(gpu: &Gpu) -> Batch {
        // A slot fits the largest Params (conv.wgsl's, 128 bytes) and the device's offset
        // alignment.
        let slot = u64::from(gpu.limits.min_uniform_buffer_offset_alignment).max(128);
        let uniform_buffer = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("comfy uniforms"),
            size: slot * MAX_CMDS as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Batch {
            cmds: Vec::with_capacity(MAX_CMDS),
            uniforms: Vec::with_capacity(slot as usize * MAX_CMDS),
            uniform_buffer,
            slot,
            staging: HashMap::new(),
            submits: 0,
            dispatches: 0,
        }
    }

    /// Submits first if the batch is full, so that the next command has room.
    pub(crate) fn make_room(&mut self, gpu: &Gpu, pool: &Pool) {
        if self.cmds.len() >= MAX_CMDS || self.uniforms.len() as u64 >= self.slot * MAX_CMDS as u64 {
            self.flush(gpu, pool);
        }
    }

    /// Stages `params` in the next uniform slot (call [`Batch::make_room`] first).
    pub(crate) fn uniform<P: bytemuck::Pod>(&mut self, params: &P) -> UniformSlot<'_> {
        let offset = self.uniforms.len() as u64;
        let bytes = bytemuck::bytes_of(params);
        self.uniforms.extend_from_slice(bytes);
        self.uniforms.resize((offset + self.slot) as usize, 0);
        UniformSlot {
            buffer: &self.uniform_buffer,
            offset,
            size: NonZeroU64::new(bytes.len() as u64).unwrap_or(NonZeroU64::MIN),
        }
    }

    /// Records a dispatch.
    pub(crate) fn dispatch(&mut self, pipeline: wgpu::ComputePipeline, bind_group: wgpu::BindGroup, groups: [u32; 3]) {
        self.dispatches += 1;
        self.cmds.push(Cmd::Dispatch {
            pipeline,
            bind_group,
            groups,
        });
    }

    /// Records a buffer-to-buffer copy of `size` bytes (a multiple of 4).
    pub(crate) fn copy(&mut self, src: &wgpu::Buffer, src_offset: u64, dst: &wgpu::Buffer, dst_offset: u64, size: u64) {
        if size == 0 {
            return;
        }
        self.cmds.push(Cmd::Copy {
            src: src.clone(),
            src_offset,
            dst: dst.clone(),
            dst_offset,
            size,
        });
    }

    /// Records zeroing the first `size` bytes of a buffer.
    pub(crate) fn clear(&mut self, buffer: &wgpu::Buffer, size: u64) {
        if size == 0 {
            return;
        }
        self.cmds.push(Cmd::Clear {
            buffer: buffer.clone(),
            size,
        });
    }

    /// Encodes and submits everything recorded, then lets the pool reuse what was released.
    pub(crate) fn flush(&mut self, gpu: &Gpu, pool: &Pool) {
        if self.cmds.is_empty() {
            pool.recycle_pending();
            return;
        }
        if !self.uniforms.is_empty() {
            gpu.queue.write_buffer(&self.uniform_buffer, 0, &self.uniforms);
            self.uniforms.clear();
        }
        let mut encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("comfy batch"),
        });
        let mut cmds = std::mem::take(&mut self.cmds).into_iter().peekable();
        while let Some(cmd) = cmds.next() {
            match cmd {
                Cmd::Dispatch { .. } => {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some("comfy kernels"),
                        timestamp_writes: None,
                    });
                    encode_dispatch(&mut pass, cmd);
                    while matches!(cmds.peek(), Some(Cmd::Dispatch { .. })) {
                        if let Some(next) = cmds.next() {
                            encode_dispatch(&mut pass, next);
                        }
                    }
                }
                Cmd::Copy {
                    src,
                    src_offset,
                    dst,
                    dst_offset,
                    size,
                } => encoder.copy_buffer_to_buffer(&src, src_offset, &dst, dst_offset, size),
                Cmd::Clear { buffer, size } => encoder.clear_buffer(&buffer, 0, Some(size)),
            }
        }
        gpu.queue.submit([encoder.finish()]);
        self.submits += 1;
        pool.recycle_pending();
        // Lets wgpu retire finished work without waiting for it.
        let _ = gpu.device.poll(wgpu::PollType::Poll);
    }

    /// Submits everything and waits until the GPU has finished it.
    pub(crate) fn wait(&mut self, gpu: &Gpu, pool: &Pool) -> Result<(), String> {
        self.flush(gpu, pool);
        gpu.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| format!("waiting for the GPU failed: {e}"))
    }

    /// Copies `bytes` bytes from the start of `src` to the host, submitting everything before.
    pub(crate) fn read(&mut self, gpu: &Gpu, pool: &Pool, src: &wgpu::Buffer, bytes: u64) -> Result<Vec<u8>, String> {
        if bytes == 0 {
            return Ok(Vec::new());
        }
        let class = size_class(bytes);
        let staging = match self.staging.get_mut(&class).and_then(Vec::pop) {
            Some(b) => b,
            None => gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("comfy read-back"),
                size: class,
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
        };
        self.copy(src, 0, &staging, 0, bytes);
        self.flush(gpu, pool);
        let (tx, rx) = std::sync::mpsc::channel();
        staging.map_async(wgpu::MapMode::Read, 0..bytes, move |r| {
            let _ = tx.send(r);
        });
        gpu.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| format!("waiting for the GPU failed: {e}"))?;
        rx.recv()
            .map_err(|_| "the read-back was dropped".to_string())?
            .map_err(|e| format!("mapping the read-back buffer failed: {e}"))?;
        let data = staging
            .get_mapped_range(0..bytes)
            .map_err(|e| format!("reading the mapped buffer failed: {e}"))?
            .to_vec();
        staging.unmap();
        self.staging.entry(class).or_default().push(staging);
        Ok(data)
    }
}

fn encode_dispatch(pass: &mut wgpu::ComputePass<'_>, cmd: Cmd) {
    if let Cmd::Dispatch {
        pipeline,
        bind_group,
        groups,
    } = cmd
    {
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(groups[0], groups[1], groups[2]);
    }
}
