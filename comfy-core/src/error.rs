//! The error type shared by every fallible operation in comfy-core.
use crate::shape::Shape;

/// Everything that can go wrong in tensor maths, autodiff and optimisation.
///
/// Variants carry the operation and the shapes involved so that a message alone is enough
/// to find the mistake.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Two operands whose shapes cannot be combined by `op`.
    #[error("{op}: incompatible shapes {lhs} and {rhs}")]
    ShapeMismatch {
        /// The operation that was attempted.
        op: &'static str,
        /// Shape of the left operand.
        lhs: Shape,
        /// Shape of the right operand.
        rhs: Shape,
    },
    /// A reshape to a shape with a different number of elements.
    #[error("reshape: cannot view {from} ({} elements) as {to} ({} elements)", from.numel(), to.numel())]
    BadReshape {
        /// The tensor's shape.
        from: Shape,
        /// The requested shape.
        to: Shape,
    },
    /// A buffer whose length does not match the shape it is meant to fill.
    #[error("tensor data has {len} elements but shape {shape} needs {}", shape.numel())]
    DataLength {
        /// Number of values given.
        len: usize,
        /// The shape they were meant to fill.
        shape: Shape,
    },
    /// An argument outside what the operation accepts (an empty concat, a slice past the end…).
    #[error("{op}: {msg}")]
    InvalidArgument {
        /// The operation that rejected its argument.
        op: &'static str,
        /// What was wrong.
        msg: String,
    },
    /// A failure inside a backend (device lost, out of memory, foreign storage).
    #[error("backend `{backend}`: {msg}")]
    Backend {
        /// Name of the backend.
        backend: String,
        /// What went wrong.
        msg: String,
    },
    /// A convolution whose input, weight and settings do not fit together (a kernel larger than
    /// the padded image, a zero stride, channel counts that differ from the weight's…).
    #[error("{op}: input {input} and weight {weight}: {reason}")]
    BadConvolution {
        /// The operation that was attempted.
        op: &'static str,
        /// Shape of the input (NHWC for images).
        input: Shape,
        /// Shape of the weight (PyTorch's layout).
        weight: Shape,
        /// What does not fit.
        reason: String,
    },
    /// A layer of a layer list that cannot take what the layer before it gives, or whose
    /// parameters do not fit it.
    #[error("layer {index} ({layer}): {source}")]
    Layer {
        /// Position in the list.
        index: usize,
        /// What the layer is, e.g. `Conv2d(64 → 128, k4, s2, p1)`.
        layer: String,
        /// What went wrong.
        source: Box<Error>,
    },
    /// A parameter name that the store does not hold.
    #[error("unknown parameter `{0}`")]
    UnknownParameter(String),
    /// A value that must be finite was NaN or infinite.
    #[error("non-finite value in {0}")]
    NonFinite(String),
}

/// Shorthand for `std::result::Result<T, comfy_core::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Builds an [`Error::InvalidArgument`].
    pub fn invalid(op: &'static str, msg: impl Into<String>) -> Self {
        Error::InvalidArgument { op, msg: msg.into() }
    }
}
