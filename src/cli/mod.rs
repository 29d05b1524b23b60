//! What the programs share: their command-line flags ([`TrainArgs`], [`DeviceArgs`], through
//! clap), parsing them with one-line errors ([`parse_or_exit`]), setting up and running a
//! training example, and running a graph on the console with Ctrl-C stopping it cleanly.
mod args;
mod malloc;
mod run;
mod training;

pub use args::{Device, DeviceArgs, TrainArgs};
pub use malloc::{keep_freed_memory, TOP_PAD};
pub use run::{run_cancellable, run_on_console};
pub use training::{prepare_training, TrainingExample};

/// Parses `std::env::args()` as `T`: `--help` and `--version` print and exit 0; a bad flag
/// prints one line saying which flag and why, and exits with status 2.
pub fn parse_or_exit<T: clap::Parser>() -> T {
    match T::try_parse() {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("{} (see --help)", first_line(&e));
            std::process::exit(2);
        }
    }
}

/// A clap error as one line (`error: unexpected argument '--bogus' found`): its first
/// paragraph with the lines joined, without clap's usage block and tips.
pub fn first_line(e: &clap::Error) -> String {
    let text = e.to_string();
    let paragraph = text.split("\n\n").next().unwrap_or_default();
    let words: Vec<&str> = paragraph.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if words.is_empty() {
        return "error: bad arguments".to_string();
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Example {
        #[arg(value_name = "FILE")]
        file: String,
        #[command(flatten)]
        train: TrainArgs,
    }

    fn error(args: &[&str]) -> String {
        let e = Example::try_parse_from(std::iter::once("example").chain(args.iter().copied())).unwrap_err();
        first_line(&e)
    }

    #[test]
    fn a_bad_command_line_is_one_line_naming_the_flag() {
        for (args, says) in [
            (&["f", "--bogus"][..], "error: unexpected argument '--bogus' found"),
            (
                &[][..],
                "error: the following required arguments were not provided: <FILE>",
            ),
            (
                &["f", "--batch-size", "x"][..],
                "error: invalid value 'x' for '--batch-size <N>'",
            ),
        ] {
            let line = error(args);
            assert!(line.starts_with(says), "{line:?}");
            assert!(!line.contains('\n'), "{line:?}");
        }
    }
}
