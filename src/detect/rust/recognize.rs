//! The cheap look every project gets: does Cargo.toml build a binary (an application), only a
//! library (tooling: never the app), or not parse at all (unreadable: it may be the app)?

use super::rules::rules;
use crate::error::Error;
use crate::plan::{Candidate, Language, Strength};
use crate::project::Project;

/// The Rust candidate, if the project has a Cargo.toml.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let manifest = match project.read_toml("Cargo.toml") {
        Ok(None) => return Ok(None),
        Ok(Some(manifest)) => manifest,
        Err(error) => {
            return Ok(Some(candidate(
                project,
                Strength::Unreadable,
                format!("cannot be read: {error}"),
            )))
        }
    };
    if has_binary(project, &manifest) {
        return Ok(Some(candidate(
            project,
            Strength::Application,
            "builds a binary".into(),
        )));
    }
    let members: Vec<&str> = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .filter(|m| !m.starts_with('/') && !m.split('/').any(|p| p == ".."))
        .collect();
    let common = crate::rules::common()?;
    let own_skip = &rules()?.apps.skip;
    let mut unreadable = None;
    for dir in project.find_dirs(&members, &[]).unwrap_or_default() {
        if common.apps.skips(&dir)
            || dir
                .split('/')
                .any(|part| own_skip.iter().any(|s| s == part))
        {
            continue;
        }
        let member = project.at(&dir);
        match member.read_toml("Cargo.toml") {
            Ok(Some(manifest)) if has_binary(&member, &manifest) => {
                return Ok(Some(candidate(
                    project,
                    Strength::Application,
                    format!("workspace member `{dir}` builds a binary"),
                )));
            }
            Err(error) => {
                unreadable.get_or_insert(format!("workspace member cannot be read: {error}"));
            }
            _ => {}
        }
    }
    if let Some(reason) = unreadable {
        return Ok(Some(candidate(project, Strength::Unreadable, reason)));
    }
    Ok(Some(candidate(
        project,
        Strength::Tooling,
        "builds a library only: nothing to run".into(),
    )))
}

fn candidate(project: &Project, strength: Strength, reason: String) -> Candidate {
    Candidate {
        language: Language::Rust,
        strength,
        source: project.name("Cargo.toml"),
        reason,
    }
}

/// `[[bin]]` targets, `src/main.rs` or `src/bin/*.rs` (when not switched off by `autobins`).
fn has_binary(project: &Project, manifest: &toml::Table) -> bool {
    let Some(package) = manifest.get("package") else {
        return false;
    };
    let declared = manifest
        .get("bin")
        .and_then(toml::Value::as_array)
        .is_some_and(|b| !b.is_empty());
    let autobins = package
        .get("autobins")
        .and_then(toml::Value::as_bool)
        .unwrap_or(true);
    declared
        || (autobins
            && (project.is_file("src/main.rs")
                || project
                    .list("src/bin", false)
                    .iter()
                    .any(|f| f.ends_with(".rs"))
                || project
                    .list("src/bin", true)
                    .iter()
                    .any(|d| project.is_file(&format!("src/bin/{d}/main.rs")))))
}
