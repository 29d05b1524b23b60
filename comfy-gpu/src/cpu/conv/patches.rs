//! The patch matrix of a convolution, packed straight from the NHWC image (an implicit
//! im2col: the matrix itself is never built).
//!
//! Row `r` of the patch matrix is one output position `(n, gy, gx)`; its columns run over the
//! taps `(ty, tx)` and, within a tap, over the image's channels — so each tap of a row is one
//! contiguous run of the image (a pixel's channels), or zeros where the tap falls in the
//! padding. Tap `(ty, tx)` of row `(n, gy, gx)` reads pixel
//! `(n, gy·step + first_y + ty·delta_y, gx·step + first_x + tx·delta_x)`: a forward convolution
//! has `step = stride` and `first + t·delta = t·dilation − padding`; one phase of an input
//! gradient walks the output gradient with `step = 1` (see [`comfy_core::Phase`]).
use super::super::blocked::KC;
use super::super::kernel_avx2::Avx2Fma;

/// Zeros for the taps that fall in the padding (a tap's run is at most one k block long).
static ZEROS: [f32; KC] = [0.0; KC];

/// Channels below which a tap's run is packed value by value instead of through the 8 × 8
/// register transposes.
const GATHER_MIN: usize = 8;

/// One axis of the taps: tap `j < count` is `first + j · delta` pixels from the row's origin.
#[derive(Clone, Copy, Debug)]
pub struct Taps {
    /// Taps along the axis.
    pub count: usize,
    /// Offset of tap 0.
    pub first: isize,
    /// Offset between taps.
    pub delta: isize,
}

/// The patches of an NHWC image `src` (`batch × size[0] × size[1] × c`) on a grid of
/// `grid[0] × grid[1]` positions per image.
#[derive(Clone, Copy, Debug)]
pub struct Patches<'a> {
    /// The image, NHWC.
    pub src: &'a [f32],
    /// Images.
    pub batch: usize,
    /// Height and width of the image.
    pub size: [usize; 2],
    /// Channels of the image: the length of one tap's run.
    pub c: usize,
    /// Positions per image along each axis.
    pub grid: [usize; 2],
    /// Pixels between neighbouring positions.
    pub step: [usize; 2],
    /// The taps along each axis.
    pub taps: [Taps; 2],
}

/// A position: image and top-left pixel (before the tap offsets).
type Origin = (usize, isize, isize);

impl Patches<'_> {
    /// Rows of the patch matrix.
    pub fn rows(&self) -> usize {
        self.batch * self.grid[0] * self.grid[1]
    }

    /// Columns of the patch matrix.
    pub fn cols(&self) -> usize {
        self.taps[0].count * self.taps[1].count * self.c
    }

    /// Where row `r` sits.
    pub fn origin(&self, r: usize) -> Origin {
        let per_image = self.grid[0] * self.grid[1];
        let (n, rest) = (r / per_image, r % per_image);
        let (gy, gx) = (rest / self.grid[1], rest % self.grid[1]);
        (n, (gy * self.step[0]) as isize, (gx * self.step[1]) as isize)
    }

    /// The pixel offset of tap number `t` (taps counted row-major over `(ty, tx)`).
    pub fn tap_offset(&self, t: usize) -> (isize, isize) {
        let (ty, tx) = (t / self.taps[1].count, t % self.taps[1].count);
        let [a, b] = self.taps;
        (a.first + ty as isize * a.delta, b.first + tx as isize * b.delta)
    }

    /// Index of the first value of the pixel that `origin` plus `offset` reaches, or `None` in
    /// the padding.
    #[inline]
    pub fn pixel(&self, (n, y, x): Origin, (oy, ox): (isize, isize)) -> Option<usize> {
        let (y, x) = (y + oy, x + ox);
        let inside = y >= 0 && x >= 0 && (y as usize) < self.size[0] && (x as usize) < self.size[1];
        inside.then(|| ((n * self.size[0] + y as usize) * self.size[1] + x as usize) * self.c)
    }

    /// Packs rows `first ..` of the patch matrix into `out` (slivers of `W` rows, steps
    /// `p0 .. p0 + kc` of k each, zeros past the last row): the left operand of a convolution
    /// or of one phase of an input gradient.
    pub fn pack_rows<const W: usize>(&self, out: &mut [f32], first: usize, p0: usize, kc: usize) {
        let rows = self.rows();
        let c = self.c;
        for (s, sliver) in out.chunks_mut(W * kc).enumerate() {
            let origins: [Option<Origin>; W] = std::array::from_fn(|r| {
                let row = first + s * W + r;
                (row < rows).then(|| self.origin(row))
            });
            if c < GATHER_MIN {
                // Few channels: each row's values first, through merged runs, then interleaved.
                let mut bufs = [[0.0f32; KC]; W];
                for (buf, o) in bufs.iter_mut().zip(&origins) {
                    match o {
                        Some(o) => self.row_values(*o, p0, &mut buf[..kc]),
                        None => buf[..kc].fill(0.0),
                    }
                }
                let runs: [&[f32]; W] = std::array::from_fn(|r| &bufs[r][..kc]);
                interleave::<W>(sliver, &runs);
                continue;
            }
            // One tap at a time: each row's run of channels, interleaved W-wide.
            let mut p = p0;
            while p < p0 + kc {
                let (tap, ci) = (p / c, p % c);
                let len = (c - ci).min(p0 + kc - p);
                let offset = self.tap_offset(tap);
                let runs: [&[f32]; W] = std::array::from_fn(|r| match origins[r].and_then(|o| self.pixel(o, offset)) {
                    Some(px) => &self.src[px + ci..][..len],
                    None => &ZEROS[..len],
                });
                interleave::<W>(&mut sliver[(p - p0) * W..][..len * W], &runs);
                p += len;
            }
        }
    }

    /// Packs columns `first ..` of the patch matrix into `out` as slivers of `W` columns over
    /// rows `p0 .. p0 + kc` (zeros past the last column): the right operand of a weight
    /// gradient, `dWᵀ = dYᵀ · patches`.
    ///
    /// Where each of a sliver's columns comes from is worked out once per sliver (see
    /// [`SliverRuns`]); per row it is then a bounds check and a copy per run: one 16-value copy
    /// for an image whose channels are a multiple of 16.
    pub fn pack_cols<const W: usize>(&self, out: &mut [f32], first: usize, p0: usize, kc: usize) {
        for (s, sliver) in out.chunks_mut(W * kc).enumerate() {
            let runs = SliverRuns::<W>::new(self, first + s * W);
            let mut walk = RowWalk::new(self, p0);
            for step in sliver.chunks_exact_mut(W) {
                runs.fill(self, walk.next_origin(self), step);
            }
        }
    }

    /// Columns `col0 .. col0 + out.len()` of the row at `origin` (zeros past the last column
    /// and in the padding). With no dilation along the width the taps of one kernel row are
    /// neighbouring pixels, so a run spans several taps whenever they are all inside the image
    /// (a single-channel image's 4 × 4 patch is four copies of four values, not sixteen).
    pub fn row_values(&self, origin: Origin, col0: usize, out: &mut [f32]) {
        let (c, cols, [ty_axis, tx_axis]) = (self.c, self.cols(), self.taps);
        let len = out.len();
        let mut j = 0;
        while j < len {
            let col = col0 + j;
            if col >= cols {
                out[j..].fill(0.0);
                return;
            }
            let (tap, ci) = (col / c, col % c);
            let (ty, tx) = (tap / tx_axis.count, tap % tx_axis.count);
            let y = origin.1 + ty_axis.first + ty as isize * ty_axis.delta;
            let x0 = origin.2 + tx_axis.first + tx as isize * tx_axis.delta;
            // The rest of this kernel row of taps, when they are neighbours and all inside.
            let row_run = (tx_axis.count - tx) * c - ci;
            let last_x = x0 + ((ci + row_run.min(len - j) - 1) / c) as isize;
            let y_inside = y >= 0 && (y as usize) < self.size[0];
            let take = if tx_axis.delta == 1 && y_inside && x0 >= 0 && (last_x as usize) < self.size[1] {
                row_run.min(len - j)
            } else {
                (c - ci).min(len - j)
            };
            let dst = &mut out[j..j + take];
            match self.pixel((origin.0, 0, 0), (y, x0)) {
                Some(px) => dst.copy_from_slice(&self.src[px + ci..][..take]),
                None => dst.fill(0.0),
            }
            j += take;
        }
    }
}

/// A run of a sliver's columns within one tap: columns `j0 .. j0 + len` of the sliver are
/// channels `ci ..` of the pixel at `offset` (`None`: past the last column, zeros).
#[derive(Clone, Copy, Default)]
struct Run {
    j0: usize,
    len: usize,
    offset: Option<(isize, isize)>,
    ci: usize,
}

/// The runs of one sliver's `W` columns, and the groups of them that are one stretch of
/// memory when all their pixels are inside the image: neighbouring taps along the width, each
/// run after the first starting at channel 0 (no dilation along the width).
struct SliverRuns<const W: usize> {
    runs: [Run; W],
    /// `(first run, number of runs)` of each group.
    groups: [(usize, usize); W],
    count: usize,
}

impl<const W: usize> SliverRuns<W> {
    fn new(p: &Patches<'_>, col0: usize) -> Self {
        let (cols, c) = (p.cols(), p.c);
        let mut runs = [Run::default(); W];
        let mut groups = [(0, 0); W];
        let (mut n, mut count, mut j) = (0, 0, 0);
        while j < W {
            let col = col0 + j;
            let run = if col >= cols {
                Run {
                    j0: j,
                    len: W - j,
                    offset: None,
                    ci: 0,
                }
            } else {
                let (tap, ci) = (col / c, col % c);
                Run {
                    j0: j,
                    len: (c - ci).min(W - j),
                    offset: Some(p.tap_offset(tap)),
                    ci,
                }
            };
            let joins = n > 0 && {
                let prev = runs[n - 1];
                match (prev.offset, run.offset) {
                    (Some((py, px)), Some((y, x))) => {
                        p.taps[1].delta == 1 && py == y && x == px + 1 && run.ci == 0 && prev.ci + prev.len == c
                    }
                    _ => false,
                }
            };
            runs[n] = run;
            if joins {
                groups[count - 1].1 += 1;
            } else {
                groups[count] = (n, 1);
                count += 1;
            }
            n += 1;
            j += run.len;
        }
        SliverRuns { runs, groups, count }
    }

    /// The sliver's values on the row at `origin`.
    #[inline]
    fn fill(&self, p: &Patches<'_>, origin: Origin, out: &mut [f32]) {
        for &(g0, gn) in &self.groups[..self.count] {
            let (first, last) = (self.runs[g0], self.runs[g0 + gn - 1]);
            let whole = match (first.offset, last.offset) {
                (Some(a), Some(b)) => p.pixel(origin, a).filter(|_| p.pixel(origin, b).is_some()),
                _ => None,
            };
            if let Some(px) = whole {
                let len = last.j0 + last.len - first.j0;
                out[first.j0..first.j0 + len].copy_from_slice(&p.src[px + first.ci..][..len]);
                continue;
            }
            for r in &self.runs[g0..g0 + gn] {
                let dst = &mut out[r.j0..r.j0 + r.len];
                match r.offset.and_then(|o| p.pixel(origin, o)) {
                    Some(px) => dst.copy_from_slice(&p.src[px + r.ci..][..r.len]),
                    None => dst.fill(0.0),
                }
            }
        }
    }
}

/// Walks the rows of a patch matrix in order without dividing at every step.
struct RowWalk {
    n: usize,
    gy: usize,
    gx: usize,
}

impl RowWalk {
    fn new(p: &Patches<'_>, row: usize) -> Self {
        let per_image = p.grid[0] * p.grid[1];
        let rest = row % per_image;
        RowWalk {
            n: row / per_image,
            gy: rest / p.grid[1],
            gx: rest % p.grid[1],
        }
    }

    /// The origin of the current row, then steps to the next.
    fn next_origin(&mut self, p: &Patches<'_>) -> Origin {
        let o = (self.n, (self.gy * p.step[0]) as isize, (self.gx * p.step[1]) as isize);
        self.gx += 1;
        if self.gx == p.grid[1] {
            self.gx = 0;
            self.gy += 1;
            if self.gy == p.grid[0] {
                self.gy = 0;
                self.n += 1;
            }
        }
        o
    }
}

/// `out[q·W + r] = runs[r][q]`: `W` runs interleaved into a packed sliver piece.
fn interleave<const W: usize>(out: &mut [f32], runs: &[&[f32]; W]) {
    match Avx2Fma::detect() {
        Some(simd) if W == 6 || W == 16 => simd.gather::<W>(out, runs),
        _ => {
            for (q, step) in out.chunks_exact_mut(W).enumerate() {
                for (v, run) in step.iter_mut().zip(runs) {
                    *v = run[q];
                }
            }
        }
    }
}
