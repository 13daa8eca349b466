//! Rust: recognized from Cargo.toml so a polyglot repository picks the right language. The
//! full detector comes with Rust support.

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
    for dir in project.find_dirs(&members, &[]).unwrap_or_default() {
        let member = project.at(&dir);
        if let Ok(Some(manifest)) = member.read_toml("Cargo.toml") {
            if has_binary(&member, &manifest) {
                return Ok(Some(candidate(
                    project,
                    Strength::Application,
                    format!("workspace member `{dir}` builds a binary"),
                )));
            }
        }
    }
    Ok(Some(candidate(
        project,
        Strength::Tooling,
        "builds a library only".into(),
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
    if manifest.get("package").is_none() {
        return false;
    }
    let declared = manifest
        .get("bin")
        .and_then(toml::Value::as_array)
        .is_some_and(|b| !b.is_empty());
    let autobins = manifest
        .get("package")
        .and_then(|p| p.get("autobins"))
        .and_then(toml::Value::as_bool)
        .unwrap_or(true);
    declared
        || (autobins
            && (project.is_file("src/main.rs")
                || project
                    .list("src/bin", false)
                    .iter()
                    .any(|f| f.ends_with(".rs"))
                || !project.list("src/bin", true).is_empty()))
}
