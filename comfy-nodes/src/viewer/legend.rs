//! The plot legend: a boxed list of colour swatches and series names, placed in the corner of
//! the plot area where it hides the least data.
use image::RgbImage;

use super::draw::{fill_rect, stroke_rect, Rect};
use super::font::{draw_text, text_height, text_width, CAP_HEIGHT};
use super::frame::Frame;
use super::plot::{LinePlot, Series, BACKGROUND, GRID, LEGEND_BORDER, TEXT};

/// Draws a boxed legend in the plot corner that hides the fewest drawn data pixels.
pub(super) fn draw_legend(img: &mut RgbImage, plot: &LinePlot, frame: &Frame) {
    let s = frame.scale;
    let labels: Vec<String> = plot
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| legend_label(i, series))
        .collect();
    let (pad, swatch, row) = (i64::from(4 * s), i64::from(12 * s), i64::from(text_height(s) + 2 * s));
    let text_w = labels.iter().map(|l| i64::from(text_width(l, s))).max().unwrap_or(0);
    let (w, h) = (
        pad * 3 + swatch + text_w,
        pad * 2 + row * labels.len() as i64 - i64::from(2 * s),
    );
    let rect = best_corner(img, frame.plot, w, h, i64::from(6 * s));
    let all = Rect::of_image(img);
    fill_rect(img, &all, rect, BACKGROUND);
    stroke_rect(img, &all, rect, LEGEND_BORDER);
    for (i, label) in labels.iter().enumerate() {
        let top = rect.y + pad + row * i as i64;
        let mid = top + i64::from(CAP_HEIGHT * s) / 2;
        let bar = Rect::new(rect.x + pad, mid - i64::from(s), swatch, i64::from(2 * s));
        fill_rect(img, &all, bar, plot.color(i));
        draw_text(img, (rect.x + pad * 2 + swatch) as i32, top as i32, label, s, TEXT);
    }
}

fn legend_label(index: usize, series: &Series) -> String {
    let name = if series.name.is_empty() {
        format!("series {}", index + 1)
    } else {
        series.name.clone()
    };
    if series.finite_points().next().is_none() {
        format!("{name} (no data)")
    } else {
        name
    }
}

/// Of the four corners of `plot` (inset by `inset`), the one where a `w x h` box covers the
/// fewest pixels already drawn; ties go to top-right, top-left, bottom-right, bottom-left.
fn best_corner(img: &RgbImage, plot: Rect, w: i64, h: i64, inset: i64) -> Rect {
    let (left, right) = (plot.x + inset, plot.x + plot.w - inset - w);
    let (top, bottom) = (plot.y + inset, plot.y + plot.h - inset - h);
    let corners = [(right, top), (left, top), (right, bottom), (left, bottom)];
    let drawn = |x: i64, y: i64| {
        let pixel = if x < 0 || y < 0 {
            None
        } else {
            img.get_pixel_checked(x as u32, y as u32)
        };
        pixel.is_some_and(|p| *p != BACKGROUND && *p != GRID)
    };
    let covered = |&(x, y): &(i64, i64)| {
        let (xs, ys) = (x - inset / 2..x + w + inset / 2, y - inset / 2..y + h + inset / 2);
        ys.flat_map(|py| xs.clone().map(move |px| (px, py)))
            .filter(|&(px, py)| drawn(px, py))
            .count()
    };
    let best = corners
        .iter()
        .min_by_key(|c| covered(c))
        .copied()
        .unwrap_or((right, top));
    Rect::new(best.0, best.1, w, h)
}
