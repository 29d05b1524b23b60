//! `RunReporter`: follows a training run and, given a folder, keeps its report page there up
//! to date while it trains.
//!
//! The page is rewritten at the first step, at most every [`LIVE_INTERVAL`] while steps run,
//! after every epoch (with the newest samples), and once more when training ends. Each write
//! replaces the file atomically, so a browser reloading it never reads half a page.
use super::error::ReportError;
use super::page::{Figure, ReportPage};
use super::picture::EmbeddedPng;
use super::run::{RunState, TrainingRun};
use crate::atomic::atomic_write;
use crate::train::{LossHistory, LossRecord, StepReport};
use crate::viewer::{loss_chart, RgbImage};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The page's file name in its folder.
pub const PAGE_FILE: &str = "index.html";
/// The longest the page goes without an update while steps run.
pub const LIVE_INTERVAL: Duration = Duration::from_secs(2);
/// The heading of a GAN run's page.
pub const GAN_TITLE: &str = "GAN training";
/// How much larger than life sample grids are shown.
pub const SAMPLES_ZOOM: u32 = 2;

/// Follows a run's progress; with a folder, writes `index.html` there as it goes.
pub struct RunReporter {
    run: TrainingRun,
    started: Instant,
    live: Option<LivePage>,
}

struct LivePage {
    path: PathBuf,
    /// The losses of every step so far.
    losses: LossHistory,
    /// The newest sample grid and the epoch (0-based) it is from.
    samples: Option<(usize, EmbeddedPng)>,
    last_write: Option<Instant>,
}

impl RunReporter {
    /// Starts following `run`; `dir` is where the live page goes (`None`: no page).
    pub fn new(run: TrainingRun, dir: Option<PathBuf>) -> Self {
        let live = dir.map(|dir| LivePage {
            path: dir.join(PAGE_FILE),
            losses: LossHistory::default(),
            samples: None,
            last_write: None,
        });
        RunReporter {
            run,
            started: Instant::now(),
            live,
        }
    }

    /// The run as it stands.
    pub fn run(&self) -> &TrainingRun {
        &self.run
    }

    /// Takes in the losses of steps taken before this run started (a resumed run), so the
    /// page's chart shows the whole history.
    pub fn resume_losses(&mut self, history: &LossHistory) {
        if let Some(live) = &mut self.live {
            let newer = std::mem::take(&mut live.losses.records);
            live.losses.names = history.names.clone();
            live.losses.records = history.records.iter().cloned().chain(newer).collect();
        }
    }

    /// Takes in a step; writes the page at the first step and when the last write is
    /// [`LIVE_INTERVAL`] old.
    pub fn on_step(&mut self, step: &StepReport) -> Result<(), ReportError> {
        self.run.record(step, self.started.elapsed().as_secs_f64());
        let Some(live) = &mut self.live else { return Ok(()) };
        if live.losses.names.is_empty() {
            live.losses.names = step.names.to_vec();
        }
        live.losses.records.push(LossRecord {
            step: step.global_step,
            epoch: step.epoch,
            values: step.losses.clone(),
        });
        if live.last_write.is_none_or(|t| t.elapsed() >= LIVE_INTERVAL) {
            live.write(&self.run, &RunState::Training)?;
        }
        Ok(())
    }

    /// Shows `grid` as the newest samples, made after `epoch` (0-based), and writes the page.
    pub fn on_samples(&mut self, epoch: usize, grid: &RgbImage) -> Result<(), ReportError> {
        let Some(live) = &mut self.live else { return Ok(()) };
        live.samples = Some((epoch, EmbeddedPng::from_rgb("samples", grid)?));
        live.write(&self.run, &RunState::Training)
    }

    /// Writes the page a last time in `state` ([`RunState::Finishing`] when an `HtmlReport`
    /// node follows, [`RunState::Stopped`] after an error) and returns the run.
    pub fn finish(mut self, state: RunState) -> Result<TrainingRun, ReportError> {
        self.run.elapsed_secs = self.started.elapsed().as_secs_f64();
        if let Some(live) = &mut self.live {
            live.write(&self.run, &state)?;
        }
        Ok(self.run)
    }
}

impl LivePage {
    fn write(&mut self, run: &TrainingRun, state: &RunState) -> Result<(), ReportError> {
        let figures = [self.samples_figure(), self.loss_figure()?, classified_pending()];
        let page = ReportPage {
            title: GAN_TITLE,
            state,
            run,
            figures: &figures,
        };
        atomic_write(&self.path, page.to_html().as_bytes()).map_err(|source| ReportError::Io {
            path: self.path.clone(),
            source,
        })?;
        self.last_write = Some(Instant::now());
        Ok(())
    }

    fn samples_figure(&self) -> Figure {
        let (caption, picture) = match &self.samples {
            Some((epoch, png)) => (
                format!(
                    "The fixed latent batch through the generator after epoch {}.",
                    epoch + 1
                ),
                Some(png.clone()),
            ),
            None => ("Samples appear here after the first epoch.".to_string(), None),
        };
        Figure {
            id: "samples",
            title: "Newest samples".to_string(),
            caption,
            picture,
            zoom: SAMPLES_ZOOM,
        }
    }

    fn loss_figure(&self) -> Result<Figure, ReportError> {
        let history = &self.losses;
        let curves: Vec<(&str, Vec<(f64, f64)>)> = (history.names.iter().enumerate())
            .map(|(i, name)| (name.label.as_str(), history.series(i)))
            .collect();
        let plot = loss_chart("GAN losses", &curves);
        let picture = plot.render().map_err(|source| ReportError::Draw {
            what: "loss curve".to_string(),
            source,
        })?;
        Ok(Figure {
            id: "loss-curve",
            title: "Losses".to_string(),
            caption: "Discriminator and generator loss (BCE) at every step so far.".to_string(),
            picture: Some(EmbeddedPng::from_rgb("loss curve", &picture)?),
            zoom: 1,
        })
    }
}

/// The real-vs-fake view's place while training runs: it needs the trained discriminator.
fn classified_pending() -> Figure {
    Figure {
        id: "classified",
        title: "Real vs fake".to_string(),
        caption: "Drawn when training ends: held-out real digits and generated ones, each framed by the discriminator's verdict.".to_string(),
        picture: None,
        zoom: 1,
    }
}
