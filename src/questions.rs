//! What is still unanswered: the one place that decides which questions a plan leaves open,
//! shared by `init` (which asks them on a terminal), `--yes` and rendering (which fail naming
//! the flag that answers them).

use crate::error::Error;
use crate::plan::{AppKind, Plan, WarningKind};

/// A decision a user can make: asked by the wizard, answered by a flag, `--set`, an answers
/// file or `dockgen.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// Which language's app, when several tie.
    Language,
    /// Which app folder (workspace, binary, module), when several could be the app.
    App,
    /// The runtime's version line.
    RuntimeVersion,
    /// The package manager.
    PackageManager,
    /// The command the container runs.
    Entrypoint,
    /// The port the app listens on.
    Port,
    /// The final image's variant, where there is a real choice.
    Variant,
}

impl Question {
    /// Every question, in the order the wizard asks them.
    pub const ALL: [Question; 7] = [
        Question::Language,
        Question::App,
        Question::RuntimeVersion,
        Question::PackageManager,
        Question::Entrypoint,
        Question::Port,
        Question::Variant,
    ];

    /// The key in `--set`, answers files and `dockgen.toml`; the flag is `--<key>`.
    pub fn key(self) -> &'static str {
        match self {
            Question::Language => "language",
            Question::App => "workspace",
            Question::RuntimeVersion => "runtime-version",
            Question::PackageManager => "package-manager",
            Question::Entrypoint => "entrypoint",
            Question::Port => "port",
            Question::Variant => "variant",
        }
    }

    /// The flag that answers it.
    pub fn flag(self) -> &'static str {
        match self {
            Question::Language => "--language",
            Question::App => "--workspace",
            Question::RuntimeVersion => "--runtime-version",
            Question::PackageManager => "--package-manager",
            Question::Entrypoint => "--entrypoint",
            Question::Port => "--port",
            Question::Variant => "--variant",
        }
    }

    /// What is being decided, for messages ("could not determine …").
    pub fn what(self) -> &'static str {
        match self {
            Question::Language => "which language's app to containerize",
            Question::App => "which app to containerize",
            Question::RuntimeVersion => "the runtime version",
            Question::PackageManager => "the package manager",
            Question::Entrypoint => "the command the container runs",
            Question::Port => "the port the app listens on",
            Question::Variant => "the image variant",
        }
    }

    /// The prompt a terminal user sees.
    pub fn prompt(self) -> &'static str {
        match self {
            Question::Language => "Which language's app should the image run?",
            Question::App => "Which app folder should the image run?",
            Question::RuntimeVersion => "Runtime version",
            Question::PackageManager => "Package manager",
            Question::Entrypoint => "What command starts the app?",
            Question::Port => "Port the app listens on",
            Question::Variant => "Final image variant",
        }
    }

    /// The question a `--set`/answers-file/`dockgen.toml` key answers.
    pub fn from_key(key: &str) -> Option<Question> {
        let key = if key == "app" { "workspace" } else { key };
        Question::ALL.into_iter().find(|q| q.key() == key)
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
