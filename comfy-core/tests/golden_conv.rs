//! The reference backend against PyTorch's values (`golden/conv_golden.json`, made once by
//! `golden/make_conv_golden.py`; no Python needed here): f32 PyTorch against f64 sums, within
//! 1e-5 relative (of the largest value).
#[path = "golden/check.rs"]
mod check;

use comfy_core::ReferenceBackend;
use std::sync::Arc;

const TOL: f32 = 1e-5;

#[test]
fn convolutions_match_pytorch() {
    check::convolutions(Arc::new(ReferenceBackend), TOL);
}

#[test]
fn batch_norm_matches_pytorch() {
    check::batch_norm(Arc::new(ReferenceBackend), TOL);
}

#[test]
fn a_small_dcgan_matches_pytorch_from_its_state_dict() {
    check::dcgan(Arc::new(ReferenceBackend), TOL);
}
