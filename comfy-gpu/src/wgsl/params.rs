//! The uniform structs that mirror the WGSL `Params` of each `.wgsl` file field for field.
use super::kernels::unary_code;
use comfy_core::UnaryOp;

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

/// `conv.wgsl` `Params` (see the file for each field).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct ConvParams {
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub k_split: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub in_c: u32,
    pub out_c: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub kh: u32,
    pub kw: u32,
    pub stride_y: u32,
    pub stride_x: u32,
    pub pad_y: u32,
    pub pad_x: u32,
    pub dil_y: u32,
    pub dil_x: u32,
    pub count_y: u32,
    pub count_x: u32,
    pub taps_y: u32,
    pub taps_x: u32,
    pub first_y: u32,
    pub first_x: u32,
    pub step_y: u32,
    pub step_x: u32,
    pub offset_y: i32,
    pub offset_x: i32,
    pub shift_y: i32,
    pub shift_x: i32,
    pub residue_y: u32,
    pub residue_x: u32,
}

/// `conv_reduce.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct ConvReduceParams {
    pub len: u32,
    pub splits: u32,
    pub in_c: u32,
    pub taps: u32,
}

/// `bn_stats.wgsl` and `bn_sums.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct RowsColsParams {
    pub rows: u32,
    pub cols: u32,
    pub _pad: [u32; 2],
}

/// `scale_shift.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct ScaleShiftParams {
    pub len: u32,
    pub cols: u32,
    /// The activation's constant.
    pub c: f32,
    pub _pad: u32,
}

/// `transpose.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct TransposeParams {
    pub batch: u32,
    pub rows: u32,
    pub cols: u32,
    pub _pad: u32,
}

/// `bn_dx.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct BnDxParams {
    pub len: u32,
    pub cols: u32,
    pub inv_rows: f32,
    pub _pad: u32,
}

/// `columns.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct ColumnsParams {
    pub rows: u32,
    pub width: u32,
    pub src_cols: u32,
    pub src_off: u32,
    pub dst_cols: u32,
    pub dst_off: u32,
    pub _pad: [u32; 2],
}
