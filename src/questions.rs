//! What is still unanswered: the one place that decides which questions a plan leaves open,
//! shared by `init` (which asks them on a terminal), `--yes` and rendering (which fail naming
//! the flag that answers them).

use crate::error::Error;
use crate::plan::{AppKind, Plan, WarningKind};

/// A decision dockgen could not make on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// Several languages' apps tie.
    Language,
    /// Several app folders (workspaces, binaries, modules) could be the app.
    App,
    /// Nothing says what command the container runs.
    Entrypoint,
}

impl Question {
    /// The flag that answers it.
    pub fn flag(self) -> &'static str {
        match self {
            Question::Language => "--language",
            Question::App => "--workspace",
            Question::Entrypoint => "--entrypoint",
        }
    }

    /// What is being decided, for messages ("could not determine …").
    pub fn what(self) -> &'static str {
        match self {
            Question::Language => "which language's app to containerize",
            Question::App => "which app to containerize",
            Question::Entrypoint => "the command the container runs",
        }
    }

    /// The prompt a terminal user sees.
    pub fn prompt(self) -> &'static str {
        match self {
            Question::Language => "Which language's app should the image run?",
            Question::App => "Which app folder should the image run?",
            Question::Entrypoint => "What command starts the app?",
        }
    }
}

/// The questions `plan` leaves open, in the order they should be asked.
pub fn unanswered(plan: &Plan) -> Vec<(Question, String)> {
    let mut open = Vec::new();
    if plan.kind == AppKind::Server && plan.entrypoint.is_none() {
        // What was missing, then why each command that was found could not be used.
        let mut reasons: Vec<&str> = plan
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::MissingEntrypoint)
            .chain(
                plan.warnings
                    .iter()
                    .filter(|w| w.kind == WarningKind::Entrypoint),
            )
            .map(|w| w.message.as_str())
            .collect();
        if reasons.is_empty() {
            reasons.push("nothing names it");
        }
        let detail = reasons.join("; ");
        open.push((Question::Entrypoint, detail));
    }
    open
}

/// The first open question as the error `--yes` and rendering report.
pub fn require_answers(plan: &Plan) -> Result<(), Error> {
    match unanswered(plan).into_iter().next() {
        None => Ok(()),
        Some((question, detail)) => Err(Error::MissingAnswer {
            question,
            detail,
            choices: Vec::new(),
        }),
    }
}
