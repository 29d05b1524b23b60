//! "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten, and labels that show just enough
//! digits to tell neighbouring ticks apart.

/// Tick positions for one axis. The axis runs from `min` to `max`, the first and last ticks,
/// which enclose the data range asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Lowest tick: the start of the axis.
    pub min: f64,
    /// Highest tick: the end of the axis.
    pub max: f64,
    /// Distance between ticks: 1, 2 or 5 times a power of ten.
    pub step: f64,
    /// Tick positions from `min` to `max`, `step` apart.
    pub values: Vec<f64>,
}

/// The most ticks [`nice_ticks`] will produce, whatever the target.
const MAX_TICKS: usize = 100;

/// The 1, 2 or 5 x 10^k nearest to `raw` (which must be positive and finite).
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.5 {
        2.0
    } else if fraction < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// Widens an empty or invalid range so that it can be divided into ticks.
fn usable_range(lo: f64, hi: f64) -> (f64, f64) {
    // Beyond these the span overflows, or the step underflows, f64.
    const HUGE: f64 = 1e300;
    const TINY: f64 = 1e-290;
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let (lo, hi) = (lo.max(-HUGE), hi.min(HUGE));
    let size = hi.abs().max(lo.abs());
    if hi - lo > TINY.max(size * f64::EPSILON * 16.0) {
        return (lo, hi);
    }
    // A constant: centre it in a band 10 % of its size (or 1 wide around zero).
    let half = if size < TINY { 0.5 } else { size * 0.05 };
    (lo - half, hi + half)
}

/// Ticks covering `lo..=hi` with about `target` intervals (at least 1).
///
/// The axis is widened outwards to whole steps. A constant range is widened by 5 % of the value
/// either side (0.5 either side of zero) and a non-finite bound gives the axis `0..=1`.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (lo, hi) = usable_range(lo, hi);
    let target = target.clamp(1, MAX_TICKS);
    let mut step = nice_step((hi - lo) / target as f64);
    // Rounding outwards adds up to two intervals; widen the step until the count fits.
    for _ in 0..16 {
        let (first, last) = ((lo / step + 1e-9).floor(), (hi / step - 1e-9).ceil());
        if last - first <= (target * 2).min(MAX_TICKS) as f64 {
            let values = (0..=(last - first) as usize)
                .map(|i| (first + i as f64) * step)
                .collect();
            return Ticks {
                min: first * step,
                max: last * step,
                step,
                values,
            };
        }
        step = nice_step(step * 2.0);
    }
    // Unreachable for the ranges `usable_range` returns; two ticks at the ends are still correct.
    Ticks {
        min: lo,
        max: hi,
        step: hi - lo,
        values: vec![lo, hi],
    }
}

/// A label for tick `value` on an axis whose ticks are `step` apart, e.g. `0.25`, `-200`, `3e-5`.
///
/// Plain decimals are used for magnitudes from 1e-4 up to 1e6, scientific notation otherwise;
/// either way with only the digits the step needs.
pub fn format_tick(value: f64, step: f64) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let step = step.abs();
    if value.abs() < step * 1e-6 || value == 0.0 {
        return "0".to_string();
    }
    let step_exp = if step > 0.0 && step.is_finite() {
        (step.log10() + 1e-9).floor() as i32
    } else {
        0
    };
    let magnitude = value.abs().max(step);
    if magnitude < 1e6 && step >= 1e-4 {
        let decimals = (-step_exp).max(0) as usize;
        return format!("{value:.decimals$}");
    }
    let value_exp = (value.abs().log10() + 1e-9).floor() as i32;
    let digits = (value_exp - step_exp).max(0) as usize;
    let text = format!("{value:.digits$e}");
    // Drop trailing zeros of the mantissa: "1.50e6" -> "1.5e6", "2.0e-5" -> "2e-5".
    match text.split_once('e') {
        Some((mantissa, exp)) if mantissa.contains('.') => {
            format!("{}e{exp}", mantissa.trim_end_matches('0').trim_end_matches('.'))
        }
        _ => text,
    }
}
