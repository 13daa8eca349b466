//! Command-line declarations only; no logic lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::answers::Answers;

/// Write the Dockerfile a senior platform engineer would write for your project
#[derive(Debug, Parser)]
#[command(name = "dockgen", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a Dockerfile and .dockerignore into a project
    Init(InitArgs),
    /// Show what dockgen detects in a project and where each decision came from
    Detect(DetectArgs),
    /// Print every base image dockgen can emit, one per line
    #[command(hide = true)]
    Images,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Project directory
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Accept the detected answers without prompting
    ///
    /// Also the behaviour when standard input is not a terminal. A value dockgen cannot
    /// detect is then an error that names the flag supplying it.
    #[arg(short, long, env = "DOCKGEN_YES", help_heading = "Output")]
    pub yes: bool,

    /// Overwrite an existing Dockerfile
    #[arg(short, long, help_heading = "Output")]
    pub force: bool,

    /// Print the Dockerfile to standard output and write nothing
    #[arg(long, help_heading = "Output")]
    pub stdout: bool,

    #[command(flatten)]
    pub answers: Answers,
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Project directory
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    #[command(flatten)]
    pub answers: Answers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}
