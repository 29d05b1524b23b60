//! Column-wise joins and cuts of the matrix view (channels of NHWC images), and batched
//! transposes: their shape checks and host loops, shared by the host backends.
use crate::error::{Error, Result};
use crate::shape::Shape;

/// Shape of `concat_cols(parts)`, checking that the row counts agree. Parts whose dimensions
/// agree but for the last keep them (`[2, 7, 7, 1]` + `[2, 7, 7, 10]` is `[2, 7, 7, 11]`);
/// others give a matrix `[rows, cols]`.
pub fn concat_cols_shape(parts: &[&Shape]) -> Result<Shape> {
    let first = parts
        .first()
        .ok_or_else(|| Error::invalid("concat_cols", "nothing to concatenate"))?;
    let (rows, _) = first.rows_cols();
    let mut cols = 0;
    for p in parts {
        let (r, c) = p.rows_cols();
        if r != rows {
            return Err(Error::ShapeMismatch {
                op: "concat_cols",
                lhs: (*first).clone(),
                rhs: (*p).clone(),
            });
        }
        cols += c;
    }
    let dims = first.dims();
    let lead = dims.len().saturating_sub(1);
    let same_lead = dims.len() >= 2
        && parts
            .iter()
            .all(|p| p.dims().len() == dims.len() && p.dims()[..lead] == dims[..lead]);
    if same_lead {
        let mut out = dims.to_vec();
        out[lead] = cols;
        Ok(Shape::new(out))
    } else {
        Ok(Shape::new([rows, cols]))
    }
}

/// Shape of `slice_cols(x, start, len)`, checking the range: `x`'s leading dimensions with
/// `len` columns.
pub fn slice_cols_shape(x: &Shape, start: usize, len: usize) -> Result<Shape> {
    let (rows, cols) = x.rows_cols();
    if start.checked_add(len).is_none_or(|end| end > cols) {
        return Err(Error::invalid(
            "slice_cols",
            format!("columns {start}..{} out of range for {x}", start.saturating_add(len)),
        ));
    }
    let dims = x.dims();
    if dims.len() >= 2 {
        let mut out = dims.to_vec();
        out[dims.len() - 1] = len;
        Ok(Shape::new(out))
    } else {
        Ok(Shape::new([rows, len]))
    }
}

/// Checks that `x` holds `batch · rows · cols` values; the result's shape `[batch, cols, rows]`.
pub fn transpose_shape(x: &Shape, batch: usize, rows: usize, cols: usize) -> Result<Shape> {
    let want = batch.checked_mul(rows).and_then(|v| v.checked_mul(cols));
    if want != Some(x.numel()) {
        return Err(Error::invalid(
            "transpose_batched",
            format!("{x} is not {batch} matrices of {rows} × {cols}"),
        ));
    }
    Ok(Shape::new([batch, cols, rows]))
}

/// The parts (each `rows × cols_i`, row-major) side by side.
pub fn concat_cols_host(parts: &[(&[f32], usize)], rows: usize) -> Vec<f32> {
    let total: usize = parts.iter().map(|p| p.1).sum();
    let mut out = Vec::with_capacity(rows * total);
    for r in 0..rows {
        for &(data, cols) in parts {
            out.extend_from_slice(&data[r * cols..(r + 1) * cols]);
        }
    }
    out
}

/// Columns `start .. start + len` of a `rows × cols` matrix.
pub fn slice_cols_host(x: &[f32], cols: usize, start: usize, len: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(len * x.len() / cols.max(1));
    for row in x.chunks_exact(cols.max(1)) {
        out.extend_from_slice(&row[start..start + len]);
    }
    out
}

/// Each of `batch` matrices of `rows × cols` transposed.
pub fn transpose_host(x: &[f32], batch: usize, rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; x.len()];
    let size = rows * cols;
    if size > 0 {
        for (src, dst) in x.chunks_exact(size).zip(out.chunks_exact_mut(size)).take(batch) {
            transpose_into(src, dst, rows, cols);
        }
    }
    out
}

/// `dst[j · rows + i] = src[i · cols + j]`: one `rows × cols` matrix transposed, eight source
/// rows at a time so that each write is a run of eight (3× faster than one value at a time
/// for the conv weights' 256 × 16 blocks).
pub fn transpose_into(src: &[f32], dst: &mut [f32], rows: usize, cols: usize) {
    let mut i = 0;
    while i + 8 <= rows {
        let r: [&[f32]; 8] = std::array::from_fn(|k| &src[(i + k) * cols..][..cols]);
        for j in 0..cols {
            let d = &mut dst[j * rows + i..][..8];
            for (v, row) in d.iter_mut().zip(&r) {
                *v = row[j];
            }
        }
        i += 8;
    }
    for ii in i..rows {
        for j in 0..cols {
            dst[j * rows + ii] = src[ii * cols + j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_keep_leading_dimensions() {
        let (a, b) = (Shape::new([2, 7, 7, 1]), Shape::new([2, 7, 7, 10]));
        assert_eq!(concat_cols_shape(&[&a, &b]).unwrap(), Shape::new([2, 7, 7, 11]));
        assert_eq!(
            concat_cols_shape(&[&Shape::new([98, 1]), &b]).unwrap(),
            Shape::new([98, 11])
        );
        assert!(concat_cols_shape(&[&a, &Shape::new([3, 10])]).is_err());
        assert_eq!(slice_cols_shape(&b, 3, 4).unwrap(), Shape::new([2, 7, 7, 4]));
        assert!(slice_cols_shape(&b, 8, 3).is_err());
        assert!(transpose_shape(&b, 2, 49, 11).is_err());
    }

    #[test]
    fn host_loops() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [9.0, 8.0];
        let c = concat_cols_host(&[(&a, 2), (&b, 1)], 2);
        assert_eq!(c, vec![1.0, 2.0, 9.0, 3.0, 4.0, 8.0]);
        assert_eq!(slice_cols_host(&c, 3, 1, 2), vec![2.0, 9.0, 4.0, 8.0]);
        let x: Vec<f32> = (0..12).map(|v| v as f32).collect();
        assert_eq!(
            transpose_host(&x, 2, 2, 3),
            vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0, 6.0, 9.0, 7.0, 10.0, 8.0, 11.0]
        );
        // Eight-row groups and a remainder.
        let (rows, cols) = (19, 5);
        let y: Vec<f32> = (0..rows * cols).map(|v| v as f32).collect();
        let t = transpose_host(&y, 1, rows, cols);
        for i in 0..rows {
            for j in 0..cols {
                assert_eq!(t[j * rows + i], y[i * cols + j]);
            }
        }
    }
}
