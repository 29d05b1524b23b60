//! Element-wise kernels: unary functions and their gradients, broadcasting binary ops, and
//! binary cross-entropy.
//!
//! Each loop is compiled once per function (the macros below turn a run-time op into a
//! compile-time closure), so the simple ones vectorise; the arithmetic is `comfy_core`'s own
//! `UnaryOp::apply`/`grad` and `BinaryOp::apply`, so values match the reference bit for bit.
use super::par::{for_chunks, for_row_chunks, zeroed, Work};
use comfy_core::{BinaryLayout, BinaryOp, Broadcast, UnaryOp};

/// Binds `$f` to a closure computing `op(v)` with the op fixed at compile time, then runs `$body`.
macro_rules! with_unary {
    ($op:expr, |$f:ident| $body:expr) => {
        match $op {
            UnaryOp::Neg => with_unary!(@bind UnaryOp::Neg, $f, $body),
            UnaryOp::Relu => with_unary!(@bind UnaryOp::Relu, $f, $body),
            UnaryOp::LeakyRelu(s) => with_unary!(@bind UnaryOp::LeakyRelu(s), $f, $body),
            UnaryOp::Sigmoid => with_unary!(@bind UnaryOp::Sigmoid, $f, $body),
            UnaryOp::Tanh => with_unary!(@bind UnaryOp::Tanh, $f, $body),
            UnaryOp::Exp => with_unary!(@bind UnaryOp::Exp, $f, $body),
            UnaryOp::Log => with_unary!(@bind UnaryOp::Log, $f, $body),
            UnaryOp::AddScalar(c) => with_unary!(@bind UnaryOp::AddScalar(c), $f, $body),
            UnaryOp::MulScalar(c) => with_unary!(@bind UnaryOp::MulScalar(c), $f, $body),
            UnaryOp::Sqrt => with_unary!(@bind UnaryOp::Sqrt, $f, $body),
            UnaryOp::Rsqrt => with_unary!(@bind UnaryOp::Rsqrt, $f, $body),
        }
    };
    (@bind $op:expr, $f:ident, $body:expr) => {{
        let op = $op;
        let $f = move |v: f32| op.apply(v);
        $body
    }};
}

/// Binds `$g` to a closure computing `op.grad(x, y, dy)` with the op fixed at compile time.
macro_rules! with_unary_grad {
    ($op:expr, |$g:ident| $body:expr) => {
        match $op {
            UnaryOp::Neg => with_unary_grad!(@bind UnaryOp::Neg, $g, $body),
            UnaryOp::Relu => with_unary_grad!(@bind UnaryOp::Relu, $g, $body),
            UnaryOp::LeakyRelu(s) => with_unary_grad!(@bind UnaryOp::LeakyRelu(s), $g, $body),
            UnaryOp::Sigmoid => with_unary_grad!(@bind UnaryOp::Sigmoid, $g, $body),
            UnaryOp::Tanh => with_unary_grad!(@bind UnaryOp::Tanh, $g, $body),
            UnaryOp::Exp => with_unary_grad!(@bind UnaryOp::Exp, $g, $body),
            UnaryOp::Log => with_unary_grad!(@bind UnaryOp::Log, $g, $body),
            UnaryOp::AddScalar(c) => with_unary_grad!(@bind UnaryOp::AddScalar(c), $g, $body),
            UnaryOp::MulScalar(c) => with_unary_grad!(@bind UnaryOp::MulScalar(c), $g, $body),
            UnaryOp::Sqrt => with_unary_grad!(@bind UnaryOp::Sqrt, $g, $body),
            UnaryOp::Rsqrt => with_unary_grad!(@bind UnaryOp::Rsqrt, $g, $body),
        }
    };
    (@bind $op:expr, $g:ident, $body:expr) => {{
        let op = $op;
        let $g = move |x: f32, y: f32, dy: f32| op.grad(x, y, dy);
        $body
    }};
}

/// Binds `$f` to a closure computing `op(a, b)` with the op fixed at compile time.
macro_rules! with_binary {
    ($op:expr, |$f:ident| $body:expr) => {
        match $op {
            BinaryOp::Add => with_binary!(@bind BinaryOp::Add, $f, $body),
            BinaryOp::Sub => with_binary!(@bind BinaryOp::Sub, $f, $body),
            BinaryOp::Mul => with_binary!(@bind BinaryOp::Mul, $f, $body),
            BinaryOp::Div => with_binary!(@bind BinaryOp::Div, $f, $body),
        }
    };
    (@bind $op:expr, $f:ident, $body:expr) => {{
        let op = $op;
        let $f = move |a: f32, b: f32| op.apply(a, b);
        $body
    }};
}

/// How costly `op` is per element.
fn work(op: UnaryOp) -> Work {
    match op {
        UnaryOp::Sigmoid | UnaryOp::Tanh | UnaryOp::Exp | UnaryOp::Log => Work::Heavy,
        _ => Work::Light,
    }
}

/// `op(x)` into a new buffer.
pub fn unary(op: UnaryOp, x: &[f32]) -> Vec<f32> {
    let mut out = zeroed(x.len());
    for_chunks(&mut out, work(op), |start, o| {
        with_unary!(op, |f| map_into(f, &x[start..start + o.len()], o))
    });
    out
}

/// `op(x)` in place (the fused linear's epilogue).
pub fn unary_in_place(op: UnaryOp, xs: &mut [f32]) {
    with_unary!(op, |f| xs.iter_mut().for_each(|v| *v = f(*v)))
}

fn map_into(f: impl Fn(f32) -> f32, x: &[f32], out: &mut [f32]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

/// `dL/dx` from `x`, `y = op(x)` and `dy`, all of one length.
pub fn unary_grad(op: UnaryOp, x: &[f32], y: &[f32], dy: &[f32]) -> Vec<f32> {
    let mut out = zeroed(x.len());
    // Only ln's derivative divides; the others follow from y or are constants.
    let cost = if op == UnaryOp::Log { Work::Heavy } else { Work::Light };
    for_chunks(&mut out, cost, |start, o| {
        let end = start + o.len();
        let (x, y, dy) = (&x[start..end], &y[start..end], &dy[start..end]);
        with_unary_grad!(op, |g| {
            for (i, v) in o.iter_mut().enumerate() {
                *v = g(x[i], y[i], dy[i]);
            }
        })
    });
    out
}

/// `out = op'(x) · dy` from `x`, `y = op(x)` and `dy` (one row, say), compiled per op.
pub fn unary_grad_into(op: UnaryOp, x: &[f32], y: &[f32], dy: &[f32], out: &mut [f32]) {
    with_unary_grad!(op, |g| {
        for (i, v) in out.iter_mut().enumerate() {
            *v = g(x[i], y[i], dy[i]);
        }
    })
}

/// Element-wise binary cross-entropy of logits against targets of the same length.
pub fn bce_with_logits(x: &[f32], t: &[f32]) -> Vec<f32> {
    let mut out = zeroed(x.len());
    for_chunks(&mut out, Work::Heavy, |start, o| {
        let end = start + o.len();
        for ((v, &x), &t) in o.iter_mut().zip(&x[start..end]).zip(&t[start..end]) {
            *v = comfy_core::bce_with_logits(x, t);
        }
    });
    out
}

/// One operand's values over one output row: a run of values or one repeated value.
#[derive(Clone, Copy)]
enum RowSrc<'a> {
    Run(&'a [f32]),
    Value(f32),
}

fn flat_src(data: &[f32], how: Broadcast, start: usize, end: usize) -> RowSrc<'_> {
    match how {
        Broadcast::Scalar => RowSrc::Value(data[0]),
        _ => RowSrc::Run(&data[start..end]),
    }
}

fn row_src(data: &[f32], how: Broadcast, i: usize, cols: usize) -> RowSrc<'_> {
    match how {
        Broadcast::Full => RowSrc::Run(&data[i * cols..(i + 1) * cols]),
        Broadcast::Row => RowSrc::Run(&data[..cols]),
        Broadcast::Col => RowSrc::Value(data[i]),
        Broadcast::Scalar => RowSrc::Value(data[0]),
    }
}

/// `op(a, b)` broadcast as `l` describes (`a` and `b` already checked against it).
pub fn binary(op: BinaryOp, l: &BinaryLayout, a: &[f32], b: &[f32]) -> Vec<f32> {
    let (rows, cols) = (l.rows, l.cols);
    let mut out = zeroed(rows * cols);
    let flat = |h: Broadcast| matches!(h, Broadcast::Full | Broadcast::Scalar);
    if flat(l.lhs) && flat(l.rhs) {
        // No row structure: one long row, split anywhere.
        for_chunks(&mut out, Work::Light, |start, o| {
            let end = start + o.len();
            let (x, y) = (flat_src(a, l.lhs, start, end), flat_src(b, l.rhs, start, end));
            with_binary!(op, |f| fill_row(f, o, x, y))
        });
    } else {
        for_row_chunks(&mut out, cols, Work::Light, |first, o| {
            for (r, row) in o.chunks_mut(cols).enumerate() {
                let i = first + r;
                let (x, y) = (row_src(a, l.lhs, i, cols), row_src(b, l.rhs, i, cols));
                with_binary!(op, |f| fill_row(f, row, x, y))
            }
        });
    }
    out
}

fn fill_row(f: impl Fn(f32, f32) -> f32, out: &mut [f32], a: RowSrc<'_>, b: RowSrc<'_>) {
    match (a, b) {
        (RowSrc::Run(a), RowSrc::Run(b)) => {
            for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
                *o = f(x, y);
            }
        }
        (RowSrc::Run(a), RowSrc::Value(y)) => {
            for (o, &x) in out.iter_mut().zip(a) {
                *o = f(x, y);
            }
        }
        (RowSrc::Value(x), RowSrc::Run(b)) => {
            for (o, &y) in out.iter_mut().zip(b) {
                *o = f(x, y);
            }
        }
        (RowSrc::Value(x), RowSrc::Value(y)) => out.fill(f(x, y)),
    }
}

/// `row[j] += bias[j]` for every row: the bias add of the fused linear, as `BinaryOp::Add`.
pub fn add_row_in_place(row: &mut [f32], bias: &[f32]) {
    for (v, &b) in row.iter_mut().zip(bias) {
        *v = BinaryOp::Add.apply(*v, b);
    }
}
