//! Convolutions on `conv.wgsl`: the forward pass, the input gradient one phase (residue class
//! of the input pixels modulo the stride) per dispatch, and the weight gradient split along its
//! long inner dimension (the batch's pixels) with the splits added in order by
//! `conv_reduce.wgsl`.
//!
//! Unlike the CPU backend there is no col2im path: for a 1 × 1 output gradient (a generator's
//! first layer run transposed) the phases multiply zeros for all taps but one.
use super::backend::{backend_error, gpu, Inner};
use super::kernels::Kernel;
use super::params::{ConvParams, ConvReduceParams};
use comfy_core::{ConvGeometry, Phase, Result, Shape, Tensor};

/// Rows and columns of C per workgroup (`TILE` in conv.wgsl).
const TILE: u64 = 64;
/// Pixels of the weight gradient's inner dimension per split, at least.
const K_PER_SPLIT: usize = 1024;
/// Most splits of one weight gradient.
const MAX_SPLITS: usize = 64;

/// The parameters every mode shares: the convolution's sizes.
fn base(g: &ConvGeometry) -> ConvParams {
    let s = &g.spec;
    ConvParams {
        in_h: g.in_h as u32,
        in_w: g.in_w as u32,
        in_c: g.in_c as u32,
        out_c: g.out_c as u32,
        out_h: g.out_h as u32,
        out_w: g.out_w as u32,
        kh: g.kernel[0] as u32,
        kw: g.kernel[1] as u32,
        stride_y: s.stride[0] as u32,
        stride_x: s.stride[1] as u32,
        pad_y: s.padding[0] as u32,
        pad_x: s.padding[1] as u32,
        dil_y: s.dilation[0] as u32,
        dil_x: s.dilation[1] as u32,
        ..ConvParams::default()
    }
}

impl Inner {
    /// The workgroup grid covering an `m × n` output `splits` times over.
    fn conv_groups(&self, m: usize, n: usize, splits: usize) -> Result<[u32; 3]> {
        let (gx, gy) = ((n as u64).div_ceil(TILE), (m as u64).div_ceil(TILE));
        let max = u64::from(self.gpu.limits.max_compute_workgroups_per_dimension);
        if gx > max || gy > max || splits as u64 > max {
            return Err(backend_error(format!(
                "a convolution of {m} × {n} outputs exceeds the device's grid"
            )));
        }
        Ok([gx as u32, gy as u32, splits as u32])
    }

    /// `conv2d(x, w)`.
    pub(crate) fn conv2d(&self, x: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        g.expect("conv2d", "input", x.shape(), &g.input_shape())?;
        g.expect("conv2d", "weight", w.shape(), &g.weight_shape())?;
        let (x, w) = (self.resident(x)?, self.resident(w)?);
        let y = self.alloc(g.output_shape())?;
        let (m, n, k) = (g.out_pixels(), g.out_c, g.patch_len());
        let params = ConvParams {
            m: m as u32,
            n: n as u32,
            k: k as u32,
            ..base(g)
        };
        let buffers = [gpu(&x)?.buffer(), gpu(&w)?.buffer(), gpu(&y)?.buffer()];
        self.dispatch(Kernel::Conv(0), &buffers, &params, self.conv_groups(m, n, 1)?)?;
        Ok(y)
    }

    /// `dx` of `conv2d` (a transposed convolution's forward pass): one dispatch per phase.
    pub(crate) fn conv2d_input_grad(&self, dy: &Tensor, w: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        let op = "conv2d_input_grad";
        g.expect(op, "output gradient", dy.shape(), &g.output_shape())?;
        g.expect(op, "weight", w.shape(), &g.weight_shape())?;
        let (dy, w) = (self.resident(dy)?, self.resident(w)?);
        let dx = self.alloc(g.input_shape())?;
        let buffers = [gpu(&dy)?.buffer(), gpu(&w)?.buffer(), gpu(&dx)?.buffer()];
        for ry in 0..g.spec.stride[0] {
            for rx in 0..g.spec.stride[1] {
                let (py, px) = (g.phase(0, ry), g.phase(1, rx));
                if py.count == 0 || px.count == 0 {
                    continue;
                }
                let params = phase_params(g, (ry, &py), (rx, &px));
                let groups = self.conv_groups(params.m as usize, params.n as usize, 1)?;
                self.dispatch(Kernel::Conv(1), &buffers, &params, groups)?;
            }
        }
        Ok(dx)
    }

    /// `dw` of `conv2d`: partial sums over splits of the pixels, then their ordered sum.
    pub(crate) fn conv2d_weight_grad(&self, x: &Tensor, dy: &Tensor, g: &ConvGeometry) -> Result<Tensor> {
        let op = "conv2d_weight_grad";
        g.expect(op, "input", x.shape(), &g.input_shape())?;
        g.expect(op, "output gradient", dy.shape(), &g.output_shape())?;
        let (x, dy) = (self.resident(x)?, self.resident(dy)?);
        let (m, n, k) = (g.out_c, g.patch_len(), g.out_pixels());
        let splits = k.div_ceil(K_PER_SPLIT).clamp(1, MAX_SPLITS);
        let k_split = k.div_ceil(splits).next_multiple_of(16);
        let splits = k.div_ceil(k_split);
        let partial = self.alloc(Shape::new([splits, m, n]))?;
        let params = ConvParams {
            m: m as u32,
            n: n as u32,
            k: k as u32,
            k_split: k_split as u32,
            ..base(g)
        };
        let buffers = [gpu(&x)?.buffer(), gpu(&dy)?.buffer(), gpu(&partial)?.buffer()];
        self.dispatch(Kernel::Conv(2), &buffers, &params, self.conv_groups(m, n, splits)?)?;
        let dw = self.alloc(g.weight_shape())?;
        let reduce = ConvReduceParams {
            len: (m * n) as u32,
            splits: splits as u32,
            in_c: g.in_c as u32,
            taps: (g.kernel[0] * g.kernel[1]) as u32,
        };
        let buffers = [gpu(&partial)?.buffer(), gpu(&dw)?.buffer()];
        self.dispatch(Kernel::ConvReduce, &buffers, &reduce, self.elementwise_grid(m * n)?)?;
        Ok(dw)
    }
}

/// `conv.wgsl`'s parameters for the input-gradient phase of residues `ry`, `rx`.
fn phase_params(g: &ConvGeometry, (ry, py): (usize, &Phase), (rx, px): (usize, &Phase)) -> ConvParams {
    ConvParams {
        m: (g.batch * py.count * px.count) as u32,
        n: g.in_c as u32,
        k: (py.taps * px.taps * g.out_c) as u32,
        count_y: py.count as u32,
        count_x: px.count as u32,
        taps_y: py.taps as u32,
        // Divided by in the kernel; with no taps k is 0 and the tap index is never formed.
        taps_x: px.taps.max(1) as u32,
        first_y: py.first_tap as u32,
        first_x: px.first_tap as u32,
        step_y: py.tap_step as u32,
        step_x: px.tap_step as u32,
        offset_y: py.offset as i32,
        offset_x: px.offset as i32,
        shift_y: py.shift as i32,
        shift_x: px.shift as i32,
        residue_y: ry as u32,
        residue_x: rx as u32,
        ..base(g)
    }
}
