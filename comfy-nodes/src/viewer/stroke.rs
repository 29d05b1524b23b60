//! Wide lines, anti-aliased: the coverage of a round pen drawn along a path.
//!
//! plotters' bitmap backend draws a line wider than one pixel as one polygon per path, mitred
//! without limit, so a noisy loss curve's sharp turns send spikes far past the data; drawn one
//! segment at a time its polygons are a pixel wider than asked and jagged. Side by side:
//! `docs/measurements/charts-2026-12-02/wide_lines_plotters_vs_ours.png`. Here each pixel gets
//! the largest coverage any segment gives it (round joins and caps, no double blending).
use std::ops::Range;

use plotters_backend::BackendCoord;

/// How much of each pixel of a rectangle a pen covers, `0..=1`.
pub(crate) struct Coverage {
    /// Left column of the rectangle.
    pub x0: i32,
    /// Top row of the rectangle.
    pub y0: i32,
    /// Columns in the rectangle.
    pub width: usize,
    /// Row by row, `width` values each.
    pub cells: Vec<f32>,
}

impl Coverage {
    /// Each covered pixel as `(x, y, coverage)`.
    pub fn pixels(&self) -> impl Iterator<Item = (i32, i32, f32)> + '_ {
        let width = self.width.max(1);
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0.0)
            .map(move |(i, &c)| {
                let (dx, dy) = ((i % width) as i32, (i / width) as i32);
                (self.x0 + dx, self.y0 + dy, c)
            })
    }
}

/// The coverage of a round pen `width` pixels across drawn along `path` (pixel centres), within
/// a canvas of `size` pixels.
pub(crate) fn stroke(path: &[BackendCoord], width: u32, size: (u32, u32)) -> Coverage {
    let r = f64::from(width) / 2.0;
    let reach = r.ceil() as i32 + 1;
    let (columns, rows) = ((0, size.0 as i32), (0, size.1 as i32));
    let (xs, ys) = (path.iter().map(|p| p.0), path.iter().map(|p| p.1));
    let (x0, x1) = span(xs.clone().min().unwrap_or(0), xs.max().unwrap_or(0), reach, columns);
    let (y0, y1) = span(ys.clone().min().unwrap_or(0), ys.max().unwrap_or(0), reach, rows);
    let width = (x1 - x0) as usize;
    let mut coverage = Coverage {
        x0,
        y0,
        width,
        cells: vec![0.0; width * (y1 - y0) as usize],
    };
    let segments = path.windows(2).map(|s| (s[0], s[1]));
    let dot = path.first().filter(|_| path.len() == 1).map(|&p| (p, p));
    for (a, b) in segments.chain(dot) {
        let (sx0, sx1) = span(a.0.min(b.0), a.0.max(b.0), reach, (x0, x1));
        let (sy0, sy1) = span(a.1.min(b.1), a.1.max(b.1), reach, (y0, y1));
        coverage.add(&Segment::new(a, b), r, (sx0..sx1, sy0..sy1));
    }
    coverage
}

/// The pixels from `reach` before `lo` to `reach` past `hi`, held within `min..max`.
fn span(lo: i32, hi: i32, reach: i32, (min, max): (i32, i32)) -> (i32, i32) {
    (
        lo.saturating_sub(reach).clamp(min, max),
        hi.saturating_add(reach).clamp(min, max),
    )
}

impl Coverage {
    /// Raises the coverage of the pixels in `columns x rows` to what a pen of radius `r` drawn
    /// along `segment` gives them.
    fn add(&mut self, segment: &Segment, r: f64, (columns, rows): (Range<i32>, Range<i32>)) {
        // Pixels whose centre lies within r - 0.5 of the segment are covered whole, those past
        // r + 0.5 not at all; in between, by how far the pen's edge lies past the centre.
        let (inner, outer) = ((r - 0.5).max(0.0).powi(2), (r + 0.5).powi(2));
        for y in rows {
            let row = (y - self.y0) as usize * self.width;
            for x in columns.clone() {
                let d2 = segment.distance2(x, y);
                if d2 >= outer {
                    continue;
                }
                let cover = if d2 <= inner { 1.0 } else { (r + 0.5 - d2.sqrt()) as f32 };
                let cell = &mut self.cells[row + (x - self.x0) as usize];
                *cell = cell.max(cover);
            }
        }
    }
}

/// A segment between two pixel centres, ready for distance queries.
struct Segment {
    a: (f64, f64),
    d: (f64, f64),
    length2: f64,
}

impl Segment {
    fn new(a: BackendCoord, b: BackendCoord) -> Self {
        let a = (f64::from(a.0), f64::from(a.1));
        let d = (f64::from(b.0) - a.0, f64::from(b.1) - a.1);
        Segment {
            a,
            d,
            length2: d.0 * d.0 + d.1 * d.1,
        }
    }

    /// Squared distance from the centre of pixel (`x`, `y`) to the segment.
    fn distance2(&self, x: i32, y: i32) -> f64 {
        let (px, py) = (f64::from(x) - self.a.0, f64::from(y) - self.a.1);
        let t = if self.length2 > 0.0 {
            ((px * self.d.0 + py * self.d.1) / self.length2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (ex, ey) = (px - t * self.d.0, py - t * self.d.1);
        ex * ex + ey * ey
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(c: &Coverage, x: i32, y: i32) -> f32 {
        c.pixels().find(|p| (p.0, p.1) == (x, y)).map_or(0.0, |p| p.2)
    }

    #[test]
    fn a_flat_two_pixel_line_is_solid_for_two_rows_and_soft_beside_them() {
        let c = stroke(&[(2, 5), (12, 5)], 2, (20, 20));
        // Pen of radius 1 centred on row 5: rows 4..=6 are within 1.5 of it, row 5 fully.
        assert_eq!(at(&c, 7, 5), 1.0);
        assert_eq!((at(&c, 7, 4), at(&c, 7, 6)), (0.5, 0.5));
        assert_eq!(at(&c, 7, 3), 0.0);
        let row_sum: f32 = (0..20).map(|y| at(&c, 7, y)).sum();
        assert_eq!(row_sum, 2.0, "two pixels of ink across");
    }

    #[test]
    fn sharp_turns_stay_near_the_points_and_off_canvas_paths_are_clipped() {
        // A zigzag a mitred join would send far above row 0.
        let zigzag: Vec<BackendCoord> = (0..40).map(|i| (i, if i % 2 == 0 { 10 } else { 30 })).collect();
        let c = stroke(&zigzag, 2, (50, 50));
        assert!(c.pixels().all(|(_, y, _)| (8..=32).contains(&y)));
        let far = stroke(&[(-1_000_000, -5), (i32::MAX, i32::MIN)], 3, (10, 10));
        assert!(far
            .pixels()
            .all(|(x, y, _)| (0..10).contains(&x) && (0..10).contains(&y)));
        let dot = stroke(&[(4, 4)], 4, (10, 10));
        assert_eq!(at(&dot, 4, 4), 1.0);
    }
}
