//! The pipeline cache: each [`Kernel`] is compiled once, on first use.
use super::kernels::Kernel;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// A compiled kernel and the layout of its bind group 0.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
}

/// Compiled kernels by [`Kernel`], and shader modules by file.
#[derive(Debug, Default)]
pub(crate) struct Pipelines {
    compiled: Mutex<HashMap<Kernel, Compiled>>,
    modules: Mutex<HashMap<&'static str, wgpu::ShaderModule>>,
}

impl Pipelines {
    /// The pipeline of `kernel`, compiling it on first use. A WGSL or pipeline error comes back
    /// as a message (it would be a bug in a `.wgsl` file).
    pub(crate) fn get(&self, device: &wgpu::Device, kernel: Kernel) -> Result<Compiled, String> {
        if let Some(c) = self
            .compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&kernel)
        {
            return Ok(c.clone());
        }
        let compiled = self.compile(device, kernel)?;
        self.compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(kernel, compiled.clone());
        Ok(compiled)
    }

    /// Number of pipelines compiled so far.
    pub(crate) fn len(&self) -> usize {
        self.compiled.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn compile(&self, device: &wgpu::Device, kernel: Kernel) -> Result<Compiled, String> {
        let src = kernel.source();
        // Errors inside the scope come back here instead of going to the uncaptured handler.
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = {
            let mut modules = self.modules.lock().unwrap_or_else(PoisonError::into_inner);
            modules
                .entry(src.label)
                .or_insert_with(|| {
                    device.create_shader_module(wgpu::ShaderModuleDescriptor {
                        label: Some(src.label),
                        source: wgpu::ShaderSource::Wgsl(src.source.into()),
                    })
                })
                .clone()
        };
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(src.label),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: wgpu::PipelineCompilationOptions {
                constants: &src.constants,
                // Every kernel writes its workgroup memory before reading it.
                zero_initialize_workgroup_memory: false,
            },
            cache: None,
        });
        let layout = pipeline.get_bind_group_layout(0);
        if let Some(e) = pollster::block_on(scope.pop()) {
            // A bad module would fail every variant: forget it so the error repeats clearly.
            self.modules
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(src.label);
            return Err(format!("compiling {} ({kernel:?}) failed: {e}", src.label));
        }
        Ok(Compiled { pipeline, layout })
    }
}
