//! `Canvas`: plotters' bitmap backend drawing straight into an `RgbImage`, with its text set in
//! the embedded font by [`Typeface`].
//!
//! plotters' own `ab_glyph` text drops each glyph's left side bearing and rounds every pen
//! position down, so letters crowd and gap ("D l oss", "25 0"; the picture is
//! `docs/measurements/charts-2026-12-02/text_plotters_vs_ab_glyph.png`). This backend lays text
//! out itself, draws lines wider than a pixel with a round anti-aliased pen ([`stroke`]), and
//! hands every other primitive to [`BitMapBackend`] unchanged, so the whole of plotters' drawing
//! API (charts, elements, anchors, rotated axis titles, series) draws through these two.
use image::{Rgb, RgbImage};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters::element::Rectangle;
use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, IntoFont, RGBColor, TextStyle};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

use super::error::ViewerError;
use super::stroke::stroke;
use super::text::Typeface;

/// What the bitmap backend fails with (a buffer of the wrong size; unreachable for an image).
pub(crate) type BackendError = <BitMapBackend<'static> as DrawingBackend>::ErrorType;
/// What drawing on a [`Canvas`] area fails with.
pub(crate) type DrawError = DrawingAreaErrorKind<BackendError>;
type BackendResult = Result<(), DrawingErrorKind<BackendError>>;

/// A plotters backend over an image's pixels that sets text in the embedded font.
pub(crate) struct Canvas<'a> {
    inner: BitMapBackend<'a>,
    face: Typeface,
}

/// Draws on `img` through plotters: `paint` gets the whole picture as one drawing area, pixel
/// (0, 0) at its top-left. `what` names the picture in errors.
pub(crate) fn draw_on<T>(
    img: &mut RgbImage,
    what: &'static str,
    paint: impl FnOnce(&DrawingArea<Canvas<'_>, Shift>) -> Result<T, DrawError>,
) -> Result<T, ViewerError> {
    let face = Typeface::embedded()?;
    let size = img.dimensions();
    let drawing = |message: String| ViewerError::Draw { what, message };
    let inner = BitMapBackend::with_buffer_and_format(img, size).map_err(|e| drawing(e.to_string()))?;
    let area = Canvas { inner, face }.into_drawing_area();
    let out = paint(&area).map_err(|e| drawing(e.to_string()))?;
    area.present().map_err(|e| drawing(e.to_string()))?;
    Ok(out)
}

/// The plotters colour of an image pixel.
pub(crate) fn rgb(c: Rgb<u8>) -> RGBColor {
    RGBColor(c.0[0], c.0[1], c.0[2])
}

/// Text `height` pixels high (its line box, ascender to descender) in `color`.
pub(crate) fn text_style(height: u32, color: Rgb<u8>) -> TextStyle<'static> {
    TextStyle {
        font: ("sans-serif", f64::from(height)).into_font(),
        color: rgb(color).to_backend_color(),
        pos: Pos::default(),
    }
}

/// Fills the `w x h` pixels from `(x, y)` across and down.
pub(crate) fn fill(
    area: &DrawingArea<Canvas<'_>, Shift>,
    (x, y, w, h): (i32, i32, i32, i32),
    color: Rgb<u8>,
) -> Result<(), DrawError> {
    if w <= 0 || h <= 0 {
        return Ok(());
    }
    // The bitmap backend fills a solid rectangle up to, not including, its second corner.
    area.draw(&Rectangle::new([(x, y), (x + w, y + h)], rgb(color).filled()))
}

/// Draws the one-pixel outline of the `w x h` pixels from `(x, y)`.
pub(crate) fn outline(
    area: &DrawingArea<Canvas<'_>, Shift>,
    (x, y, w, h): (i32, i32, i32, i32),
    color: Rgb<u8>,
) -> Result<(), DrawError> {
    if w <= 0 || h <= 0 {
        return Ok(());
    }
    // An outline runs through both corners.
    area.draw(&Rectangle::new([(x, y), (x + w - 1, y + h - 1)], rgb(color)))
}

impl Canvas<'_> {
    /// Blends `text` in, placed as plotters places it: the anchor picks the point of the
    /// unturned line box that lands on `pos`, then the box turns about that point.
    fn set_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> BackendResult {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let height = style.size() as f32;
        let (w, h) = self.face.size(text, height);
        let (w, h) = (w.min(i32::MAX as u32) as i32, h as i32);
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Center => -w / 2,
            HPos::Right => -w,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        let turn = style.transform();
        let Canvas { inner, face } = self;
        let mut result = Ok(());
        face.rasterize(text, height, |x, y, coverage| {
            let (tx, ty) = turn.transform(x + dx, y + dy);
            let ink = BackendColor {
                alpha: color.alpha * f64::from(coverage),
                rgb: color.rgb,
            };
            if result.is_ok() && coverage > 0.0 {
                result = inner.draw_pixel((pos.0.saturating_add(tx), pos.1.saturating_add(ty)), ink);
            }
        });
        result
    }
}

impl DrawingBackend for Canvas<'_> {
    type ErrorType = BackendError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> BackendResult {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> BackendResult {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> BackendResult {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> BackendResult {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, style: &S, fill: bool) -> BackendResult {
        self.inner.draw_rect(a, b, style, fill)
    }

    /// One pixel wide: plotters' anti-aliased lines; wider: [`stroke`]'s round pen.
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> BackendResult {
        if style.stroke_width() <= 1 {
            let mut previous: Option<BackendCoord> = None;
            for point in path {
                if let Some(from) = previous {
                    self.inner.draw_line(from, point, style)?;
                }
                previous = Some(point);
            }
            return Ok(());
        }
        let path: Vec<BackendCoord> = path.into_iter().collect();
        let color = style.color();
        for (x, y, coverage) in stroke(&path, style.stroke_width(), self.inner.get_size()).pixels() {
            self.inner.draw_pixel((x, y), color.mix(f64::from(coverage)))?;
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> BackendResult {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> BackendResult {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> BackendResult {
        self.set_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<BackendError>> {
        Ok(self.face.size(text, style.size() as f32))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, (w, h): (u32, u32), src: &[u8]) -> BackendResult {
        self.inner.blit_bitmap(pos, (w, h), src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::FontTransform;

    const INK: Rgb<u8> = Rgb([200, 0, 0]);
    const PAPER: Rgb<u8> = Rgb([255, 255, 255]);

    /// The columns and the rows that hold ink, each as `(first, last)`.
    fn ink_spans(img: &RgbImage) -> ((u32, u32), (u32, u32)) {
        let inked: Vec<(u32, u32)> = img
            .enumerate_pixels()
            .filter(|p| *p.2 != PAPER)
            .map(|p| (p.0, p.1))
            .collect();
        let span = |v: Vec<u32>| {
            (
                v.iter().copied().min().unwrap_or(0),
                v.iter().copied().max().unwrap_or(0),
            )
        };
        (
            span(inked.iter().map(|p| p.0).collect()),
            span(inked.iter().map(|p| p.1).collect()),
        )
    }

    #[test]
    fn turned_text_reads_upwards_from_its_anchor() {
        // An axis title: anchored at its top centre, turned 270 degrees.
        let mut img = RgbImage::from_pixel(60, 140, PAPER);
        let style = text_style(18, INK)
            .transform(FontTransform::Rotate270)
            .pos(plotters::style::text_anchor::Pos::new(HPos::Center, VPos::Top));
        draw_on(&mut img, "test", |area| area.draw_text("loss", &style, (5, 70))).unwrap();
        let (w, _) = Typeface::embedded().unwrap().size("loss", 18.0);
        let ((x0, x1), (y0, y1)) = ink_spans(&img);
        assert!(x0 >= 5 && x1 < 5 + 18, "across the line box: {x0}..={x1}");
        let (top, bottom) = (70 - w as i32 / 2, 70 + w as i32 / 2);
        assert!(
            (y0 as i32 - top).abs() <= 2 && (y1 as i32 - bottom).abs() <= 2,
            "{y0}..={y1} vs {top}..={bottom}"
        );
        // Turned anticlockwise, the first letter ("l", a tall stem) is at the bottom.
        let bottom_rows = (y1 - 2..=y1).flat_map(|y| (0..60).map(move |x| (x, y)));
        assert!(bottom_rows.filter(|&(x, y)| *img.get_pixel(x, y) != PAPER).count() >= 6);
    }

    #[test]
    fn rectangles_cover_exactly_their_pixels() {
        let mut img = RgbImage::from_pixel(20, 20, PAPER);
        draw_on(&mut img, "test", |area| {
            fill(area, (2, 3, 4, 5), INK)?;
            outline(area, (10, 10, 5, 4), INK)?;
            fill(area, (0, 0, 0, 7), INK)
        })
        .unwrap();
        let count = |x0: u32, y0: u32, x1: u32, y1: u32| {
            let inside = (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y)));
            inside.filter(|&(x, y)| *img.get_pixel(x, y) == INK).count()
        };
        assert_eq!(count(2, 3, 6, 8), 4 * 5);
        assert_eq!(count(10, 10, 15, 14), 2 * 5 + 2 * 2);
        assert_eq!(count(0, 0, 20, 20), 4 * 5 + 2 * 5 + 2 * 2, "nothing else");
    }

    #[test]
    fn text_off_the_picture_is_clipped() {
        let mut img = RgbImage::from_pixel(10, 10, PAPER);
        draw_on(&mut img, "test", |area| {
            let style = text_style(40, INK);
            area.draw_text("clipped text", &style, (-30, -12))?;
            area.draw_text("edge", &style, (2, -10))?;
            area.draw_text("far", &style, (i32::MAX - 3, i32::MIN))
        })
        .unwrap();
        assert!(img.pixels().any(|p| *p != PAPER));
    }
}
