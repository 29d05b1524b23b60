//! The geometry of 2-D convolutions, and the checks that turn a shape that cannot convolve into
//! an error before any backend runs.
//!
//! **Layout.** Images are NHWC: a batch of `N` images of `H × W` pixels with `C` channels is a
//! tensor `[N, H, W, C]`, whose matrix view is `[N·H·W, C]` — one row per pixel. So a
//! convolution's output is already the matrix a bias add, an activation or per-channel
//! statistics work on, with the row ops that exist. Weights keep PyTorch's layouts:
//! `Conv2d.weight` is `[Cout, Cin, kh, kw]` and `ConvTranspose2d.weight` is
//! `[Cin, Cout, kh, kw]` (backends read them in place or pack them; packing is a copy anyway).
//!
//! A transposed convolution is the input gradient of the convolution that goes the other way,
//! so one [`ConvGeometry`] — always in the direction of that convolution — describes both.
use crate::error::{Error, Result};
use crate::shape::Shape;

/// Stride, padding and dilation of a 2-D convolution, `[height, width]` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ConvSpec {
    /// Step between output pixels, in input pixels.
    pub stride: [usize; 2],
    /// Zeros added on each side of the input.
    pub padding: [usize; 2],
    /// Spacing between kernel taps (1: adjacent).
    pub dilation: [usize; 2],
}

impl ConvSpec {
    /// The same stride and padding along both axes, no dilation.
    pub fn new(stride: usize, padding: usize) -> Self {
        ConvSpec {
            stride: [stride; 2],
            padding: [padding; 2],
            dilation: [1; 2],
        }
    }
}

impl Default for ConvSpec {
    fn default() -> Self {
        ConvSpec::new(1, 0)
    }
}

/// A convolution with every size resolved: `N` images of `in_h × in_w × in_c` convolved with
/// `out_c` kernels of `kh × kw × in_c` into `N` images of `out_h × out_w × out_c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvGeometry {
    /// Images in the batch.
    pub batch: usize,
    /// Input height.
    pub in_h: usize,
    /// Input width.
    pub in_w: usize,
    /// Input channels.
    pub in_c: usize,
    /// Output height.
    pub out_h: usize,
    /// Output width.
    pub out_w: usize,
    /// Output channels.
    pub out_c: usize,
    /// Kernel `[height, width]`.
    pub kernel: [usize; 2],
    /// Stride, padding, dilation.
    pub spec: ConvSpec,
}

/// Output length of a convolution along one axis, or why there is none.
fn conv_len(input: usize, kernel: usize, stride: usize, pad: usize, dil: usize) -> std::result::Result<usize, String> {
    let span = dil * (kernel - 1) + 1;
    let padded = input + 2 * pad;
    if span > padded {
        return Err(format!(
            "the kernel spans {span} pixels (size {kernel}, dilation {dil}) but the padded image has {padded}"
        ));
    }
    Ok((padded - span) / stride + 1)
}

impl ConvGeometry {
    /// The geometry of `conv2d(x, w)`: `x` is NHWC `[N, H, W, Cin]`, `w` is `[Cout, Cin, kh, kw]`.
    pub fn conv2d(x: &Shape, w: &Shape, spec: ConvSpec) -> Result<Self> {
        let op = "conv2d";
        let bad = |reason: String| Error::BadConvolution {
            op,
            input: x.clone(),
            weight: w.clone(),
            reason,
        };
        let (n, h, wd, c) = image_dims(x).ok_or_else(|| bad("the input is not a 4-D NHWC image".into()))?;
        let [co, ci, kh, kw] = weight_dims(w).ok_or_else(|| bad("the weight is not 4-D".into()))?;
        check_spec(spec).map_err(&bad)?;
        if [n, h, wd, c, co, ci, kh, kw].contains(&0) {
            return Err(bad("a dimension is zero".into()));
        }
        if ci != c {
            return Err(bad(format!("the input has {c} channels, the weight expects {ci}")));
        }
        let out_h = conv_len(h, kh, spec.stride[0], spec.padding[0], spec.dilation[0]).map_err(&bad)?;
        let out_w = conv_len(wd, kw, spec.stride[1], spec.padding[1], spec.dilation[1]).map_err(&bad)?;
        Ok(ConvGeometry {
            batch: n,
            in_h: h,
            in_w: wd,
            in_c: c,
            out_h,
            out_w,
            out_c: co,
            kernel: [kh, kw],
            spec,
        })
    }

    /// The geometry of `conv_transpose2d(x, w)` as PyTorch computes it, in the direction of the
    /// convolution it is the input gradient of: `x` (NHWC `[N, H, W, Cin]`) is that
    /// convolution's output, `w` (`[Cin, Cout, kh, kw]`) its weight, and the transposed output
    /// `[N, (H−1)·s − 2p + d·(k−1) + output_padding + 1, …, Cout]` its input.
    ///
    /// `output_padding` must be smaller than the stride (PyTorch also allows it below the
    /// dilation; that case is refused here).
    pub fn conv_transpose2d(x: &Shape, w: &Shape, spec: ConvSpec, output_padding: [usize; 2]) -> Result<Self> {
        let op = "conv_transpose2d";
        let bad = |reason: String| Error::BadConvolution {
            op,
            input: x.clone(),
            weight: w.clone(),
            reason,
        };
        let (n, h, wd, c) = image_dims(x).ok_or_else(|| bad("the input is not a 4-D NHWC image".into()))?;
        let [ci, co, kh, kw] = weight_dims(w).ok_or_else(|| bad("the weight is not 4-D".into()))?;
        check_spec(spec).map_err(&bad)?;
        if [n, h, wd, c, co, ci, kh, kw].contains(&0) {
            return Err(bad("a dimension is zero".into()));
        }
        if ci != c {
            return Err(bad(format!("the input has {c} channels, the weight expects {ci}")));
        }
        let mut out = [0; 2];
        for a in 0..2 {
            let (s, p, d, op_a) = (spec.stride[a], spec.padding[a], spec.dilation[a], output_padding[a]);
            if op_a >= s {
                return Err(bad(format!("output padding {op_a} is not smaller than the stride {s}")));
            }
            let k = [kh, kw][a];
            let full = ([h, wd][a] - 1) * s + d * (k - 1) + op_a + 1;
            out[a] = full
                .checked_sub(2 * p)
                .filter(|&o| o > 0)
                .ok_or_else(|| bad(format!("padding {p} leaves no output pixels")))?;
        }
        let g = ConvGeometry {
            batch: n,
            in_h: out[0],
            in_w: out[1],
            in_c: co,
            out_h: h,
            out_w: wd,
            out_c: ci,
            kernel: [kh, kw],
            spec,
        };
        // The forward convolution of that size comes back to `x`'s size (output_padding < s).
        debug_assert_eq!(
            ConvGeometry::conv2d(&g.input_shape(), &g.weight_shape(), spec).map(|f| (f.out_h, f.out_w)),
            Ok((h, wd))
        );
        Ok(g)
    }

    /// `[N, H, W, Cin]`.
    pub fn input_shape(&self) -> Shape {
        Shape::new([self.batch, self.in_h, self.in_w, self.in_c])
    }

    /// `[N, OH, OW, Cout]`.
    pub fn output_shape(&self) -> Shape {
        Shape::new([self.batch, self.out_h, self.out_w, self.out_c])
    }

    /// `[Cout, Cin, kh, kw]`, PyTorch's `Conv2d.weight` (and, read as `[Cin, Cout, kh, kw]` of
    /// the transposed convolution, its `ConvTranspose2d.weight`).
    pub fn weight_shape(&self) -> Shape {
        Shape::new([self.out_c, self.in_c, self.kernel[0], self.kernel[1]])
    }

    /// Output pixels of the whole batch: the rows of the output's matrix view.
    pub fn out_pixels(&self) -> usize {
        self.batch * self.out_h * self.out_w
    }

    /// Input pixels of the whole batch.
    pub fn in_pixels(&self) -> usize {
        self.batch * self.in_h * self.in_w
    }

    /// Values of one kernel: `kh · kw · Cin`.
    pub fn patch_len(&self) -> usize {
        self.kernel[0] * self.kernel[1] * self.in_c
    }

    /// Multiply-adds of the forward pass (each gradient has as many).
    pub fn macs(&self) -> usize {
        self.out_pixels() * self.patch_len() * self.out_c
    }

    /// Checks that `t` has the shape `want` (the input, output or weight of this geometry).
    pub fn expect(&self, op: &'static str, what: &str, t: &Shape, want: &Shape) -> Result<()> {
        if t == want {
            return Ok(());
        }
        Err(Error::BadConvolution {
            op,
            input: t.clone(),
            weight: self.weight_shape(),
            reason: format!("the {what} should be {want}"),
        })
    }

    /// The input rows of one residue class along axis `a` (0 height, 1 width) for the input
    /// gradient, with the kernel taps that reach them (see [`Phase`]).
    pub fn phase(&self, a: usize, residue: usize) -> Phase {
        let (s, p, d, k) = (
            self.spec.stride[a],
            self.spec.padding[a],
            self.spec.dilation[a],
            self.kernel[a],
        );
        let input = [self.in_h, self.in_w][a];
        let count = if residue < input {
            (input - 1 - residue) / s + 1
        } else {
            0
        };
        // Tap t reaches input row i = residue + q·s when t·d ≡ i + p (mod s); the solutions are
        // t ≡ t0 (mod s / g) with g = gcd(s, d), and exist only when g divides residue + p.
        let g = gcd(s, d);
        let step = s / g;
        let first = (0..step).find(|&t| (t * d) % s == (residue + p) % s);
        let (first, taps) = match first {
            Some(t0) if t0 < k => (t0, (k - 1 - t0) / step + 1),
            _ => (0, 0),
        };
        Phase {
            count,
            first_tap: first,
            tap_step: step,
            taps,
            offset: (residue as isize + p as isize - (first * d) as isize) / s as isize,
            shift: (d / g) as isize,
        }
    }
}

/// One axis of one phase of the input gradient: the input rows `r, r + s, r + 2s, …` (`count`
/// of them) and the kernel taps that reach them. Tap `j < taps` is kernel index
/// `first_tap + j · tap_step`, and for input row `r + q·s` it reads output row
/// `q + offset − j · shift` (a value outside the output counts as zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phase {
    /// Input rows in the class.
    pub count: usize,
    /// Kernel index of the first tap.
    pub first_tap: usize,
    /// Kernel indices between taps.
    pub tap_step: usize,
    /// Number of taps.
    pub taps: usize,
    /// Output row of tap 0 for `q = 0`.
    pub offset: isize,
    /// Output rows between consecutive taps (backwards).
    pub shift: isize,
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn image_dims(s: &Shape) -> Option<(usize, usize, usize, usize)> {
    match *s.dims() {
        [n, h, w, c] => Some((n, h, w, c)),
        _ => None,
    }
}

fn weight_dims(s: &Shape) -> Option<[usize; 4]> {
    match *s.dims() {
        [a, b, c, d] => Some([a, b, c, d]),
        _ => None,
    }
}

fn check_spec(spec: ConvSpec) -> std::result::Result<(), String> {
    if spec.stride.contains(&0) {
        return Err(format!("stride {:?} has a zero", spec.stride));
    }
    if spec.dilation.contains(&0) {
        return Err(format!("dilation {:?} has a zero", spec.dilation));
    }
    Ok(())
}
