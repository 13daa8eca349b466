use std::process::ExitCode;

use clap::Parser as _;
use dockgen::detect::safe::terminal;

/// The longest message line printed; project values inside are shortened before this.
const MAX_LINE: usize = 1000;

fn main() -> ExitCode {
    let cli = dockgen::cli::Cli::parse();
    match dockgen::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Messages may quote project files: escaped, so none can forge a line of its own.
            eprintln!("error: {}", terminal(&error.to_string(), MAX_LINE));
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {}", terminal(&cause.to_string(), MAX_LINE));
                source = cause.source();
            }
            let hints = error.hints();
            if !hints.is_empty() {
                eprintln!();
                for hint in hints {
                    eprintln!("hint: {}", terminal(&hint, MAX_LINE));
                }
            }
            ExitCode::from(error.exit_code())
        }
    }
}
