//! Python: recognized from its manifests so a polyglot repository picks the right language.
//! The full detector comes with Python support; until then a Python app is reported as
//! recognized but not supported.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::Error;
use crate::plan::{Candidate, Language, Strength};
use crate::project::Project;

pub const DATA: (&str, &str) = ("python.toml", include_str!("../../detectors/python.toml"));

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonRules {
    pub recognize: Recognize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognize {
    pub manifests: Vec<String>,
    pub app_packages: Vec<String>,
    pub entry_files: Vec<String>,
}

pub fn rules() -> Result<&'static PythonRules, Error> {
    static RULES: OnceLock<Result<PythonRules, String>> = OnceLock::new();
    RULES
        .get_or_init(|| crate::rules::parse(DATA.0, DATA.1))
        .as_ref()
        .map_err(|reason| Error::InvalidRule {
            reason: reason.clone(),
        })
}

pub fn check() -> Result<(), String> {
    crate::rules::parse::<PythonRules>(DATA.0, DATA.1).map(|_| ())
}

/// The Python candidate, if the project has Python manifests.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let rules = &rules()?.recognize;
    let Some(manifest) = rules.manifests.iter().find(|f| project.is_file(f)) else {
        return Ok(None);
    };
    let candidate = |strength, source: &str, reason: String| {
        Ok(Some(Candidate {
            language: Language::Python,
            strength,
            source: project.name(source),
            reason,
        }))
    };
    if project.is_file("manage.py") {
        return candidate(
            Strength::Application,
            "manage.py",
            "a Django project".into(),
        );
    }
    if let Some(text) = project.read("Procfile").ok().flatten() {
        if let Some(line) = text.lines().find(|l| l.starts_with("web:")) {
            return candidate(
                Strength::Application,
                "Procfile",
                format!("`{}`", line.trim()),
            );
        }
    }
    let mut declared: Vec<(String, &str)> = Vec::new();
    for file in [
        "requirements.txt",
        "requirements/base.txt",
        "requirements/prod.txt",
    ] {
        if let Some(text) = project.read(file).ok().flatten() {
            declared.extend(text.lines().filter_map(requirement_name).map(|n| (n, file)));
        }
    }
    match pyproject(project) {
        Ok(Some((true, _))) => {
            return candidate(
                Strength::Application,
                "pyproject.toml",
                "declares console scripts".into(),
            )
        }
        Ok(Some((false, names))) => {
            declared.extend(names.into_iter().map(|n| (n, "pyproject.toml")));
        }
        Ok(None) => {}
        Err(error) => {
            return candidate(
                Strength::Unreadable,
                "pyproject.toml",
                format!("cannot be read: {error}"),
            )
        }
    }
    if let Ok(Some(pipfile)) = project.read_toml("Pipfile") {
        if let Some(packages) = pipfile.get("packages").and_then(toml::Value::as_table) {
            declared.extend(packages.keys().map(|k| (normalize(k), "Pipfile")));
        }
    }
    if let Some((name, file)) = declared
        .iter()
        .find(|(name, _)| rules.app_packages.contains(name))
    {
        return candidate(Strength::Application, file, format!("lists `{name}`"));
    }
    for file in &rules.entry_files {
        let Some(text) = project.read(file).ok().flatten() else {
            continue;
        };
        if text.contains("__name__ == \"__main__\"") || text.contains("__name__ == '__main__'") {
            return candidate(
                Strength::Application,
                file,
                "runs as a script (`__main__`)".into(),
            );
        }
    }
    candidate(
        Strength::Tooling,
        manifest,
        "lists no web framework or server, and nothing runs as an app".into(),
    )
}

/// pyproject.toml: whether it declares console scripts, and its dependencies' names.
fn pyproject(project: &Project) -> Result<Option<(bool, Vec<String>)>, Error> {
    let Some(pyproject) = project.read_toml("pyproject.toml")? else {
        return Ok(None);
    };
    let scripts = pyproject
        .get("project")
        .and_then(|p| p.get("scripts"))
        .or_else(|| pyproject.get("tool")?.get("poetry")?.get("scripts"))
        .and_then(toml::Value::as_table)
        .is_some_and(|t| !t.is_empty());
    let listed = pyproject
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .filter_map(requirement_name);
    let poetry = pyproject
        .get("tool")
        .and_then(|t| t.get("poetry")?.get("dependencies")?.as_table())
        .into_iter()
        .flat_map(|t| t.keys().map(|k| normalize(k)));
    Ok(Some((scripts, listed.chain(poetry).collect())))
}

/// The distribution name a requirement line starts with, normalized (PEP 503).
fn requirement_name(line: &str) -> Option<String> {
    let line = line.split('#').next()?.trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let name: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .collect();
    (!name.is_empty()).then(|| normalize(&name))
}

fn normalize(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}
