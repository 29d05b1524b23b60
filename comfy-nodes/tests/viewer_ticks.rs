//! "Nice" ticks and their labels.
use comfy_nodes::viewer::{format_tick, nice_ticks, Ticks};

fn assert_ticks(t: &Ticks, min: f64, max: f64, step: f64) {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * step.abs().max(1.0);
    assert!(
        close(t.min, min) && close(t.max, max) && close(t.step, step),
        "{t:?}, expected {min}..{max} by {step}"
    );
    assert!(
        close(t.values[0], min) && close(*t.values.last().unwrap(), max),
        "{t:?}"
    );
    for pair in t.values.windows(2) {
        assert!(close(pair[1] - pair[0], step), "{t:?}");
    }
}

/// Whether `step` is 1, 2 or 5 times a power of ten.
fn is_nice(step: f64) -> bool {
    let mantissa = step / 10f64.powf(step.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().any(|m| (mantissa - m).abs() < 1e-6)
}

#[test]
fn unit_range_ticks_by_a_fifth() {
    // 1 / 5 intervals = 0.2, already nice.
    assert_ticks(&nice_ticks(0.0, 1.0, 5), 0.0, 1.0, 0.2);
    assert_eq!(nice_ticks(0.0, 1.0, 5).values.len(), 6);
}

#[test]
fn small_loss_range_rounds_out_to_tenths() {
    // (0.47 - 0.013) / 5 = 0.091 -> 0.1; floor(0.13) = 0, ceil(4.7) = 5 -> 0..0.5.
    assert_ticks(&nice_ticks(0.013, 0.47, 5), 0.0, 0.5, 0.1);
}

#[test]
fn range_across_zero_keeps_zero_as_a_tick() {
    // 1203 / 5 = 240.6 -> 200; -3 rounds down to -200, 1200 is already a tick.
    let t = nice_ticks(-3.0, 1200.0, 5);
    assert_ticks(&t, -200.0, 1200.0, 200.0);
    assert!(t.values.contains(&0.0), "{t:?}");
}

#[test]
fn constant_range_is_widened_around_the_value() {
    let t = nice_ticks(0.693, 0.693, 5);
    assert!(t.min < 0.693 && t.max > 0.693 && is_nice(t.step), "{t:?}");
    // The band is 10 % of the value: (0.658..0.728) by 0.01.
    assert_ticks(&t, 0.65, 0.73, 0.01);
    // Zero: 0.5 either side; 1 / 4 = 0.25 -> 0.2, rounded out to -0.6..0.6.
    assert_ticks(&nice_ticks(0.0, 0.0, 4), -0.6, 0.6, 0.2);
    let negative = nice_ticks(-1200.0, -1200.0, 5);
    assert!(negative.min < -1200.0 && negative.max > -1200.0, "{negative:?}");
}

#[test]
fn non_finite_or_reversed_bounds_are_handled() {
    assert_ticks(&nice_ticks(f64::NAN, 3.0, 5), 0.0, 1.0, 0.2);
    assert_ticks(&nice_ticks(0.0, f64::INFINITY, 5), 0.0, 1.0, 0.2);
    assert_eq!(nice_ticks(1.0, 0.0, 5), nice_ticks(0.0, 1.0, 5));
    let extreme = nice_ticks(-f64::MAX, f64::MAX, 5);
    assert!(
        extreme.values.iter().all(|v| v.is_finite()) && extreme.values.len() >= 2,
        "{extreme:?}"
    );
    let tiny = nice_ticks(1e-300, 2e-300, 5);
    assert!(
        tiny.values.iter().all(|v| v.is_finite()) && tiny.values.len() >= 2,
        "{tiny:?}"
    );
}

#[test]
fn ticks_are_nice_enclose_the_data_and_stay_few() {
    let ranges = [
        (0.0, 1.0),
        (0.013, 0.47),
        (-3.0, 1200.0),
        (0.9, 3.1),
        (1e-5, 3e-4),
        (-7.5, -7.4),
        (123456.0, 987654.0),
    ];
    for (lo, hi) in ranges {
        for target in [2, 4, 5, 8, 10] {
            let t = nice_ticks(lo, hi, target);
            assert!(is_nice(t.step), "{lo}..{hi}/{target}: {t:?}");
            assert!(t.min <= lo && t.max >= hi, "{lo}..{hi}/{target}: {t:?}");
            assert!(t.values.len() <= 2 * target + 1, "{lo}..{hi}/{target}: {t:?}");
        }
    }
}

#[test]
fn labels_show_just_the_digits_the_step_needs() {
    assert_eq!(format_tick(0.2, 0.2), "0.2");
    assert_eq!(format_tick(0.1 * 3.0, 0.1), "0.3");
    assert_eq!(format_tick(0.05, 0.05), "0.05");
    assert_eq!(format_tick(1.5, 0.5), "1.5");
    assert_eq!(format_tick(1200.0, 200.0), "1200");
    assert_eq!(format_tick(-200.0, 200.0), "-200");
    assert_eq!(format_tick(2.0, 1.0), "2");
    assert_eq!(format_tick(-0.0, 0.1), "0");
    assert_eq!(format_tick(1e-17, 0.1), "0");
    assert_eq!(format_tick(3.0 * 1e-5, 1e-5), "3e-5");
    assert_eq!(format_tick(1.2e-4, 2e-5), "1.2e-4");
    assert_eq!(format_tick(1.5e6, 5e5), "1.5e6");
    assert_eq!(format_tick(2e6, 1e6), "2e6");
}
