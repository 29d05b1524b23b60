//! Instance → adapter → device and queue, built once per backend, and the device's health.
use crate::error::GpuError;
use std::sync::{Arc, Mutex, PoisonError};

/// Which adapters may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AdapterPolicy {
    /// Discrete, integrated or virtual GPUs only.
    HardwareOnly,
    /// Software rasterisers too (lavapipe, llvmpipe), as a last resort.
    AllowSoftware,
}

/// Errors the device reported on its own (validation failures, device loss), kept until an
/// operation can return them.
#[derive(Debug, Default)]
pub(crate) struct Health {
    lost: Mutex<Option<String>>,
    error: Mutex<Option<String>>,
}

impl Health {
    /// `Err` with a message if the device was lost (for good) or reported an error (once).
    pub(crate) fn check(&self) -> Result<(), String> {
        if let Some(msg) = self.lost.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            return Err(format!("the GPU device was lost: {msg}"));
        }
        match self.error.lock().unwrap_or_else(PoisonError::into_inner).take() {
            Some(msg) => Err(format!("the GPU reported an error: {msg}")),
            None => Ok(()),
        }
    }

    fn set_lost(&self, msg: String) {
        *self.lost.lock().unwrap_or_else(PoisonError::into_inner) = Some(msg);
    }

    fn set_error(&self, msg: String) {
        let mut slot = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        // Keep the first: later errors are usually its consequences.
        if slot.is_none() {
            *slot = Some(msg);
        }
    }
}

/// The device, its queue and what the adapter said about itself.
#[derive(Debug)]
pub(crate) struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub limits: wgpu::Limits,
    pub health: Arc<Health>,
}

/// True for adapters that are real hardware.
pub(crate) fn is_hardware(t: wgpu::DeviceType) -> bool {
    matches!(
        t,
        wgpu::DeviceType::DiscreteGpu | wgpu::DeviceType::IntegratedGpu | wgpu::DeviceType::VirtualGpu
    )
}

/// Preference among usable adapters: discrete, integrated, virtual, then anything else; a native
/// API (Vulkan, Metal, DX12) before OpenGL.
fn rank(info: &wgpu::AdapterInfo) -> (u8, u8) {
    let kind = match info.device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 3,
        wgpu::DeviceType::Cpu => 4,
    };
    let api = u8::from(info.backend == wgpu::Backend::Gl);
    (kind, api)
}

/// An instance that honours `WGPU_BACKEND` and the other `WGPU_*` variables.
fn instance() -> wgpu::Instance {
    wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env())
}

/// Every adapter the instance can see that runs compute shaders.
fn compute_adapters(instance: &wgpu::Instance) -> Vec<wgpu::Adapter> {
    let backends = wgpu::Backends::all().with_env();
    pollster::block_on(instance.enumerate_adapters(backends))
        .into_iter()
        .filter(|a| {
            a.get_downlevel_capabilities()
                .flags
                .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
        })
        .collect()
}

/// `name (type, backend)` for each adapter that runs compute shaders, best first.
pub(crate) fn describe_adapters() -> Vec<(String, bool)> {
    let mut infos: Vec<wgpu::AdapterInfo> = compute_adapters(&instance()).iter().map(|a| a.get_info()).collect();
    infos.sort_by_key(rank);
    infos
        .iter()
        .map(|i| (describe(i), is_hardware(i.device_type)))
        .collect()
}

/// One line naming an adapter.
pub(crate) fn describe(info: &wgpu::AdapterInfo) -> String {
    format!("{} ({:?}, {:?})", info.name, info.device_type, info.backend)
}

/// The best adapter that `policy` admits, or why there is none.
fn pick_adapter(instance: &wgpu::Instance, policy: AdapterPolicy) -> Result<wgpu::Adapter, GpuError> {
    let mut all = compute_adapters(instance);
    if all.is_empty() {
        return Err(GpuError::NoAdapter(
            "wgpu found no adapter that runs compute shaders (no Vulkan, Metal, DX12 or GL driver; \
             on Debian, `apt-get install mesa-vulkan-drivers libvulkan1` gives the lavapipe software adapter)"
                .into(),
        ));
    }
    all.sort_by_key(|a| rank(&a.get_info()));
    let seen: Vec<String> = all.iter().map(|a| describe(&a.get_info())).collect();
    all.into_iter()
        .find(|a| policy == AdapterPolicy::AllowSoftware || is_hardware(a.get_info().device_type))
        .ok_or_else(|| {
            GpuError::NoAdapter(format!(
                "only software adapters were found ({}); they run these kernels far slower than \
                 the CPU backend, so they are used only when asked for explicitly",
                seen.join(", ")
            ))
        })
}

impl Gpu {
    /// Picks an adapter and opens a device on it, with the adapter's own limits (the defaults
    /// cap storage buffers at 128 MiB).
    pub(crate) fn open(policy: AdapterPolicy) -> Result<Gpu, GpuError> {
        let instance = instance();
        let adapter = pick_adapter(&instance, policy)?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let desc = wgpu::DeviceDescriptor {
            label: Some("comfy"),
            required_features: wgpu::Features::empty(),
            required_limits: limits.clone(),
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        };
        let (device, queue) = pollster::block_on(adapter.request_device(&desc))
            .map_err(|e| GpuError::RequestDevice(format!("{}: {e}", describe(&info))))?;
        let health = Arc::new(Health::default());
        // wgpu's default handler panics on an error; record it instead and return it from the
        // next operation.
        let h = health.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| h.set_error(e.to_string())));
        let h = health.clone();
        device.set_device_lost_callback(move |reason, msg| h.set_lost(format!("{reason:?}: {msg}")));
        Ok(Gpu {
            device,
            queue,
            info,
            limits,
            health,
        })
    }
}
