//! Our halves of the docs comparisons: the same text lines as plotexp's `docs` binary, set by
//! comfy-nodes' text, and the GAN losses with every line 2 pixels wide.
use comfy_nodes::viewer::{loss_chart, save_png, text, Rgb, RgbImage};

const LINES: [(&str, u32, i32); 4] = [
    ("GAN losses  Real vs fake", 27, 8),
    ("D loss, mean of 250   G loss", 18, 44),
    ("step 0 2000 14000 0.25 1.5e6", 18, 70),
    ("Tl r1 lol fill Wavy 0.85 0.30", 18, 96),
];

fn main() {
    let out = std::env::args().nth(1).unwrap();
    let mut img = RgbImage::from_pixel(420, 124, Rgb([255, 255, 255]));
    for (line, size, y) in LINES {
        text::draw_text(&mut img, (8, y), line, size, Rgb([34, 34, 40])).unwrap();
    }
    save_png(format!("{out}/text_ours.png"), &img).unwrap();

    let csv = std::fs::read_to_string("/tmp/plot-before/mnist_gan/losses.csv").unwrap();
    let rows: Vec<Vec<String>> = csv.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect();
    let curve = |col: usize| -> Vec<(f64, f64)> {
        rows.iter().map(|r| (r[0].parse::<f64>().unwrap(), r[col].parse::<f32>().unwrap() as f64)).collect()
    };
    let mut chart = loss_chart("GAN losses", &[("D loss", curve(2)), ("G loss", curve(3))]);
    for series in &mut chart.series {
        series.stroke = Some(2);
    }
    save_png(format!("{out}/wide_ours.png"), &chart.render().unwrap()).unwrap();
}
