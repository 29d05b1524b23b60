//! The plot legend: a boxed list of colour swatches and series names, placed in the corner of
//! the plot area where it hides the least of what is drawn.
//!
//! plotters' own legend (`configure_series_labels`) sits where it is told; this one looks at the
//! drawn chart first, so a falling curve keeps its top-left and a rising one its top-right.
use image::RgbImage;

use super::canvas::{draw_on, fill, outline, text_style};
use super::error::ViewerError;
use super::frame::{Frame, Rect};
use super::plot::{LinePlot, Series, BACKGROUND, GRID, LEGEND_BORDER, TEXT};
use super::text::Typeface;

/// Draws a boxed legend in the plot corner that hides the fewest drawn pixels.
pub(super) fn draw_legend(
    img: &mut RgbImage,
    plot: &LinePlot,
    frame: &Frame,
    face: &Typeface,
) -> Result<(), ViewerError> {
    let (s, line) = (frame.scale as i32, frame.text as i32);
    let labels: Vec<String> = plot
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| legend_label(i, series))
        .collect();
    let (pad, swatch, row) = (4 * s, 12 * s, line + 2 * s);
    let text_w = labels
        .iter()
        .map(|l| face.size(l, line as f32).0 as i32)
        .max()
        .unwrap_or(0);
    let (w, h) = (pad * 3 + swatch + text_w, pad * 2 + row * labels.len() as i32 - 2 * s);
    let rect = best_corner(img, frame.plot, w, h, 6 * s);
    draw_on(img, "line plot legend", |area| {
        fill(area, rect.xywh(), BACKGROUND)?;
        outline(area, rect.xywh(), LEGEND_BORDER)?;
        for (i, label) in labels.iter().enumerate() {
            let top = rect.y + pad + row * i as i32;
            fill(area, (rect.x + pad, top + line / 2 - s, swatch, 2 * s), plot.color(i))?;
            let at = (rect.x + pad * 2 + swatch, top);
            area.draw_text(label, &text_style(frame.text, TEXT), at)?;
        }
        Ok(())
    })
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
fn best_corner(img: &RgbImage, plot: Rect, w: i32, h: i32, inset: i32) -> Rect {
    let (left, right) = (plot.x + inset, plot.x + plot.w - inset - w);
    let (top, bottom) = (plot.y + inset, plot.y + plot.h - inset - h);
    let corners = [(right, top), (left, top), (right, bottom), (left, bottom)];
    let drawn = |x: i32, y: i32| {
        let pixel = if x < 0 || y < 0 {
            None
        } else {
            img.get_pixel_checked(x as u32, y as u32)
        };
        pixel.is_some_and(|p| *p != BACKGROUND && *p != GRID)
    };
    let covered = |&(x, y): &(i32, i32)| {
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
    Rect {
        x: best.0,
        y: best.1,
        w,
        h,
    }
}
