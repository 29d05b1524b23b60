//! The conditional DCGAN trains on the WGSL backend as on the CPU backend: the same networks,
//! data and seeds give the same losses and weights, step by step, within float tolerance. On
//! lavapipe in CI (`COMFY_REQUIRE_GPU=1` makes a missing adapter a failure, not a skip).
use comfy_core::nn::{DcganConfig, Init};
use comfy_core::Backend;
use comfy_gpu::{CpuBackend, WgpuBackend};
use comfy_nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy_nodes::gan::GanStep;
use comfy_nodes::gan::{trainer, GanTrainConfig, GanTrainer};
use comfy_nodes::network::Network;
use comfy_nodes::train::{StepReport, TrainObserver};
use std::sync::Arc;

fn gpu() -> Option<Arc<dyn Backend>> {
    match WgpuBackend::new(true) {
        Ok(b) => Some(Arc::new(b)),
        Err(e) => {
            let required = std::env::var("COMFY_REQUIRE_GPU").is_ok_and(|v| v.trim() == "1");
            assert!(
                !required,
                "COMFY_REQUIRE_GPU=1 but the WGSL backend could not start: {e}"
            );
            eprintln!("skipped: no GPU adapter ({e})");
            None
        }
    }
}

/// Stops the run after `.0` steps.
struct Steps(usize, usize);

impl TrainObserver<GanStep> for Steps {
    fn on_step(&mut self, _: &StepReport) {
        self.1 += 1;
    }
    fn should_stop(&self) -> bool {
        self.1 >= self.0
    }
}

fn small_trainer(backend: Arc<dyn Backend>) -> GanTrainer {
    let cfg = DcganConfig {
        latent: 8,
        width: 4,
        classes: 10,
        ..DcganConfig::default()
    };
    let g = Network::new(cfg.generator().unwrap(), 3, Init::Dcgan).unwrap();
    let d = Network::new(cfg.discriminator().unwrap(), 4, Init::Dcgan).unwrap();
    let config = GanTrainConfig {
        epochs: 1,
        seed: 5,
        lr_g: 1e-3,
        lr_d: 1e-3,
        ..Default::default()
    };
    trainer(g, d, backend, config).unwrap()
}

#[test]
fn a_conditional_dcgan_trains_on_the_gpu_as_on_the_cpu() {
    let Some(gpu) = gpu() else { return };
    let data = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Test).unwrap());
    let config = LoaderConfig {
        batch_size: 16,
        shuffle: true,
        seed: 4,
        drop_last: true,
        scale: PixelScale::MinusOneToOne,
    };
    let loader = DataLoader::new(data, config).unwrap();
    let steps = 4;
    let mut on_gpu = small_trainer(gpu);
    let mut on_cpu = small_trainer(Arc::new(CpuBackend::new()));
    let _ = on_gpu.train(&loader, &mut Steps(steps, 0));
    let _ = on_cpu.train(&loader, &mut Steps(steps, 0));
    assert_eq!(on_gpu.history.len(), steps);
    assert_eq!(on_cpu.history.len(), steps);
    for (g, c) in on_gpu.history.records.iter().zip(&on_cpu.history.records) {
        for (a, b) in g.values.iter().zip(&c.values) {
            assert!(
                (a - b).abs() <= 1e-3 * (1.0 + b.abs()),
                "step {}: gpu {a}, cpu {b}",
                g.step
            );
        }
    }
    let (gg, gd) = on_gpu.model.networks_on_host().unwrap();
    let (cg, cd) = on_cpu.model.networks_on_host().unwrap();
    for (a, b) in [(&gg, &cg), (&gd, &cd)] {
        for ((name, x), (_, y)) in a.params.iter().zip(b.params.iter()) {
            let (x, y) = (x.to_vec().unwrap(), y.to_vec().unwrap());
            let worst = x.iter().zip(&y).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max);
            assert!(worst < 1e-3, "{name}: largest difference {worst}");
        }
    }
}
