//! Expected failures a user can act on, each with an exit code and a hint.
//!
//! Only `main` prints these; library code returns them.

use std::path::PathBuf;

use crate::plan::Language;
use crate::questions::Question;

/// Every failure dockgen reports. Display is the `error:` line; `hint` is the way out.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{}` does not exist", path.display())]
    PathNotFound { path: PathBuf },

    #[error("`{}` is not a directory", path.display())]
    NotADirectory { path: PathBuf },

    #[error("no supported project found in `{}`", path.display())]
    NothingDetected { path: PathBuf, reason: String },

    #[error("`{}` already exists", path.display())]
    FileExists { path: PathBuf },

    #[error("could not determine {}: {detail}", question.what())]
    MissingAnswer {
        question: Question,
        detail: String,
        /// The valid answers, when dockgen knows them.
        choices: Vec<String>,
    },

    #[error("`{file}` says this is a {} project ({reason}), and dockgen does not support {} yet", language.title(), language.title())]
    NotSupported {
        language: Language,
        file: String,
        reason: String,
    },

    #[error("failed to parse `{file}` at line {line}, column {column}: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("`{file}` field `{key}` has a value dockgen will not put in a Dockerfile: {reason}")]
    UnsafeValue {
        file: String,
        key: String,
        reason: String,
    },

    #[error("`{file}` {problem}")]
    Incomplete {
        file: String,
        problem: String,
        fix: String,
    },

    #[error("`{file}` {reason}")]
    Refused { file: String, reason: String },

    #[error("invalid value for `{flag}`: {reason}")]
    InvalidFlag { flag: String, reason: String },

    #[error("invalid detector data: {reason}")]
    InvalidRule { reason: String },

    #[error("failed to render `{name}`: {reason}")]
    Template { name: String, reason: String },

    #[error("failed to read `{}`", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("failed to write `{}`", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{} differ{} from what dockgen generates now", files.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" and "), if files.len() == 1 { "s" } else { "" })]
    Drift { files: Vec<String> },

    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// The process exit code, by one rule: 1 whenever the project, its files or the answers
    /// need fixing (reading and writing them included), 2 only for dockgen's own defects (clap
    /// uses 2 for usage errors too), 130 when the user cancelled.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::PathNotFound { .. }
            | Error::NotADirectory { .. }
            | Error::NothingDetected { .. }
            | Error::FileExists { .. }
            | Error::MissingAnswer { .. }
            | Error::NotSupported { .. }
            | Error::Parse { .. }
            | Error::UnsafeValue { .. }
            | Error::Incomplete { .. }
            | Error::Refused { .. }
            | Error::Drift { .. }
            | Error::Read { .. }
            | Error::Write { .. }
            | Error::InvalidFlag { .. } => 1,
            Error::InvalidRule { .. } | Error::Template { .. } => 2,
            Error::Cancelled => 130,
        }
    }

    /// What the user can do next, if dockgen knows.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::PathNotFound { .. } | Error::NotADirectory { .. } => {
                vec!["pass the project's directory, e.g. `dockgen init path/to/project`".into()]
            }
            Error::NothingDetected { reason, .. } => vec![reason.clone(), supported()],
            Error::NotSupported { .. } => vec![
                supported(),
                "if another language's app is the one to containerize, pass `--language`".into(),
            ],
            Error::FileExists { .. } => vec![
                "pass `--force` to overwrite it, or `--stdout` to print the new Dockerfile instead"
                    .into(),
            ],
            Error::MissingAnswer {
                question, choices, ..
            } if !choices.is_empty() => vec![format!(
                "pass `{}` with one of: {}",
                question.flag(),
                choices.join(", ")
            )],
            Error::MissingAnswer { question, .. } => {
                vec![format!("pass `{}` to supply it", question.flag())]
            }
            Error::Parse { file, .. } => {
                vec![format!("fix the syntax of `{file}` and run dockgen again")]
            }
            Error::UnsafeValue { .. } => vec![
                "use a plain relative path or command without quotes, newlines or shell syntax"
                    .into(),
                "or pass `--entrypoint` to supply the command yourself".into(),
            ],
            Error::Incomplete { fix, .. } => vec![fix.clone()],
            Error::Drift { .. } => vec![
                "the diff is on standard output; run `dockgen init --force` to write the files again, or save different answers in dockgen.toml".into(),
            ],
            Error::Refused { .. } => vec![
                "dockgen reads only regular files inside the project, up to 16 MiB each; replace the link or special file with the file itself, or remove it".into(),
            ],
            Error::InvalidFlag { .. } => {
                vec!["run `dockgen init --help` for the accepted values".into()]
            }
            Error::InvalidRule { .. } | Error::Template { .. } => {
                vec!["this is a bug in dockgen; please report it".into()]
            }
            Error::Read { .. } | Error::Write { .. } | Error::Cancelled => Vec::new(),
        }
    }
}

/// "dockgen supports …", from the registry of languages.
fn supported() -> String {
    let names: Vec<&str> = crate::languages::LANGUAGES
        .iter()
        .filter(|l| l.detect.is_some())
        .map(|l| l.language.title())
        .collect();
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    };
    format!("dockgen supports {list} projects")
}
