//! `LinePlot`: a line chart of named (x, y) series, e.g. loss curves over training steps.
use std::path::Path;

use image::{Rgb, RgbImage};

use super::canvas::draw_on;
use super::chart::draw_chart;
use super::error::ViewerError;
use super::frame::Frame;
use super::legend::draw_legend;
use super::png::save_png;
use super::text::Typeface;
use super::MAX_PIXELS;

/// Series colours in order of use (the "tab10" palette: distinct, and readable on white).
pub const PALETTE: [Rgb<u8>; 10] = [
    Rgb([31, 119, 180]),
    Rgb([255, 127, 14]),
    Rgb([44, 160, 44]),
    Rgb([214, 39, 40]),
    Rgb([148, 103, 189]),
    Rgb([140, 86, 75]),
    Rgb([227, 119, 194]),
    Rgb([127, 127, 127]),
    Rgb([188, 189, 34]),
    Rgb([23, 190, 207]),
];

/// Smallest canvas [`LinePlot::render`] accepts.
pub const MIN_PLOT_SIZE: (u32, u32) = (200, 150);

pub(super) const BACKGROUND: Rgb<u8> = Rgb([255, 255, 255]);
pub(super) const GRID: Rgb<u8> = Rgb([228, 228, 232]);
pub(super) const AXIS: Rgb<u8> = Rgb([90, 90, 96]);
pub(super) const TEXT: Rgb<u8> = Rgb([34, 34, 40]);
pub(super) const NOTE: Rgb<u8> = Rgb([150, 150, 156]);
pub(super) const LEGEND_BORDER: Rgb<u8> = Rgb([190, 190, 196]);

/// One named line. Non-finite points are skipped when drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// The (x, y) points, joined in order.
    pub points: Vec<(f64, f64)>,
    /// Line colour; `None` takes the next colour of [`PALETTE`].
    pub color: Option<Rgb<u8>>,
    /// Line width in pixels; `None` takes the plot's pen, 2 pixels on canvases of at least
    /// 640x400 and 1 on smaller ones. A 1-pixel line is drawn anti-aliased, wider ones solid.
    pub stroke: Option<u32>,
}

impl Series {
    /// A series of explicit (x, y) points.
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            name: name.into(),
            points,
            color: None,
            stroke: None,
        }
    }

    /// A series whose x values are the indices 0, 1, 2, … of `values` (one value per step).
    pub fn from_values<T: Into<f64>>(name: impl Into<String>, values: impl IntoIterator<Item = T>) -> Self {
        let points = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as f64, v.into()))
            .collect();
        Self::new(name, points)
    }

    /// Returns this series drawn in `color`.
    pub fn with_color(mut self, color: Rgb<u8>) -> Self {
        self.color = Some(color);
        self
    }

    /// Returns this series drawn `pixels` wide (at least 1).
    pub fn with_stroke(mut self, pixels: u32) -> Self {
        self.stroke = Some(pixels.max(1));
        self
    }

    pub(super) fn finite_points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }
}

/// A line chart: title, axis titles, ticks, one line per series and a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Text above the chart; empty for none.
    pub title: String,
    /// Title of the horizontal axis; empty for none.
    pub x_label: String,
    /// Title of the vertical axis; empty for none.
    pub y_label: String,
    /// Canvas width in pixels.
    pub width: u32,
    /// Canvas height in pixels.
    pub height: u32,
    /// The lines, drawn in order (later ones on top).
    pub series: Vec<Series>,
}

impl Default for LinePlot {
    /// An 800x500 loss chart: x titled "step", y titled "loss", no title and no series.
    fn default() -> Self {
        LinePlot {
            title: String::new(),
            x_label: "step".to_string(),
            y_label: "loss".to_string(),
            width: 800,
            height: 500,
            series: Vec::new(),
        }
    }
}

impl LinePlot {
    /// An 800x500 loss chart titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        LinePlot {
            title: title.into(),
            ..Self::default()
        }
    }

    /// Returns this plot with `series` added.
    pub fn with_series(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// Draws the chart. With no finite point at all it draws empty axes with a "no data" note.
    pub fn render(&self) -> Result<RgbImage, ViewerError> {
        let (width, height) = (self.width, self.height);
        if width < MIN_PLOT_SIZE.0 || height < MIN_PLOT_SIZE.1 {
            let (min_width, min_height) = MIN_PLOT_SIZE;
            return Err(ViewerError::PlotTooSmall {
                width,
                height,
                min_width,
                min_height,
            });
        }
        if u64::from(width) * u64::from(height) > MAX_PIXELS {
            let (width, height) = (u64::from(width), u64::from(height));
            return Err(ViewerError::TooLarge {
                what: "line plot",
                width,
                height,
                limit: MAX_PIXELS,
            });
        }
        let face = Typeface::embedded()?;
        let mut img = RgbImage::from_pixel(width, height, BACKGROUND);
        let bounds = self.data_bounds();
        let frame = Frame::new(self, bounds, &face);
        draw_on(&mut img, "line plot", |area| {
            draw_chart(area, self, &frame, bounds.is_none())
        })?;
        if !self.series.is_empty() {
            draw_legend(&mut img, self, &frame, &face)?;
        }
        Ok(img)
    }

    /// Renders the chart and writes it to `path` as a PNG (atomically, see [`save_png`]).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ViewerError> {
        save_png(path, &self.render()?)
    }

    pub(super) fn color(&self, index: usize) -> Rgb<u8> {
        self.series
            .get(index)
            .and_then(|s| s.color)
            .unwrap_or(PALETTE[index % PALETTE.len()])
    }

    /// `(x_min, x_max, y_min, y_max)` over every finite point, or `None` if there is none.
    fn data_bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let mut points = self.series.iter().flat_map(Series::finite_points);
        let (x, y) = points.next()?;
        Some(points.fold((x, x, y, y), |(x0, x1, y0, y1), (x, y)| {
            (x0.min(x), x1.max(x), y0.min(y), y1.max(y))
        }))
    }
}
