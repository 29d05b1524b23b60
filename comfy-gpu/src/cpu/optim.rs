//! The optimizer updates, in place, with PyTorch's formulas written exactly as the reference
//! backend writes them (so the results are bit-identical to it).
use super::par::{Work, CHUNK};
use comfy_core::{AdamStep, SgdStep};
use rayon::prelude::*;

/// One Adam update of `p`, `m` and `v` (all of `g`'s length).
pub fn adam(p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], h: &AdamStep) {
    let bc1 = 1.0 - h.beta1.powi(h.step as i32);
    let bc2 = 1.0 - h.beta2.powi(h.step as i32);
    // Loop invariants of the reference's expression, computed once (same values).
    let (step_size, bc2_sqrt) = (h.lr / bc1, bc2.sqrt());
    let one = |p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]| {
        for i in 0..p.len().min(g.len()).min(m.len()).min(v.len()) {
            let gi = g[i] + h.weight_decay * p[i];
            m[i] = h.beta1 * m[i] + (1.0 - h.beta1) * gi;
            v[i] = h.beta2 * v[i] + (1.0 - h.beta2) * gi * gi;
            // PyTorch: p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
            p[i] -= step_size * m[i] / (v[i].sqrt() / bc2_sqrt + h.eps);
        }
    };
    if p.len() < Work::Light.par_min() {
        one(p, g, m, v);
    } else {
        p.par_chunks_mut(CHUNK)
            .zip(g.par_chunks(CHUNK))
            .zip(m.par_chunks_mut(CHUNK))
            .zip(v.par_chunks_mut(CHUNK))
            .for_each(|(((p, g), m), v)| one(p, g, m, v));
    }
}

/// One SGD update of `p` and its velocity `buf` (both of `g`'s length).
pub fn sgd(p: &mut [f32], g: &[f32], buf: &mut [f32], h: &SgdStep) {
    let one = |p: &mut [f32], g: &[f32], buf: &mut [f32]| {
        for i in 0..p.len().min(g.len()).min(buf.len()) {
            let mut gi = g[i] + h.weight_decay * p[i];
            if h.momentum != 0.0 {
                buf[i] = if h.first { gi } else { h.momentum * buf[i] + gi };
                gi = if h.nesterov { gi + h.momentum * buf[i] } else { buf[i] };
            }
            p[i] -= h.lr * gi;
        }
    };
    if p.len() < Work::Light.par_min() {
        one(p, g, buf);
    } else {
        p.par_chunks_mut(CHUNK)
            .zip(g.par_chunks(CHUNK))
            .zip(buf.par_chunks_mut(CHUNK))
            .for_each(|((p, g), buf)| one(p, g, buf));
    }
}
