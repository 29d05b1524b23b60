//! Image grids: geometry, pixel values, NaN handling and argument errors.
use comfy_nodes::viewer::{
    image_grid, GridOptions, ImageBatch, Rgb, RgbImage, ValueRange, ViewerError, DEFAULT_NAN_COLOR,
    DEFAULT_PADDING_COLOR,
};

/// Top-left output pixel of cell (`row`, `col`) for `h x w` images.
fn cell_origin(o: &GridOptions, (h, w): (u32, u32), row: u32, col: u32) -> (u32, u32) {
    (
        o.padding + col * (w * o.scale + o.padding),
        o.padding + row * (h * o.scale + o.padding),
    )
}

fn gray(level: u8) -> Rgb<u8> {
    Rgb([level, level, level])
}

#[test]
fn output_size_is_cells_times_scaled_image_plus_padding() {
    let pixels = vec![0.0f32; 5 * 28 * 28];
    let batch = ImageBatch::gray(&pixels, 5, 28, 28).unwrap();
    let options = GridOptions::new(2, 3).with_scale(2);
    let grid = image_grid(&batch, &options).unwrap();
    // 3 * 28 * 2 + 4 * 2 = 176 across; 2 * 28 * 2 + 3 * 2 = 118 down.
    assert_eq!(grid.dimensions(), (176, 118));

    let wide = image_grid(
        &batch,
        &GridOptions {
            padding: 5,
            ..GridOptions::new(1, 5)
        },
    )
    .unwrap();
    assert_eq!(wide.dimensions(), (5 * 28 + 6 * 5, 28 + 2 * 5));
}

#[test]
fn cell_corners_hold_the_scaled_input_and_padding_holds_the_padding_colour() {
    // Image i, pixel (y, x) = -1 + 0.1 * i + 0.01 * (y * 3 + x): distinct everywhere.
    let (n, h, w) = (4usize, 2usize, 3usize);
    let pixels: Vec<f32> = (0..n * h * w)
        .map(|k| -1.0 + 0.1 * (k / 6) as f32 + 0.01 * (k % 6) as f32)
        .collect();
    let batch = ImageBatch::gray(&pixels, n, h, w).unwrap();
    let o = GridOptions::new(2, 2).with_scale(3);
    let grid = image_grid(&batch, &o).unwrap();
    for i in 0..n as u32 {
        let (x0, y0) = cell_origin(&o, (h as u32, w as u32), i / 2, i % 2);
        let first = pixels[i as usize * h * w];
        // Range -1..1 -> 0..255: level = round((v + 1) / 2 * 255).
        let expected = ((first + 1.0) / 2.0 * 255.0).round() as u8;
        assert_eq!(*grid.get_pixel(x0, y0), gray(expected), "corner of cell {i}");
        // Nearest upscaling: the whole 3x3 block repeats the value.
        assert_eq!(*grid.get_pixel(x0 + 2, y0 + 2), gray(expected), "block of cell {i}");
        let last = pixels[(i as usize + 1) * h * w - 1];
        let expected_last = ((last + 1.0) / 2.0 * 255.0).round() as u8;
        let (x1, y1) = (x0 + w as u32 * 3 - 1, y0 + h as u32 * 3 - 1);
        assert_eq!(*grid.get_pixel(x1, y1), gray(expected_last), "far corner of cell {i}");
        assert_eq!(
            *grid.get_pixel(x1 + 1, y1),
            DEFAULT_PADDING_COLOR,
            "padding right of cell {i}"
        );
        assert_eq!(
            *grid.get_pixel(x0 - 1, y0),
            DEFAULT_PADDING_COLOR,
            "padding left of cell {i}"
        );
    }
    assert_eq!(*grid.get_pixel(0, 0), DEFAULT_PADDING_COLOR);
    let (gw, gh) = grid.dimensions();
    assert_eq!(*grid.get_pixel(gw - 1, gh - 1), DEFAULT_PADDING_COLOR);
}

#[test]
fn value_ranges_map_ends_to_black_and_white_and_clamp() {
    let pixels = [-1.0f32, 0.0, 1.0, 0.5, -7.0, 9.0, f32::NEG_INFINITY, f32::INFINITY];
    let batch = ImageBatch::gray(&pixels, 1, 1, 8).unwrap();
    let options = GridOptions {
        padding: 0,
        ..GridOptions::new(1, 1)
    };
    let tanh = image_grid(&batch, &options).unwrap();
    let levels: Vec<u8> = tanh.pixels().map(|p| p[0]).collect();
    assert_eq!(levels, [0, 128, 255, 191, 0, 255, 0, 255]);

    let unit = image_grid(&batch, &options.with_range(ValueRange::ZeroToOne)).unwrap();
    let levels: Vec<u8> = unit.pixels().map(|p| p[0]).collect();
    assert_eq!(levels, [0, 0, 255, 128, 0, 255, 0, 255]);
}

#[test]
fn nan_pixels_take_the_error_colour() {
    let mut pixels = vec![0.0f32; 2 * 4 * 4];
    pixels[5] = f32::NAN;
    let batch = ImageBatch::gray(&pixels, 2, 4, 4).unwrap();
    let o = GridOptions::new(1, 2);
    let grid = image_grid(&batch, &o).unwrap();
    let (x0, y0) = cell_origin(&o, (4, 4), 0, 0);
    assert_eq!(*grid.get_pixel(x0 + 1, y0 + 1), DEFAULT_NAN_COLOR);
    assert_eq!(grid.pixels().filter(|p| **p == DEFAULT_NAN_COLOR).count(), 1);

    // In RGB one NaN channel marks the whole pixel.
    let mut rgb = vec![0.5f32; 2 * 2 * 3];
    rgb[4] = f32::NAN; // pixel 1, channel 1 (NHWC)
    let batch = ImageBatch::nhwc(&rgb, 1, 2, 2, 3).unwrap();
    let custom = Rgb([0, 255, 0]);
    let grid = image_grid(
        &batch,
        &GridOptions {
            nan_color: custom,
            padding: 0,
            ..GridOptions::new(1, 1)
        },
    )
    .unwrap();
    assert_eq!(*grid.get_pixel(1, 0), custom);
    assert_eq!(grid.pixels().filter(|p| **p == custom).count(), 1);
}

#[test]
fn nchw_and_nhwc_describe_the_same_rgb_picture() {
    let (n, h, w) = (3usize, 4usize, 5usize);
    let value = |i: usize, c: usize, y: usize, x: usize| ((i * 7 + c * 5 + y * 3 + x) % 11) as f32 / 10.0;
    let mut nchw = Vec::new();
    let mut nhwc = Vec::new();
    for i in 0..n {
        for c in 0..3 {
            for y in 0..h {
                nchw.extend((0..w).map(|x| value(i, c, y, x)));
            }
        }
        for y in 0..h {
            for x in 0..w {
                nhwc.extend((0..3).map(|c| value(i, c, y, x)));
            }
        }
    }
    let o = GridOptions::new(2, 2).with_range(ValueRange::ZeroToOne).with_scale(2);
    let a = image_grid(&ImageBatch::nchw(&nchw, n, 3, h, w).unwrap(), &o).unwrap();
    let b = image_grid(&ImageBatch::nhwc(&nhwc, n, h, w, 3).unwrap(), &o).unwrap();
    assert_eq!(a, b);
    let (x0, y0) = cell_origin(&o, (h as u32, w as u32), 0, 1);
    let level = |v: f32| (v * 255.0).round() as u8;
    let expected = Rgb([
        level(value(1, 0, 0, 0)),
        level(value(1, 1, 0, 0)),
        level(value(1, 2, 0, 0)),
    ]);
    assert_eq!(*a.get_pixel(x0, y0), expected);
}

#[test]
fn cells_past_the_last_image_are_blank_and_extra_images_are_left_out() {
    let pixels = vec![1.0f32; 3 * 2 * 2];
    let batch = ImageBatch::gray(&pixels, 3, 2, 2).unwrap();
    let o = GridOptions::new(2, 2);
    let grid = image_grid(&batch, &o).unwrap();
    let (x0, y0) = cell_origin(&o, (2, 2), 1, 1);
    assert_eq!(*grid.get_pixel(x0, y0), DEFAULT_PADDING_COLOR);
    assert_eq!(grid.pixels().filter(|p| **p == gray(255)).count(), 3 * 4);

    let one = image_grid(&batch, &GridOptions::new(1, 1)).unwrap();
    assert_eq!(one.pixels().filter(|p| **p == gray(255)).count(), 4);
}

#[test]
fn fit_picks_a_nearly_square_grid() {
    let dims = |n| {
        let o = GridOptions::fit(n);
        (o.rows, o.cols)
    };
    assert_eq!(dims(0), (1, 1));
    assert_eq!(dims(1), (1, 1));
    assert_eq!(dims(16), (4, 4));
    assert_eq!(dims(30), (5, 6));
    assert_eq!(dims(64), (8, 8));
}

#[test]
fn bad_arguments_are_errors_with_clear_messages() {
    let pixels = vec![0.0f32; 2 * 3 * 3];
    let err = ImageBatch::gray(&pixels, 3, 3, 3).unwrap_err();
    assert!(
        matches!(
            err,
            ViewerError::PixelCount {
                expected: 27,
                actual: 18,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("27") && message.contains("18"), "{message}");

    assert!(matches!(
        ImageBatch::nchw(&pixels, 1, 2, 3, 3),
        Err(ViewerError::Channels(2))
    ));
    assert!(matches!(
        ImageBatch::gray(&[], 0, 0, 3),
        Err(ViewerError::EmptyImage { .. })
    ));
    // Overflowing sizes are a mismatch, not a panic.
    assert!(matches!(
        ImageBatch::gray(&pixels, usize::MAX, 2, 2),
        Err(ViewerError::PixelCount { .. })
    ));

    let batch = ImageBatch::gray(&pixels, 2, 3, 3).unwrap();
    let err = image_grid(&batch, &GridOptions::new(0, 4)).unwrap_err();
    assert!(matches!(err, ViewerError::EmptyGrid { rows: 0, cols: 4 }), "{err:?}");
    assert!(err.to_string().contains("at least one row"), "{err}");
    assert!(matches!(
        image_grid(&batch, &GridOptions::new(2, 0)),
        Err(ViewerError::EmptyGrid { .. })
    ));
    assert!(matches!(
        image_grid(&batch, &GridOptions::new(1, 2).with_scale(0)),
        Err(ViewerError::ZeroScale)
    ));
    let huge = GridOptions::new(100_000, 100_000).with_scale(100);
    assert!(matches!(image_grid(&batch, &huge), Err(ViewerError::TooLarge { .. })));
}

#[test]
fn an_empty_batch_draws_a_blank_grid() {
    let batch = ImageBatch::gray(&[], 0, 28, 28).unwrap();
    let grid: RgbImage = image_grid(&batch, &GridOptions::new(1, 2)).unwrap();
    assert!(grid.pixels().all(|p| *p == DEFAULT_PADDING_COLOR));
}
