//! Text in the viewers' pictures: the embedded TrueType font (DejaVu Sans, licence in
//! `comfy-nodes/fonts/`), laid out by `ab_glyph` with kerning and sub-pixel glyph positions and
//! drawn anti-aliased.
//!
//! A text size is its line height in pixels, ascender to descender: one line of 18-pixel text
//! fills 18 rows, descenders included. Characters the font lacks are drawn as its empty box.
//!
//! ```
//! use comfy_nodes::viewer::{text, Rgb, RgbImage};
//!
//! let (width, height) = text::text_size("loss 0.93", 18)?;
//! assert_eq!(height, 18);
//! let mut img = RgbImage::from_pixel(width + 8, height + 8, Rgb([255, 255, 255]));
//! text::draw_text(&mut img, (4, 4), "loss 0.93", 18, Rgb([34, 34, 40]))?;
//! assert!(img.pixels().any(|p| p.0[0] < 100));
//! # Ok::<(), comfy_nodes::viewer::ViewerError>(())
//! ```
use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};
use image::{Rgb, RgbImage};
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{draw_on, text_style};
use super::error::ViewerError;

/// DejaVu Sans 2.37, as Debian's `fonts-dejavu-core` installs it (see `fonts/README.md`).
const DEJAVU_SANS: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");

/// The embedded font, parsed. Cheap to make (the file is read in place) and to clone.
#[derive(Clone, Debug)]
pub(crate) struct Typeface {
    font: FontRef<'static>,
}

impl Typeface {
    /// The embedded DejaVu Sans.
    pub fn embedded() -> Result<Self, ViewerError> {
        let font = FontRef::try_from_slice(DEJAVU_SANS).map_err(|_| ViewerError::Font)?;
        Ok(Typeface { font })
    }

    /// Each glyph of `text` with the x of its origin, and the pen position after the last one.
    fn layout(&self, text: &str, height: f32) -> (Vec<(GlyphId, f32)>, f32) {
        let font = self.font.as_scaled(PxScale::from(height));
        let (mut pen, mut previous, mut glyphs) = (0.0, None, Vec::with_capacity(text.len()));
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(before) = previous {
                pen += font.kern(before, id);
            }
            glyphs.push((id, pen));
            pen += font.h_advance(id);
            previous = Some(id);
        }
        (glyphs, pen)
    }

    /// Width and height in pixels of `text` set `height` pixels high.
    pub fn size(&self, text: &str, height: f32) -> (u32, u32) {
        let Some(height) = usable(height) else {
            return (0, 0);
        };
        let (_, width) = self.layout(text, height);
        (width.max(0.0).ceil() as u32, height.ceil() as u32)
    }

    /// Calls `ink(x, y, coverage)` for every pixel the glyphs of `text` touch, coverage in
    /// `0..=1`, with (0, 0) the top-left corner of the text's line box.
    pub fn rasterize(&self, text: &str, height: f32, mut ink: impl FnMut(i32, i32, f32)) {
        let Some(height) = usable(height) else {
            return;
        };
        let font = self.font.as_scaled(PxScale::from(height));
        let baseline = font.ascent();
        for (id, x) in self.layout(text, height).0 {
            let glyph = id.with_scale_and_position(height, point(x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue; // a space
            };
            let min = outline.px_bounds().min;
            outline.draw(|gx, gy, c| ink(min.x as i32 + gx as i32, min.y as i32 + gy as i32, c.min(1.0)));
        }
    }
}

/// `height` if text can be set at it (positive and finite), at most 1024 pixels; else `None`.
fn usable(height: f32) -> Option<f32> {
    (height.is_finite() && height > 0.0).then(|| height.min(1024.0))
}

/// Width and height in pixels of `text` drawn `height` pixels high (see [`draw_text`]).
pub fn text_size(text: &str, height: u32) -> Result<(u32, u32), ViewerError> {
    Ok(Typeface::embedded()?.size(text, height as f32))
}

/// Draws `text` `height` pixels high in `color`, anti-aliased, with the top-left corner of its
/// line box at `at`. Parts outside the image are clipped.
pub fn draw_text(
    img: &mut RgbImage,
    at: (i32, i32),
    text: &str,
    height: u32,
    color: Rgb<u8>,
) -> Result<(), ViewerError> {
    let style = text_style(height, color).pos(Pos::new(HPos::Left, VPos::Top));
    draw_on(img, "text", |area| area.draw_text(text, &style, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_box_is_as_high_as_the_size_and_as_wide_as_the_advances() {
        let face = Typeface::embedded().unwrap();
        assert_eq!(face.size("", 18.0), (0, 18));
        let (one, _) = face.size("0", 18.0);
        // DejaVu's digits share one advance (0.636 em), so numbers line up.
        assert_eq!(face.size("0123456789", 18.0).0, face.size("0000000000", 18.0).0);
        assert!((one as f32 * 10.0 - face.size("0000000000", 18.0).0 as f32).abs() <= 10.0);
        assert_eq!(face.size("x", f32::NAN), (0, 0));
        assert_eq!(face.size("x", -3.0), (0, 0));
    }

    #[test]
    fn ink_stays_inside_the_line_box_and_is_anti_aliased() {
        let face = Typeface::embedded().unwrap();
        let (w, h) = face.size("gjpqy Ag", 24.0);
        let mut inked = Vec::new();
        face.rasterize("gjpqy Ag", 24.0, |x, y, c| inked.push((x, y, c)));
        let lit: Vec<_> = inked.iter().filter(|p| p.2 > 0.0).collect();
        assert!(lit
            .iter()
            .all(|&&(x, y, _)| x >= 0 && y >= 0 && x <= w as i32 && y < h as i32));
        assert!(lit.iter().any(|p| p.2 > 0.99), "solid stems");
        assert!(lit.iter().filter(|p| p.2 < 0.9).count() > 20, "soft edges");
    }
}
