//! `TrainingRun` and `RunState`: what a report says about a run — its settings, how far it got,
//! and whether it is still going.
use crate::dataset::DataLoader;
use crate::gan::GanTrainConfig;
use crate::train::StepReport;

/// A training run as the report shows it: named settings and the latest progress.
///
/// The GanTrainer node fills it while it trains and outputs it, so the `HtmlReport` node can
/// write the finished page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainingRun {
    /// Named settings, in display order.
    pub settings: Vec<(String, String)>,
    /// The latest step, `None` before the first.
    pub last_step: Option<StepReport>,
    /// Seconds of training so far.
    pub elapsed_secs: f64,
}

impl TrainingRun {
    /// A run with these settings and no progress yet.
    pub fn new(settings: Vec<(String, String)>) -> Self {
        TrainingRun {
            settings,
            last_step: None,
            elapsed_secs: 0.0,
        }
    }

    /// The settings of a GAN run: epochs, batch, learning rates, seeds, dataset and backend.
    pub fn gan(config: &GanTrainConfig, loader: &DataLoader, backend: &str) -> Self {
        let (data, batching) = (loader.dataset(), loader.config());
        let dataset = format!(
            "{} images of {}×{}×{} from {}",
            data.len(),
            data.height(),
            data.width(),
            data.channels(),
            data.source().display()
        );
        let mut settings = vec![
            ("epochs", config.epochs.to_string()),
            ("batch size", batching.batch_size.to_string()),
            ("steps per epoch", loader.batches_per_epoch().to_string()),
            ("learning rate G / D", format!("{} / {}", config.lr_g, config.lr_d)),
            ("Adam β1, β2", format!("{}, {}", config.beta1, config.beta2)),
            ("label smoothing", config.label_smoothing.to_string()),
            ("noise seed", config.seed.to_string()),
        ];
        if batching.shuffle {
            settings.push(("shuffle seed", batching.seed.to_string()));
        }
        settings.push(("dataset", dataset));
        settings.push(("backend", backend.to_string()));
        Self::new(settings.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// Takes in one step's report, `elapsed_secs` after training started.
    pub fn record(&mut self, step: &StepReport, elapsed_secs: f64) {
        self.last_step = Some(step.clone());
        self.elapsed_secs = elapsed_secs;
    }
}

/// Where a run stands; it decides whether the page reloads itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Training is running: the page reloads itself.
    Training,
    /// Training is done and the final pictures are being drawn: the page still reloads.
    Finishing,
    /// The run is over: the page is final and does not reload.
    Finished,
    /// Training stopped early (an error, or cancelled), with the reason: the page is final.
    Stopped(String),
}

impl RunState {
    /// A stable word for scripts and tests: `training`, `finishing`, `finished` or `stopped`.
    pub fn key(&self) -> &'static str {
        match self {
            RunState::Training => "training",
            RunState::Finishing => "finishing",
            RunState::Finished => "finished",
            RunState::Stopped(_) => "stopped",
        }
    }

    /// Whether a page in this state reloads itself.
    pub fn reloads(&self) -> bool {
        matches!(self, RunState::Training | RunState::Finishing)
    }

    /// One line for people.
    pub fn headline(&self) -> String {
        match self {
            RunState::Training => "Training".to_string(),
            RunState::Finishing => "Training done, drawing the final pictures".to_string(),
            RunState::Finished => "Finished".to_string(),
            RunState::Stopped(why) => format!("Stopped: {why}"),
        }
    }
}
