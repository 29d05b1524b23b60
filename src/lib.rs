//! Comfy: build, train and run image-generation models as node graphs.
//!
//! This facade re-exports the workspace crates so that one dependency is enough: [`core`]
//! (tensors, autodiff, graphs, the node traits), [`gpu`] (fast backends and device selection)
//! and [`nodes`] (the built-in node pack). It also holds what the programs share: the
//! ready-made [`pipelines`], the command line ([`cli`]) and the [`console`] progress display.
#![warn(missing_docs)]

pub use comfy_core as core;
pub use comfy_gpu as gpu;
pub use comfy_nodes as nodes;

pub mod cli;
pub mod console;
pub mod pipelines;
