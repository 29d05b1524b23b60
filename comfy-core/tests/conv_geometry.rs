//! Convolution geometry: output sizes as PyTorch computes them, shapes that cannot convolve as
//! typed errors, and the input-gradient phases against the direct formula.
use comfy_core::{ConvGeometry, ConvSpec, Shape};

#[test]
fn output_sizes_follow_pytorch() {
    let g = ConvGeometry::conv2d(
        &Shape::new([2, 28, 28, 1]),
        &Shape::new([64, 1, 4, 4]),
        ConvSpec::new(2, 1),
    )
    .unwrap();
    assert_eq!(g.output_shape(), Shape::new([2, 14, 14, 64]));
    let t = ConvGeometry::conv_transpose2d(
        &Shape::new([2, 4, 4, 256]),
        &Shape::new([256, 128, 3, 3]),
        ConvSpec::new(2, 1),
        [0, 0],
    )
    .unwrap();
    assert_eq!(t.input_shape(), Shape::new([2, 7, 7, 128]));
    let t = ConvGeometry::conv_transpose2d(
        &Shape::new([1, 1, 1, 100]),
        &Shape::new([100, 256, 4, 4]),
        ConvSpec::new(1, 0),
        [0, 0],
    )
    .unwrap();
    assert_eq!(t.input_shape(), Shape::new([1, 4, 4, 256]));
}

#[test]
fn shapes_that_cannot_convolve_are_errors() {
    let x = Shape::new([1, 2, 2, 3]);
    let cases = [
        (Shape::new([1, 3, 3, 3]), ConvSpec::new(1, 0), "spans 3 pixels"),
        (Shape::new([1, 3, 1, 1]), ConvSpec::new(0, 0), "stride"),
        (
            Shape::new([1, 2, 1, 1]),
            ConvSpec::new(1, 0),
            "3 channels, the weight expects 2",
        ),
        (Shape::new([3, 1, 1]), ConvSpec::new(1, 0), "not 4-D"),
    ];
    for (w, spec, want) in cases {
        let e = ConvGeometry::conv2d(&x, &w, spec).unwrap_err().to_string();
        assert!(
            e.contains(want) && e.contains("conv2d") && e.contains(&w.to_string()),
            "{e}"
        );
    }
    assert!(ConvGeometry::conv2d(&x, &Shape::new([1, 3, 3, 3]), ConvSpec::new(1, 1)).is_ok());
    let e = ConvGeometry::conv_transpose2d(&x, &Shape::new([3, 1, 3, 3]), ConvSpec::new(2, 0), [2, 0]).unwrap_err();
    assert!(e.to_string().contains("output padding 2"), "{e}");
}

/// Every (input row, tap) pair that a phase lists is one that the direct formula says
/// reaches an output row, and none is missed.
#[test]
fn phases_cover_every_tap_once() {
    for (input, k, s, p, d) in [
        (7, 3, 2, 1, 1),
        (14, 4, 2, 1, 1),
        (4, 4, 1, 0, 1),
        (9, 3, 3, 2, 2),
        (9, 5, 2, 2, 3),
        (3, 1, 4, 0, 1),
        (8, 3, 2, 0, 2),
    ] {
        let spec = ConvSpec {
            stride: [s, 1],
            padding: [p, 0],
            dilation: [d, 1],
        };
        let g = ConvGeometry::conv2d(&Shape::new([1, input, 1, 1]), &Shape::new([1, 1, k, 1]), spec).unwrap();
        let mut listed = Vec::new();
        for r in 0..s {
            let ph = g.phase(0, r);
            for q in 0..ph.count {
                for j in 0..ph.taps {
                    let o = q as isize + ph.offset - j as isize * ph.shift;
                    if (0..g.out_h as isize).contains(&o) {
                        listed.push((r + q * s, ph.first_tap + j * ph.tap_step, o as usize));
                    }
                }
            }
        }
        let mut direct = Vec::new();
        for i in 0..input {
            for t in 0..k {
                let num = (i + p) as isize - (t * d) as isize;
                if num >= 0 && num % s as isize == 0 && ((num / s as isize) as usize) < g.out_h {
                    direct.push((i, t, (num / s as isize) as usize));
                }
            }
        }
        listed.sort_unstable();
        assert_eq!(listed, direct, "input {input} k {k} s {s} p {p} d {d}");
    }
}
