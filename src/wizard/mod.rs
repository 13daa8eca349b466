//! The interactive wizard: the decisions that matter, each pre-filled with what dockgen
//! detected and where that came from, asked only when flags and saved answers left them open.
//!
//! The logic is data — [`questions_for`] turns a plan into questions, [`apply`] turns an answer
//! into `Answers` — and every prompt goes through a [`Prompter`], so tests drive the whole
//! flow with a script and snapshot the transcript.

pub mod prompter;

use std::path::Path;

use crate::answers::{Answers, Argv};
use crate::config::{self, Layered};
use crate::error::Error;
use crate::languages;
use crate::plan::Plan;
use crate::project::Project;
use crate::questions::{unanswered, Question};
use crate::write::{Existing, FileChoice};
pub use prompter::{InquirePrompter, Prompter, Reply, ScriptedPrompter};

/// A question the wizard may ask about a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub question: Question,
    /// The detected (or current) answer.
    pub default: String,
    /// Where the default came from ("from .nvmrc").
    pub from: String,
    /// The valid answers; empty for free text.
    pub choices: Vec<String>,
}

/// The questions worth asking about `plan`: the ones with a real choice or free text, minus
/// those `settled` by flags or saved answers.
pub fn questions_for(plan: &Plan, settled: &Answers) -> Result<Vec<Ask>, Error> {
    let choices = languages::support(plan.language()).choices;
    let mut asks = Vec::new();
    for question in [
        Question::RuntimeVersion,
        Question::PackageManager,
        Question::Entrypoint,
        Question::Port,
        Question::Variant,
    ] {
        if config::is_answered(settled, question) {
            continue;
        }
        let valid = match choices {
            Some(choices) => choices(plan, question)?,
            None => Vec::new(),
        };
        let text = matches!(question, Question::Entrypoint | Question::Port);
        if !text && valid.len() < 2 {
            continue;
        }
        let from = plan
            .evidence
            .get(&config::field(question))
            .map_or_else(String::new, |e| {
                if e.source == "default" {
                    format!("default: {}", e.note)
                } else {
                    format!("from {}", e.source)
                }
            });
        asks.push(Ask {
            question,
            default: config::current(plan, question),
            from,
            choices: valid,
        });
    }
    Ok(asks)
}

/// Records `value` as the answer to `question`.
pub fn apply(answers: &mut Answers, question: Question, value: &str) -> Result<(), Error> {
    let invalid = |reason: String| Error::InvalidFlag {
        flag: question.flag().into(),
        reason,
    };
    match question {
        Question::Language => answers.language = Some(value.parse().map_err(invalid)?),
        Question::App => answers.workspace = Some(value.to_string()),
        Question::RuntimeVersion => answers.runtime_version = Some(value.to_string()),
        Question::PackageManager => answers.package_manager = Some(value.to_string()),
        Question::Entrypoint => answers.entrypoint = Some(value.parse::<Argv>().map_err(invalid)?),
        Question::Port => {
            let port = value
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| invalid(format!("`{value}` is not a port (1-65535)")))?;
            answers.port = Some(port);
        }
        Question::Variant => answers.variant = Some(value.to_string()),
    }
    answers.validate()
}

/// What the wizard settled: the plan and the answers that produced it.
pub struct Settled {
    pub plan: Plan,
    pub answers: Answers,
}

/// Runs the wizard on `project` with the layered answers until the user accepts a plan.
pub fn run(
    prompter: &mut dyn Prompter,
    project: &Project,
    layered: &Layered,
) -> Result<Settled, Error> {
    let mut answers = layered.answers.clone();
    let mut origins = layered.origins.clone();
    loop {
        let plan = resolve(prompter, project, &mut answers, &mut origins)?;
        prompter.show(&crate::commands::detect::report(&plan));
        let options = vec![
            "Yes, write the files".to_string(),
            "Change an answer first".to_string(),
        ];
        let choice = prompter.select(
            "Use these answers?",
            "Enter accepts, Esc cancels and writes nothing",
            &options,
            0,
        )?;
        if choice == 0 {
            return Ok(Settled { plan, answers });
        }
        for ask in questions_for(&plan, &layered.answers)? {
            let help = if ask.from.is_empty() {
                ask.default.clone()
            } else {
                format!("{} — {}", ask.default, ask.from)
            };
            let value = if ask.choices.is_empty() {
                prompter.text(ask.question.prompt(), &help, &ask.default)?
            } else {
                let default = ask
                    .choices
                    .iter()
                    .position(|c| *c == ask.default)
                    .unwrap_or(0);
                let index = prompter.select(ask.question.prompt(), &help, &ask.choices, default)?;
                ask.choices[index].clone()
            };
            if value != ask.default {
                apply(&mut answers, ask.question, &value)?;
                origins.insert(ask.question.key(), config::WIZARD.into());
            }
        }
    }
}

/// Detects with `answers`, asking whatever detection cannot decide alone (which language,
/// which app folder, the command) until there is a plan.
fn resolve(
    prompter: &mut dyn Prompter,
    project: &Project,
    answers: &mut Answers,
    origins: &mut config::Origins,
) -> Result<Plan, Error> {
    loop {
        let (question, detail, choices) = match crate::detect::detect(project, answers) {
            Err(Error::MissingAnswer {
                question,
                detail,
                choices,
            }) => (question, detail, choices),
            Err(error) => return Err(error),
            Ok(mut plan) => match unanswered(&plan).into_iter().next() {
                None => {
                    config::relabel(&mut plan, origins);
                    return Ok(plan);
                }
                Some((question, detail)) => (question, detail, Vec::new()),
            },
        };
        let value = if choices.is_empty() {
            prompter.text(question.prompt(), &detail, "")?
        } else {
            let index = prompter.select(question.prompt(), &detail, &choices, 0)?;
            choices[index].clone()
        };
        apply(answers, question, &value)?;
        origins.insert(question.key(), config::WIZARD.into());
    }
}

/// For each file that exists, overwrite, skip or look at the diff first.
pub fn files(prompter: &mut dyn Prompter, existing: &[Existing]) -> Result<Vec<FileChoice>, Error> {
    let mut choices = Vec::new();
    for file in existing {
        let write = if file.merge {
            format!("Merge: add {} line(s) dockgen needs", file.added)
        } else {
            "Overwrite it".to_string()
        };
        let options = vec![
            write,
            "Skip: keep mine".to_string(),
            "Show the diff".to_string(),
        ];
        loop {
            let prompt = format!("`{}` exists", file.name);
            match prompter.select(&prompt, "Esc cancels and writes nothing", &options, 0)? {
                0 => {
                    choices.push(FileChoice::Write);
                    break;
                }
                1 => {
                    choices.push(FileChoice::Skip);
                    break;
                }
                _ => prompter.show(&file.diff),
            }
        }
    }
    Ok(choices)
}

/// The layered answers for `dir`, as `init` and the tests build them.
pub fn layered(dir: &Path, flags: &Answers) -> Result<(Project, Layered), Error> {
    let project = Project::open(dir)?;
    let layered = config::layer(&project, None, &[], flags)?;
    Ok((project, layered))
}
