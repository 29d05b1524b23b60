//! The flags the programs share, declared once with clap: every example that trains takes
//! [`TrainArgs`], every example that computes takes [`DeviceArgs`], so the names, the help
//! and the value checks are the same everywhere.
use crate::pipelines::TrainSettings;
use comfy_gpu::DeviceChoice;
use std::path::PathBuf;

/// Which backend to run on, as the `--device` flag names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Device {
    /// The rayon CPU backend.
    Cpu,
    /// The WGSL backend on a GPU adapter (a software one too, if that is all there is).
    Gpu,
    /// A hardware GPU if there is one, else the CPU.
    Auto,
}

impl From<Device> for DeviceChoice {
    fn from(d: Device) -> Self {
        match d {
            Device::Cpu => DeviceChoice::Cpu,
            Device::Gpu => DeviceChoice::Gpu,
            Device::Auto => DeviceChoice::Auto,
        }
    }
}

/// `--device`.
#[derive(Clone, Debug, Default, PartialEq, Eq, clap::Args)]
pub struct DeviceArgs {
    /// The backend [default: COMFY_DEVICE if set, else auto]
    #[arg(long, value_enum)]
    pub device: Option<Device>,
}

impl DeviceArgs {
    /// The backend `--device` names; without it, `COMFY_DEVICE` may choose, otherwise `auto`.
    pub fn backend(&self) -> Result<std::sync::Arc<dyn comfy_core::Backend>, comfy_gpu::GpuError> {
        match self.device {
            Some(d) => comfy_gpu::select(d.into()),
            None => comfy_gpu::select_from_env(DeviceChoice::Auto),
        }
    }
}

/// The flags of a training example; `None` where the flag was not given (the example's
/// defaults apply).
#[derive(Clone, Debug, Default, PartialEq, clap::Args)]
pub struct TrainArgs {
    /// Passes over the training set
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub epochs: Option<u32>,
    /// Images per training step
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: Option<u32>,
    /// Adam's learning rate
    #[arg(long, value_name = "X", value_parser = positive_number)]
    pub lr: Option<f64>,
    /// Seed of everything random: data order, initial weights, noise
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// `--device`.
    #[command(flatten)]
    pub device: DeviceArgs,
    /// MNIST folder (IDX files, raw or gzipped) [default: the bundled 10,000 digits]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Where the pictures, CSV and checkpoints go
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A training state to continue from (checkpoint/training_state.safetensors of an earlier run)
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
}

impl TrainArgs {
    /// `settings` with every flag that was given put in place of its default.
    pub fn apply(&self, mut settings: TrainSettings) -> TrainSettings {
        settings.epochs = self.epochs.unwrap_or(settings.epochs);
        settings.batch_size = self.batch_size.unwrap_or(settings.batch_size);
        settings.lr = self.lr.unwrap_or(settings.lr);
        settings.seed = self.seed.unwrap_or(settings.seed);
        let text = |p: &PathBuf| p.to_string_lossy().into_owned();
        if let Some(data) = &self.data {
            settings.data_dir = text(data);
        }
        if let Some(out) = &self.out {
            settings.out_dir = text(out);
        }
        if let Some(from) = &self.resume {
            settings.resume_from = text(from);
        }
        settings
    }
}

/// A positive, finite number.
fn positive_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Example {
        #[command(flatten)]
        train: TrainArgs,
    }

    fn parse(args: &[&str]) -> Result<TrainArgs, clap::Error> {
        Example::try_parse_from(std::iter::once("example").chain(args.iter().copied())).map(|e| e.train)
    }

    #[test]
    fn flags_parse_and_bad_values_are_named() {
        let f = parse(&[
            "--epochs", "3", "--lr", "0.001", "--device", "cpu", "--out", "x", "--resume", "s",
        ])
        .unwrap();
        assert_eq!(
            (f.epochs, f.lr, f.device.device, f.out.as_deref(), f.resume.as_deref()),
            (
                Some(3),
                Some(0.001),
                Some(Device::Cpu),
                Some("x".as_ref()),
                Some("s".as_ref())
            )
        );
        assert_eq!(f.apply(TrainSettings::mnist_gan()).resume_from, "s");
        let message = |args: &[&str]| parse(args).unwrap_err().to_string();
        assert!(
            message(&["--epochs", "0"]).contains("--epochs <N>"),
            "{}",
            message(&["--epochs", "0"])
        );
        assert!(message(&["--lr", "nan"]).contains("not a positive number"));
        assert!(message(&["--device", "tpu"]).contains("possible values: cpu, gpu, auto"));
        assert!(message(&["--epochs"]).contains("a value is required"));
        assert!(message(&["--bogus", "1"]).contains("unexpected argument '--bogus'"));
    }
}
