//! `TickAxis`: a plotters axis that runs from the first to the last of our [`Ticks`] and puts
//! its grid lines and labels on exactly those ticks.
//!
//! plotters picks its own f64 ticks and leaves the axis where the data ends; ours end on a tick
//! and keep the tick values the charts always had (see `ticks.rs`).
use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use super::ticks::Ticks;

/// One axis of a chart, spanning `ticks.min..=ticks.max`.
pub(super) struct TickAxis(pub Ticks);

impl Ranged for TickAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    /// Maps `value` linearly onto `limit`, holding values past either end at that end.
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let (lo, hi) = (self.0.min, self.0.max);
        let t = ((value - lo) / (hi - lo)).clamp(0.0, 1.0);
        let t = if t.is_nan() { 0.0 } else { t };
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    /// The ticks as the bold grid lines and labels; no light lines in between.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.0.values.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.0.min..self.0.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::nice_ticks;
    use plotters::coord::ranged1d::{BoldPoints, LightPoints};

    #[test]
    fn maps_ends_to_ends_and_holds_outliers_there() {
        let axis = TickAxis(nice_ticks(0.0, 10.0, 5));
        assert_eq!(axis.map(&0.0, (100, 200)), 100);
        assert_eq!(axis.map(&10.0, (100, 200)), 200);
        assert_eq!(axis.map(&5.0, (300, 100)), 200, "a y axis runs upwards");
        assert_eq!(axis.map(&1e300, (100, 200)), 200);
        assert_eq!(axis.map(&f64::NAN, (100, 200)), 100);
        assert_eq!(axis.key_points(BoldPoints(3)), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert!(axis.key_points(LightPoints::new(3, 30)).is_empty());
    }
}
