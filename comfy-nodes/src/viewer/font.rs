//! A built-in 5x7 bitmap font: digits, ASCII letters and the punctuation that numbers and plot
//! labels need, drawn at an integer scale. No font files are read.
//!
//! Glyphs sit in a cell [`LINE_HEIGHT`] rows high: capitals and digits fill rows 0..7 (so the
//! baseline is under row 6), lowercase letters are 5 rows high at rows 2..7, and descenders
//! (g j p q y ,) reach rows 7..9. Widths vary (1 to 5 columns) and one blank column separates
//! glyphs; digits are all 5 wide so numbers line up.
use image::{Rgb, RgbImage};

/// Rows from the top of a glyph cell to the baseline: the height of a capital letter.
pub const CAP_HEIGHT: u32 = 7;
/// Rows in a glyph cell, descenders included: the height of one line of text at scale 1.
pub const LINE_HEIGHT: u32 = 9;
/// Blank columns between neighbouring glyphs at scale 1.
const SPACING: u32 = 1;

/// One glyph: `art` is rows separated by spaces, `#` lit and `.` blank, placed `top` rows
/// below the top of the cell.
struct Glyph {
    ch: char,
    top: u32,
    art: &'static str,
}

const fn g(ch: char, top: u32, art: &'static str) -> Glyph {
    Glyph { ch, top, art }
}

/// Drawn for characters the font lacks: a hollow box, so the gap is visible.
const MISSING: Glyph = g('\u{25a1}', 0, "##### #...# #...# #...# #...# #...# #####");

#[rustfmt::skip]
const GLYPHS: &[Glyph] = &[
    g(' ', 0, "... ... ... ... ... ... ..."),
    g('0', 0, ".###. #...# #..## #.#.# ##..# #...# .###."),
    g('1', 0, "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###."),
    g('2', 0, ".###. #...# ....# ...#. ..#.. .#... #####"),
    g('3', 0, "##### ...#. ..#.. ...#. ....# #...# .###."),
    g('4', 0, "...#. ..##. .#.#. #..#. ##### ...#. ...#."),
    g('5', 0, "##### #.... ####. ....# ....# #...# .###."),
    g('6', 0, "..##. .#... #.... ####. #...# #...# .###."),
    g('7', 0, "##### ....# ...#. ..#.. .#... .#... .#..."),
    g('8', 0, ".###. #...# #...# .###. #...# #...# .###."),
    g('9', 0, ".###. #...# #...# .#### ....# ...#. .##.."),
    g('.', 6, "#"),
    g(',', 5, ".# .# #."),
    g(':', 2, "# . . #"),
    g(';', 2, ".# .. .. .# .# #."),
    g('-', 3, "####"),
    g('+', 1, "..#.. ..#.. ##### ..#.. ..#.."),
    g('=', 2, "##### ..... #####"),
    g('(', 0, "..# .#. #.. #.. #.. .#. ..#"),
    g(')', 0, "#.. .#. ..# ..# ..# .#. #.."),
    g('[', 0, "### #.. #.. #.. #.. #.. ###"),
    g(']', 0, "### ..# ..# ..# ..# ..# ###"),
    g('/', 0, "....# ...#. ...#. ..#.. .#... .#... #...."),
    g('%', 0, "##..# ##..# ...#. ..#.. .#... #..## #..##"),
    g('_', 7, "#####"),
    g('*', 1, "..#.. #.#.# .###. #.#.# ..#.."),
    g('!', 0, "# # # # # . #"),
    g('?', 0, ".###. #...# ....# ...#. ..#.. ..... ..#.."),
    g('\'', 0, "# # #"),
    g('"', 0, "#.# #.# #.#"),
    g('<', 1, "..# .#. #.. .#. ..#"),
    g('>', 1, "#.. .#. ..# .#. #.."),
    g('#', 1, ".#.#. ##### .#.#. ##### .#.#."),
    g('A', 0, ".###. #...# #...# ##### #...# #...# #...#"),
    g('B', 0, "####. #...# #...# ####. #...# #...# ####."),
    g('C', 0, ".###. #...# #.... #.... #.... #...# .###."),
    g('D', 0, "####. #...# #...# #...# #...# #...# ####."),
    g('E', 0, "##### #.... #.... ####. #.... #.... #####"),
    g('F', 0, "##### #.... #.... ####. #.... #.... #...."),
    g('G', 0, ".###. #...# #.... #.### #...# #...# .####"),
    g('H', 0, "#...# #...# #...# ##### #...# #...# #...#"),
    g('I', 0, "### .#. .#. .#. .#. .#. ###"),
    g('J', 0, "..### ...#. ...#. ...#. ...#. #..#. .##.."),
    g('K', 0, "#...# #..#. #.#.. ##... #.#.. #..#. #...#"),
    g('L', 0, "#.... #.... #.... #.... #.... #.... #####"),
    g('M', 0, "#...# ##.## #.#.# #.#.# #...# #...# #...#"),
    g('N', 0, "#...# #...# ##..# #.#.# #..## #...# #...#"),
    g('O', 0, ".###. #...# #...# #...# #...# #...# .###."),
    g('P', 0, "####. #...# #...# ####. #.... #.... #...."),
    g('Q', 0, ".###. #...# #...# #...# #.#.# #..#. .##.#"),
    g('R', 0, "####. #...# #...# ####. #.#.. #..#. #...#"),
    g('S', 0, ".###. #...# #.... .###. ....# #...# .###."),
    g('T', 0, "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#.."),
    g('U', 0, "#...# #...# #...# #...# #...# #...# .###."),
    g('V', 0, "#...# #...# #...# #...# #...# .#.#. ..#.."),
    g('W', 0, "#...# #...# #...# #.#.# #.#.# #.#.# .#.#."),
    g('X', 0, "#...# #...# .#.#. ..#.. .#.#. #...# #...#"),
    g('Y', 0, "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#.."),
    g('Z', 0, "##### ....# ...#. ..#.. .#... #.... #####"),
    g('a', 2, ".###. ....# .#### #...# .####"),
    g('b', 0, "#.... #.... ####. #...# #...# #...# ####."),
    g('c', 2, ".###. #.... #.... #...# .###."),
    g('d', 0, "....# ....# .#### #...# #...# #...# .####"),
    g('e', 2, ".###. #...# ##### #.... .###."),
    g('f', 0, "..## .#.. #### .#.. .#.. .#.. .#.."),
    g('g', 2, ".#### #...# #...# #...# .#### ....# .###."),
    g('h', 0, "#.... #.... #.##. ##..# #...# #...# #...#"),
    g('i', 0, ".#. ... ##. .#. .#. .#. ###"),
    g('j', 0, "...# .... ..## ...# ...# ...# ...# #..# .##."),
    g('k', 0, "#... #... #..# #.#. ##.. #.#. #..#"),
    g('l', 0, "##. .#. .#. .#. .#. .#. ###"),
    g('m', 2, "##.#. #.#.# #.#.# #.#.# #...#"),
    g('n', 2, "#.##. ##..# #...# #...# #...#"),
    g('o', 2, ".###. #...# #...# #...# .###."),
    g('p', 2, "####. #...# #...# #...# ####. #.... #...."),
    g('q', 2, ".#### #...# #...# #...# .#### ....# ....#"),
    g('r', 2, "#.##. ##..# #.... #.... #...."),
    g('s', 2, ".#### #.... .###. ....# ####."),
    g('t', 1, ".#... ####. .#... .#... .#..# ..##."),
    g('u', 2, "#...# #...# #...# #..## .##.#"),
    g('v', 2, "#...# #...# #...# .#.#. ..#.."),
    g('w', 2, "#...# #...# #.#.# #.#.# .#.#."),
    g('x', 2, "#...# .#.#. ..#.. .#.#. #...#"),
    g('y', 2, "#...# #...# #...# #...# .#### ....# .###."),
    g('z', 2, "##### ...#. ..#.. .#... #####"),
];

impl Glyph {
    fn find(ch: char) -> &'static Glyph {
        GLYPHS.iter().find(|g| g.ch == ch).unwrap_or(&MISSING)
    }

    fn width(&self) -> u32 {
        self.art.split(' ').map(|row| row.len() as u32).max().unwrap_or(0)
    }

    /// Calls `lit(x, y)` for every lit pixel, in cell coordinates.
    fn for_each_lit(&self, mut lit: impl FnMut(u32, u32)) {
        for (dy, row) in self.art.split(' ').enumerate() {
            for (dx, byte) in row.bytes().enumerate() {
                if byte == b'#' {
                    lit(dx as u32, self.top + dy as u32);
                }
            }
        }
    }
}

/// Whether the font has a glyph for `ch` (others are drawn as a hollow box).
pub fn has_glyph(ch: char) -> bool {
    GLYPHS.iter().any(|g| g.ch == ch)
}

/// Width in pixels of `text` drawn at `scale`: glyph widths plus one blank column between glyphs.
pub fn text_width(text: &str, scale: u32) -> u32 {
    let columns: u32 = text.chars().map(|c| Glyph::find(c).width() + SPACING).sum();
    columns.saturating_sub(SPACING) * scale
}

/// Height in pixels of one line of text at `scale`, descenders included.
pub fn text_height(scale: u32) -> u32 {
    LINE_HEIGHT * scale
}

/// Calls `lit(x, y)` for every lit pixel of `text` at scale 1, left to right from (0, 0).
fn for_each_lit(text: &str, mut lit: impl FnMut(u32, u32)) {
    let mut pen = 0;
    for ch in text.chars() {
        let glyph = Glyph::find(ch);
        glyph.for_each_lit(|x, y| lit(pen + x, y));
        pen += glyph.width() + SPACING;
    }
}

/// Sets pixel (`x`, `y`) when it lies inside the image; off-image pixels are skipped.
fn plot(img: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>) {
    if x < 0 || y < 0 {
        return;
    }
    if let Some(p) = img.get_pixel_mut_checked(x as u32, y as u32) {
        *p = color;
    }
}

/// Draws `text` with the top-left corner of its first glyph cell at (`x`, `y`), each font
/// pixel as a `scale x scale` block. Parts outside the image are clipped.
pub fn draw_text(img: &mut RgbImage, x: i32, y: i32, text: &str, scale: u32, color: Rgb<u8>) {
    let s = i64::from(scale);
    for_each_lit(text, |gx, gy| {
        let (px, py) = (i64::from(x) + i64::from(gx) * s, i64::from(y) + i64::from(gy) * s);
        for dy in 0..s {
            for dx in 0..s {
                plot(img, px + dx, py + dy, color);
            }
        }
    });
}

/// Draws `text` turned 90 degrees anticlockwise, reading bottom to top (a y-axis title).
///
/// (`x`, `y`) is the bottom-left corner of the turned text: it occupies
/// `x..x + text_height(scale)` across and `y - text_width(text, scale)..y` down.
pub fn draw_text_vertical(img: &mut RgbImage, x: i32, y: i32, text: &str, scale: u32, color: Rgb<u8>) {
    let s = i64::from(scale);
    for_each_lit(text, |gx, gy| {
        // Turning anticlockwise sends the text's x axis up the page and its y axis to the right.
        let (px, py) = (i64::from(x) + i64::from(gy) * s, i64::from(y) - (i64::from(gx) + 1) * s);
        for dy in 0..s {
            for dx in 0..s {
                plot(img, px + dx, py + dy, color);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_fits_its_cell_and_rows_have_one_width() {
        for glyph in GLYPHS {
            let rows: Vec<&str> = glyph.art.split(' ').collect();
            let width = rows[0].len();
            assert!(rows.iter().all(|r| r.len() == width), "ragged glyph {:?}", glyph.ch);
            assert!(
                rows.iter().all(|r| r.bytes().all(|b| b == b'#' || b == b'.')),
                "glyph {:?}",
                glyph.ch
            );
            assert!((1..=5).contains(&width), "glyph {:?} is {width} wide", glyph.ch);
            assert!(
                glyph.top as usize + rows.len() <= LINE_HEIGHT as usize,
                "glyph {:?} too tall",
                glyph.ch
            );
        }
    }

    #[test]
    fn glyphs_are_unique() {
        for (i, a) in GLYPHS.iter().enumerate() {
            assert!(
                GLYPHS[i + 1..].iter().all(|b| b.ch != a.ch),
                "duplicate glyph {:?}",
                a.ch
            );
        }
    }
}
