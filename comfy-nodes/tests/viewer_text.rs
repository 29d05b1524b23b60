//! Text in the embedded TrueType font: coverage, measuring, spacing, anti-aliasing, clipping.
use comfy_nodes::viewer::text::{draw_text, text_size};
use comfy_nodes::viewer::{Rgb, RgbImage};

const INK: Rgb<u8> = Rgb([200, 0, 0]);
const PAPER: Rgb<u8> = Rgb([255, 255, 255]);

/// Bounding box `(x0, y0, x1, y1)` (inclusive) of the pixels touched by ink.
fn ink_box(img: &RgbImage) -> Option<(u32, u32, u32, u32)> {
    img.enumerate_pixels()
        .filter(|(_, _, p)| **p != PAPER)
        .fold(None, |b, (x, y, _)| {
            let (x0, y0, x1, y1) = b.unwrap_or((x, y, x, y));
            Some((x0.min(x), y0.min(y), x1.max(x), y1.max(y)))
        })
}

fn render(text: &str, height: u32) -> RgbImage {
    let (w, h) = text_size(text, height).unwrap();
    let mut img = RgbImage::from_pixel(w + 20, h + 20, PAPER);
    draw_text(&mut img, (10, 10), text, height, INK).unwrap();
    img
}

#[test]
fn digits_letters_and_number_punctuation_all_have_their_own_glyph() {
    // A character the font lacked would be drawn as the font's empty box, like U+FFFF.
    let chars: Vec<char> = "0123456789.-+:,()/%abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=<>?!'\"#*_[]"
        .chars()
        .collect();
    let missing = render("\u{ffff}", 18);
    let pictures: Vec<RgbImage> = chars.iter().map(|c| render(&c.to_string(), 18)).collect();
    for (i, a) in pictures.iter().enumerate() {
        assert!(a.pixels().any(|p| *p != PAPER), "{:?} is blank", chars[i]);
        assert_ne!(*a, missing, "{:?} is missing from the font", chars[i]);
        for (j, b) in pictures.iter().enumerate().skip(i + 1) {
            assert_ne!(a, b, "{:?} and {:?} look the same", chars[i], chars[j]);
        }
    }
}

#[test]
fn a_size_is_the_line_height_and_widths_add_up() {
    assert_eq!(text_size("", 18).unwrap(), (0, 18));
    let width = |t: &str| text_size(t, 18).unwrap().0;
    // Digits share one advance, so tick labels line up; two digits are twice one (±1 rounding).
    assert_eq!(width("0123456789"), width("8888888888"));
    assert!(width("00").abs_diff(2 * width("0")) <= 1);
    assert!(width("0.25") < width("0.250") && width("0.250") < width("0.2500"));
    // Kerning: "AV" sits tighter than "A" and "V" apart.
    assert!(width("AV") < width("A") + width("V"));
    assert_eq!(text_size("loss", 36).unwrap().1, 36);
    // Twice the size, twice the width.
    assert!(text_size("loss", 36).unwrap().0.abs_diff(2 * width("loss")) <= 2);
}

#[test]
fn ink_stays_in_the_measured_box_and_descenders_reach_its_bottom() {
    for (text, height) in [("loss 0.93", 11), ("Step (x1000): 12%", 18), ("gjpqy", 27)] {
        let (w, h) = text_size(text, height).unwrap();
        let (x0, y0, x1, y1) = ink_box(&render(text, height)).unwrap();
        assert!(x0 >= 10 && y0 >= 10, "{text}: starts at ({x0}, {y0})");
        assert!(
            x1 <= 10 + w && y1 < 10 + h,
            "{text}: ink to ({x1}, {y1}) past the {w}x{h} box"
        );
        assert!(
            x1 + 3 >= 10 + w,
            "{text}: ink ends where the width says ({x1} vs {})",
            10 + w
        );
    }
    // Capitals stop at the baseline, about four fifths down the line; descenders go below it.
    let bottom = |t: &str| ink_box(&render(t, 27)).unwrap().3 - 10;
    assert!(
        bottom("H") < 23 && bottom("g") > 23,
        "H to row {}, g to row {}",
        bottom("H"),
        bottom("g")
    );
}

/// Columns `(first, last)` of each run of columns with solid ink.
fn ink_runs(img: &RgbImage) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for x in 0..img.width() {
        if (0..img.height()).any(|y| img.get_pixel(x, y).0[1] < 128) {
            match runs.last_mut() {
                Some(run) if run.1 + 1 == x => run.1 = x,
                _ => runs.push((x, x)),
            }
        }
    }
    runs
}

#[test]
fn letters_keep_their_side_bearings() {
    // plotters' own ab_glyph text drops each glyph's left side bearing: at 36 pixels its "Tl"
    // is one blob (the "l" slides under the T's arm), its "r1" has a 2-pixel gap and its first
    // "l" starts at the pen. Laid out properly: two letters, 4 pixels, one bearing in.
    let tl = ink_runs(&render("Tl", 36));
    assert_eq!(tl.len(), 2, "T and l apart: {tl:?}");
    assert!(tl[1].0 - tl[0].1 >= 3, "{tl:?}");
    let r1 = ink_runs(&render("r1", 36));
    assert!(r1.len() == 2 && r1[1].0 - r1[0].1 >= 4, "{r1:?}");
    let lol = ink_runs(&render("lol", 36));
    assert!(
        lol[0].0 >= 12,
        "the first l starts at column {}, the pen at 10",
        lol[0].0
    );
    let (left, right) = (lol[1].0 - lol[0].1, lol[2].0 - lol[1].1);
    assert!(
        left.abs_diff(right) <= 1,
        "gaps {left} and {right} either side of the o"
    );
}

#[test]
fn text_is_anti_aliased() {
    let img = render("GAN losses 0.25", 18);
    let solid = img.pixels().filter(|p| **p == INK).count();
    let soft = img.pixels().filter(|p| **p != INK && **p != PAPER).count();
    assert!(solid > 20, "{solid} fully inked pixels");
    assert!(soft > solid / 2, "{soft} partly inked pixels beside {solid} solid ones");
    // Partial ink is a blend of paper and ink, nothing else.
    assert!(img.pixels().all(|p| p.0[0] >= 200 && p.0[1] == p.0[2]));
}

#[test]
fn text_off_the_image_is_clipped() {
    let mut img = RgbImage::from_pixel(10, 10, PAPER);
    draw_text(&mut img, (-20, -3), "clipped text", 18, INK).unwrap();
    draw_text(&mut img, (4, 2), "edge", 36, INK).unwrap();
    draw_text(&mut img, (i32::MAX - 3, i32::MIN), "far", 9, INK).unwrap();
    draw_text(&mut img, (0, 0), "huge", 100_000, INK).unwrap();
    assert!(img.pixels().any(|p| *p != PAPER));
}
