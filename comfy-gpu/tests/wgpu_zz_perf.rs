mod wgpu_common;
use comfy_core::Backend;
use std::time::Instant;
use wgpu_common::{gpu, random};

#[test]
#[ignore]
fn perf() {
    let Some(g) = gpu() else { return };
    eprintln!("{}", g.adapter_name());
    for &(m, k, n) in &[(128usize, 128usize, 128usize), (256, 256, 256), (512, 512, 512), (64, 784, 512), (64, 1024, 784)] {
        for (ta, tb) in [(false, false), (false, true), (true, false)] {
            let a_shape = if ta { [k, m] } else { [m, k] };
            let b_shape = if tb { [n, k] } else { [k, n] };
            let a = g.upload(&random(&a_shape, 1, -1.0, 1.0)).unwrap();
            let b = g.upload(&random(&b_shape, 2, -1.0, 1.0)).unwrap();
            let _ = g.matmul(&a, &b, ta, tb).unwrap();
            g.synchronize().unwrap();
            let reps = if m * n * k > 50_000_000 { 2 } else { 5 };
            let t = Instant::now();
            for _ in 0..reps {
                let _ = g.matmul(&a, &b, ta, tb).unwrap();
            }
            g.synchronize().unwrap();
            let s = t.elapsed().as_secs_f64() / reps as f64;
            eprintln!("{m}x{k}x{n} ta={ta} tb={tb}: {:.3} ms, {:.2} GFLOP/s", s * 1e3, 2.0 * (m * n * k) as f64 / s / 1e9);
        }
    }
}
