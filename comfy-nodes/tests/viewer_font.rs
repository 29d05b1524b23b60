//! The built-in bitmap font.
use comfy_nodes::viewer::font::{draw_text, draw_text_vertical, has_glyph, text_height, text_width, LINE_HEIGHT};
use comfy_nodes::viewer::{Rgb, RgbImage};

const INK: Rgb<u8> = Rgb([200, 0, 0]);
const PAPER: Rgb<u8> = Rgb([255, 255, 255]);

/// Bounding box `(x0, y0, x1, y1)` (inclusive) of the inked pixels.
fn ink_box(img: &RgbImage) -> Option<(u32, u32, u32, u32)> {
    img.enumerate_pixels()
        .filter(|(_, _, p)| **p == INK)
        .fold(None, |b, (x, y, _)| {
            let (x0, y0, x1, y1) = b.unwrap_or((x, y, x, y));
            Some((x0.min(x), y0.min(y), x1.max(x), y1.max(y)))
        })
}

#[test]
fn covers_digits_letters_and_number_punctuation() {
    let required = "0123456789.-+:,()/%eE abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for ch in required.chars() {
        assert!(has_glyph(ch), "missing glyph {ch:?}");
    }
    assert!(!has_glyph('\u{00e9}'));
}

#[test]
fn every_glyph_looks_different() {
    let chars: Vec<char> = "0123456789.-+:,()/%abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        .chars()
        .collect();
    let render = |ch: char| {
        let mut img = RgbImage::from_pixel(8, 10, PAPER);
        draw_text(&mut img, 0, 0, &ch.to_string(), 1, INK);
        img
    };
    let pictures: Vec<RgbImage> = chars.iter().map(|&c| render(c)).collect();
    for (i, a) in pictures.iter().enumerate() {
        assert!(a.pixels().any(|p| *p == INK), "{:?} is blank", chars[i]);
        for (j, b) in pictures.iter().enumerate().skip(i + 1) {
            assert_ne!(a, b, "{:?} and {:?} look the same", chars[i], chars[j]);
        }
    }
}

#[test]
fn width_counts_glyphs_and_one_column_between_them() {
    assert_eq!(text_width("", 3), 0);
    assert_eq!(text_width("0", 1), 5);
    // Two 5-wide digits and one blank column.
    assert_eq!(text_width("00", 1), 11);
    assert_eq!(text_width("00", 3), 33);
    // "0.5": 5 + 1 + 1 (the dot) + 1 + 5.
    assert_eq!(text_width("0.5", 1), 13);
    assert_eq!(text_height(2), 2 * LINE_HEIGHT);
}

#[test]
fn text_is_drawn_inside_its_measured_box() {
    for (text, scale) in [("loss 0.93", 1), ("Step (x1000): 12%", 2), ("gjpqy", 3)] {
        let mut img = RgbImage::from_pixel(400, 60, PAPER);
        draw_text(&mut img, 7, 5, text, scale, INK);
        let (x0, y0, x1, y1) = ink_box(&img).unwrap();
        assert!(x0 >= 7 && y0 >= 5, "{text}: starts at ({x0}, {y0})");
        assert_eq!(
            x1 + 1,
            7 + text_width(text, scale),
            "{text}: ink ends where text_width says"
        );
        assert!(y1 < 5 + text_height(scale), "{text}: ink below the line");
    }
    // Descenders reach the bottom row of the line.
    let mut img = RgbImage::from_pixel(20, 20, PAPER);
    draw_text(&mut img, 0, 0, "g", 1, INK);
    assert_eq!(ink_box(&img).unwrap().3, LINE_HEIGHT - 1);
}

#[test]
fn vertical_text_reads_upwards_from_its_corner() {
    let mut img = RgbImage::from_pixel(40, 100, PAPER);
    draw_text_vertical(&mut img, 3, 90, "loss", 2, INK);
    let (x0, y0, x1, y1) = ink_box(&img).unwrap();
    assert!(x0 >= 3 && x1 < 3 + text_height(2), "across: {x0}..{x1}");
    assert_eq!(y0, 90 - text_width("loss", 2), "top of the turned text");
    assert_eq!(y1, 89);
}

#[test]
fn text_off_the_image_is_clipped() {
    let mut img = RgbImage::from_pixel(10, 10, PAPER);
    draw_text(&mut img, -20, -3, "clipped text", 2, INK);
    draw_text(&mut img, 8, 8, "edge", 4, INK);
    draw_text_vertical(&mut img, -5, 200, "up", 3, INK);
    draw_text(&mut img, i32::MAX - 3, i32::MIN, "far", 9, INK);
    assert!(img.pixels().any(|p| *p == INK));
}
