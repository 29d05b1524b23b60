//! The plotters-only halves of the docs comparisons: text set by plotters' ab_glyph font
//! support, and wide lines drawn by plotters' bitmap backend.
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

static TTF: &[u8] = include_bytes!("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
pub const LINES: [(&str, u32, i32); 4] = [
    ("GAN losses  Real vs fake", 27, 8),
    ("D loss, mean of 250   G loss", 18, 44),
    ("step 0 2000 14000 0.25 1.5e6", 18, 70),
    ("Tl r1 lol fill Wavy 0.85 0.30", 18, 96),
];

fn mean(p: &[(f64, f64)], w: usize) -> Vec<(f64, f64)> {
    let mut s = 0.0; let mut out = vec![];
    for (i, &(x, y)) in p.iter().enumerate() { s += y; if i >= w { s -= p[i - w].1; } out.push((x, s / (i + 1).min(w) as f64)); }
    out
}

fn main() {
    let out = std::env::args().nth(1).unwrap();
    register_font("sans-serif", FontStyle::Normal, TTF).ok().unwrap();
    let (w, h) = (420u32, 124u32);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        for (text, size, y) in LINES {
            // plotters' text size is the same ab_glyph pixel scale: ascender to descender.
            let style = TextStyle::from(("sans-serif", f64::from(size)).into_font()).color(&RGBColor(34, 34, 40));
            root.draw_text(text, &style, (8, y)).unwrap();
        }
    }
    image::RgbImage::from_raw(w, h, buf).unwrap().save(format!("{out}/text_plotters.png")).unwrap();

    let csv = std::fs::read_to_string("/tmp/plot-before/mnist_gan/losses.csv").unwrap();
    let rows: Vec<Vec<f64>> = csv.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    let d: Vec<(f64, f64)> = rows.iter().map(|r| (r[0], r[2])).collect();
    let g: Vec<(f64, f64)> = rows.iter().map(|r| (r[0], r[3])).collect();
    for per_segment in [false, true] {
        let (w, h) = (800u32, 500u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            // The plot area of our 800x500 loss chart: x 54..767, y 52..436, axes 0..14000, 0..6.
            let mut chart = ChartBuilder::on(&root).margin_left(54).margin_top(52).margin_right(33).margin_bottom(64)
                .build_cartesian_2d(0f64..14000f64, 0f64..6f64).unwrap();
            chart.configure_mesh().disable_mesh().axis_style(RGBColor(90, 90, 96)).x_labels(0).y_labels(0).draw().unwrap();
            let tint = |c: RGBColor| RGBColor(((c.0 as f64) + (255.0 - c.0 as f64) * 0.6).round() as u8, ((c.1 as f64) + (255.0 - c.1 as f64) * 0.6).round() as u8, ((c.2 as f64) + (255.0 - c.2 as f64) * 0.6).round() as u8);
            let (c0, c1) = (RGBColor(31, 119, 180), RGBColor(255, 127, 14));
            for (points, color) in [(d.clone(), tint(c0)), (g.clone(), tint(c1)), (mean(&d, 250), c0), (mean(&g, 250), c1)] {
                if per_segment {
                    chart.draw_series(points.windows(2).map(|s| PathElement::new(s.to_vec(), color.stroke_width(2)))).unwrap();
                } else {
                    chart.draw_series(LineSeries::new(points, color.stroke_width(2))).unwrap();
                }
            }
        }
        let name = if per_segment { "wide_plotters_segments" } else { "wide_plotters_path" };
        image::RgbImage::from_raw(w, h, buf).unwrap().save(format!("{out}/{name}.png")).unwrap();
    }
}
