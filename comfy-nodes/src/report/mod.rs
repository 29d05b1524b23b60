//! The run report: one self-contained HTML page (`index.html`) with a run's settings, progress,
//! newest samples, loss curve and real-vs-fake view, written while the run trains and once more
//! when it ends.
//!
//! - [`RunReporter`] follows a training run and rewrites the live page as it goes; the page
//!   reloads itself every [`RELOAD_SECS`] while the run is going.
//! - [`ReportPage`] renders the document; pictures are embedded as PNG `data:` URIs
//!   ([`EmbeddedPng`]), so it needs no network and nothing beside it.
//!
//! ```
//! use comfy_nodes::report::{ReportPage, RunState, TrainingRun};
//!
//! let run = TrainingRun::new(vec![("epochs".into(), "3".into())]);
//! let page = ReportPage { title: "demo <1>", state: &RunState::Finished, run: &run, figures: &[] };
//! let html = page.to_html();
//! assert!(html.contains("<h1>demo &lt;1&gt;</h1>"));
//! assert!(!html.contains("http-equiv=\"refresh\"")); // a finished page stays put
//! ```
mod error;
mod escape;
mod live;
mod page;
mod picture;
mod run;

pub use error::ReportError;
pub use escape::escape_html;
pub use live::{RunReporter, GAN_TITLE, LIVE_INTERVAL, PAGE_FILE, SAMPLES_ZOOM};
pub use page::{Figure, ReportPage, RELOAD_SECS};
pub use picture::EmbeddedPng;
pub use run::{RunState, TrainingRun};
