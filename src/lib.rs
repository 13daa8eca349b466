//! dockgen: detect a project → `Plan` → render Dockerfile and .dockerignore → write.
//!
//! The library never exits the process and never prints errors; `main` does both.

pub mod answers;
pub mod cli;
pub mod commands;
pub mod config;
pub mod detect;
pub mod diff;
pub mod error;
pub mod languages;
pub mod plan;
pub mod project;
pub mod questions;
pub mod render;
pub mod rules;
pub mod wizard;
pub mod write;

use std::path::Path;

pub use answers::Answers;
pub use error::Error;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> Result<(), Error> {
    match cli.command {
        cli::Command::Init(args) => commands::init::run(&args),
        cli::Command::Detect(args) => commands::detect::run(&args),
        cli::Command::Images => commands::images(),
    }
}

/// Detects `path` with `answers` over the project's saved answers (`dockgen.toml`): the
/// `Plan` every command starts from.
pub fn plan(path: &Path, answers: &Answers) -> Result<plan::Plan, Error> {
    let project = project::Project::open(path)?;
    let layered = config::layer(&project, None, &[], answers)?;
    let mut plan = detect::detect(&project, &layered.answers)?;
    config::relabel(&mut plan, &layered.origins);
    Ok(plan)
}

/// Detects and renders in one call, as `dockgen init --stdout` does.
pub fn generate(path: &Path, answers: &Answers) -> Result<(plan::Plan, render::Rendered), Error> {
    let plan = plan(path, answers)?;
    let rendered = render::render(&plan)?;
    Ok((plan, rendered))
}
