//! The kernels: which `.wgsl` file each one runs, its pipeline constants, and the uniform
//! structs that mirror the WGSL `Params` of each file field for field.
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

/// `matmul.wgsl`'s `ACT` value for "no activation".
const NO_ACT: u32 = 255;

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

/// `matmul.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct MatmulParams {
    pub m: u32,
    pub n: u32,
    pub k: u32,
    /// The activation's constant.
    pub c: f32,
}

/// `unary.wgsl` and `unary_grad.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct UnaryParams {
    pub len: u32,
    pub c: f32,
    pub _pad: [u32; 2],
}

impl UnaryParams {
    /// The op code of `op` (for [`Kernel::Unary`] / [`Kernel::UnaryGrad`]) and the parameters
    /// of a pass over `len` values.
    pub(crate) fn for_op(op: UnaryOp, len: usize) -> (u32, Self) {
        let (code, c) = unary_code(op);
        let params = UnaryParams {
            len: len as u32,
            c,
            _pad: [0; 2],
        };
        (code, params)
    }
}

/// `binary.wgsl` `Params`; `lhs` and `rhs` are broadcast codes (0 full, 1 row, 2 col, 3 scalar).
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct BinaryParams {
    pub len: u32,
    pub cols: u32,
    pub lhs: u32,
    pub rhs: u32,
}

/// `reduce_rows.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct ReduceRowsParams {
    pub rows: u32,
    pub cols: u32,
    pub neg_inf_bits: u32,
    pub _pad: u32,
}

/// `reduce_cols.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct ReduceColsParams {
    pub rows: u32,
    pub cols: u32,
    pub len: u32,
    pub neg_inf_bits: u32,
}

/// `bce.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct LenParams {
    pub len: u32,
    pub _pad: [u32; 3],
}

/// `adam.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct AdamParams {
    pub len: u32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub weight_decay: f32,
    pub step_size: f32,
    pub sqrt_bc2: f32,
    pub _pad: u32,
}

/// `sgd.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct SgdParams {
    pub len: u32,
    pub lr: f32,
    pub momentum: f32,
    pub weight_decay: f32,
    pub nesterov: u32,
    pub first: u32,
    pub _pad: [u32; 2],
}
