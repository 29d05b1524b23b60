//! The custom-node example, tested: the gradient of its total variation matches finite
//! differences, and its node, registered beside the built-ins, denoises digits in a graph.
#[allow(dead_code)]
#[path = "../examples/custom_node.rs"]
mod example;

use comfy::core::testing::check_gradients;
use comfy::core::{Executor, RunStatus, Tape, Tensor};
use comfy::gpu::CpuBackend;
use std::sync::Arc;

#[test]
fn total_variation_gradient_matches_finite_differences() {
    let report = example::tv_gradient_check().unwrap();
    assert!(report.max_error < 1e-2, "{report:?}");
    // Wider images and a smoother ε: the same check, another shape.
    let values: Vec<f32> = (0..3 * 20).map(|i| ((i * 37) % 19) as f32 / 9.5 - 1.0).collect();
    let images = Tensor::from_vec(values, [3, 20]).unwrap();
    let report = check_gradients(&[images], 1e-2, |v| example::total_variation(v[0], 4, 5, 0.5)).unwrap();
    assert!(report.max_error < 1e-2, "{report:?}");
}

/// A 2×3 image with one step of height 1 between its columns 0 and 1: two horizontal pairs
/// differ by 1, the rest by 0, so TV = 2·(√(1 + ε²) − ε) / 6 pixels.
#[test]
fn total_variation_of_a_step_edge() {
    let tape = Tape::new(Arc::new(comfy::core::ReferenceBackend));
    let x = tape
        .constant(&Tensor::from_vec(vec![0., 1., 1., 0., 1., 1.], [1, 6]).unwrap())
        .unwrap();
    let eps = 0.01f32;
    let tv = example::total_variation(x, 2, 3, eps).unwrap().item().unwrap();
    let expected = 2.0 * ((1.0 + eps * eps).sqrt() - eps) / 6.0;
    assert!((tv - expected).abs() < 1e-6, "{tv} vs {expected}");
    assert!(example::total_variation(x, 3, 3, eps).is_err(), "6 values are not 3×3");
}

#[test]
fn the_user_node_denoises_digits_between_built_in_nodes() {
    let out = std::env::temp_dir().join(format!("comfy-custom-example-{}", std::process::id()));
    let (graph, nodes) = example::denoise_graph(&out, 60, 0.5).unwrap();
    let report = Executor::new(Arc::new(CpuBackend::new()))
        .run(&example::registry(), &graph, &mut ())
        .unwrap();
    assert_eq!(report.status(), RunStatus::Completed);
    let tensor = |id, i| report.output(id, i).unwrap().as_tensor().unwrap();
    let clean = tensor(&nodes.clean, 0);
    let noisy = example::mse(tensor(&nodes.denoise, 0), clean).unwrap();
    let denoised = example::mse(tensor(&nodes.denoise, 1), clean).unwrap();
    assert!(
        (noisy - 0.25).abs() < 0.02,
        "noise of std 0.5 gives an MSE near 0.25, got {noisy}"
    );
    assert!(denoised < noisy / 3.0, "denoised {denoised} vs noisy {noisy}");
    for name in ["clean", "noisy", "denoised"] {
        assert!(out.join(format!("{name}.png")).is_file(), "{name}.png");
    }
    let _ = std::fs::remove_dir_all(out);
}
