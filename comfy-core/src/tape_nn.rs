//! The image and normalisation ops of a [`Var`]: convolutions, batch normalisation, joins along
//! the channels, and the NHWC ↔ NCHW reorderings a flatten needs.
use crate::backend::UnaryOp;
use crate::conv::{ConvGeometry, ConvSpec};
use crate::error::{Error, Result};
use crate::op::Op;
use crate::op_nn::{BatchNormIds, ConvIds};
use crate::tape::Var;
use crate::tensor::Tensor;

/// The statistics one training-mode batch normalisation used, for the running averages.
#[derive(Clone, Debug)]
pub struct BatchStats {
    /// Per-channel mean of the batch, `[C]`.
    pub mean: Tensor,
    /// Per-channel biased variance of the batch (the one that normalised it), `[C]`.
    pub var: Tensor,
    /// Values per channel (rows of the matrix view): `N·H·W`.
    pub count: usize,
}

impl<'t> Var<'t> {
    /// `√self`.
    pub fn sqrt(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Sqrt)
    }

    /// `1 / √self`.
    pub fn rsqrt(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Rsqrt)
    }

    /// 2-D convolution of NHWC images (`[N, H, W, Cin]`) with a PyTorch `Conv2d.weight`
    /// (`[Cout, Cin, kh, kw]`): `[N, OH, OW, Cout]`, as `torch.nn.functional.conv2d`.
    pub fn conv2d(&self, w: Var<'t>, spec: ConvSpec) -> Result<Var<'t>> {
        self.conv2d_fused(w, None, spec, None)
    }

    /// `act(conv2d(self, w) + b)`, `b` one value per output channel: recorded as one op (which a
    /// backend may compute in one pass) when `act`'s derivative follows from its output.
    pub fn conv2d_fused(
        &self,
        w: Var<'t>,
        b: Option<Var<'t>>,
        spec: ConvSpec,
        act: Option<UnaryOp>,
    ) -> Result<Var<'t>> {
        let w = self.with(w)?;
        let g = ConvGeometry::conv2d(&self.shape(), &w.shape(), spec)?;
        self.record_conv(w, b, act, g, false)
    }

    /// Transposed 2-D convolution of NHWC images with a PyTorch `ConvTranspose2d.weight`
    /// (`[Cin, Cout, kh, kw]`), as `torch.nn.functional.conv_transpose2d`.
    pub fn conv_transpose2d(&self, w: Var<'t>, spec: ConvSpec, output_padding: [usize; 2]) -> Result<Var<'t>> {
        self.conv_transpose2d_fused(w, None, spec, output_padding, None)
    }

    /// `act(conv_transpose2d(self, w) + b)`, fused as [`Var::conv2d_fused`] is.
    pub fn conv_transpose2d_fused(
        &self,
        w: Var<'t>,
        b: Option<Var<'t>>,
        spec: ConvSpec,
        output_padding: [usize; 2],
        act: Option<UnaryOp>,
    ) -> Result<Var<'t>> {
        let w = self.with(w)?;
        let g = ConvGeometry::conv_transpose2d(&self.shape(), &w.shape(), spec, output_padding)?;
        self.record_conv(w, b, act, g, true)
    }

    fn record_conv(
        &self,
        w: Var<'t>,
        b: Option<Var<'t>>,
        act: Option<UnaryOp>,
        g: ConvGeometry,
        transposed: bool,
    ) -> Result<Var<'t>> {
        let channels = if transposed { g.in_c } else { g.out_c };
        let b = match b {
            Some(b) => {
                self.with(b)?;
                if b.shape().numel() != channels {
                    return Err(Error::ShapeMismatch {
                        op: "conv bias",
                        lhs: w.shape(),
                        rhs: b.shape(),
                    });
                }
                Some(b.id)
            }
            None => None,
        };
        let (fused, after) = split_act(act);
        let ids = ConvIds {
            x: self.id,
            w: w.id,
            b,
            act: fused,
            g,
        };
        let y = self.tape.record(if transposed {
            Op::ConvTranspose2d(ids)
        } else {
            Op::Conv2d(ids)
        })?;
        after.map_or(Ok(y), |op| y.unary(op))
    }

    /// Checks that `gamma` and `beta` hold one value per column.
    fn check_affine(&self, gamma: Var<'t>, beta: Var<'t>) -> Result<usize> {
        let cols = self.shape().rows_cols().1;
        for p in [gamma, beta] {
            self.with(p)?;
            if p.shape().numel() != cols {
                return Err(Error::ShapeMismatch {
                    op: "batch_norm",
                    lhs: self.shape(),
                    rhs: p.shape(),
                });
            }
        }
        Ok(cols)
    }

    /// Training-mode batch normalisation over the rows of the matrix view (the batch, height
    /// and width of an NHWC activation), per column: `γ (x − mean) / √(var + eps) + β` with the
    /// batch's mean and biased variance, the gradient flowing through them. Returns the
    /// statistics too, for the running averages.
    pub fn batch_norm_train(&self, gamma: Var<'t>, beta: Var<'t>, eps: f32) -> Result<(Var<'t>, BatchStats)> {
        self.batch_norm_train_act(gamma, beta, eps, None)
    }

    /// [`Var::batch_norm_train`] then `act`, one op when `act`'s derivative follows from its
    /// output (a backend may compute the affine pass and the activation in one).
    pub fn batch_norm_train_act(
        &self,
        gamma: Var<'t>,
        beta: Var<'t>,
        eps: f32,
        act: Option<UnaryOp>,
    ) -> Result<(Var<'t>, BatchStats)> {
        self.check_affine(gamma, beta)?;
        let (rows, _) = self.shape().rows_cols();
        if rows < 2 {
            return Err(Error::invalid(
                "batch_norm",
                format!(
                    "training needs more than one value per channel, got shape {}",
                    self.shape()
                ),
            ));
        }
        let be = self.tape.backend().clone();
        let (mean, var) = be.batch_norm_stats(&self.value())?;
        let invstd = be.unary(UnaryOp::Rsqrt, &be.unary(UnaryOp::AddScalar(eps), &var)?)?;
        let y = self.normalise(gamma, beta, mean.clone(), invstd, true, act)?;
        Ok((y, BatchStats { mean, var, count: rows }))
    }

    /// Evaluation-mode batch normalisation from running statistics (`[C]` each, constants).
    pub fn batch_norm_eval(
        &self,
        gamma: Var<'t>,
        beta: Var<'t>,
        running_mean: &Tensor,
        running_var: &Tensor,
        eps: f32,
    ) -> Result<Var<'t>> {
        self.batch_norm_eval_act(gamma, beta, (running_mean, running_var), eps, None)
    }

    /// [`Var::batch_norm_eval`] then `act`, fused as [`Var::batch_norm_train_act`] is.
    pub fn batch_norm_eval_act(
        &self,
        gamma: Var<'t>,
        beta: Var<'t>,
        (running_mean, running_var): (&Tensor, &Tensor),
        eps: f32,
        act: Option<UnaryOp>,
    ) -> Result<Var<'t>> {
        let cols = self.check_affine(gamma, beta)?;
        for t in [running_mean, running_var] {
            if t.numel() != cols {
                return Err(Error::ShapeMismatch {
                    op: "batch_norm",
                    lhs: self.shape(),
                    rhs: t.shape().clone(),
                });
            }
        }
        let be = self.tape.backend().clone();
        let invstd = be.unary(UnaryOp::Rsqrt, &be.unary(UnaryOp::AddScalar(eps), running_var)?)?;
        let mean = be.upload(running_mean)?;
        self.normalise(gamma, beta, mean, invstd, false, act)
    }

    fn normalise(
        &self,
        gamma: Var<'t>,
        beta: Var<'t>,
        mean: Tensor,
        invstd: Tensor,
        training: bool,
        act: Option<UnaryOp>,
    ) -> Result<Var<'t>> {
        let mean = self.tape.push(mean.reshape([mean.numel()])?, Op::Leaf, false);
        let invstd = self.tape.push(invstd.reshape([invstd.numel()])?, Op::Leaf, false);
        let (fused, after) = split_act(act);
        let ids = BatchNormIds {
            x: self.id,
            gamma: gamma.id,
            beta: beta.id,
            mean: mean.id,
            invstd: invstd.id,
        };
        let y = self.tape.record(Op::BatchNorm {
            ids,
            training,
            act: fused,
        })?;
        after.map_or(Ok(y), |op| y.unary(op))
    }

    /// Joins variables with equal row counts side by side (the channels of NHWC images).
    pub fn concat_cols(parts: &[Var<'t>]) -> Result<Var<'t>> {
        let first = parts
            .first()
            .ok_or_else(|| Error::invalid("concat_cols", "nothing to concatenate"))?;
        let ids = parts
            .iter()
            .map(|p| first.with(*p).map(|p| p.id))
            .collect::<Result<Vec<_>>>()?;
        first.tape.record(Op::ConcatCols { parts: ids })
    }

    /// Columns `start .. start + len` of the matrix view (a range of channels).
    pub fn slice_cols(&self, start: usize, len: usize) -> Result<Var<'t>> {
        self.tape.record(Op::SliceCols { x: self.id, start, len })
    }

    /// `self` seen as `batch` matrices of `rows × cols`, each transposed: `[batch, cols, rows]`.
    pub fn transpose_batched(&self, batch: usize, rows: usize, cols: usize) -> Result<Var<'t>> {
        self.tape.record(Op::TransposeBatched {
            x: self.id,
            batch,
            rows,
            cols,
        })
    }

    /// NHWC images `[N, H, W, C]` flattened as PyTorch's `flatten(1)` of NCHW orders them:
    /// `[N, C·H·W]`, channel-major.
    pub fn flatten_nchw(&self) -> Result<Var<'t>> {
        let shape = self.shape();
        let [n, h, w, c] = *shape.dims() else {
            return Err(Error::invalid("flatten", format!("{shape} is not an NHWC image")));
        };
        self.transpose_batched(n, h * w, c)?.reshape([n, c * h * w])
    }

    /// Features `[N, C·H·W]` in PyTorch's NCHW order (as `unflatten(1, (C, H, W))` reads them)
    /// as NHWC images `[N, H, W, C]`.
    pub fn unflatten_nchw(&self, c: usize, h: usize, w: usize) -> Result<Var<'t>> {
        let shape = self.shape();
        let (n, features) = shape.rows_cols();
        if features != c * h * w || shape.dims().len() != 2 {
            return Err(Error::invalid(
                "unflatten",
                format!("{shape} is not a batch of {c}×{h}×{w} = {} features", c * h * w),
            ));
        }
        self.transpose_batched(n, c, h * w)?.reshape([n, h, w, c])
    }
}

/// An activation split into the part an op records (one whose derivative follows from its
/// output) and the part recorded after it as a unary op.
fn split_act(act: Option<UnaryOp>) -> (Option<UnaryOp>, Option<UnaryOp>) {
    match act {
        Some(op) if !op.grad_from_output() => (None, Some(op)),
        other => (other, None),
    }
}
