use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = dockgen::cli::Cli::parse();
    match dockgen::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            let hints = error.hints();
            if !hints.is_empty() {
                eprintln!();
                for hint in hints {
                    eprintln!("hint: {hint}");
                }
            }
            ExitCode::from(error.exit_code())
        }
    }
}
