//! Convolution shapes shared by the `cpu_conv` and `wgpu_conv` tests, and how to check one
//! backend's three convolution primitives against the reference backend's.
#![allow(dead_code)]

use comfy_core::random::{rng_from_seed, uniform};
use comfy_core::testing::closeness;
use comfy_core::{Backend, ConvGeometry, ConvSpec, ReferenceBackend, Shape, Tensor};

/// One convolution: `batch × h × w × cin` images, `cout` kernels of `k × k`.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub batch: usize,
    pub h: usize,
    pub w: usize,
    pub cin: usize,
    pub cout: usize,
    pub k: usize,
    pub stride: usize,
    pub pad: usize,
    pub dil: usize,
}

/// A case from `[batch, h, w, cin, cout, k, stride, pad, dil]`.
const fn case([batch, h, w, cin, cout, k, stride, pad, dil]: [usize; 9]) -> Case {
    Case {
        batch,
        h,
        w,
        cin,
        cout,
        k,
        stride,
        pad,
        dil,
    }
}

/// Awkward shapes: batch 1, one and three channels, odd sizes, stride 2 and 3, padding 0/1/2,
/// kernels 1/3/4/5, dilation, channel counts that are not multiples of the micro-kernel's
/// widths, 1 × 1 outputs (a generator's first layer run transposed, a discriminator's last),
/// and patches narrower than the output channels (a single-channel image into many).
pub const AWKWARD: [Case; 13] = [
    case([1, 5, 5, 1, 1, 3, 1, 0, 1]),
    case([1, 7, 6, 3, 2, 3, 2, 1, 1]),
    case([2, 9, 9, 3, 7, 4, 2, 1, 1]),
    case([1, 4, 4, 1, 8, 5, 1, 2, 1]),
    case([3, 6, 5, 8, 1, 1, 1, 0, 1]),
    case([1, 11, 7, 17, 20, 3, 2, 2, 1]),
    case([2, 8, 8, 16, 33, 4, 2, 1, 1]),
    case([1, 9, 9, 4, 5, 3, 1, 2, 2]),
    case([2, 3, 3, 40, 1, 3, 1, 0, 1]),
    case([2, 4, 4, 24, 10, 4, 1, 0, 1]),
    case([1, 10, 9, 2, 3, 3, 3, 1, 1]),
    case([2, 28, 28, 1, 16, 4, 2, 1, 1]),
    case([2, 9, 9, 1, 40, 3, 2, 1, 1]),
];

/// Large enough that the CPU backend splits every primitive between threads, several k blocks.
pub const LARGE: [Case; 4] = [
    case([4, 14, 14, 64, 64, 4, 2, 1, 1]),
    case([3, 7, 7, 128, 40, 3, 2, 1, 1]),
    case([8, 4, 4, 96, 64, 4, 1, 0, 1]),
    case([6, 28, 28, 1, 64, 4, 2, 1, 1]),
];

impl Case {
    /// The geometry.
    pub fn geometry(&self) -> ConvGeometry {
        let spec = ConvSpec {
            stride: [self.stride; 2],
            padding: [self.pad; 2],
            dilation: [self.dil; 2],
        };
        let x = Shape::new([self.batch, self.h, self.w, self.cin]);
        let w = Shape::new([self.cout, self.cin, self.k, self.k]);
        ConvGeometry::conv2d(&x, &w, spec).expect("a valid case")
    }

    /// Input, weight and output gradient, uniform in ±1.
    pub fn operands(&self, seed: u64) -> (Tensor, Tensor, Tensor) {
        let g = self.geometry();
        let make = |s: Shape, seed| {
            let v = uniform(&mut rng_from_seed(seed), s.numel(), -1.0, 1.0);
            Tensor::from_vec(v, s).expect("sized")
        };
        (
            make(g.input_shape(), seed),
            make(g.weight_shape(), seed + 1),
            make(g.output_shape(), seed + 2),
        )
    }
}

/// Checks `be`'s forward pass, input gradient and weight gradient of `c` against the reference
/// backend's: within `atol + rtol |want|`, `atol` scaled by the root of the sum's length (f32
/// sums of n terms drift like √n ulps).
pub fn check_against_reference(be: &dyn Backend, c: &Case, atol: f32, rtol: f32) {
    let g = c.geometry();
    let (x, w, dy) = c.operands(c.h as u64 * 31 + c.cin as u64);
    let r = ReferenceBackend;
    let runs: [(&str, Tensor, Tensor, usize); 3] = [
        (
            "forward",
            be.conv2d(&x, &w, &g).expect("conv2d"),
            r.conv2d(&x, &w, &g).expect("reference"),
            g.patch_len(),
        ),
        (
            "input grad",
            be.conv2d_input_grad(&dy, &w, &g).expect("input grad"),
            r.conv2d_input_grad(&dy, &w, &g).expect("reference"),
            g.out_c * g.kernel[0] * g.kernel[1],
        ),
        (
            "weight grad",
            be.conv2d_weight_grad(&x, &dy, &g).expect("weight grad"),
            r.conv2d_weight_grad(&x, &dy, &g).expect("reference"),
            g.out_pixels(),
        ),
    ];
    for (what, got, want, terms) in runs {
        assert_eq!(got.shape(), want.shape(), "{what} {c:?}");
        let got = be.to_host(&got).expect("read back");
        let want = want.to_vec().expect("host");
        let tol = atol * (terms as f32).sqrt();
        let worst = closeness(&got, &want, tol, rtol);
        assert!(worst <= 1.0, "{what} of {c:?}: {worst} times the tolerance");
    }
}
