//! The GAN loss chart: every step in a thin line of light colours, a moving mean on top in strong
//! ones, so a long noisy run still shows its trend.
use super::plot::{LinePlot, Series, PALETTE};
use image::Rgb;

/// Steps per moving-mean window for a run of `n` steps: about a fortieth of the run, 1 to 250.
pub fn smoothing_window(n: usize) -> usize {
    (n / 40).clamp(1, 250)
}

/// The trailing moving mean of `points` over `window` points (fewer at the start).
pub fn moving_mean(points: &[(f64, f64)], window: usize) -> Vec<(f64, f64)> {
    let window = window.max(1);
    let mut sum = 0.0;
    let mut out = Vec::with_capacity(points.len());
    for (i, &(x, y)) in points.iter().enumerate() {
        sum += y;
        if i >= window {
            sum -= points[i - window].1;
        }
        out.push((x, sum / (i + 1).min(window) as f64));
    }
    out
}

/// `c` mixed with white: `amount` 0 keeps it, 1 gives white.
fn tint(c: Rgb<u8>, amount: f64) -> Rgb<u8> {
    Rgb(c.0.map(|v| (v as f64 + (255.0 - v as f64) * amount).round() as u8))
}

/// A chart of named loss curves `(name, points)`: each one raw in a light tint of its colour,
/// and, when the run is long enough to need it, its moving mean in the full colour.
pub fn loss_chart(title: &str, curves: &[(&str, Vec<(f64, f64)>)]) -> LinePlot {
    let mut plot = LinePlot::new(title);
    let longest = curves.iter().map(|(_, p)| p.len()).max().unwrap_or(0);
    let window = smoothing_window(longest);
    for (i, (name, points)) in curves.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let raw = Series::new(*name, points.clone());
        // Under a mean, the steps are a light, thin (anti-aliased) line; alone, a normal one.
        let raw = if window > 1 {
            raw.with_color(tint(color, 0.6)).with_stroke(1)
        } else {
            raw.with_color(color)
        };
        plot = plot.with_series(raw);
    }
    if window > 1 {
        // Finite points only, so that one NaN does not blank the rest of the mean.
        for (i, (name, points)) in curves.iter().enumerate() {
            let finite: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
            let mean = Series::new(format!("{name}, mean of {window}"), moving_mean(&finite, window));
            plot = plot.with_series(mean.with_color(PALETTE[i % PALETTE.len()]).with_stroke(3));
        }
    }
    plot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_mean_averages_the_trailing_window() {
        let p: Vec<(f64, f64)> = [1.0, 3.0, 5.0, 7.0]
            .iter()
            .enumerate()
            .map(|(i, &y)| (i as f64, y))
            .collect();
        let m = moving_mean(&p, 2);
        assert_eq!(m.iter().map(|q| q.1).collect::<Vec<_>>(), vec![1.0, 2.0, 4.0, 6.0]);
        assert_eq!(moving_mean(&p, 1), p);
    }

    #[test]
    fn short_runs_are_drawn_raw_and_long_ones_get_a_mean() {
        let short: Vec<(f64, f64)> = (0..20).map(|i| (i as f64, 1.0)).collect();
        assert_eq!(loss_chart("t", &[("D loss", short)]).series.len(), 1);
        let long: Vec<(f64, f64)> = (0..4000).map(|i| (i as f64, (i % 7) as f64)).collect();
        let chart = loss_chart("t", &[("D loss", long.clone()), ("G loss", long)]);
        let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["D loss", "G loss", "D loss, mean of 100", "G loss, mean of 100"]
        );
        assert_eq!(chart.series[2].color, Some(PALETTE[0]));
        assert_eq!((chart.series[0].stroke, chart.series[2].stroke), (Some(1), Some(3)));
    }
}
