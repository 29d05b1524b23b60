//! Comfy: build, train and run image-generation models as node graphs.
//!
//! This facade re-exports the three workspace crates so that one dependency is enough:
//! [`core`] (tensors, autodiff, graphs), [`gpu`] (fast backends) and [`nodes`] (the built-in
//! node pack).
pub use comfy_core as core;
pub use comfy_gpu as gpu;
pub use comfy_nodes as nodes;
