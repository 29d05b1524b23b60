//! Tensor shapes, and the 2-D view that every primitive works on.
use crate::error::{Error, Result};
use std::fmt;

/// The dimensions of a tensor, outermost first.
///
/// Primitives view a tensor as a matrix of `rows × cols`, where `cols` is the last dimension
/// and `rows` the product of the others (see [`Shape::rows_cols`]). A shape with no dimensions is
/// a scalar and views as `1 × 1`.
#[derive(Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Shape(pub Vec<usize>);

impl Shape {
    /// A shape from its dimensions.
    pub fn new(dims: impl Into<Vec<usize>>) -> Self {
        Shape(dims.into())
    }

    /// The dimensions.
    pub fn dims(&self) -> &[usize] {
        &self.0
    }

    /// Number of elements (1 for a scalar).
    pub fn numel(&self) -> usize {
        self.0.iter().product()
    }

    /// The matrix view `(rows, cols)`: `cols` is the last dimension, `rows` the rest.
    pub fn rows_cols(&self) -> (usize, usize) {
        match self.0.split_last() {
            None => (1, 1),
            Some((&cols, rest)) => (rest.iter().product(), cols),
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl From<&[usize]> for Shape {
    fn from(d: &[usize]) -> Self {
        Shape(d.to_vec())
    }
}

impl<const N: usize> From<[usize; N]> for Shape {
    fn from(d: [usize; N]) -> Self {
        Shape(d.to_vec())
    }
}

impl From<Vec<usize>> for Shape {
    fn from(d: Vec<usize>) -> Self {
        Shape(d)
    }
}

/// How one operand of an element-wise binary op is laid over the output matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broadcast {
    /// Same matrix view as the output: element `(i, j)` is at `i * cols + j`.
    Full,
    /// One row `[1, cols]` repeated down every row (a bias): element `(i, j)` is at `j`.
    Row,
    /// One column `[rows, 1]` repeated across every column: element `(i, j)` is at `i`.
    Col,
    /// A single value used everywhere.
    Scalar,
}

impl Broadcast {
    /// Index into the operand's storage for output element `(i, j)`.
    #[inline]
    pub fn index(self, i: usize, j: usize, cols: usize) -> usize {
        match self {
            Broadcast::Full => i * cols + j,
            Broadcast::Row => j,
            Broadcast::Col => i,
            Broadcast::Scalar => 0,
        }
    }
}

/// The layout of an element-wise binary op: the output shape and how each operand maps onto it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinaryLayout {
    /// Shape of the result: that of the operand which is not broadcast.
    pub out: Shape,
    /// Rows of the result's matrix view.
    pub rows: usize,
    /// Columns of the result's matrix view.
    pub cols: usize,
    /// How the left operand is read.
    pub lhs: Broadcast,
    /// How the right operand is read.
    pub rhs: Broadcast,
}

impl BinaryLayout {
    /// Works out how `a` and `b` combine. One of them must have the output's full shape; the
    /// other may be the same, a row `[1, cols]`, a column `[rows, 1]` or a single value.
    pub fn of(op: &'static str, a: &Shape, b: &Shape) -> Result<Self> {
        let mismatch = || Error::ShapeMismatch {
            op,
            lhs: a.clone(),
            rhs: b.clone(),
        };
        let (ar, ac) = a.rows_cols();
        let (br, bc) = b.rows_cols();
        let fit = |full: (usize, usize), other: &Shape, (r, c): (usize, usize)| {
            if (r, c) == full && other.numel() == full.0 * full.1 {
                Some(Broadcast::Full)
            } else if other.numel() == 1 {
                Some(Broadcast::Scalar)
            } else if r == 1 && c == full.1 {
                Some(Broadcast::Row)
            } else if c == 1 && r == full.0 {
                Some(Broadcast::Col)
            } else {
                None
            }
        };
        // Prefer `a` as the full operand; fall back to `b` when `a` is the broadcast one.
        if a.numel() >= b.numel() {
            let rhs = fit((ar, ac), b, (br, bc)).ok_or_else(mismatch)?;
            Ok(BinaryLayout {
                out: a.clone(),
                rows: ar,
                cols: ac,
                lhs: Broadcast::Full,
                rhs,
            })
        } else {
            let lhs = fit((br, bc), a, (ar, ac)).ok_or_else(mismatch)?;
            Ok(BinaryLayout {
                out: b.clone(),
                rows: br,
                cols: bc,
                lhs,
                rhs: Broadcast::Full,
            })
        }
    }
}

/// Checks a matrix product's operands and returns `(m, k, n)`: `op(a)` is `m × k`, `op(b)` is
/// `k × n`, where `op` transposes the matrix view when its flag is set.
pub fn matmul_dims(a: &Shape, b: &Shape, trans_a: bool, trans_b: bool) -> Result<(usize, usize, usize)> {
    let (ar, ac) = a.rows_cols();
    let (br, bc) = b.rows_cols();
    let (m, k) = if trans_a { (ac, ar) } else { (ar, ac) };
    let (k2, n) = if trans_b { (bc, br) } else { (br, bc) };
    if k != k2 {
        return Err(Error::ShapeMismatch {
            op: "matmul",
            lhs: a.clone(),
            rhs: b.clone(),
        });
    }
    Ok((m, k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_cols_views() {
        assert_eq!(Shape::new([]).rows_cols(), (1, 1));
        assert_eq!(Shape::new([5]).rows_cols(), (1, 5));
        assert_eq!(Shape::new([2, 3, 4]).rows_cols(), (6, 4));
    }

    #[test]
    fn broadcast_layouts() {
        let m = Shape::new([4, 3]);
        let l = BinaryLayout::of("add", &m, &Shape::new([1, 3])).unwrap();
        assert_eq!((l.lhs, l.rhs), (Broadcast::Full, Broadcast::Row));
        let l = BinaryLayout::of("add", &Shape::new([4, 1]), &m).unwrap();
        assert_eq!((l.lhs, l.rhs, l.out), (Broadcast::Col, Broadcast::Full, m.clone()));
        let l = BinaryLayout::of("add", &m, &Shape::new([1])).unwrap();
        assert_eq!(l.rhs, Broadcast::Scalar);
        assert!(BinaryLayout::of("add", &m, &Shape::new([2, 3])).is_err());
        assert!(BinaryLayout::of("add", &m, &Shape::new([3, 4])).is_err());
    }
}
