//! `ReportPage`: the report as one self-contained HTML document.
//!
//! Every number a test or script may want sits in an element with a stable id and its exact
//! value in `data-value` (`#epoch`, `#step`, `#d-loss`, `#g-loss`, `#steps-per-sec`, `#eta`,
//! `#elapsed`); `#status` carries the run state in `data-state`; each picture is an
//! `<img id="img-…">` inside `<figure id="fig-…">`. All text is escaped.
use super::escape::escape_html as esc;
use super::picture::EmbeddedPng;
use super::run::{RunState, TrainingRun};
use crate::train::{format_eta, StepReport};

/// Seconds between reloads of a page whose run is still going.
pub const RELOAD_SECS: u32 = 2;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// One picture on the page, or the place where it will appear.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Stable id: the page has `<figure id="fig-{id}">` and `<img id="img-{id}">`.
    pub id: &'static str,
    /// Heading above the picture.
    pub title: String,
    /// Text under the picture (or in its place while it is missing).
    pub caption: String,
    /// The picture; `None` shows the caption alone.
    pub picture: Option<EmbeddedPng>,
    /// Integer display magnification, drawn with crisp pixels (small digit grids).
    pub zoom: u32,
}

/// A report page: title, state, the run's settings and progress, and the figures.
#[derive(Clone, Debug)]
pub struct ReportPage<'a> {
    /// Page heading.
    pub title: &'a str,
    /// Where the run stands; a running state makes the page reload every [`RELOAD_SECS`].
    pub state: &'a RunState,
    /// Settings and progress.
    pub run: &'a TrainingRun,
    /// The pictures, in order.
    pub figures: &'a [Figure],
}

impl ReportPage<'_> {
    /// The whole document.
    pub fn to_html(&self) -> String {
        let reload = if self.state.reloads() {
            format!("<meta http-equiv=\"refresh\" content=\"{RELOAD_SECS}\">\n")
        } else {
            String::new()
        };
        let mut html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{reload}\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{} · {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
            esc(self.title),
            esc(&self.state.headline()),
        );
        html.push_str("<div class=\"layout\">\n<aside>\n");
        html.push_str(&self.header());
        html.push_str(&progress(self.run));
        html.push_str(&settings(self.run));
        html.push_str("</aside>\n<main class=\"figures\">\n");
        for figure in self.figures {
            html.push_str(&figure_html(figure));
        }
        html.push_str("</main>\n</div>\n");
        html.push_str(&format!("<script>\n{SCRIPT}</script>\n</body>\n</html>\n"));
        html
    }

    fn header(&self) -> String {
        let note = if self.state.reloads() {
            format!("<p class=\"note\">This page reloads every {RELOAD_SECS} s while the run goes on.</p>\n")
        } else {
            String::new()
        };
        format!(
            "<h1>{}</h1>\n<p id=\"status\" class=\"status {key}\" data-state=\"{key}\">{}</p>\n{note}",
            esc(self.title),
            esc(&self.state.headline()),
            key = self.state.key(),
        )
    }
}

/// A `<dt>`/`<dd>` pair whose `<dd>` has `id` and the exact value in `data-value`.
fn number(label: &str, id: &str, value: &str, text: &str) -> String {
    format!(
        "<dt>{}</dt><dd id=\"{id}\" data-value=\"{}\">{}</dd>\n",
        esc(label),
        esc(value),
        esc(text)
    )
}

/// The progress bar and the numbers of the latest step.
fn progress(run: &TrainingRun) -> String {
    let Some(r) = &run.last_step else {
        return "<section id=\"progress\" class=\"card\"><p class=\"note\">Waiting for the first step.</p></section>\n"
            .to_string();
    };
    let StepReport {
        epoch,
        global_step,
        total_steps,
        steps_per_epoch,
        ..
    } = *r;
    let done = global_step + 1;
    let percent = 100.0 * done as f64 / total_steps.max(1) as f64;
    let epochs = total_steps / steps_per_epoch.max(1);
    let mut html = format!(
        "<section id=\"progress\" class=\"card\">\n<div class=\"bar\" title=\"{percent:.1}%\">\
         <div style=\"width:{percent:.1}%\"></div></div>\n<dl class=\"numbers\">\n"
    );
    html.push_str(&number(
        "epoch",
        "epoch",
        &(epoch + 1).to_string(),
        &format!("{} / {epochs}", epoch + 1),
    ));
    html.push_str(&number(
        "step",
        "step",
        &global_step.to_string(),
        &format!("{done} / {total_steps}"),
    ));
    for (name, value) in r.named_losses() {
        let id = name.key.replace('_', "-");
        html.push_str(&number(&name.label, &id, &value.to_string(), &format!("{value:.4}")));
    }
    let rate = format!("{:.1}", r.steps_per_sec);
    html.push_str(&number("steps/s", "steps-per-sec", &r.steps_per_sec.to_string(), &rate));
    html.push_str(&number("ETA", "eta", &r.eta_secs.to_string(), &format_eta(r.eta_secs)));
    let elapsed = run.elapsed_secs;
    html.push_str(&number(
        "elapsed",
        "elapsed",
        &elapsed.to_string(),
        &format_eta(elapsed),
    ));
    html.push_str("</dl>\n</section>\n");
    html
}

/// The settings as a two-column table; each value cell has `data-key`.
fn settings(run: &TrainingRun) -> String {
    let mut html = String::from("<section class=\"card\">\n<h2>Settings</h2>\n<table id=\"settings\">\n");
    for (key, value) in &run.settings {
        html.push_str(&format!(
            "<tr><th>{}</th><td data-key=\"{}\">{}</td></tr>\n",
            esc(key),
            esc(key),
            esc(value)
        ));
    }
    html.push_str("</table>\n</section>\n");
    html
}

fn figure_html(f: &Figure) -> String {
    let body = match &f.picture {
        Some(png) => {
            let (w, h) = png.dimensions();
            let zoom = f.zoom.max(1);
            let class = if zoom > 1 { " class=\"pixelated\"" } else { "" };
            format!(
                "<img id=\"img-{}\"{class} src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\">\n",
                f.id,
                png.uri(),
                w * zoom,
                h * zoom,
                esc(&f.title)
            )
        }
        None => String::new(),
    };
    let pending = if f.picture.is_none() { " pending" } else { "" };
    format!(
        "<figure id=\"fig-{}\" class=\"card{pending}\">\n<h2>{}</h2>\n{body}<figcaption>{}</figcaption>\n</figure>\n",
        f.id,
        esc(&f.title),
        esc(&f.caption)
    )
}
