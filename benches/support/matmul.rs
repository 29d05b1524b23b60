//! What the matmul benchmarks share (benches/matmul.rs and examples/kernels.rs): the shapes,
//! their operands, and the baselines that are not Comfy backends.
#![allow(dead_code)]

use comfy::core::random::{rng_from_seed, uniform};
use comfy::core::Tensor;
use ndarray::{Array2, ArrayView2};

/// Which operand is stored transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `A · B`
    Nn,
    /// `A · Bᵀ` (a linear layer's forward pass, `X · Wᵀ`)
    Nt,
    /// `Aᵀ · B` (a weight gradient, `dZᵀ · X`)
    Tn,
}

impl Layout {
    /// The `op` name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Nn => "matmul_nn",
            Layout::Nt => "matmul_nt",
            Layout::Tn => "matmul_tn",
        }
    }

    /// `(trans_a, trans_b)`.
    pub fn flags(self) -> (bool, bool) {
        (self == Layout::Tn, self == Layout::Nt)
    }
}

/// One product: `op(A)` is `m × k`, `op(B)` is `k × n`.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// `square`, `gan64` or `gan256`.
    pub group: &'static str,
    /// Which operand is transposed.
    pub layout: Layout,
    /// Rows of the result.
    pub m: usize,
    /// The shared dimension.
    pub k: usize,
    /// Columns of the result.
    pub n: usize,
}

impl Case {
    /// Multiply-adds.
    pub fn macs(&self) -> usize {
        self.m * self.k * self.n
    }

    /// Floating-point operations (two per multiply-add).
    pub fn flops(&self) -> f64 {
        2.0 * self.macs() as f64
    }

    /// A short label, `nt 64x784x512`.
    pub fn label(&self) -> String {
        format!("{} {}x{}x{}", &self.layout.name()[7..], self.m, self.k, self.n)
    }

    /// Random operands stored as the layout says, as flat values with their shapes.
    pub fn operands(&self) -> Operands {
        let (ta, tb) = self.layout.flags();
        let mut rng = rng_from_seed((self.m * 31 + self.k * 7 + self.n) as u64);
        Operands {
            a: uniform(&mut rng, self.m * self.k, -1.0, 1.0),
            b: uniform(&mut rng, self.k * self.n, -1.0, 1.0),
            a_shape: if ta { [self.k, self.m] } else { [self.m, self.k] },
            b_shape: if tb { [self.n, self.k] } else { [self.k, self.n] },
        }
    }
}

/// The two operands of a case, as stored.
pub struct Operands {
    /// `A`'s values.
    pub a: Vec<f32>,
    /// `B`'s values.
    pub b: Vec<f32>,
    /// `A`'s stored shape.
    pub a_shape: [usize; 2],
    /// `B`'s stored shape.
    pub b_shape: [usize; 2],
}

impl Operands {
    /// Both as host tensors.
    pub fn tensors(&self) -> (Tensor, Tensor) {
        let a = Tensor::from_vec(self.a.clone(), self.a_shape);
        let b = Tensor::from_vec(self.b.clone(), self.b_shape);
        match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            _ => unreachable!("shapes are built from the lengths"),
        }
    }

    /// Both as ndarray views.
    pub fn views(&self) -> (ArrayView2<'_, f32>, ArrayView2<'_, f32>) {
        let a = ArrayView2::from_shape(self.a_shape, &self.a);
        let b = ArrayView2::from_shape(self.b_shape, &self.b);
        match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            _ => unreachable!("shapes are built from the lengths"),
        }
    }
}

/// Square 256, 512 and 1024 in the three layouts (`quick`: 256 and 512 only).
pub fn square_cases(quick: bool) -> Vec<Case> {
    square_sizes(if quick { &[256, 512] } else { &[256, 512, 1024] })
}

/// Square products of the given sizes in the three layouts.
pub fn square_sizes(sizes: &[usize]) -> Vec<Case> {
    let mut out = Vec::new();
    for &s in sizes {
        for layout in [Layout::Nn, Layout::Nt, Layout::Tn] {
            out.push(Case {
                group: "square",
                layout,
                m: s,
                k: s,
                n: s,
            });
        }
    }
    out
}

/// The generator of the MLP GAN, `z(100) → 256 → 512 → 1024 → 784`.
pub const GENERATOR: [usize; 5] = [100, 256, 512, 1024, 784];
/// The discriminator, `784 → 512 → 256 → 1`.
pub const DISCRIMINATOR: [usize; 4] = [784, 512, 256, 1];

/// Every distinct product of one MLP-GAN training step at `batch`: per layer the forward
/// `Z = X·Wᵀ` (nt), the weight gradient `dW = dZᵀ·X` (tn) and, except for the generator's
/// noise input, the input gradient `dX = dZ·W` (nn).
pub fn gan_cases(batch: usize, group: &'static str) -> Vec<Case> {
    let mut out = Vec::new();
    for (net, sizes) in [("G", &GENERATOR[..]), ("D", &DISCRIMINATOR[..])] {
        for (i, w) in sizes.windows(2).enumerate() {
            let (fan_in, fan_out) = (w[0], w[1]);
            let mut push = |layout, m, k, n| out.push(Case { group, layout, m, k, n });
            push(Layout::Nt, batch, fan_in, fan_out);
            push(Layout::Tn, fan_out, batch, fan_in);
            if !(net == "G" && i == 0) {
                push(Layout::Nn, batch, fan_out, fan_in);
            }
        }
    }
    out
}

/// The textbook triple loop on one thread, reading through the layout.
pub fn naive(a: &[f32], b: &[f32], c: Case) -> Vec<f32> {
    let (ta, tb) = c.layout.flags();
    let mut out = vec![0.0f32; c.m * c.n];
    for i in 0..c.m {
        for j in 0..c.n {
            let mut s = 0.0f32;
            for p in 0..c.k {
                let x = if ta { a[p * c.m + i] } else { a[i * c.k + p] };
                let y = if tb { b[j * c.k + p] } else { b[p * c.n + j] };
                s += x * y;
            }
            out[i * c.n + j] = s;
        }
    }
    out
}

/// ndarray's `dot` on (possibly transposed) views: matrixmultiply, threaded.
pub fn ndarray_dot(a: ArrayView2<'_, f32>, b: ArrayView2<'_, f32>, c: Case) -> Array2<f32> {
    let (ta, tb) = c.layout.flags();
    let a = if ta { a.reversed_axes() } else { a };
    let b = if tb { b.reversed_axes() } else { b };
    a.dot(&b)
}

/// The gemm crate's product on rayon's pool; transposes are expressed as strides.
pub fn gemm_crate(a: &[f32], b: &[f32], c: Case) -> Vec<f32> {
    let (ta, tb) = c.layout.flags();
    assert!(
        a.len() == c.m * c.k && b.len() == c.k * c.n,
        "operands do not match the case"
    );
    let (m, k, n) = (c.m as isize, c.k as isize, c.n as isize);
    let (a_rs, a_cs) = if ta { (1, m) } else { (k, 1) };
    let (b_rs, b_cs) = if tb { (1, k) } else { (n, 1) };
    let mut out = vec![0.0f32; c.m * c.n];
    // SAFETY: the strides describe `a` (m·k values), `b` (k·n, both checked above) and `out`
    // (m·n) exactly; the buffers do not overlap, and `read_dst` is false so `out` is only
    // written.
    unsafe {
        gemm::gemm(
            c.m,
            c.n,
            c.k,
            out.as_mut_ptr(),
            1,
            n,
            false,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::Rayon(0),
        )
    };
    out
}
