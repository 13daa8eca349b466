//! uv workspaces: `[tool.uv.workspace] members` in the root pyproject.toml. One uv.lock at the
//! root covers every member; the app is the member `--workspace` names, else the one member
//! (or the root) that is an application, else a question.

use super::recognize::classify;
use super::rules::PythonRules;
use crate::answers::Answers;
use crate::error::Error;
use crate::plan::{Evidence, Strength};
use crate::project::Project;
use crate::questions::Question;

/// The member folders (root-relative) of the workspace `pyproject` declares; empty when it is
/// not a workspace root.
pub fn members(project: &Project, pyproject: &toml::Table) -> Result<Vec<String>, Error> {
    let Some(ws) = pyproject
        .get("tool")
        .and_then(|t| t.get("uv")?.get("workspace"))
    else {
        return Ok(Vec::new());
    };
    let list = |key: &str| -> Vec<&str> {
        ws.get(key)
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .collect()
    };
    let (include, exclude) = (list("members"), list("exclude"));
    let dirs = project
        .find_dirs(&include, &exclude)
        .map_err(|reason| Error::Parse {
            file: project.name("pyproject.toml"),
            line: 1,
            column: 1,
            message: format!("`tool.uv.workspace.members`: {reason}"),
        })?;
    let limit = crate::rules::common()?.apps.limit;
    Ok(dirs
        .into_iter()
        .filter(|d| project.is_file(&format!("{d}/pyproject.toml")))
        .take(limit)
        .collect())
}

/// The chosen app folder (`None`: the root), and why.
pub fn choose(
    project: &Project,
    members: &[String],
    rules: &PythonRules,
    answers: &Answers,
) -> Result<(Option<String>, Option<Evidence>), Error> {
    if let Some(wanted) = &answers.workspace {
        let wanted = wanted.trim_end_matches('/').trim_start_matches("./");
        if wanted == "." || wanted.is_empty() {
            return Ok((None, Some(Evidence::flag("--workspace"))));
        }
        let found = members.iter().find(|m| {
            *m == wanted
                || project
                    .at(m)
                    .read_toml("pyproject.toml")
                    .ok()
                    .flatten()
                    .and_then(|p| {
                        Some(super::deps::normalize(
                            p.get("project")?.get("name")?.as_str()?,
                        ))
                    })
                    == Some(super::deps::normalize(wanted))
        });
        return match found {
            Some(m) => Ok((Some(m.clone()), Some(Evidence::flag("--workspace")))),
            None => Err(Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: format!(
                    "`{wanted}` is not a uv workspace member ({})",
                    members.join(", ")
                ),
            }),
        };
    }
    let common = crate::rules::common()?;
    let apps: Vec<(&String, String)> = members
        .iter()
        .filter(|m| !common.apps.skips(m))
        .filter_map(|m| {
            let c = classify(&project.at(m), rules, "pyproject.toml");
            (c.strength == Strength::Application).then_some((m, c.reason))
        })
        .collect();
    let root = classify(project, rules, "pyproject.toml");
    match apps.as_slice() {
        [] => Ok((None, None)),
        [(only, reason)] if root.strength < Strength::Application => Ok((
            Some((*only).clone()),
            Some(project.evidence(
                &format!("{only}/pyproject.toml"),
                None,
                format!("the one application member: {reason}"),
            )),
        )),
        _ => {
            let mut choices: Vec<String> = apps.iter().map(|(m, _)| (*m).clone()).collect();
            if root.strength == Strength::Application {
                choices.insert(0, ".".into());
            }
            Err(Error::MissingAnswer {
                question: Question::App,
                detail: format!(
                    "the uv workspace has more than one application: {}",
                    apps.iter()
                        .map(|(m, r)| format!("`{m}` ({r})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                choices,
            })
        }
    }
}
