//! Renders the charts of a finished `mnist_gan` and `autoencoder` run from their `losses.csv`,
//! the way the nodes draw them, times `LinePlot::render` and writes the PNGs.
//!
//! plotbench RUN_DIR OUT_DIR REPS
use std::time::Instant;

use comfy_nodes::viewer::{loss_chart, save_png, LinePlot, Series};

fn rows(path: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("read csv");
    text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

fn time(name: &str, plot: &LinePlot, reps: usize) {
    let mut ms: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            let img = plot.render().expect("render");
            std::hint::black_box(img);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let points: usize = plot.series.iter().map(|s| s.points.len()).sum();
    println!(
        "{name}: {} series, {points} points, render over {reps} runs: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        plot.series.len(),
        ms[0],
        ms[reps / 2],
        ms[reps - 1]
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (run, out, reps) = (&args[1], &args[2], args[3].parse::<usize>().expect("reps"));
    std::fs::create_dir_all(out).expect("out dir");

    let gan = rows(&format!("{run}/mnist_gan/losses.csv"));
    let curve = |col: usize| -> Vec<(f64, f64)> {
        gan.iter()
            .map(|r| (r[0].parse::<usize>().unwrap() as f64, r[col].parse::<f32>().unwrap() as f64))
            .collect()
    };
    let chart = loss_chart("GAN losses", &[("D loss", curve(2)), ("G loss", curve(3))]);
    time("mnist_gan loss_curve.png", &chart, reps);
    save_png(format!("{out}/gan_loss_curve.png"), &chart.render().unwrap()).unwrap();

    let ae = rows(&format!("{run}/autoencoder/losses.csv"));
    let steps: Vec<(f64, f64)> = ae
        .iter()
        .map(|r| (r[0].parse::<usize>().unwrap() as f64, r[2].parse::<f32>().unwrap() as f64))
        .collect();
    let mut means = Vec::new();
    for chunk in ae.chunk_by(|a, b| a[1] == b[1]) {
        let sum: f64 = chunk.iter().map(|r| r[2].parse::<f32>().unwrap() as f64).sum();
        means.push((chunk.last().unwrap()[0].parse::<usize>().unwrap() as f64, sum / chunk.len() as f64));
    }
    let plot = LinePlot::new("Autoencoder reconstruction loss")
        .with_series(Series::new("BCE per batch", steps))
        .with_series(Series::new("BCE epoch mean", means));
    time("autoencoder loss_curve.png", &plot, reps);
    save_png(format!("{out}/ae_loss_curve.png"), &plot.render().unwrap()).unwrap();

    // Awkward and small charts, to compare by eye.
    let short = loss_chart("GAN losses, 30 steps", &[("D loss", curve(2)[..30].to_vec()), ("G loss", curve(3)[..30].to_vec())]);
    save_png(format!("{out}/short_loss_curve.png"), &short.render().unwrap()).unwrap();
    let small = LinePlot { width: 320, height: 200, ..loss_chart("small", &[("D loss", curve(2)), ("G loss", curve(3))]) };
    save_png(format!("{out}/small_loss_curve.png"), &small.render().unwrap()).unwrap();
    let long_names = LinePlot::new("A long title: which numbers the tick labels show, and e-notation")
        .with_series(Series::from_values("a series with a rather long legend label", (0..500).map(|i| 3e-5 * (1.0 + (i as f64 * 0.05).sin()))))
        .with_series(Series::new("nothing yet", vec![(0.0, f64::NAN)]));
    save_png(format!("{out}/awkward_chart.png"), &long_names.render().unwrap()).unwrap();
    let empty = LinePlot::new("empty");
    time("empty chart (axes, text, no lines)", &empty, reps);
    let raw_only = LinePlot { series: chart.series[..2].to_vec(), ..chart.clone() };
    time("mnist_gan raw lines only", &raw_only, reps);
    let means_only = LinePlot { series: chart.series[2..].to_vec(), ..chart.clone() };
    time("mnist_gan means only", &means_only, reps);
    save_png(format!("{out}/empty_chart.png"), &empty.render().unwrap()).unwrap();
}
