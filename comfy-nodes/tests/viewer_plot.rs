//! Line plots: size, series colours, legend, awkward data, and the PNG on disk.
use std::path::PathBuf;

use comfy_nodes::viewer::{LinePlot, Rgb, RgbImage, Series, ViewerError, MIN_PLOT_SIZE, PALETTE};

fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("comfy-viewer-plot-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn count(img: &RgbImage, color: Rgb<u8>) -> usize {
    img.pixels().filter(|p| **p == color).count()
}

/// Bounding box `(x0, y0, x1, y1)` (inclusive) of the pixels of `color`.
fn bbox(img: &RgbImage, color: Rgb<u8>) -> Option<(u32, u32, u32, u32)> {
    img.enumerate_pixels()
        .filter(|(_, _, p)| **p == color)
        .fold(None, |b, (x, y, _)| {
            let (x0, y0, x1, y1) = b.unwrap_or((x, y, x, y));
            Some((x0.min(x), y0.min(y), x1.max(x), y1.max(y)))
        })
}

fn is_dark(p: &Rgb<u8>) -> bool {
    p.0.iter().all(|&c| c < 80)
}

fn two_losses(steps: usize) -> LinePlot {
    let d = Series::from_values("D loss", (0..steps).map(|i| 1.2 + 0.2 * ((i as f64) * 0.7).sin()));
    let g = Series::from_values(
        "G loss",
        (0..steps).map(|i| 0.9 + 2.1 * (-4.0 * i as f64 / steps as f64).exp()),
    );
    LinePlot::new("GAN losses").with_series(d).with_series(g)
}

#[test]
fn saved_plot_decodes_with_the_requested_size() {
    let dir = scratch_dir("size");
    let path = dir.join("nested/loss.png");
    two_losses(200).save(&path).unwrap();
    let decoded = image::open(&path).unwrap().to_rgb8();
    assert_eq!(decoded.dimensions(), (800, 500));

    let small = LinePlot {
        width: 320,
        height: 200,
        ..two_losses(50)
    };
    assert_eq!(small.render().unwrap().dimensions(), (320, 200));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn each_series_is_drawn_in_its_own_colour() {
    let img = two_losses(300).render().unwrap();
    assert!(count(&img, PALETTE[0]) > 500, "D loss in blue");
    assert!(count(&img, PALETTE[1]) > 500, "G loss in orange");
    assert_eq!(count(&img, PALETTE[2]), 0);

    let custom = Rgb([10, 200, 90]);
    let plot = LinePlot::default().with_series(Series::from_values("x", [1.0, 2.0, 3.0]).with_color(custom));
    assert!(count(&plot.render().unwrap(), custom) > 100);
}

#[test]
fn legend_shows_a_swatch_and_a_name_for_every_series() {
    // The second series has no finite point, so its colour can only come from the legend swatch.
    let plot = LinePlot::default()
        .with_series(Series::from_values("loss", (0..100).map(|i| 1.0 / (1.0 + i as f64))))
        .with_series(Series::new("nothing yet", vec![(0.0, f64::NAN)]));
    let img = plot.render().unwrap();
    let (x0, y0, x1, y1) = bbox(&img, PALETTE[1]).expect("legend swatch of the empty series");
    // At the default size text is drawn at scale 2: the swatch is 24 x 4 pixels, solid.
    assert_eq!((x1 - x0 + 1, y1 - y0 + 1), (24, 4));
    assert_eq!(count(&img, PALETTE[1]), 24 * 4);
    // The name is dark text just right of the swatch.
    let dark = (x1 + 1..(x1 + 200).min(799))
        .flat_map(|x| (y0.saturating_sub(8)..y1 + 12).map(move |y| (x, y)))
        .filter(|&(x, y)| is_dark(img.get_pixel(x, y)))
        .count();
    assert!(dark > 50, "only {dark} dark pixels beside the swatch");
    // Both swatches line up in one legend column.
    let rows_of_first: Vec<u32> = img
        .enumerate_pixels()
        .filter(|(x, _, p)| *x == x0 && **p == PALETTE[0])
        .map(|(_, y, _)| y)
        .collect();
    assert!(
        rows_of_first.iter().any(|&y| y + 20 >= y0 && y < y0),
        "swatch of the first series above the second"
    );
}

#[test]
fn legend_moves_away_from_the_data() {
    // A falling curve fills the top-left and bottom-right; the legend goes top-right.
    let falling = LinePlot::default().with_series(Series::from_values("falling", (0..50).map(|i| 50.0 - i as f64)));
    let img = falling.render().unwrap();
    let (x0, y0, _, _) = legend_swatch(&img);
    assert!(x0 > 400 && y0 < 250, "legend at ({x0}, {y0})");
    // A rising curve fills the bottom-left and top-right; the legend goes top-left.
    let rising = LinePlot::default().with_series(Series::from_values("rising", (0..50).map(|i| i as f64)));
    let img = rising.render().unwrap();
    let (x0, y0, _, _) = legend_swatch(&img);
    assert!(x0 < 400 && y0 < 250, "legend at ({x0}, {y0})");
}

/// The legend swatch of the one series: the topmost 24-pixel-wide solid run of its colour.
fn legend_swatch(img: &RgbImage) -> (u32, u32, u32, u32) {
    for y in 0..img.height() {
        for x in 0..img.width() - 24 {
            if (x..x + 24).all(|xx| *img.get_pixel(xx, y) == PALETTE[0])
                && *img.get_pixel(x + 24, y) != PALETTE[0]
                && (x == 0 || *img.get_pixel(x - 1, y) != PALETTE[0])
            {
                return (x, y, x + 23, y);
            }
        }
    }
    panic!("no swatch");
}

#[test]
fn awkward_data_draws_without_panicking() {
    let single = LinePlot::default().with_series(Series::new("one", vec![(3.0, 0.5)]));
    assert!(
        count(&single.render().unwrap(), PALETTE[0]) > 24 * 4,
        "a marker besides the swatch"
    );

    let constant = LinePlot::default().with_series(Series::from_values("flat", [0.25; 10]));
    let img = constant.render().unwrap();
    // A horizontal line across most of the plot: one row (two with the 2 px pen) holds it.
    let widest_row =
        (0..img.height()).map(|y| (0..img.width()).filter(|&x| *img.get_pixel(x, y) == PALETTE[0]).count());
    assert!(widest_row.max().unwrap() > 600, "a flat line spans the plot");

    let gaps = vec![
        (0.0, -3.0),
        (1.0, f64::NAN),
        (f64::INFINITY, 2.0),
        (2.0, f64::NEG_INFINITY),
        (3.0, -0.5),
    ];
    let negative = LinePlot::default().with_series(Series::new("holes", gaps));
    assert!(count(&negative.render().unwrap(), PALETTE[0]) > 100);

    let extreme = vec![
        (0.0, -f64::MAX),
        (1.0, 1e305),
        (2.0, f64::MAX),
        (f64::MAX, 0.0),
        (-f64::MAX, 1.0),
    ];
    assert!(
        count(
            &LinePlot::default()
                .with_series(Series::new("extreme", extreme))
                .render()
                .unwrap(),
            PALETTE[0]
        ) > 100
    );

    let huge = LinePlot::default().with_series(Series::from_values("noise", (0..200_000).map(|i| (i % 97) as f64)));
    assert!(count(&huge.render().unwrap(), PALETTE[0]) > 10_000);
}

#[test]
fn no_data_draws_empty_axes() {
    for plot in [
        LinePlot::new("empty"),
        LinePlot::default().with_series(Series::new("nan", vec![(f64::NAN, 1.0)])),
    ] {
        let img = plot.render().unwrap();
        assert_eq!(img.dimensions(), (800, 500));
        // Only the legend swatch (if any) is in a series colour; the frame and labels are drawn.
        assert!(count(&img, PALETTE[0]) <= 24 * 4);
        assert!(img.pixels().filter(|p| is_dark(p)).count() > 500);
    }
}

#[test]
fn tiny_canvases_are_rejected() {
    let plot = LinePlot {
        width: 100,
        height: 100,
        ..LinePlot::default()
    };
    let err = plot.render().unwrap_err();
    assert!(
        matches!(
            err,
            ViewerError::PlotTooSmall {
                width: 100,
                height: 100,
                ..
            }
        ),
        "{err:?}"
    );
    let (w, h) = MIN_PLOT_SIZE;
    assert!(LinePlot {
        width: w,
        height: h,
        ..two_losses(10)
    }
    .render()
    .is_ok());
    let giant = LinePlot {
        width: 100_000,
        height: 100_000,
        ..LinePlot::default()
    };
    assert!(matches!(giant.render(), Err(ViewerError::TooLarge { .. })));
}

#[test]
fn wide_lines_of_noisy_data_stay_beside_their_points() {
    // A zigzag between 0.4 and 0.6, 3 pixels wide, on axes from 0 to 1: its sharp turns must not
    // throw ink towards 0 (plotters' own wide paths mitre without limit and do).
    let zigzag = (0..400).map(|i| (i as f64, if i % 2 == 0 { 0.4 } else { 0.6 }));
    let plot = LinePlot::default()
        .with_series(Series::new("zigzag", zigzag.collect()).with_stroke(3))
        .with_series(Series::new("bounds", vec![(0.0, 0.0), (0.0, 1.0)]));
    let img = plot.render().unwrap();
    // The frame's top and bottom rows: the rows with the longest runs of the axis colour.
    let axis = Rgb([90, 90, 96]);
    let mut rows: Vec<(usize, u32)> = (0..img.height())
        .map(|y| ((0..img.width()).filter(|&x| *img.get_pixel(x, y) == axis).count(), y))
        .collect();
    rows.sort_unstable();
    let (a, b) = (rows[rows.len() - 1].1, rows[rows.len() - 2].1);
    let (top, bottom) = (a.min(b), a.max(b));
    let row_of = |v: f64| bottom as f64 - v * (bottom - top) as f64;
    let blue = |p: &Rgb<u8>| i32::from(p.0[2]) - i32::from(p.0[0]) > 30;
    let below = (row_of(0.4) as u32 + 4..bottom)
        .flat_map(|y| (0..img.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| blue(img.get_pixel(x, y)))
        .count();
    assert_eq!(below, 0, "ink of the zigzag below its lowest point");
    let band = (row_of(0.6) as u32..row_of(0.4) as u32).flat_map(|y| (0..img.width()).map(move |x| (x, y)));
    assert!(
        band.filter(|&(x, y)| blue(img.get_pixel(x, y))).count() > 10_000,
        "the zigzag is drawn"
    );
}
