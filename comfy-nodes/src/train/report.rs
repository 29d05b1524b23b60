//! `StepReport`: what one training step did, for progress lines, reports and observers.
use super::history::LossName;
use std::sync::Arc;

/// What one step did, whichever model took it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    /// 0-based epoch.
    pub epoch: usize,
    /// 0-based step within the epoch.
    pub step_in_epoch: usize,
    /// Steps per epoch.
    pub steps_per_epoch: usize,
    /// 0-based step over the whole run.
    pub global_step: usize,
    /// Total steps of the run.
    pub total_steps: usize,
    /// The names of the losses, in the order of `losses`.
    pub names: Arc<[LossName]>,
    /// The step's losses.
    pub losses: Vec<f32>,
    /// Steps per second so far (in this run, not counting steps resumed from a state).
    pub steps_per_sec: f64,
    /// Estimated seconds left.
    pub eta_secs: f64,
}

impl StepReport {
    /// The loss called `key` (`d_loss`), if the model reports one.
    pub fn loss(&self, key: &str) -> Option<f32> {
        let i = self.names.iter().position(|n| n.key == key)?;
        self.losses.get(i).copied()
    }

    /// Each loss with its name, in order.
    pub fn named_losses(&self) -> impl Iterator<Item = (&LossName, f32)> {
        self.names.iter().zip(self.losses.iter().copied())
    }

    /// Epochs in the whole run.
    pub fn epochs(&self) -> usize {
        self.total_steps / self.steps_per_epoch.max(1)
    }

    /// The progress line: `epoch 3/100 step 12/140  D loss 0.6931  G loss 0.7102  41.2 steps/s  ETA 1m02s`.
    pub fn progress_line(&self) -> String {
        let mut line = format!(
            "epoch {}/{} step {}/{}",
            self.epoch + 1,
            self.epochs(),
            self.step_in_epoch + 1,
            self.steps_per_epoch
        );
        for (name, value) in self.named_losses() {
            line.push_str(&format!("  {} {value:.4}", name.label));
        }
        line.push_str(&format!(
            "  {:.1} steps/s  ETA {}",
            self.steps_per_sec,
            format_eta(self.eta_secs)
        ));
        line
    }
}

/// `1h02m`, `3m05s` or `12s`.
pub fn format_eta(secs: f64) -> String {
    let s = if secs.is_finite() {
        secs.max(0.0).round() as u64
    } else {
        0
    };
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m{sec:02}s"),
        (h, m, _) => format!("{h}h{m:02}m"),
    }
}
