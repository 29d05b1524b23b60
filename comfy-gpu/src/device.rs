//! Choosing a backend at run time.
//!
//! [`select`] does exactly what its argument says. [`select_from_env`] lets the `COMFY_DEVICE`
//! environment variable (`cpu`, `gpu` or `auto`) override the program's default, and then says
//! on stderr which backend it picked, so that a variable set somewhere never changes results
//! silently.
use crate::cpu::CpuBackend;
use crate::error::GpuError;
use crate::wgsl::WgpuBackend;
use crate::DEVICE_ENV;
use comfy_core::Backend;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Which backend to run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceChoice {
    /// A hardware GPU if there is one, else the CPU backend. Never a software adapter.
    Auto,
    /// The rayon CPU backend.
    Cpu,
    /// The WGSL backend on any adapter, software ones (lavapipe) included.
    Gpu,
}

impl FromStr for DeviceChoice {
    type Err = GpuError;

    /// `auto`, `cpu` or `gpu` (any case, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, GpuError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" => Ok(DeviceChoice::Cpu),
            "gpu" => Ok(DeviceChoice::Gpu),
            other => Err(GpuError::BadChoice(other.to_string())),
        }
    }
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeviceChoice::Auto => "auto",
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Gpu => "gpu",
        })
    }
}

impl DeviceChoice {
    /// The choice in `COMFY_DEVICE`, `None` when it is unset or empty, an error when it is
    /// something else than `auto`, `cpu` or `gpu`.
    pub fn from_env() -> Result<Option<Self>, GpuError> {
        match std::env::var(DEVICE_ENV) {
            Ok(v) if !v.trim().is_empty() => v.parse().map(Some),
            _ => Ok(None),
        }
    }
}

/// A WGSL backend; `allow_software` admits CPU-emulated adapters such as lavapipe, which run
/// these kernels far slower than the CPU backend. The best adapter is taken: discrete, then
/// integrated, then virtual GPUs, then software ones; `WGPU_BACKEND` (e.g. `vulkan`) limits
/// which APIs are tried.
pub fn gpu_backend(allow_software: bool) -> Result<Arc<dyn Backend>, GpuError> {
    Ok(Arc::new(WgpuBackend::new(allow_software)?))
}

/// The backend for `choice`; `Auto` falls back to the CPU when no hardware GPU is present or it
/// cannot be opened. Reads no environment variable (see [`select_from_env`]).
pub fn select(choice: DeviceChoice) -> Result<Arc<dyn Backend>, GpuError> {
    match choice {
        DeviceChoice::Cpu => Ok(Arc::new(CpuBackend::new())),
        DeviceChoice::Gpu => gpu_backend(true),
        DeviceChoice::Auto => Ok(gpu_backend(false).unwrap_or_else(|_| Arc::new(CpuBackend::new()))),
    }
}

/// Like [`select`], but `COMFY_DEVICE=cpu|gpu|auto` overrides `default`. When the variable
/// decides, one line on stderr names the backend picked (`comfy: COMFY_DEVICE=gpu → wgpu on …`).
/// An unknown value is an error rather than a silent fallback.
pub fn select_from_env(default: DeviceChoice) -> Result<Arc<dyn Backend>, GpuError> {
    let Some(choice) = DeviceChoice::from_env()? else {
        return select(default);
    };
    let (backend, what) = match choice {
        DeviceChoice::Cpu => (select(DeviceChoice::Cpu)?, "the CPU backend".to_string()),
        DeviceChoice::Gpu | DeviceChoice::Auto => {
            let allow_software = choice == DeviceChoice::Gpu;
            match WgpuBackend::new(allow_software) {
                Ok(b) => {
                    let what = format!("wgpu on {}", b.adapter_name());
                    (Arc::new(b) as Arc<dyn Backend>, what)
                }
                Err(e) if choice == DeviceChoice::Auto => {
                    (select(DeviceChoice::Cpu)?, format!("the CPU backend ({e})"))
                }
                Err(e) => return Err(e),
            }
        }
    };
    eprintln!("comfy: {DEVICE_ENV}={choice} → {what}");
    Ok(backend)
}

/// The adapters wgpu can see that run compute shaders, best first, each with whether it is
/// hardware (`false`: a software rasteriser, which `Auto` never picks).
pub fn gpu_adapters() -> Vec<(String, bool)> {
    crate::wgsl::context::describe_adapters()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_parse_and_print() {
        for c in [DeviceChoice::Auto, DeviceChoice::Cpu, DeviceChoice::Gpu] {
            assert_eq!(c.to_string().parse::<DeviceChoice>().ok(), Some(c));
        }
        assert_eq!(" GPU ".parse::<DeviceChoice>().ok(), Some(DeviceChoice::Gpu));
        let e = "cuda".parse::<DeviceChoice>().err().map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("cuda") && m.contains("auto, cpu or gpu")));
    }

    #[test]
    fn cpu_choice_is_the_cpu_backend() {
        assert_eq!(
            select(DeviceChoice::Cpu).map(|b| b.name()).ok(),
            Some("cpu".to_string())
        );
    }
}
