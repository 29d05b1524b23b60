//! Test helpers: closeness assertions and a finite-difference gradient check.
use crate::backend::Backend;
use crate::error::Result;
use crate::random::{rng_from_seed, uniform};
use crate::reference::ReferenceBackend;
use crate::tape::{Tape, Var};
use crate::tensor::Tensor;
use std::sync::Arc;

/// Largest `|a - b| / (atol + rtol |b|)` over two slices (≤ 1 means close); `inf` on a length
/// mismatch or a NaN.
pub fn closeness(actual: &[f32], expected: &[f32], atol: f32, rtol: f32) -> f32 {
    if actual.len() != expected.len() {
        return f32::INFINITY;
    }
    let mut worst = 0.0f32;
    for (&a, &b) in actual.iter().zip(expected) {
        let err = (a - b).abs() / (atol + rtol * b.abs());
        if err.is_nan() {
            return f32::INFINITY;
        }
        worst = worst.max(err);
    }
    worst
}

/// Panics with the first offending index unless `|a - b| ≤ atol + rtol |b|` everywhere.
#[track_caller]
pub fn assert_close(actual: &[f32], expected: &[f32], atol: f32, rtol: f32) {
    assert_eq!(actual.len(), expected.len(), "lengths differ");
    for (i, (&a, &b)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - b).abs() <= atol + rtol * b.abs(),
            "element {i}: {a} vs expected {b} (atol {atol}, rtol {rtol})"
        );
    }
}

/// What a gradient check found: the worst relative error and where.
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    /// Largest `|analytic - numeric| / max(1, |numeric|)` over all inputs and elements.
    pub max_error: f64,
    /// Input index and element of the worst error.
    pub worst: (usize, usize),
}

/// Compares the tape's gradients of `f` with central finite differences of step `h`.
///
/// `f` maps the inputs to any output; a non-scalar output is reduced to `Σ out ⊙ R` with a fixed
/// random `R`, so every element's gradient takes part. Runs on the reference backend, whose sums
/// accumulate in `f64`.
pub fn check_gradients<F>(inputs: &[Tensor], h: f32, f: F) -> Result<GradCheck>
where
    F: for<'t> Fn(&[Var<'t>]) -> Result<Var<'t>>,
{
    let backend: Arc<dyn Backend> = Arc::new(ReferenceBackend);
    let loss_of = |tape: &Tape, vars: &[Var<'_>]| -> Result<f64> {
        let loss = project(tape, f(vars)?)?;
        Ok(loss.item()? as f64)
    };
    let tape = Tape::new(backend.clone());
    let vars = inputs.iter().map(|t| tape.param(t)).collect::<Result<Vec<_>>>()?;
    let loss = project(&tape, f(&vars)?)?;
    let mut grads = tape.backward(loss)?;
    let mut report = GradCheck {
        max_error: 0.0,
        worst: (0, 0),
    };
    for (i, input) in inputs.iter().enumerate() {
        let analytic = match grads.take(vars[i]) {
            Some(g) => g.to_vec()?,
            None => vec![0.0; input.numel()],
        };
        for (e, &analytic_e) in analytic.iter().enumerate() {
            let numeric = {
                let mut plus = inputs.to_vec();
                let mut minus = inputs.to_vec();
                bump(&mut plus[i], e, h)?;
                bump(&mut minus[i], e, -h)?;
                let (tp, tm) = (Tape::new(backend.clone()), Tape::new(backend.clone()));
                let vp = plus.iter().map(|t| tp.constant(t)).collect::<Result<Vec<_>>>()?;
                let vm = minus.iter().map(|t| tm.constant(t)).collect::<Result<Vec<_>>>()?;
                (loss_of(&tp, &vp)? - loss_of(&tm, &vm)?) / (2.0 * h as f64)
            };
            let err = (analytic_e as f64 - numeric).abs() / numeric.abs().max(1.0);
            if err > report.max_error || err.is_nan() {
                report = GradCheck {
                    max_error: if err.is_nan() { f64::INFINITY } else { err },
                    worst: (i, e),
                };
            }
        }
    }
    Ok(report)
}

/// `Σ out ⊙ R` for a fixed random `R` (the output itself when it is one value).
fn project<'t>(tape: &'t Tape, out: Var<'t>) -> Result<Var<'t>> {
    if out.shape().numel() == 1 {
        return out.reshape([1]);
    }
    let weights = uniform(&mut rng_from_seed(0x5eed), out.shape().numel(), -1.0, 1.0);
    let r = tape.constant(&Tensor::from_vec(weights, out.shape())?)?;
    out.mul(r)?.sum()
}

fn bump(t: &mut Tensor, element: usize, by: f32) -> Result<()> {
    if let Some(v) = t.host_data_mut() {
        v[element] += by;
    }
    Ok(())
}
