//! Drawing a [`LinePlot`] with plotters: the grid, axes, ticks, tick labels and axis titles as a
//! plotters mesh over the [`Frame`]'s ticks, then the lines, the frame and the title.
use plotters::chart::ChartContext;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::Shift;
use plotters::prelude::{ChartBuilder, Circle, DrawingArea, PathElement};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, TRANSPARENT};
use plotters_backend::BackendCoord;

use super::axis::TickAxis;
use super::canvas::{outline, rgb, text_style, Canvas, DrawError};
use super::frame::{Frame, TICK_LEN};
use super::plot::{LinePlot, AXIS, GRID, NOTE, TEXT};
use super::ticks::format_tick;

/// The chart's coordinates: pixels of the plot area, data along our tick axes.
type Chart<'a, 'b> = ChartContext<'a, Canvas<'b>, Cartesian2d<TickAxis, TickAxis>>;

/// Draws everything of `plot` but its legend; `empty` adds the "no data" note.
pub(super) fn draw_chart(
    area: &DrawingArea<Canvas<'_>, Shift>,
    plot: &LinePlot,
    frame: &Frame,
    empty: bool,
) -> Result<(), DrawError> {
    let chart = draw_mesh(area, plot, frame)?;
    draw_lines(area, &chart, plot, frame)?;
    let p = frame.plot;
    outline(area, (p.x - 1, p.y - 1, p.w + 2, p.h + 2), AXIS)?;
    if !plot.title.is_empty() {
        let style = text_style(frame.title, TEXT).pos(Pos::new(HPos::Center, VPos::Top));
        area.draw_text(&plot.title, &style, ((plot.width / 2) as i32, 4 * frame.scale as i32))?;
    }
    if empty {
        let style = text_style(frame.text, NOTE).pos(Pos::new(HPos::Center, VPos::Center));
        area.draw_text("no data", &style, (p.x + p.w / 2, p.y + p.h / 2))?;
    }
    Ok(())
}

/// Places the plot area where the frame says and draws plotters' mesh on it: grid lines on
/// the ticks, the left and bottom axes with their tick marks, labels and titles.
fn draw_mesh<'a, 'b>(
    area: &'a DrawingArea<Canvas<'b>, Shift>,
    plot: &LinePlot,
    frame: &Frame,
) -> Result<Chart<'a, 'b>, DrawError> {
    let (p, gap) = (frame.plot, 4 * frame.scale as i32);
    let (xt, yt) = (&frame.x_ticks, &frame.y_ticks);
    let mut chart = ChartBuilder::on(area)
        .margin_top(p.y)
        .margin_left(gap)
        .margin_right(plot.width as i32 - p.x - p.w)
        .margin_bottom(gap)
        .y_label_area_size(p.x - gap)
        .x_label_area_size(plot.height as i32 - p.y - p.h - gap)
        .build_cartesian_2d(TickAxis(xt.clone()), TickAxis(yt.clone()))?;
    let (x_label, y_label) = (|v: &f64| format_tick(*v, xt.step), |v: &f64| format_tick(*v, yt.step));
    let text = text_style(frame.text, TEXT);
    chart
        .configure_mesh()
        .bold_line_style(rgb(GRID))
        .light_line_style(TRANSPARENT)
        .axis_style(rgb(AXIS))
        .set_all_tick_mark_size(TICK_LEN)
        .x_labels(xt.values.len())
        .y_labels(yt.values.len())
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(text.clone())
        .axis_desc_style(text)
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .draw()?;
    Ok(chart)
}

/// Draws each series in order: a dot for a single point, else its line.
fn draw_lines(
    area: &DrawingArea<Canvas<'_>, Shift>,
    chart: &Chart<'_, '_>,
    plot: &LinePlot,
    frame: &Frame,
) -> Result<(), DrawError> {
    for (i, series) in plot.series.iter().enumerate() {
        let pen = series.stroke.unwrap_or(frame.scale).max(1);
        let color = rgb(plot.color(i));
        let pixels: Vec<BackendCoord> = series
            .finite_points()
            .map(|point| chart.backend_coord(&point))
            .collect();
        match pixels.as_slice() {
            [] => {}
            [only] => area.draw(&Circle::new(*only, 2 * frame.scale, color.filled()))?,
            // A one-pixel line through every point keeps the shading of where a dense, noisy
            // curve crosses most; a wider one needs at most four points per column.
            _ if pen > 1 && pixels.len() > 2 * frame.plot.w as usize => {
                area.draw(&PathElement::new(envelope(&pixels), color.stroke_width(pen)))?
            }
            _ => area.draw(&PathElement::new(pixels, color.stroke_width(pen)))?,
        }
    }
    Ok(())
}

/// `pixels` reduced to at most four per pixel column: the column's first, highest, lowest and
/// last point, so the line through them covers the same pixels as the line through all of them,
/// in O(points).
fn envelope(pixels: &[BackendCoord]) -> Vec<BackendCoord> {
    // (column, first, lowest and highest row, last row) of the column being filled.
    type Column = (i32, i32, i32, i32, i32);
    fn flush(column: Option<Column>, out: &mut Vec<BackendCoord>) {
        if let Some((x, first, lo, hi, last)) = column {
            out.extend([(x, first), (x, lo), (x, hi), (x, last)]);
        }
    }
    let (mut out, mut current) = (Vec::new(), None::<Column>);
    for &(x, y) in pixels {
        current = match current {
            Some((column, first, lo, hi, _)) if column == x => Some((x, first, lo.min(y), hi.max(y), y)),
            previous => {
                flush(previous, &mut out);
                Some((x, y, y, y, y))
            }
        };
    }
    flush(current, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_keeps_each_columns_first_extremes_and_last() {
        // Column 5 holds four points; a column's points need not be neighbours in x order.
        let pixels = [(4, 1), (5, 3), (5, -1), (5, 7), (5, 2), (6, 0)];
        let column = |x, first, lo, hi, last| [(x, first), (x, lo), (x, hi), (x, last)];
        let want: Vec<BackendCoord> = [column(4, 1, 1, 1, 1), column(5, 3, -1, 7, 2), column(6, 0, 0, 0, 0)].concat();
        assert_eq!(envelope(&pixels), want);
        assert!(envelope(&[]).is_empty());
    }
}
