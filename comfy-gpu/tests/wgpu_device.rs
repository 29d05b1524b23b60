//! Device selection, error paths, and the backend's identity.
mod wgpu_common;

use comfy_core::{Backend, DeviceStorage, Storage, Tensor};
use comfy_gpu::{gpu_adapters, select, select_from_env, DeviceChoice, GpuError, DEVICE_ENV};
use std::any::Any;
use std::sync::Arc;
use wgpu_common::{gpu, host};

#[test]
fn auto_never_picks_a_software_adapter() {
    let hardware = gpu_adapters().iter().any(|(_, hw)| *hw);
    let auto = select(DeviceChoice::Auto).expect("auto always gives a backend");
    // lavapipe alone (CI) must give the CPU backend; a real GPU gives wgpu.
    assert_eq!(auto.name() == "wgpu", hardware, "adapters: {:?}", gpu_adapters());
}

#[test]
fn gpu_choice_opens_any_adapter_and_names_it() {
    let Some(g) = gpu() else { return };
    assert_eq!(g.name(), "wgpu");
    let listed = gpu_adapters();
    assert!(!listed.is_empty());
    assert!(
        listed.iter().any(|(name, _)| *name == g.adapter_name()),
        "{} among {listed:?}",
        g.adapter_name()
    );
    assert_eq!(
        g.is_hardware(),
        listed.iter().any(|(n, hw)| *hw && *n == g.adapter_name())
    );
}

/// All of `COMFY_DEVICE`'s cases in one test: the variable is process-wide.
#[test]
fn comfy_device_overrides_the_default() {
    std::env::set_var(DEVICE_ENV, "cpu");
    assert_eq!(
        select_from_env(DeviceChoice::Gpu).map(|b| b.name()).ok(),
        Some("cpu".into())
    );
    std::env::set_var(DEVICE_ENV, "quantum");
    assert!(matches!(
        select_from_env(DeviceChoice::Cpu),
        Err(GpuError::BadChoice(_))
    ));
    std::env::set_var(DEVICE_ENV, "auto");
    let hardware = gpu_adapters().iter().any(|(_, hw)| *hw);
    assert_eq!(
        select_from_env(DeviceChoice::Cpu).map(|b| b.name() == "wgpu").ok(),
        Some(hardware)
    );
    std::env::set_var(DEVICE_ENV, "gpu");
    let gpu_pick = select_from_env(DeviceChoice::Cpu);
    assert_eq!(gpu_pick.is_ok(), !gpu_adapters().is_empty());
    std::env::remove_var(DEVICE_ENV);
    assert_eq!(
        select_from_env(DeviceChoice::Cpu).map(|b| b.name()).ok(),
        Some("cpu".into())
    );
}

#[derive(Debug)]
struct Foreign;

impl DeviceStorage for Foreign {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn backend_name(&self) -> &str {
        "elsewhere"
    }
}

#[test]
fn a_tensor_of_another_backend_is_an_error_naming_it() {
    let Some(g) = gpu() else { return };
    let t = Tensor::from_storage(Storage::Device(Arc::new(Foreign)), [2].into());
    let msg = g.unary(comfy_core::UnaryOp::Neg, &t).err().map(|e| e.to_string());
    assert!(msg.is_some_and(|m| m.contains("elsewhere")));
}

#[test]
fn upload_and_read_back_round_trip() {
    let Some(g) = gpu() else { return };
    let values: Vec<f32> = (0..37).map(|i| i as f32 * 0.5 - 3.0).collect();
    let t = g
        .upload(&Tensor::from_vec(values.clone(), [37]).expect("tensor"))
        .expect("upload");
    assert!(t.host_data().is_none(), "uploaded tensors live on the device");
    assert_eq!(host(g, &t), values);
    // Host tensors read back as they are; empty ones too.
    assert_eq!(g.to_host(&Tensor::full([2], 3.0)).expect("host"), vec![3.0, 3.0]);
    let empty = g.upload(&Tensor::zeros([0, 4])).expect("upload");
    assert_eq!(host(g, &empty), Vec::<f32>::new());
    g.synchronize().expect("synchronize");
}

#[test]
fn a_lost_device_gives_errors_not_panics() {
    // A device of its own, since it is destroyed.
    let Some(g) = wgpu_common::fresh_gpu() else { return };
    let x = g.upload(&Tensor::full([4], 1.0)).expect("upload");
    g.destroy_device();
    let results = [
        g.unary(comfy_core::UnaryOp::Neg, &x).err(),
        g.to_host(&x).err(),
        g.synchronize().err(),
        g.zeros(&[3].into()).and_then(|z| g.to_host(&z)).err(),
    ];
    for (i, r) in results.iter().enumerate() {
        let msg = r.as_ref().map(|e| e.to_string());
        assert!(
            msg.as_ref().is_some_and(|m| m.contains("lost")),
            "operation {i}: {msg:?}"
        );
    }
}
