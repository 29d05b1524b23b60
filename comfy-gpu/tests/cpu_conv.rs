//! The CPU backend's convolutions against the reference backend on awkward and on large
//! shapes, both input-gradient methods, the same bits on one thread and on two, and shapes
//! that do not match the geometry as errors.
mod conv_cases;

use comfy_core::{Backend, ConvGeometry, ConvSpec, Shape, Tensor};
use comfy_gpu::cpu::CpuBackend;
use conv_cases::{check_against_reference, Case, AWKWARD, LARGE};

/// f32 sums against the reference's f64: a few ulps per √term.
const ATOL: f32 = 2e-6;
const RTOL: f32 = 1e-5;

#[test]
fn awkward_shapes_match_the_reference() {
    let cpu = CpuBackend::new();
    for c in AWKWARD {
        check_against_reference(&cpu, &c, ATOL, RTOL);
    }
}

#[test]
fn large_shapes_match_the_reference_in_parallel() {
    let cpu = CpuBackend::new();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
    for c in LARGE {
        check_against_reference(&cpu, &c, ATOL, RTOL);
        pool.install(|| check_against_reference(&cpu, &c, ATOL, RTOL));
    }
}

fn bits(be: &dyn Backend, t: &Tensor) -> Vec<u32> {
    be.to_host(t).expect("host").iter().map(|v| v.to_bits()).collect()
}

/// Every value sums in an order fixed by the shapes, so one thread and three give the same bits.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let cpu = CpuBackend::new();
    for c in LARGE.iter().chain(&AWKWARD[..3]) {
        let g = c.geometry();
        let (x, w, dy) = c.operands(7);
        let run = || {
            [
                bits(&cpu, &cpu.conv2d(&x, &w, &g).expect("conv2d")),
                bits(&cpu, &cpu.conv2d_input_grad(&dy, &w, &g).expect("input grad")),
                bits(&cpu, &cpu.conv2d_weight_grad(&x, &dy, &g).expect("weight grad")),
            ]
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool")
            .install(run);
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("pool")
            .install(run);
        assert_eq!(one, three, "{c:?}");
        assert_eq!(one, run(), "{c:?} from outside the pool");
    }
}

/// The 1 × 1-output cases take col2im, the others the phases: both are checked above; this
/// pins which is which, so that neither path goes untested by accident.
#[test]
fn both_input_gradient_methods_are_exercised() {
    use comfy_gpu::cpu::conv_input_grad_method;
    let methods: Vec<&str> = AWKWARD.iter().map(|c| conv_input_grad_method(&c.geometry())).collect();
    assert!(
        methods.contains(&"col2im") && methods.contains(&"phases"),
        "{methods:?}"
    );
    assert_eq!(conv_input_grad_method(&AWKWARD[9].geometry()), "col2im");
    assert_eq!(conv_input_grad_method(&AWKWARD[2].geometry()), "phases");
}

#[test]
fn tensors_that_do_not_fit_the_geometry_are_errors() {
    let cpu = CpuBackend::new();
    let g = ConvGeometry::conv2d(
        &Shape::new([1, 5, 5, 2]),
        &Shape::new([3, 2, 3, 3]),
        ConvSpec::new(1, 1),
    )
    .expect("geometry");
    let wrong = Tensor::zeros([1, 5, 5, 3]);
    let w = Tensor::zeros([3, 2, 3, 3]);
    let e = cpu.conv2d(&wrong, &w, &g).expect_err("wrong channels");
    assert!(
        e.to_string().contains("[1, 5, 5, 3]") && e.to_string().contains("conv2d"),
        "{e}"
    );
    assert!(cpu.conv2d_input_grad(&Tensor::zeros([1, 4, 5, 3]), &w, &g).is_err());
    assert!(cpu
        .conv2d_weight_grad(&Tensor::zeros([1, 5, 5, 2]), &Tensor::zeros([1, 5, 5, 2]), &g)
        .is_err());
}

/// A case the batch of awkward ones lacks: a kernel as large as the padded image.
#[test]
fn kernel_filling_the_padded_image() {
    let cpu = CpuBackend::new();
    let c = Case {
        batch: 2,
        h: 3,
        w: 2,
        cin: 5,
        cout: 18,
        k: 4,
        stride: 1,
        pad: 1,
        dil: 1,
    };
    check_against_reference(&cpu, &c, ATOL, RTOL);
}

/// The fused bias and activation give the bits of the separate passes, on every path: the
/// blocked product's epilogue, the thin loops, col2im, and input-gradient classes no tap
/// reaches (a 1 × 1 kernel with stride 2).
#[test]
fn fused_bias_and_activation_match_the_separate_passes() {
    use comfy_core::{BinaryOp, UnaryOp};
    let cpu = CpuBackend::new();
    let strided_1x1 = Case {
        batch: 2,
        h: 5,
        w: 5,
        cin: 3,
        cout: 4,
        k: 1,
        stride: 2,
        pad: 0,
        dil: 1,
    };
    for c in AWKWARD.iter().chain(&LARGE[..1]).chain([&strided_1x1]) {
        let g = c.geometry();
        let (x, w, dy) = c.operands(3);
        for act in [UnaryOp::LeakyRelu(0.2), UnaryOp::Tanh] {
            let b = Tensor::from_vec((0..g.out_c).map(|i| i as f32 * 0.1 - 0.3).collect(), [g.out_c]).expect("bias");
            let fused = cpu.conv2d_fused(&x, &w, &g, Some(&b), Some(act)).expect("fused");
            let y = cpu
                .binary(BinaryOp::Add, &cpu.conv2d(&x, &w, &g).expect("conv"), &b)
                .expect("add");
            assert_eq!(
                bits(&cpu, &fused),
                bits(&cpu, &cpu.unary(act, &y).expect("act")),
                "conv {c:?}"
            );
            let bt = Tensor::from_vec((0..g.in_c).map(|i| 0.2 - i as f32 * 0.05).collect(), [g.in_c]).expect("bias");
            let fused = cpu
                .conv_transpose2d_fused(&dy, &w, &g, Some(&bt), Some(act))
                .expect("fused");
            let t = cpu.conv2d_input_grad(&dy, &w, &g).expect("transposed");
            let t = cpu.binary(BinaryOp::Add, &t, &bt).expect("add");
            assert_eq!(
                bits(&cpu, &fused),
                bits(&cpu, &cpu.unary(act, &t).expect("act")),
                "transposed {c:?}"
            );
        }
    }
}
