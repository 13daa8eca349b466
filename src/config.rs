//! Where answers come from, layered in one place. Precedence, highest first:
//! flag > `--set key=value` > `--answers FILE` > the project's `dockgen.toml` (its saved
//! choices) > detection > defaults in `detectors/*.toml`.
//!
//! Every source uses the same keys (the flags' names without `--`) and the same strict
//! parsing: an unknown key or a bad value is an error naming the file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use crate::answers::Answers;
use crate::error::Error;
use crate::plan::{Evidence, Field, Plan};
use crate::project::Project;
use crate::questions::Question;

/// The project's saved choices.
pub const SAVED: &str = "dockgen.toml";

/// The origin of an answer given in the wizard.
pub const WIZARD: &str = "wizard";

/// Which source gave each answer, for evidence ("22 — from dockgen.toml").
pub type Origins = BTreeMap<&'static str, String>;

/// The answers every source gives, layered, and where each came from.
pub struct Layered {
    pub answers: Answers,
    pub origins: Origins,
    /// The project's saved answers alone (what `dockgen.toml` says).
    pub saved: Answers,
}

/// Layers the project's `dockgen.toml`, an answers file, `--set` pairs and the flags.
pub fn layer(
    project: &Project,
    answers_file: Option<&Path>,
    sets: &[String],
    flags: &Answers,
) -> Result<Layered, Error> {
    let saved = match project.read(SAVED)? {
        Some(text) => parse(&text, &project.name(SAVED))?,
        None => Answers::default(),
    };
    let file = match answers_file {
        Some(path) => {
            let text = read_answers_file(path)?;
            parse(&text, &path.display().to_string())?
        }
        None => Answers::default(),
    };
    let set = parse_sets(sets)?;
    let mut origins = Origins::new();
    let layers: [(&Answers, String); 4] = [
        (&saved, SAVED.to_string()),
        (
            &file,
            answers_file.map_or(String::new(), |p| p.display().to_string()),
        ),
        (&set, "--set".to_string()),
        (flags, "flag".to_string()),
    ];
    let mut answers = Answers::default();
    for (layer, origin) in layers {
        for question in Question::ALL {
            if is_answered(layer, question) {
                origins.insert(question.key(), origin.clone());
            }
        }
        answers = answers.overlaid(layer.clone());
    }
    Ok(Layered {
        answers,
        origins,
        saved,
    })
}

/// Whether `answers` answers `question`.
pub fn is_answered(answers: &Answers, question: Question) -> bool {
    match question {
        Question::Language => answers.language.is_some(),
        Question::App => answers.workspace.is_some(),
        Question::RuntimeVersion => answers.runtime_version.is_some(),
        Question::PackageManager => answers.package_manager.is_some(),
        Question::Entrypoint => answers.entrypoint.is_some(),
        Question::Port => answers.port.is_some(),
        Question::Variant => answers.variant.is_some(),
    }
}

/// The plan field a question decides.
pub fn field(question: Question) -> Field {
    match question {
        Question::Language => Field::Language,
        Question::App => Field::App,
        Question::RuntimeVersion => Field::Version,
        Question::PackageManager => Field::PackageManager,
        Question::Entrypoint => Field::Entrypoint,
        Question::Port => Field::Port,
        Question::Variant => Field::Variant,
    }
}

/// Evidence for answers names where each answer came from, not just "a flag".
pub fn relabel(plan: &mut Plan, origins: &Origins) {
    for question in Question::ALL {
        let Some(origin) = origins.get(question.key()) else {
            continue;
        };
        if origin == "flag" {
            continue;
        }
        if let Some(evidence) = plan.evidence.get_mut(&field(question)) {
            if evidence.source == "flag" {
                let note = match origin.as_str() {
                    "--set" => "given with --set",
                    WIZARD => "answered in the wizard",
                    _ => "a saved answer",
                };
                *evidence = Evidence::file(origin, Some(question.key()), note);
            }
        }
    }
}

/// An answers file or `dockgen.toml`: the flags' keys at the top level, nothing else.
pub fn parse(text: &str, file: &str) -> Result<Answers, Error> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |span| {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            (line, column)
        });
        Error::Parse {
            file: file.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })
}

/// `--set key=value` pairs, parsed like an answers file.
fn parse_sets(sets: &[String]) -> Result<Answers, Error> {
    let mut table = toml::Table::new();
    for set in sets {
        let invalid = |reason: String| Error::InvalidFlag {
            flag: "--set".into(),
            reason,
        };
        let Some((key, value)) = set.split_once('=') else {
            return Err(invalid(format!(
                "`{}` is not key=value",
                crate::detect::safe::shown(set)
            )));
        };
        let Some(question) = Question::from_key(key.trim()) else {
            let keys: Vec<&str> = Question::ALL.iter().map(|q| q.key()).collect();
            return Err(invalid(format!(
                "`{}` is not a question; the keys are {}",
                crate::detect::safe::shown(key),
                keys.join(", ")
            )));
        };
        let value = if question == Question::Port {
            let port = value
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| {
                    invalid(format!(
                        "`{}` is not a port (1-65535)",
                        crate::detect::safe::shown(value)
                    ))
                })?;
            toml::Value::Integer(i64::from(port))
        } else {
            toml::Value::String(value.to_string())
        };
        table.insert(question.key().to_string(), value);
    }
    Answers::deserialize(table).map_err(|e| Error::InvalidFlag {
        flag: "--set".into(),
        reason: e.message().to_string(),
    })
}

use serde::Deserialize as _;

/// An answers file named on the command line: the user's own file, read with a cap.
fn read_answers_file(path: &Path) -> Result<String, Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() || meta.len() > 1024 * 1024 {
        return Err(Error::Refused {
            file: path.display().to_string(),
            reason: "is not a regular file of at most 1 MiB".into(),
        });
    }
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The `dockgen.toml` that keeps `answers` where they differ from what detection alone gives
/// (`detected`, `None` when detection alone cannot decide); `None` when nothing differs.
pub fn saved_text(answers: &Answers, plan: &Plan, detected: Option<&Plan>) -> Option<String> {
    let mut lines = Vec::new();
    for question in Question::ALL {
        let Some((value, now)) = value_of(answers, plan, question) else {
            continue;
        };
        let before = detected.map(|d| current(d, question));
        if before.as_deref() == Some(now.as_str()) {
            continue;
        }
        let note = before.map_or_else(
            || "dockgen cannot decide this alone".to_string(),
            |b| format!("detected: {b}"),
        );
        lines.push(format!("{} = {value}  # {note}", question.key()));
    }
    if lines.is_empty() {
        return None;
    }
    Some(format!(
        "# dockgen's saved answers for this project. `dockgen init` reads them before detecting,\n\
         # so a re-run (and `dockgen init --check` in CI) writes the same files. Only answers that\n\
         # differ from what dockgen detects are kept; delete a line to go back to detection.\n{}\n",
        lines.join("\n")
    ))
}

/// An answer as TOML, with the plan's resulting value as text.
fn value_of(answers: &Answers, plan: &Plan, question: Question) -> Option<(String, String)> {
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let value = match question {
        Question::Language => answers.language.map(|l| quoted(l.id())),
        Question::App => answers.workspace.as_deref().map(quoted),
        Question::RuntimeVersion => answers.runtime_version.as_deref().map(quoted),
        Question::PackageManager => answers.package_manager.as_deref().map(quoted),
        Question::Entrypoint => answers.entrypoint.as_ref().map(|argv| {
            toml::Value::Array(
                argv.0
                    .iter()
                    .map(|a| toml::Value::String(a.clone()))
                    .collect(),
            )
            .to_string()
        }),
        Question::Port => answers.port.map(|p| p.to_string()),
        Question::Variant => answers.variant.as_deref().map(quoted),
    }?;
    Some((value, current(plan, question)))
}

/// The plan's value for `question`, as text.
pub fn current(plan: &Plan, question: Question) -> String {
    match question {
        Question::Language => plan.language().to_string(),
        Question::App => plan.app_dir.clone().unwrap_or_else(|| ".".into()),
        Question::RuntimeVersion => plan.version.clone(),
        Question::PackageManager => plan.package_manager.clone(),
        Question::Entrypoint => plan
            .entrypoint
            .as_ref()
            .map_or_else(String::new, shell_words::join),
        Question::Port => plan.port.map_or_else(String::new, |p| p.to_string()),
        Question::Variant => plan.images.variant.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_the_file_line_and_column() {
        let err = parse("port = 80\nrunime-version = \"22\"\n", "dockgen.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to parse `dockgen.toml` at line 2, column 1: unknown field `runime-version`, expected one of `language`, `app`, `workspace`, `runtime-version`, `package-manager`, `entrypoint`, `port`, `variant`"
        );
    }

    #[test]
    fn sets_parse_like_a_file() {
        let answers = parse_sets(&["port=8080".into(), "app=api".into()]).unwrap();
        assert_eq!(answers.port, Some(8080));
        assert_eq!(answers.workspace.as_deref(), Some("api"));
        assert!(parse_sets(&["colour=red".into()]).is_err());
        assert!(parse_sets(&["port=http".into()]).is_err());
        assert!(parse_sets(&["port".into()]).is_err());
    }
}
