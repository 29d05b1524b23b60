//! Whole training steps through the tape on the CPU backend: the same losses and parameters as
//! the reference backend within tolerance, and bit-identical results from run to run and from
//! one thread count to another.
//!
//! Tolerance: the only difference from the reference is the matmul's `f32` accumulation
//! (relative error ~1e-6 per product), which a few Adam steps carry into the parameters at a
//! scale of `lr`; losses and parameters are compared with `atol = 1e-4, rtol = 1e-3`.
use comfy_core::random::{rng_from_seed, standard_normal, uniform};
use comfy_core::testing::assert_close;
use comfy_core::{Activation, Adam, Backend, Init, Mlp, Optimizer, ParamStore, ReferenceBackend, Tape, Tensor};
use comfy_gpu::cpu::CpuBackend;
use std::sync::Arc;

/// A small MLP fitted to a fixed regression target with Adam; returns the losses and the final
/// parameters read back to the host.
fn train_mlp(backend: Arc<dyn Backend>, steps: usize) -> (Vec<f32>, ParamStore) {
    let mlp = Mlp::new(vec![13, 33, 7, 3], Activation::Tanh, Activation::Identity).unwrap();
    let mut params = mlp.init(&mut rng_from_seed(5), Init::PyTorch).unwrap();
    params.upload(backend.as_ref()).unwrap();
    let x = Tensor::from_vec(uniform(&mut rng_from_seed(6), 40 * 13, -1.0, 1.0), [40, 13]).unwrap();
    let y = Tensor::from_vec(uniform(&mut rng_from_seed(7), 40 * 3, -1.0, 1.0), [40, 3]).unwrap();
    let mut opt = Adam::new(1e-2, 0.9, 0.999);
    let mut losses = Vec::new();
    for _ in 0..steps {
        let tape = Tape::new(backend.clone());
        let bound = params.bind(&tape, true).unwrap();
        let out = mlp.forward(&bound, tape.constant(&x).unwrap()).unwrap();
        let loss = out.mse(tape.constant(&y).unwrap()).unwrap();
        losses.push(loss.item().unwrap());
        let mut grads = tape.backward(loss).unwrap();
        let named = bound.grads(&mut grads);
        drop(tape);
        opt.step(backend.as_ref(), &mut params, &named).unwrap();
    }
    (losses, params.to_host(backend.as_ref()).unwrap())
}

#[test]
fn mlp_with_adam_follows_the_reference() {
    let (cpu_losses, cpu_params) = train_mlp(Arc::new(CpuBackend::new()), 8);
    let (ref_losses, ref_params) = train_mlp(Arc::new(ReferenceBackend), 8);
    assert_close(&cpu_losses, &ref_losses, 1e-4, 1e-3);
    assert!(
        cpu_losses.last() < cpu_losses.first(),
        "loss did not fall: {cpu_losses:?}"
    );
    for ((name, c), (_, r)) in cpu_params.iter().zip(ref_params.iter()) {
        let (c, r) = (c.to_vec().unwrap(), r.to_vec().unwrap());
        assert!(
            comfy_core::testing::closeness(&c, &r, 1e-4, 1e-3) <= 1.0,
            "parameter {name} drifted"
        );
    }
}

/// One MLP-GAN step as the benches run it (smaller widths): a D update on real and fake, then a
/// G update through D bound as constants; returns both losses and every parameter's bits.
fn gan_steps(steps: usize) -> Vec<u32> {
    let be: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let g = Mlp::new(vec![16, 64, 300], Activation::LeakyRelu(0.2), Activation::Tanh).unwrap();
    let d = Mlp::new(vec![300, 64, 1], Activation::LeakyRelu(0.2), Activation::Identity).unwrap();
    let mut rng = rng_from_seed(11);
    let (mut gp, mut dp) = (
        g.init(&mut rng, Init::PyTorch).unwrap(),
        d.init(&mut rng, Init::PyTorch).unwrap(),
    );
    let (mut go, mut dopt) = (Adam::new(2e-4, 0.5, 0.999), Adam::new(2e-4, 0.5, 0.999));
    let batch = 128;
    let real = Tensor::from_vec(uniform(&mut rng, batch * 300, -1.0, 1.0), [batch, 300]).unwrap();
    let (ones, zeros) = (Tensor::full([batch, 1], 1.0), Tensor::zeros([batch, 1]));
    let mut out = Vec::new();
    for _ in 0..steps {
        let z = Tensor::from_vec(standard_normal(&mut rng, batch * 16), [batch, 16]).unwrap();
        // D update: the fake batch enters as a constant.
        let tape = Tape::new(be.clone());
        let gb = gp.bind(&tape, false).unwrap();
        let fake = g.forward(&gb, tape.constant(&z).unwrap()).unwrap();
        let db = dp.bind(&tape, true).unwrap();
        let lr = d.forward(&db, tape.constant(&real).unwrap()).unwrap();
        let lf = d.forward(&db, fake.detach()).unwrap();
        let l_real = lr.bce_with_logits(tape.constant(&ones).unwrap()).unwrap();
        let loss_d = l_real
            .add(lf.bce_with_logits(tape.constant(&zeros).unwrap()).unwrap())
            .unwrap();
        out.push(loss_d.item().unwrap().to_bits());
        let named = db.grads(&mut tape.backward(loss_d).unwrap());
        drop(tape);
        dopt.step(be.as_ref(), &mut dp, &named).unwrap();
        // G update: D bound as constants.
        let tape = Tape::new(be.clone());
        let gb = gp.bind(&tape, true).unwrap();
        let fake = g.forward(&gb, tape.constant(&z).unwrap()).unwrap();
        let db = dp.bind(&tape, false).unwrap();
        let loss_g = d
            .forward(&db, fake)
            .unwrap()
            .bce_with_logits(tape.constant(&ones).unwrap())
            .unwrap();
        out.push(loss_g.item().unwrap().to_bits());
        let named = gb.grads(&mut tape.backward(loss_g).unwrap());
        drop(tape);
        go.step(be.as_ref(), &mut gp, &named).unwrap();
    }
    for (_, t) in gp.iter().chain(dp.iter()) {
        out.extend(t.to_vec().unwrap().iter().map(|v| v.to_bits()));
    }
    out
}

#[test]
fn same_seed_same_training_run_bit_for_bit() {
    let first = gan_steps(3);
    assert_eq!(first, gan_steps(3), "two runs differ");
    // One thread instead of the pool: every sum keeps its order.
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    assert_eq!(first, one.install(|| gan_steps(3)), "one thread differs from the pool");
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    assert_eq!(
        first,
        three.install(|| gan_steps(3)),
        "three threads differ from the pool"
    );
}

#[test]
fn large_matmul_is_deterministic_across_thread_counts() {
    let cpu = CpuBackend::new();
    let a = Tensor::from_vec(uniform(&mut rng_from_seed(1), 300 * 700, -1.0, 1.0), [300, 700]).unwrap();
    let b = Tensor::from_vec(uniform(&mut rng_from_seed(2), 900 * 700, -1.0, 1.0), [900, 700]).unwrap();
    let run = || -> Vec<u32> {
        let c = cpu.matmul(&a, &b, false, true).unwrap().to_vec().unwrap();
        c.iter().map(|v| v.to_bits()).collect()
    };
    let first = run();
    for threads in [1, 2, 5] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        assert!(pool.install(run) == first, "{threads} threads differ");
    }
    assert!(run() == first, "a second run differs");
}
