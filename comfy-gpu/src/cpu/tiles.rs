//! Cutting the output of a product into tiles of whole micro-tiles, one task each.
use super::kernel::{MR, NR};

/// How the output is cut: bands of A slivers (rows) by runs of B slivers (columns), each given
/// as `(first sliver, count)`.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Row bands.
    pub bands: Vec<(usize, usize)>,
    /// Column runs.
    pub cols: Vec<(usize, usize)>,
}

/// A rectangle of whole micro-tiles of the output and the row pieces it writes (`T` is `f32`,
/// or `MaybeUninit<f32>` for output not written yet).
pub struct Tile<'c, T> {
    /// First A sliver (row `s0 · MR`).
    pub s0: usize,
    /// First B sliver (column `t0 · NR`).
    pub t0: usize,
    /// Number of B slivers.
    pub tn: usize,
    /// The tile's rows, each cut to the tile's columns.
    pub rows: Vec<&'c mut [T]>,
}

impl Grid {
    /// At most `max_bands × max_cols` slivers per tile and, with several threads, at least
    /// `per_thread` tiles per thread and a multiple of the thread count (3 equal tiles on 2
    /// threads take as long as 4), splitting the longer side of the tiles first.
    pub fn new(m: usize, n: usize, threads: usize, (max_bands, max_cols): (usize, usize), per_thread: usize) -> Self {
        let (ms, ns) = (m.div_ceil(MR), n.div_ceil(NR));
        let (mut bands, mut cols) = (ms.div_ceil(max_bands), ns.div_ceil(max_cols));
        if threads > 1 {
            while bands * cols < threads * per_thread || (bands * cols) % threads != 0 {
                let (h, w) = (ms.div_ceil(bands) * MR, ns.div_ceil(cols) * NR);
                if w >= h && cols < ns {
                    cols += 1;
                } else if bands < ms {
                    bands += 1;
                } else if cols < ns {
                    cols += 1;
                } else {
                    break;
                }
            }
        }
        Grid {
            bands: split(ms, bands),
            cols: split(ns, cols),
        }
    }

    /// One run of columns, the rows cut into bands of at most `max_bands` slivers and, with
    /// several threads, into a multiple of the thread count (as far as the slivers go).
    pub fn bands_only(m: usize, n: usize, threads: usize, max_bands: usize) -> Self {
        let (ms, ns) = (m.div_ceil(MR), n.div_ceil(NR));
        Grid {
            bands: split(ms, parts(ms, max_bands, threads)),
            cols: split(ns, 1),
        }
    }

    /// One band of rows, the columns cut into runs as [`Grid::bands_only`] cuts rows.
    pub fn cols_only(m: usize, n: usize, threads: usize, max_cols: usize) -> Self {
        let (ms, ns) = (m.div_ceil(MR), n.div_ceil(NR));
        Grid {
            bands: split(ms, 1),
            cols: split(ns, parts(ns, max_cols, threads)),
        }
    }

    /// The tiles over `m` output rows of `n` values each, wherever they are, band by band.
    pub fn tiles_of_rows<'c, T>(&self, rows: Vec<&'c mut [T]>, m: usize, n: usize) -> Vec<Tile<'c, T>> {
        let ncols = self.cols.len();
        let mut tiles: Vec<Tile<'c, T>> = Vec::with_capacity(self.bands.len() * ncols);
        for &(s0, sn) in &self.bands {
            for &(t0, tn) in &self.cols {
                let rows = Vec::with_capacity((sn * MR).min(m - s0 * MR));
                tiles.push(Tile { s0, t0, tn, rows });
            }
        }
        let mut band = 0;
        for (i, mut row) in rows.into_iter().enumerate() {
            let (s0, sn) = self.bands[band];
            if i >= (s0 + sn) * MR {
                band += 1;
            }
            for (c, &(t0, tn)) in self.cols.iter().enumerate() {
                let width = ((t0 + tn) * NR).min(n) - t0 * NR;
                let (piece, rest) = row.split_at_mut(width);
                tiles[band * ncols + c].rows.push(piece);
                row = rest;
            }
        }
        tiles
    }
}

/// How many runs to cut `total` slivers into: at most `max` slivers each, and a multiple of
/// `threads` where there are slivers enough.
fn parts(total: usize, max: usize, threads: usize) -> usize {
    let mut parts = total.div_ceil(max).max(1);
    if threads > 1 {
        parts = parts.next_multiple_of(threads);
    }
    parts.min(total).max(1)
}

/// `total` slivers in `parts` runs as even as possible: `(first, count)` each.
fn split(total: usize, parts: usize) -> Vec<(usize, usize)> {
    let (base, extra) = (total / parts, total % parts);
    let mut first = 0;
    (0..parts)
        .map(|i| {
            let count = base + usize::from(i < extra);
            let run = (first, count);
            first += count;
            run
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_the_output_once() {
        for (m, n, threads) in [(1, 1, 2), (7, 33, 1), (64, 1024, 2), (1000, 50, 2), (300, 300, 5)] {
            let grid = Grid::new(m, n, threads, (4, 4), 4);
            let mut out = vec![0.0f32; m * n];
            for t in grid.tiles_of_rows(out.chunks_mut(n).collect(), m, n) {
                for (r, row) in t.rows.into_iter().enumerate() {
                    assert!(row.len() <= t.tn * NR && r < grid.bands.len() * 4 * MR);
                    row.iter_mut().for_each(|v| *v += 1.0);
                }
            }
            assert!(out.iter().all(|&v| v == 1.0), "{m}×{n}");
        }
    }
}
