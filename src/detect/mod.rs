//! Detection: which language's app the project is, and every decision that follows, as a `Plan`.
//!
//! Every registered language first *recognizes* the project cheaply and says how strongly its
//! files look like the app (`Candidate`); the strongest wins, ties are a question, and only
//! the winner's full detector runs — so a broken manifest of a losing language never aborts
//! detection. Detectors report facts; they never render. Each reads the disk only through
//! `Project`. Answers (flags) are applied in one place, [`apply`].

pub mod go;
pub mod java;
pub mod node;
pub mod python;
pub mod rust;
pub mod safe;

use crate::answers::Answers;
use crate::error::Error;
use crate::languages::{self, LANGUAGES};
use crate::plan::{Candidate, Evidence, Field, Language, Plan, Strength, WarningKind};
use crate::project::Project;
use crate::questions::Question;

/// Detects the project's app and applies `answers`.
pub fn detect(project: &Project, answers: &Answers) -> Result<Plan, Error> {
    answers.validate()?;
    let candidates = recognize(project)?;
    let (language, evidence) = choose(project, &candidates, answers.language)?;
    let support = languages::support(language);
    let Some(detect) = support.detect else {
        let chosen = candidates.iter().find(|c| c.language == language);
        return Err(Error::NotSupported {
            language,
            file: chosen.map_or_else(|| "--language".into(), |c| c.source.clone()),
            reason: chosen.map_or_else(|| "given on the command line".into(), |c| c.reason.clone()),
        });
    };
    let mut plan = detect(project, answers)?;
    plan.evidence.insert(Field::Language, evidence);
    plan.set_aside = candidates
        .into_iter()
        .filter(|c| c.language != language)
        .collect();
    apply(plan, answers)
}

/// Every language's candidate, in registry order.
pub fn recognize(project: &Project) -> Result<Vec<Candidate>, Error> {
    let mut candidates = Vec::new();
    for lang in &LANGUAGES {
        candidates.extend((lang.recognize)(project)?);
    }
    Ok(candidates)
}

/// The language whose app the project is: `--language`, else the strongest candidate.
fn choose(
    project: &Project,
    candidates: &[Candidate],
    forced: Option<Language>,
) -> Result<(Language, Evidence), Error> {
    if let Some(language) = forced {
        if !candidates.iter().any(|c| c.language == language) {
            return Err(Error::InvalidFlag {
                flag: "--language".into(),
                reason: format!(
                    "`{language}`: no {} project files in `{}`{}",
                    language.title(),
                    project.shown().display(),
                    found(candidates)
                ),
            });
        }
        return Ok((language, Evidence::flag("--language")));
    }
    let Some(best) = candidates.iter().map(|c| c.strength).max() else {
        return Err(Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: "no package.json, pyproject.toml, requirements.txt, go.mod, Cargo.toml, pom.xml or build.gradle".into(),
        });
    };
    if best < Strength::Partial {
        let reasons: Vec<String> = candidates
            .iter()
            .map(|c| format!("`{}` {}", c.source, c.reason))
            .collect();
        return Err(Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: format!("nothing here is an app: {}", reasons.join("; ")),
        });
    }
    let strongest: Vec<&Candidate> = candidates.iter().filter(|c| c.strength == best).collect();
    if best == Strength::Application && strongest.len() > 1 {
        return Err(Error::MissingAnswer {
            question: Question::Language,
            detail: format!(
                "the project holds more than one app: {}",
                strongest
                    .iter()
                    .map(|c| format!("{} (`{}` {})", c.language, c.source, c.reason))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            choices: strongest.iter().map(|c| c.language.to_string()).collect(),
        });
    }
    let winner = strongest[0];
    Ok((
        winner.language,
        Evidence::file(&winner.source, None, winner.reason.clone()),
    ))
}

fn found(candidates: &[Candidate]) -> String {
    if candidates.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = candidates.iter().map(|c| c.language.id()).collect();
    format!("; found {}", names.join(", "))
}

/// Applies the answers detection does not consume itself (`--entrypoint`, `--port`).
pub fn apply(mut plan: Plan, answers: &Answers) -> Result<Plan, Error> {
    if let Some(argv) = &answers.entrypoint {
        let argv: Vec<String> = argv
            .0
            .iter()
            .map(|a| safe::safe_arg("--entrypoint", "value", a))
            .collect::<Result<_, _>>()?;
        if argv.is_empty() {
            return Err(Error::InvalidFlag {
                flag: "--entrypoint".into(),
                reason: "the command is empty".into(),
            });
        }
        plan.entrypoint = Some(argv);
        plan.evidence
            .insert(Field::Entrypoint, Evidence::flag("--entrypoint"));
        plan.warnings
            .retain(|w| w.kind != WarningKind::MissingEntrypoint);
    }
    if let Some(port) = answers.port {
        plan.port = Some(port);
        plan.evidence.insert(Field::Port, Evidence::flag("--port"));
    }
    // A choice the detector could not honour is an error listing the valid ones, never a
    // silent fallback.
    for (question, answer, actual) in [
        (
            Question::PackageManager,
            &answers.package_manager,
            &plan.package_manager,
        ),
        (Question::Variant, &answers.variant, &plan.images.variant),
    ] {
        let Some(answer) = answer else { continue };
        if answer != actual {
            let valid = languages::support(plan.language())
                .choices
                .map(|choices| choices(&plan, question))
                .transpose()?
                .unwrap_or_default();
            return Err(Error::InvalidFlag {
                flag: question.flag().into(),
                reason: format!(
                    "`{}` is not a choice for this {} app; the choices are {}",
                    safe::shown(answer),
                    plan.language().title(),
                    if valid.is_empty() {
                        actual.clone()
                    } else {
                        valid.join(", ")
                    }
                ),
            });
        }
        let field = match question {
            Question::PackageManager => Field::PackageManager,
            _ => Field::Variant,
        };
        plan.evidence.insert(field, Evidence::flag(question.flag()));
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_is_registered_once() {
        for language in Language::ALL {
            assert_eq!(
                LANGUAGES.iter().filter(|l| l.language == language).count(),
                1,
                "{language}"
            );
        }
    }
}
