//! The kernels: which `.wgsl` file each one runs and its pipeline constants (the uniform
//! structs that mirror each file's WGSL `Params` are in [`super::params`]).
use comfy_core::{BinaryOp, ReduceOp, UnaryOp};

/// Functions shared by the kernels that apply a [`UnaryOp`] (prepended to their source).
const UNARY_FN: &str = include_str!("shaders/unary_fn.wgsl");

/// One compiled pipeline. The pipeline cache is keyed by this; the fields become WGSL
/// `override` constants, so each variant is specialised by the driver's compiler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kernel {
    /// `matmul.wgsl`: `op(a) · op(b)` with an optional bias and activation epilogue.
    Matmul(MatmulVariant),
    /// `unary.wgsl` with the op code of [`unary_code`].
    Unary(u32),
    /// `unary_grad.wgsl` with the op code of [`unary_code`].
    UnaryGrad(u32),
    /// `binary.wgsl` with the op code of [`binary_code`].
    Binary(u32),
    /// `reduce_rows.wgsl` (0 sum, 1 max).
    ReduceRows(u32),
    /// `reduce_cols.wgsl` (0 sum, 1 max).
    ReduceCols(u32),
    /// `bce.wgsl`.
    Bce,
    /// `adam.wgsl`.
    Adam,
    /// `sgd.wgsl`.
    Sgd,
    /// `conv.wgsl` with its `MODE` (0 forward, 1 an input-gradient phase, 2 weight-gradient
    /// splits).
    Conv(u32),
    /// `conv_reduce.wgsl`.
    ConvReduce,
    /// `bn_stats.wgsl`.
    BnStats,
    /// `bn_sums.wgsl`.
    BnSums,
    /// `bn_dx.wgsl`.
    BnDx,
    /// `scale_shift.wgsl` with the [`unary_code`] of its activation (255: none).
    ScaleShift(u32),
    /// `columns.wgsl`.
    Columns,
    /// `transpose.wgsl`.
    Transpose,
}

/// The pipeline constants of `matmul.wgsl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct MatmulVariant {
    pub trans_a: bool,
    pub trans_b: bool,
    /// A's contiguous dimension is a multiple of 4: stage it with vec4 loads.
    pub vec_a: bool,
    /// B's contiguous dimension is a multiple of 4.
    pub vec_b: bool,
    /// Add a bias row.
    pub bias: bool,
    /// The [`unary_code`] of the activation applied last, if any.
    pub act: Option<u32>,
    /// 128 × 128 tiles on 16 × 16 invocations instead of 64 × 64 on 8 × 8.
    pub wide: bool,
}

/// What the pipeline cache needs to build a kernel.
pub(crate) struct KernelSource {
    /// A label for error messages (the file name).
    pub label: &'static str,
    /// The WGSL source of the file, with shared functions prepended where it uses them.
    pub source: String,
    /// Values of its `override` constants.
    pub constants: Vec<(&'static str, f64)>,
}

impl Kernel {
    /// The source and constants of this kernel.
    pub(crate) fn source(self) -> KernelSource {
        let (label, body, with_unary, constants) = match self {
            Kernel::Matmul(v) => (
                "matmul.wgsl",
                include_str!("shaders/matmul.wgsl"),
                true,
                vec![
                    ("TRANS_A", flag(v.trans_a)),
                    ("TRANS_B", flag(v.trans_b)),
                    ("VEC_A", flag(v.vec_a)),
                    ("VEC_B", flag(v.vec_b)),
                    ("BIAS", flag(v.bias)),
                    ("ACT", f64::from(v.act.unwrap_or(NO_ACT))),
                    ("WG", if v.wide { 16.0 } else { 8.0 }),
                ],
            ),
            Kernel::Unary(op) => ("unary.wgsl", include_str!("shaders/unary.wgsl"), true, op_constant(op)),
            Kernel::UnaryGrad(op) => (
                "unary_grad.wgsl",
                include_str!("shaders/unary_grad.wgsl"),
                true,
                op_constant(op),
            ),
            Kernel::Binary(op) => (
                "binary.wgsl",
                include_str!("shaders/binary.wgsl"),
                false,
                op_constant(op),
            ),
            Kernel::ReduceRows(op) => (
                "reduce_rows.wgsl",
                include_str!("shaders/reduce_rows.wgsl"),
                false,
                op_constant(op),
            ),
            Kernel::ReduceCols(op) => (
                "reduce_cols.wgsl",
                include_str!("shaders/reduce_cols.wgsl"),
                false,
                op_constant(op),
            ),
            Kernel::Bce => ("bce.wgsl", include_str!("shaders/bce.wgsl"), false, vec![]),
            Kernel::Adam => ("adam.wgsl", include_str!("shaders/adam.wgsl"), false, vec![]),
            Kernel::Sgd => ("sgd.wgsl", include_str!("shaders/sgd.wgsl"), false, vec![]),
            Kernel::Conv(mode) => (
                "conv.wgsl",
                include_str!("shaders/conv.wgsl"),
                false,
                vec![("MODE", f64::from(mode))],
            ),
            Kernel::ConvReduce => (
                "conv_reduce.wgsl",
                include_str!("shaders/conv_reduce.wgsl"),
                false,
                vec![],
            ),
            Kernel::BnStats => ("bn_stats.wgsl", include_str!("shaders/bn_stats.wgsl"), false, vec![]),
            Kernel::BnSums => ("bn_sums.wgsl", include_str!("shaders/bn_sums.wgsl"), false, vec![]),
            Kernel::BnDx => ("bn_dx.wgsl", include_str!("shaders/bn_dx.wgsl"), false, vec![]),
            Kernel::ScaleShift(act) => (
                "scale_shift.wgsl",
                include_str!("shaders/scale_shift.wgsl"),
                true,
                vec![("ACT", f64::from(act))],
            ),
            Kernel::Columns => ("columns.wgsl", include_str!("shaders/columns.wgsl"), false, vec![]),
            Kernel::Transpose => ("transpose.wgsl", include_str!("shaders/transpose.wgsl"), false, vec![]),
        };
        let source = if with_unary {
            format!("{UNARY_FN}\n{body}")
        } else {
            body.to_string()
        };
        KernelSource {
            label,
            source,
            constants,
        }
    }
}

/// `matmul.wgsl`'s and `scale_shift.wgsl`'s `ACT` value for "no activation".
pub(crate) const NO_ACT: u32 = 255;

fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

fn op_constant(op: u32) -> Vec<(&'static str, f64)> {
    vec![("OP", f64::from(op))]
}

/// The op code that `unary_fn.wgsl` switches on, and the op's constant (slope or scalar).
pub(crate) fn unary_code(op: UnaryOp) -> (u32, f32) {
    match op {
        UnaryOp::Neg => (0, 0.0),
        UnaryOp::Relu => (1, 0.0),
        UnaryOp::LeakyRelu(s) => (2, s),
        UnaryOp::Sigmoid => (3, 0.0),
        UnaryOp::Tanh => (4, 0.0),
        UnaryOp::Exp => (5, 0.0),
        UnaryOp::Log => (6, 0.0),
        UnaryOp::AddScalar(c) => (7, c),
        UnaryOp::MulScalar(c) => (8, c),
        UnaryOp::Sqrt => (9, 0.0),
        UnaryOp::Rsqrt => (10, 0.0),
    }
}

/// The op code of `binary.wgsl`.
pub(crate) fn binary_code(op: BinaryOp) -> u32 {
    match op {
        BinaryOp::Add => 0,
        BinaryOp::Sub => 1,
        BinaryOp::Mul => 2,
        BinaryOp::Div => 3,
    }
}

/// The op code of the reduction kernels.
pub(crate) fn reduce_code(op: ReduceOp) -> u32 {
    match op {
        ReduceOp::Sum => 0,
        ReduceOp::Max => 1,
    }
}

/// The bits of `-inf`, passed to the reductions (WGSL has no infinite constants).
pub(crate) const NEG_INF_BITS: u32 = 0xff80_0000;
