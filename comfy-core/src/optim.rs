//! Optimizers that follow PyTorch's update rules; the arithmetic runs on the backend.
use crate::backend::{AdamStep, Backend, SgdStep};
use crate::error::{Error, Result};
use crate::params::{NamedGrads, ParamStore};
use crate::tensor::Tensor;
use std::collections::HashMap;

/// Updates parameters from their gradients.
pub trait Optimizer {
    /// Applies one update to every parameter in `grads`.
    fn step(&mut self, backend: &dyn Backend, params: &mut ParamStore, grads: &NamedGrads) -> Result<()>;
}

/// Stochastic gradient descent with optional momentum, Nesterov and weight decay.
#[derive(Clone, Debug)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f32,
    /// Momentum factor.
    pub momentum: f32,
    /// L2 penalty.
    pub weight_decay: f32,
    /// Nesterov momentum.
    pub nesterov: bool,
    velocity: HashMap<String, Tensor>,
}

impl Sgd {
    /// Plain SGD with a learning rate and momentum.
    pub fn new(lr: f32, momentum: f32) -> Self {
        Sgd {
            lr,
            momentum,
            weight_decay: 0.0,
            nesterov: false,
            velocity: HashMap::new(),
        }
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, backend: &dyn Backend, params: &mut ParamStore, grads: &NamedGrads) -> Result<()> {
        for (name, g) in grads {
            let p = params.get_mut(name)?;
            let first = !self.velocity.contains_key(name);
            let vel = match self.velocity.get_mut(name) {
                Some(v) => v,
                None => self.velocity.entry(name.clone()).or_insert(backend.zeros(p.shape())?),
            };
            let h = SgdStep {
                lr: self.lr,
                momentum: self.momentum,
                weight_decay: self.weight_decay,
                nesterov: self.nesterov,
                first,
            };
            backend.sgd_step(p, g, vel, &h)?;
        }
        Ok(())
    }
}

/// Adam, as `torch.optim.Adam` (L2 weight decay added to the gradient, not decoupled).
#[derive(Clone, Debug)]
pub struct Adam {
    /// Learning rate.
    pub lr: f32,
    /// First-moment decay.
    pub beta1: f32,
    /// Second-moment decay.
    pub beta2: f32,
    /// Denominator term.
    pub eps: f32,
    /// L2 penalty.
    pub weight_decay: f32,
    state: HashMap<String, AdamState>,
}

/// Adam's per-parameter state: the moments and the number of steps taken.
#[derive(Clone, Debug)]
pub struct AdamState {
    /// First moment.
    pub m: Tensor,
    /// Second moment.
    pub v: Tensor,
    /// Steps applied so far.
    pub step: u32,
}

impl Adam {
    /// Adam with PyTorch's defaults for ε (1e-8) and no weight decay.
    pub fn new(lr: f32, beta1: f32, beta2: f32) -> Self {
        Adam {
            lr,
            beta1,
            beta2,
            eps: 1e-8,
            weight_decay: 0.0,
            state: HashMap::new(),
        }
    }

    /// The state of the parameter `name`, if it has been updated.
    pub fn state(&self, name: &str) -> Option<&AdamState> {
        self.state.get(name)
    }

    /// Replaces the state of `name` (to resume from a checkpoint).
    pub fn set_state(&mut self, name: impl Into<String>, state: AdamState) {
        self.state.insert(name.into(), state);
    }

    /// Forgets every parameter's state (the next step starts each afresh).
    pub fn clear_state(&mut self) {
        self.state.clear();
    }

    /// Names with state, sorted.
    pub fn state_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.state.keys().cloned().collect();
        names.sort();
        names
    }
}

impl Optimizer for Adam {
    fn step(&mut self, backend: &dyn Backend, params: &mut ParamStore, grads: &NamedGrads) -> Result<()> {
        for (name, g) in grads {
            let p = params.get_mut(name)?;
            if g.numel() != p.numel() {
                return Err(Error::ShapeMismatch {
                    op: "adam",
                    lhs: p.shape().clone(),
                    rhs: g.shape().clone(),
                });
            }
            let st = match self.state.get_mut(name) {
                Some(s) => s,
                None => {
                    let fresh = AdamState {
                        m: backend.zeros(p.shape())?,
                        v: backend.zeros(p.shape())?,
                        step: 0,
                    };
                    self.state.entry(name.clone()).or_insert(fresh)
                }
            };
            st.step += 1;
            let h = AdamStep {
                lr: self.lr,
                beta1: self.beta1,
                beta2: self.beta2,
                eps: self.eps,
                weight_decay: self.weight_decay,
                step: st.step,
            };
            backend.adam_step(p, g, &mut st.m, &mut st.v, &h)?;
        }
        Ok(())
    }
}
