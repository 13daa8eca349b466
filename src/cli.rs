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

// Command-line switches are bools by nature.
#[allow(clippy::struct_excessive_bools)]
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

    /// Never prompt: a question nothing answers is an error naming its flag and valid values
    #[arg(long, env = "DOCKGEN_NON_INTERACTIVE", help_heading = "Output")]
    pub non_interactive: bool,

    /// Overwrite an existing Dockerfile
    #[arg(short, long, help_heading = "Output")]
    pub force: bool,

    /// Print the Dockerfile to standard output and write nothing
    #[arg(long, help_heading = "Output", conflicts_with_all = ["check", "dry_run"])]
    pub stdout: bool,

    /// Print what would be written, with diffs against the files on disk, and write nothing
    #[arg(long, help_heading = "Output", conflicts_with = "check")]
    pub dry_run: bool,

    /// Exit 1 with a diff when the files on disk differ from what dockgen generates now
    ///
    /// For CI: compares the Dockerfile and .dockerignore with what the project and its saved
    /// answers (dockgen.toml) give today. Writes nothing.
    #[arg(long, help_heading = "Output")]
    pub check: bool,

    #[command(flatten)]
    pub sources: Sources,

    #[command(flatten)]
    pub answers: Answers,
}

/// Where answers come from besides the flags: `--set` and an answers file (and the project's
/// own `dockgen.toml`, always read).
#[derive(Debug, Args, Default)]
pub struct Sources {
    /// Answer a question as key=value (the flag's name without `--`); repeatable
    #[arg(long = "set", value_name = "KEY=VALUE", help_heading = "Answers")]
    pub set: Vec<String>,

    /// Read answers from a TOML file with the flags' keys (like dockgen.toml)
    #[arg(long = "answers", value_name = "FILE", help_heading = "Answers")]
    pub answers_file: Option<PathBuf>,
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
    pub sources: Sources,

    #[command(flatten)]
    pub answers: Answers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}
