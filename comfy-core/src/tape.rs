//! The reverse-mode autodiff tape: operations are pushed in order, and `backward` walks them
//! in reverse, accumulating gradients.
use crate::backend::{Axis, Backend, BinaryOp, ReduceOp, UnaryOp};
use crate::error::{Error, Result};
use crate::op::Op;
use crate::shape::Shape;
use crate::tensor::Tensor;
use std::cell::RefCell;
use std::sync::Arc;

struct Entry {
    value: Tensor,
    op: Op,
    requires_grad: bool,
}

/// A record of tensor operations for one forward pass, on one backend.
///
/// Build a fresh tape per training step: values recorded here stay alive until it is dropped.
pub struct Tape {
    backend: Arc<dyn Backend>,
    entries: RefCell<Vec<Entry>>,
}

/// A value on a [`Tape`]: cheap to copy, combined with the methods below to record operations.
#[derive(Clone, Copy)]
pub struct Var<'t> {
    pub(crate) tape: &'t Tape,
    pub(crate) id: usize,
}

/// Gradients produced by [`Tape::backward`], looked up by the [`Var`] they belong to.
pub struct Gradients {
    grads: Vec<Option<Tensor>>,
}

impl Gradients {
    /// `dloss/dvar`, if `var` requires a gradient and the loss depends on it.
    pub fn get(&self, var: Var<'_>) -> Option<&Tensor> {
        self.grads.get(var.id).and_then(Option::as_ref)
    }

    /// Takes `dloss/dvar` out, leaving nothing behind.
    pub fn take(&mut self, var: Var<'_>) -> Option<Tensor> {
        self.grads.get_mut(var.id).and_then(Option::take)
    }
}

impl Tape {
    /// An empty tape whose operations run on `backend`.
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Tape {
            backend,
            entries: RefCell::new(Vec::with_capacity(64)),
        }
    }

    /// The backend the operations run on.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Number of recorded entries.
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    /// True if nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn push(&self, value: Tensor, op: Op, requires_grad: bool) -> Var<'_> {
        let mut e = self.entries.borrow_mut();
        e.push(Entry {
            value,
            op,
            requires_grad,
        });
        Var {
            tape: self,
            id: e.len() - 1,
        }
    }

    /// A constant input (no gradient), moved into the backend's storage.
    pub fn constant(&self, t: &Tensor) -> Result<Var<'_>> {
        Ok(self.push(self.backend.upload(t)?, Op::Leaf, false))
    }

    /// A leaf whose gradient `backward` will compute (a parameter, or an input under test).
    pub fn param(&self, t: &Tensor) -> Result<Var<'_>> {
        Ok(self.push(self.backend.upload(t)?, Op::Leaf, true))
    }

    fn value_of(&self, id: usize) -> Tensor {
        self.entries.borrow()[id].value.clone()
    }

    pub(crate) fn record(&self, op: Op) -> Result<Var<'_>> {
        let value = op.forward(self.backend.as_ref(), &|id| self.value_of(id))?;
        let requires_grad = {
            let e = self.entries.borrow();
            op.inputs().iter().any(|&i| e[i].requires_grad)
        };
        Ok(self.push(value, op, requires_grad))
    }

    /// Gradients of the one-element `loss` with respect to every entry that requires one.
    pub fn backward(&self, loss: Var<'_>) -> Result<Gradients> {
        self.check_owner(loss)?;
        let entries = self.entries.borrow();
        let be = self.backend.as_ref();
        let root = &entries[loss.id];
        if root.value.numel() != 1 {
            return Err(Error::invalid(
                "backward",
                format!("loss must have one element, got shape {}", root.value.shape()),
            ));
        }
        let mut grads: Vec<Option<Tensor>> = vec![None; entries.len()];
        grads[loss.id] = Some(be.upload(&Tensor::full(root.value.shape().clone(), 1.0))?);
        let value = |id: usize| entries[id].value.clone();
        let needs = |id: usize| entries[id].requires_grad;
        for id in (0..=loss.id).rev() {
            let Some(dy) = grads[id].take() else { continue };
            let entry = &entries[id];
            if !entry.requires_grad {
                continue;
            }
            for (to, g) in entry.op.backward(be, &value, &entry.value, &dy, &needs)? {
                grads[to] = Some(match grads[to].take() {
                    Some(acc) => be.binary(BinaryOp::Add, &acc, &g)?,
                    None => g,
                });
            }
            if matches!(entry.op, Op::Leaf) {
                grads[id] = Some(dy);
            }
        }
        Ok(Gradients { grads })
    }

    pub(crate) fn check_owner(&self, v: Var<'_>) -> Result<()> {
        if std::ptr::eq(self, v.tape) {
            Ok(())
        } else {
            Err(Error::invalid("tape", "a variable from another tape was used"))
        }
    }
}

impl<'t> Var<'t> {
    /// The tape this variable lives on.
    pub fn tape(&self) -> &'t Tape {
        self.tape
    }

    /// The current value (in the backend's storage).
    pub fn value(&self) -> Tensor {
        self.tape.value_of(self.id)
    }

    /// The value's shape.
    pub fn shape(&self) -> Shape {
        self.tape.entries.borrow()[self.id].value.shape().clone()
    }

    /// The value read back to the host.
    pub fn to_vec(&self) -> Result<Vec<f32>> {
        self.tape.backend.to_host(&self.value())
    }

    /// The single value of a one-element variable, read back to the host (a loss, say).
    pub fn item(&self) -> Result<f32> {
        let v = self.to_vec()?;
        match v.as_slice() {
            [x] => Ok(*x),
            _ => Err(Error::invalid(
                "item",
                format!("variable of shape {} is not a single value", self.shape()),
            )),
        }
    }

    /// Does `backward` compute a gradient for this variable?
    pub fn requires_grad(&self) -> bool {
        self.tape.entries.borrow()[self.id].requires_grad
    }

    pub(crate) fn with(&self, other: Var<'t>) -> Result<Var<'t>> {
        self.tape.check_owner(other)?;
        Ok(other)
    }

    /// The same value, cut off from the graph: no gradient flows through it.
    pub fn detach(&self) -> Var<'t> {
        self.tape.push(self.value(), Op::Leaf, false)
    }

    /// Matrix product `self · other`.
    pub fn matmul(&self, other: Var<'t>) -> Result<Var<'t>> {
        self.matmul_t(self.with(other)?, false, false)
    }

    /// Matrix product with optional transposes of either operand's matrix view.
    pub fn matmul_t(&self, other: Var<'t>, trans_a: bool, trans_b: bool) -> Result<Var<'t>> {
        let b = self.with(other)?.id;
        self.tape.record(Op::Matmul {
            a: self.id,
            b,
            ta: trans_a,
            tb: trans_b,
        })
    }

    /// A linear layer `act(self · wᵀ + b)`, with `w` in PyTorch's `[out, in]` layout.
    pub fn linear(&self, w: Var<'t>, b: Option<Var<'t>>, act: Option<UnaryOp>) -> Result<Var<'t>> {
        let w = self.with(w)?.id;
        let b = b.map(|b| self.with(b).map(|b| b.id)).transpose()?;
        match act {
            // Fused only where the derivative follows from the output alone.
            Some(op) if !op.grad_from_output() => self
                .tape
                .record(Op::Linear {
                    x: self.id,
                    w,
                    b,
                    act: None,
                })?
                .unary(op),
            _ => self.tape.record(Op::Linear { x: self.id, w, b, act }),
        }
    }

    /// Applies an element-wise function.
    pub fn unary(&self, op: UnaryOp) -> Result<Var<'t>> {
        self.tape.record(Op::Unary { op, x: self.id })
    }

    fn binary(&self, op: BinaryOp, other: Var<'t>) -> Result<Var<'t>> {
        let b = self.with(other)?.id;
        self.tape.record(Op::Binary { op, a: self.id, b })
    }

    /// `self + other`, broadcasting a row, column or single value.
    pub fn add(&self, other: Var<'t>) -> Result<Var<'t>> {
        self.binary(BinaryOp::Add, other)
    }

    /// `self - other`, broadcasting a row, column or single value.
    pub fn sub(&self, other: Var<'t>) -> Result<Var<'t>> {
        self.binary(BinaryOp::Sub, other)
    }

    /// `self * other` element by element, broadcasting a row, column or single value.
    pub fn mul(&self, other: Var<'t>) -> Result<Var<'t>> {
        self.binary(BinaryOp::Mul, other)
    }

    /// `self / other` element by element, broadcasting a row, column or single value.
    pub fn div(&self, other: Var<'t>) -> Result<Var<'t>> {
        self.binary(BinaryOp::Div, other)
    }

    /// `self + c`.
    pub fn add_scalar(&self, c: f32) -> Result<Var<'t>> {
        self.unary(UnaryOp::AddScalar(c))
    }

    /// `self * c`.
    pub fn mul_scalar(&self, c: f32) -> Result<Var<'t>> {
        self.unary(UnaryOp::MulScalar(c))
    }

    /// `-self`.
    pub fn neg(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Neg)
    }

    /// `max(self, 0)`.
    pub fn relu(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Relu)
    }

    /// Leaky ReLU with the given negative slope.
    pub fn leaky_relu(&self, slope: f32) -> Result<Var<'t>> {
        self.unary(UnaryOp::LeakyRelu(slope))
    }

    /// The logistic function.
    pub fn sigmoid(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Sigmoid)
    }

    /// Hyperbolic tangent.
    pub fn tanh(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Tanh)
    }

    /// `e^self`.
    pub fn exp(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Exp)
    }

    /// Natural logarithm.
    pub fn log(&self) -> Result<Var<'t>> {
        self.unary(UnaryOp::Log)
    }

    /// Sum of all elements, shape `[1]`.
    pub fn sum(&self) -> Result<Var<'t>> {
        self.sum_axis(Axis::All)
    }

    /// Sum along an axis of the matrix view (see [`Axis`]).
    pub fn sum_axis(&self, axis: Axis) -> Result<Var<'t>> {
        self.tape.record(Op::Sum { x: self.id, axis })
    }

    /// Mean of all elements, shape `[1]`.
    pub fn mean(&self) -> Result<Var<'t>> {
        self.mean_axis(Axis::All)
    }

    /// Mean along an axis of the matrix view.
    pub fn mean_axis(&self, axis: Axis) -> Result<Var<'t>> {
        let (rows, cols) = self.shape().rows_cols();
        let count = match axis {
            Axis::Rows => rows,
            Axis::Cols => cols,
            Axis::All => rows * cols,
        };
        if count == 0 {
            return Err(Error::invalid(
                "mean",
                format!("mean over an empty axis of shape {}", self.shape()),
            ));
        }
        self.sum_axis(axis)?.mul_scalar(1.0 / count as f32)
    }

    /// The same values seen with another shape of the same size.
    pub fn reshape(&self, shape: impl Into<Shape>) -> Result<Var<'t>> {
        let shape = shape.into();
        let from = self.shape();
        if shape.numel() != from.numel() {
            return Err(Error::BadReshape { from, to: shape });
        }
        self.tape.record(Op::Reshape { x: self.id, shape })
    }

    /// Rows `start .. start + len` of the matrix view (a part of the batch).
    pub fn slice_rows(&self, start: usize, len: usize) -> Result<Var<'t>> {
        self.tape.record(Op::SliceRows { x: self.id, start, len })
    }

    /// Stacks variables along the rows (the batch axis).
    pub fn concat_rows(parts: &[Var<'t>]) -> Result<Var<'t>> {
        let first = parts
            .first()
            .ok_or_else(|| Error::invalid("concat_rows", "nothing to concatenate"))?;
        let ids = parts
            .iter()
            .map(|p| first.with(*p).map(|p| p.id))
            .collect::<Result<Vec<_>>>()?;
        first.tape.record(Op::Concat { parts: ids })
    }

    /// Mean squared error against `target` (same shape), shape `[1]`.
    pub fn mse(&self, target: Var<'t>) -> Result<Var<'t>> {
        let d = self.sub(target)?;
        d.mul(d)?.mean()
    }

    /// Mean binary cross-entropy of logits `self` against `target` in [0, 1], computed stably.
    pub fn bce_with_logits(&self, target: Var<'t>) -> Result<Var<'t>> {
        let t = self.with(target)?.id;
        self.tape.record(Op::BceWithLogits { x: self.id, t })?.mean()
    }

    /// Mean softmax cross-entropy of logits `self` (`[batch, classes]`) against one-hot (or
    /// soft) targets of the same shape: `-Σ t log softmax(x)`, averaged over the batch.
    pub fn softmax_cross_entropy(&self, target: Var<'t>) -> Result<Var<'t>> {
        self.with(target)?;
        let be = self.tape.backend.clone();
        // Subtracting the row max keeps exp from overflowing; it cancels in the gradient.
        let max = be.reduce(ReduceOp::Max, &self.value(), Axis::Cols)?;
        let shifted = self.sub(self.tape.push(max, Op::Leaf, false))?;
        let log_sum = shifted.exp()?.sum_axis(Axis::Cols)?.log()?;
        let log_probs = shifted.sub(log_sum)?;
        let (rows, _) = self.shape().rows_cols();
        target.mul(log_probs)?.sum()?.mul_scalar(-1.0 / rows.max(1) as f32)
    }
}
