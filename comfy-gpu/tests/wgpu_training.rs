//! Whole training steps (forward, backward through the tape, optimizer update) on the WGSL
//! backend give the same losses and parameters as the reference backend from the same seed,
//! and run without host round-trips: one read-back per step (the loss) and no new buffers
//! once the pool is warm.
//!
//! Tolerance: atol 1e-4, rtol 1e-3 on losses and parameters after a few Adam steps (f32
//! kernels against f64 sums; Adam's normalised step passes small gradient differences on).
mod wgpu_common;

use comfy_core::random::rng_from_seed;
use comfy_core::{Activation, Adam, Backend, Init, Mlp, Optimizer, ParamStore, Result, Sgd, Tape, Tensor, Var};
use std::sync::Arc;
use wgpu_common::{check, fresh_gpu, gpu, random};

/// A batch of inputs and their labels for step `step`: 1 where the first two features sum
/// to more than 0 (learnable, so the loss falls).
fn batch(step: u64, rows: usize, cols: usize) -> (Tensor, Tensor) {
    let x = random(&[rows, cols], 1000 + step, -1.0, 1.0);
    let v = x.to_vec().expect("host");
    let labels = (0..rows)
        .map(|r| f32::from(u8::from(v[r * cols] + v[r * cols + 1] > 0.0)))
        .collect();
    (x, Tensor::from_vec(labels, [rows, 1]).expect("labels"))
}

/// One classifier step: mean BCE of the MLP's logits, backward, optimizer update. Returns the loss.
fn classifier_step(
    be: &Arc<dyn Backend>,
    mlp: &Mlp,
    params: &mut ParamStore,
    opt: &mut dyn Optimizer,
    step: u64,
) -> Result<f32> {
    let (x, t) = batch(step, 16, mlp.input_size());
    let (loss, grads) = {
        let tape = Tape::new(be.clone());
        let bound = params.bind(&tape, true)?;
        let logits = mlp.forward(&bound, tape.constant(&x)?)?;
        let loss = logits.bce_with_logits(tape.constant(&t)?)?;
        let mut grads = tape.backward(loss)?;
        (loss.item()?, bound.grads(&mut grads))
    };
    // The tape is gone: the parameters are no longer shared and are updated in place.
    opt.step(be.as_ref(), params, &grads)?;
    Ok(loss)
}

/// Trains from seed 7 on `be` and returns the losses and the final parameters on the host.
fn train(be: Arc<dyn Backend>, mlp: &Mlp, opt: &mut dyn Optimizer, steps: u64) -> (Vec<f32>, ParamStore) {
    let mut params = mlp.init(&mut rng_from_seed(7), Init::PyTorch).expect("init");
    params.upload(be.as_ref()).expect("upload");
    let losses = (0..steps)
        .map(|s| classifier_step(&be, mlp, &mut params, opt, s).expect("step"))
        .collect();
    (losses, params.to_host(be.as_ref()).expect("to host"))
}

fn compare(what: &str, (l_gpu, p_gpu): &(Vec<f32>, ParamStore), (l_ref, p_ref): &(Vec<f32>, ParamStore)) {
    check(&format!("{what} losses"), l_gpu, l_ref, 1e-4, 1e-3);
    for ((name, got), (_, want)) in p_gpu.iter().zip(p_ref.iter()) {
        let (got, want) = (got.to_vec().expect("host"), want.to_vec().expect("host"));
        check(&format!("{what} parameter {name}"), &got, &want, 1e-4, 1e-3);
    }
}

#[test]
fn mlp_with_adam_trains_like_the_reference() {
    let Some(g) = gpu() else { return };
    let mlp = Mlp::new(vec![12, 33, 16, 1], Activation::LeakyRelu(0.2), Activation::Identity).expect("mlp");
    let on_gpu = train(Arc::new(g.clone()), &mlp, &mut Adam::new(1e-2, 0.5, 0.999), 5);
    let on_ref = train(
        Arc::new(comfy_core::ReferenceBackend),
        &mlp,
        &mut Adam::new(1e-2, 0.5, 0.999),
        5,
    );
    compare("adam", &on_gpu, &on_ref);
    assert!(on_gpu.0[4] < on_gpu.0[0], "the loss went down: {:?}", on_gpu.0);
}

#[test]
fn mlp_with_sgd_momentum_trains_like_the_reference() {
    let Some(g) = gpu() else { return };
    let mlp = Mlp::new(vec![5, 9, 1], Activation::Tanh, Activation::Identity).expect("mlp");
    let on_gpu = train(Arc::new(g.clone()), &mlp, &mut Sgd::new(0.1, 0.9), 4);
    let on_ref = train(Arc::new(comfy_core::ReferenceBackend), &mlp, &mut Sgd::new(0.1, 0.9), 4);
    compare("sgd", &on_gpu, &on_ref);
}

/// A discriminator step as a GAN takes it: real and fake rows concatenated, scored, and the
/// BCE against 1s then 0s, plus a term on the real rows' sigmoid; exercises concat, slice (and
/// their backward: slice and concat of zeros) and the sigmoid derivative. Returns the loss.
fn discriminator_step(
    be: &Arc<dyn Backend>,
    mlp: &Mlp,
    params: &mut ParamStore,
    adam: &mut Adam,
    step: u64,
) -> Result<f32> {
    let (loss, grads) = {
        let tape = Tape::new(be.clone());
        let bound = params.bind(&tape, true)?;
        let real = tape.constant(&random(&[6, 10], 3000 + step, -1.0, 1.0))?;
        let fake = tape.constant(&random(&[6, 10], 4000 + step, -1.0, 1.0))?.tanh()?;
        let logits = mlp.forward(&bound, Var::concat_rows(&[real, fake])?)?;
        let target = tape.constant(&Tensor::from_vec([vec![1.0; 6], vec![0.0; 6]].concat(), [12, 1])?)?;
        let real_score = logits.slice_rows(0, 6)?.sigmoid()?.mean()?;
        let loss = logits.bce_with_logits(target)?.add(real_score.mul_scalar(0.1)?)?;
        let mut grads = tape.backward(loss)?;
        (loss.item()?, bound.grads(&mut grads))
    };
    adam.step(be.as_ref(), params, &grads)?;
    Ok(loss)
}

#[test]
fn gan_style_discriminator_steps_match_the_reference() {
    let Some(g) = gpu() else { return };
    let mlp = Mlp::new(vec![10, 16, 1], Activation::LeakyRelu(0.2), Activation::Identity).expect("mlp");
    let run = |be: Arc<dyn Backend>| -> (Vec<f32>, ParamStore) {
        let mut params = mlp.init(&mut rng_from_seed(9), Init::PyTorch).expect("init");
        params.upload(be.as_ref()).expect("upload");
        let mut adam = Adam::new(2e-3, 0.5, 0.999);
        let losses = (0..3)
            .map(|s| discriminator_step(&be, &mlp, &mut params, &mut adam, s).expect("step"))
            .collect();
        (losses, params.to_host(be.as_ref()).expect("host"))
    };
    let on_gpu = run(Arc::new(g.clone()));
    let on_ref = run(Arc::new(comfy_core::ReferenceBackend));
    compare("discriminator", &on_gpu, &on_ref);
}

#[test]
fn a_training_step_stays_on_the_device() {
    // A device of its own: the counters must not see the other tests' work.
    let Some(g) = fresh_gpu() else { return };
    let be: Arc<dyn Backend> = Arc::new(g.clone());
    let mlp = Mlp::new(vec![12, 33, 16, 1], Activation::LeakyRelu(0.2), Activation::Identity).expect("mlp");
    let mut params = mlp.init(&mut rng_from_seed(7), Init::PyTorch).expect("init");
    params.upload(be.as_ref()).expect("upload");
    let mut adam = Adam::new(1e-2, 0.5, 0.999);
    // Warm up: pipelines compiled, pool filled.
    for s in 0..3 {
        classifier_step(&be, &mlp, &mut params, &mut adam, s).expect("step");
    }
    let before = g.stats();
    let steps = 4;
    for s in 0..steps {
        classifier_step(&be, &mlp, &mut params, &mut adam, 10 + s).expect("step");
    }
    let after = g.stats();
    assert_eq!(
        after.readbacks - before.readbacks,
        steps,
        "one read-back (the loss) per step"
    );
    assert!(
        after.submits - before.submits <= 2 * steps,
        "few submissions per step: {before:?} → {after:?}"
    );
    assert_eq!(
        after.pool.created, before.pool.created,
        "no new buffers once warm: {before:?} → {after:?}"
    );
    assert!(
        after.dispatches - before.dispatches >= 20 * steps,
        "the work ran as kernels"
    );
    assert_eq!(after.pipelines, before.pipelines, "pipelines compiled once");
}
