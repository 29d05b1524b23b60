//! Showing a run on the console: a progress bar on a terminal, plain lines otherwise.
use comfy_core::{Event, Observer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// An [`Observer`] that prints node events and progress to standard error.
///
/// On a terminal, in-node progress is a bar with its message; elsewhere (a log file, CI) it is a
/// plain line at most every `line_interval`, plus the last step.
pub struct ConsoleObserver {
    bar: Option<ProgressBar>,
    line_interval: Duration,
    last_line: Option<Instant>,
}

impl ConsoleObserver {
    /// A bar if standard error is a terminal, plain lines every two seconds otherwise.
    pub fn new() -> Self {
        Self::with_terminal(std::io::stderr().is_terminal())
    }

    /// Chooses the bar (`true`) or plain lines (`false`) explicitly.
    pub fn with_terminal(terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let style = ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("█▉▊▋▌▍▎▏ ");
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr()).with_style(style);
            bar.set_draw_target(ProgressDrawTarget::hidden());
            bar
        });
        ConsoleObserver {
            bar,
            line_interval: Duration::from_secs(2),
            last_line: None,
        }
    }

    fn line(&self, text: String) {
        match &self.bar {
            Some(bar) if !bar.is_hidden() => bar.println(text),
            _ => eprintln!("{text}"),
        }
    }

    fn progress(&mut self, step: u64, total: u64, message: &str) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_length(total);
            bar.set_position(step);
            bar.set_message(message.to_string());
            return;
        }
        let due = self.last_line.is_none_or(|t| t.elapsed() >= self.line_interval);
        if due || step == total {
            self.last_line = Some(Instant::now());
            eprintln!("[{step}/{total}] {message}");
        }
    }

    fn close_bar(&mut self) {
        if let Some(bar) = &self.bar {
            if !bar.is_hidden() {
                bar.finish_and_clear();
                bar.set_draw_target(ProgressDrawTarget::hidden());
            }
        }
    }
}

impl Default for ConsoleObserver {
    fn default() -> Self {
        Self::new()
    }
}

impl Observer for ConsoleObserver {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::NodeStarted { node, class_type } => self.line(format!("▶ {class_type} (node {node})")),
            Event::NodeCached { node, class_type } => self.line(format!("· {class_type} (node {node}) cached")),
            Event::NodeFinished {
                node,
                class_type,
                elapsed,
            } => {
                self.close_bar();
                self.line(format!("✓ {class_type} (node {node}) in {:.2}s", elapsed.as_secs_f64()));
            }
            Event::NodeFailed {
                node,
                class_type,
                error,
            } => {
                self.close_bar();
                self.line(format!("✗ {class_type} (node {node}) failed: {error}"));
            }
            Event::Progress {
                step, total, message, ..
            } => self.progress(*step, *total, message),
            Event::RunCancelled { node } => {
                self.close_bar();
                self.line(format!("run cancelled at node {node}"));
            }
            Event::RunFinished { executed, cached } => {
                self.line(format!("done: {executed} nodes ran, {cached} cached"))
            }
            _ => {}
        }
    }
}
