//! Raster primitives for the plot: clipped rectangles and thick lines on an `RgbImage`.
use image::{Rgb, RgbImage};

/// An axis-aligned rectangle in pixels; `x..x + w` across and `y..y + h` down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
}

impl Rect {
    pub const fn new(x: i64, y: i64, w: i64, h: i64) -> Self {
        Rect { x, y, w, h }
    }

    /// The whole of `img`.
    pub fn of_image(img: &RgbImage) -> Self {
        Rect::new(0, 0, i64::from(img.width()), i64::from(img.height()))
    }

    pub fn contains(&self, x: i64, y: i64) -> bool {
        x >= self.x && y >= self.y && x < self.x + self.w && y < self.y + self.h
    }
}

/// Sets pixel (`x`, `y`) if it lies inside both `clip` and the image.
pub(crate) fn put(img: &mut RgbImage, clip: &Rect, x: i64, y: i64, color: Rgb<u8>) {
    if !clip.contains(x, y) || x < 0 || y < 0 {
        return;
    }
    if let Some(p) = img.get_pixel_mut_checked(x as u32, y as u32) {
        *p = color;
    }
}

/// Fills `rect`, clipped to `clip`.
pub(crate) fn fill_rect(img: &mut RgbImage, clip: &Rect, rect: Rect, color: Rgb<u8>) {
    for y in rect.y..rect.y + rect.h {
        for x in rect.x..rect.x + rect.w {
            put(img, clip, x, y, color);
        }
    }
}

/// Draws the one-pixel outline of `rect`.
pub(crate) fn stroke_rect(img: &mut RgbImage, clip: &Rect, rect: Rect, color: Rgb<u8>) {
    let (x1, y1) = (rect.x + rect.w - 1, rect.y + rect.h - 1);
    fill_rect(img, clip, Rect::new(rect.x, rect.y, rect.w, 1), color);
    fill_rect(img, clip, Rect::new(rect.x, y1, rect.w, 1), color);
    fill_rect(img, clip, Rect::new(rect.x, rect.y, 1, rect.h), color);
    fill_rect(img, clip, Rect::new(x1, rect.y, 1, rect.h), color);
}

/// Draws a line from `a` to `b` (Bresenham), stamping a `thickness x thickness` square per step.
pub(crate) fn line(img: &mut RgbImage, clip: &Rect, a: (i64, i64), b: (i64, i64), thickness: i64, color: Rgb<u8>) {
    let (mut x, mut y) = a;
    let (dx, dy) = ((b.0 - a.0).abs(), -(b.1 - a.1).abs());
    let (sx, sy) = (if a.0 < b.0 { 1 } else { -1 }, if a.1 < b.1 { 1 } else { -1 });
    let mut err = dx + dy;
    // Centre the stamp on the line: a 2 px pen covers the pixel and the one up-left of it.
    let back = (thickness - 1) / 2;
    loop {
        fill_rect(img, clip, Rect::new(x - back, y - back, thickness, thickness), color);
        if x == b.0 && y == b.1 {
            break;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x += sx;
        }
        if e2 <= dx {
            err += dx;
            y += sy;
        }
    }
}
