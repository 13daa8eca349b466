//! dockgen: detect a project → `Plan` → render Dockerfile and .dockerignore → write.
//!
//! The library never exits the process and never prints errors; `main` does both.

pub mod cli;
mod commands;
pub mod detect;
pub mod error;
pub mod plan;
pub mod project;
pub mod render;
pub mod rules;
pub mod write;

use std::path::Path;

pub use error::Error;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> Result<(), Error> {
    match cli.command {
        cli::Command::Init(args) => commands::init::run(&args),
        cli::Command::Detect(args) => commands::detect::run(&args),
        cli::Command::Images => commands::images(),
    }
}

/// Detects `path` and applies `overrides`: the `Plan` every command starts from.
pub fn plan(path: &Path, overrides: &detect::Overrides) -> Result<plan::Plan, Error> {
    let project = project::Project::open(path)?;
    detect::detect(&project, rules::rules()?, overrides)
}

/// Detects and renders in one call, as `dockgen init --stdout` does.
pub fn generate(
    path: &Path,
    overrides: &detect::Overrides,
) -> Result<(plan::Plan, render::Rendered), Error> {
    let plan = plan(path, overrides)?;
    let rendered = render::render(&plan, rules::rules()?)?;
    Ok((plan, rendered))
}
