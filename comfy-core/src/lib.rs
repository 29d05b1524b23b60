//! # comfy-core
//!
//! The numerical heart of Comfy: [`Tensor`]s whose storage lives wherever a [`Backend`] keeps
//! it, a reverse-mode autodiff [`Tape`], PyTorch-compatible optimizers, and a small [`Mlp`]
//! builder.
//!
//! ```
//! use comfy_core::{ReferenceBackend, Tape, Tensor};
//! use std::sync::Arc;
//!
//! # fn main() -> comfy_core::Result<()> {
//! let tape = Tape::new(Arc::new(ReferenceBackend));
//! let x = tape.param(&Tensor::from_vec(vec![1.0, 2.0, 3.0], [3])?)?;
//! // y = Σ x², so dy/dx = 2x.
//! let y = x.mul(x)?.sum()?;
//! assert_eq!(y.item()?, 14.0);
//! let grads = tape.backward(y)?;
//! assert_eq!(grads.get(x).unwrap().to_vec()?, vec![2.0, 4.0, 6.0]);
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

// The derive macros name this crate `::comfy_core`, also inside it.
extern crate self as comfy_core;

pub mod atomic;
mod backend;
mod columns;
mod context;
mod conv;
mod elementwise;
mod error;
mod event;
mod files;
mod graph;
mod image;
mod inputs;
pub mod nn;
mod node;
mod node_error;
mod node_id;
mod op;
mod op_nn;
pub mod optim;
mod params;
mod port;
pub mod random;
mod reference;
mod reference_conv;
mod registry;
mod schema;
mod schema_json;
mod shape;
mod tape;
mod tape_nn;
mod tensor;
pub mod testing;
pub mod typed;
mod value;
mod workflow;

pub use backend::{bce_with_logits, sigmoid, AdamStep, Axis, Backend, BinaryOp, ReduceOp, SgdStep, UnaryOp};
pub use conv::{ConvGeometry, ConvSpec, Phase};
pub use error::{Error, Result};
pub use nn::{Activation, Init, Mlp};
pub use optim::{Adam, AdamState, Optimizer, Sgd};
pub use params::{BoundParams, NamedGrads, ParamStore};
pub use reference::ReferenceBackend;
pub use shape::{matmul_dims, BinaryLayout, Broadcast, Shape};
pub use tape::{Gradients, Tape, Var};
pub use tape_nn::BatchStats;
pub use tensor::{DeviceStorage, Storage, Tensor};

/// Derives [`NodeInputs`] for a struct: each field is an input port named after it, typed by
/// the field's type ([`FromInput`]); `#[port(default = …, min = …, max = …, step = …,
/// tooltip = "…", rename = "…")]` declares the rest, and a doc comment is the tooltip.
pub use comfy_derive::NodeInputs;
/// Derives [`NodeOutputs`] for a struct: each field is an output port named after it, typed by
/// the field's type ([`IntoOutput`]).
pub use comfy_derive::NodeOutputs;
/// Derives [`PortChoice`] (and [`FromInput`]) for an enum of unit variants: a drop-down input
/// whose choices are the variants in snake case, or `#[choice("…")]`.
pub use comfy_derive::PortChoice;
pub use context::{CancelToken, Context};
pub use event::{Event, Observer};
pub use files::{Access, AnyPath, FilePolicy, PathProblem};
pub use graph::{
    Executor, Graph, GraphError, GraphNode, InputValue, Link, NodeId, RunError, RunOptions, RunReport, RunStatus,
    ValidationError, ValidationErrors, MAX_NODES,
};
pub use image::{Image, ImageError};
pub use inputs::{Inputs, Outputs};
pub use node::{DynNode, Node};
pub use node_error::NodeError;
pub use port::{CustomType, InputPort, OutputPort, PortType, ValueProblem};
pub use registry::Registry;
pub use schema::{NodeInfo, NodeSchema, SchemaError, SchemaProblem};
pub use typed::{FromInput, IntoOutput, NodeInputs, NodeOutputs, PortChoice, ReadPath, WritePath};
pub use value::{CustomObject, CustomValue, Literal, Value};
pub use workflow::{InputProblem, WorkflowError, MAX_INPUTS_PER_NODE, MAX_NESTING_DEPTH, MAX_WORKFLOW_BYTES};

/// Helpers for backends that work on host memory (shared by the reference and rayon backends).
pub mod host {
    pub use crate::columns::{
        concat_cols_host, concat_cols_shape, slice_cols_host, slice_cols_shape, transpose_host, transpose_into,
        transpose_shape,
    };
    pub use crate::reference::{
        concat_shape, host, host_concat_cols, host_mut, host_slice_cols, host_transpose, same_size, slice_shape,
    };
}
