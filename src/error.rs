//! Expected failures a user can act on, each with an exit code and a hint.
//!
//! Only `main` prints these; library code returns them.

use std::path::PathBuf;

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

    #[error("could not determine {question}: {detail}")]
    MissingAnswer {
        question: String,
        flag: String,
        detail: String,
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

    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// The process exit code: 1 for failures the user can fix in the project or the flags,
    /// 2 for internal or I/O errors, 130 when the user cancelled.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::PathNotFound { .. }
            | Error::NotADirectory { .. }
            | Error::NothingDetected { .. }
            | Error::FileExists { .. }
            | Error::MissingAnswer { .. }
            | Error::Parse { .. }
            | Error::UnsafeValue { .. }
            | Error::Incomplete { .. }
            | Error::InvalidFlag { .. } => 1,
            Error::InvalidRule { .. }
            | Error::Template { .. }
            | Error::Read { .. }
            | Error::Write { .. } => 2,
            Error::Cancelled => 130,
        }
    }

    /// What the user can do next, if dockgen knows.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::PathNotFound { .. } | Error::NotADirectory { .. } => {
                vec!["pass the project's directory, e.g. `dockgen init path/to/project`".into()]
            }
            Error::NothingDetected { reason, .. } => vec![
                reason.clone(),
                "dockgen supports Node.js projects (a package.json with a start script, `main` or a server file)".into(),
            ],
            Error::FileExists { .. } => vec![
                "pass `--force` to overwrite it, or `--stdout` to print the new Dockerfile instead".into(),
            ],
            Error::MissingAnswer { flag, .. } => vec![format!("pass `{flag}` to supply it")],
            Error::Parse { file, .. } => vec![format!("fix the syntax of `{file}` and run dockgen again")],
            Error::UnsafeValue { .. } => vec![
                "use a plain relative path or command without quotes, newlines or shell syntax".into(),
                "or pass `--entrypoint` to supply the command yourself".into(),
            ],
            Error::Incomplete { fix, .. } => vec![fix.clone()],
            Error::InvalidFlag { .. } => vec!["run `dockgen init --help` for the accepted values".into()],
            Error::InvalidRule { .. } | Error::Template { .. } => {
                vec!["this is a bug in dockgen; please report it".into()]
            }
            Error::Read { .. } | Error::Write { .. } | Error::Cancelled => Vec::new(),
        }
    }
}
