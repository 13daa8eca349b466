//! Does the project look like a Python app? A cheap reading for choosing among languages:
//! manage.py, a Procfile web process, a declared framework or server, console scripts or a
//! `__main__` script make an application; anything else Python is tooling (a library, docs
//! tooling, scripts). A manifest that does not parse is `unreadable`, never an error.

use super::manager::dotted;
use super::requirements;
use super::rules::{rules, PythonRules};
use super::workspace;
use crate::error::Error;
use crate::plan::{Candidate, Language, Strength};
use crate::project::Project;

/// The Python candidate, if the project has Python manifests.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let rules = rules()?;
    let Some(manifest) = rules
        .recognize
        .manifests
        .iter()
        .chain(&rules.requirements.files)
        .find(|f| project.is_file(f))
    else {
        return Ok(None);
    };
    let mut best = classify(project, rules, manifest);
    // A uv workspace root is as much an app as its strongest member.
    if let Ok(Some(pyproject)) = project.read_toml("pyproject.toml") {
        for member in workspace::members(project, &pyproject).unwrap_or_default() {
            let view = project.at(&member);
            let found = classify(&view, rules, "pyproject.toml");
            if found.strength > best.strength {
                best = found;
            }
        }
    }
    Ok(Some(best))
}

/// A finding: the strength, the file (relative to the view) and the reason.
type Finding = (Strength, String, String);

/// How strongly the folder `project` looks like a Python app.
pub fn classify(project: &Project, rules: &PythonRules, manifest: &str) -> Candidate {
    let (strength, source, reason) = project_files(project, rules)
        .or_else(|| declared(project, rules))
        .or_else(|| scripts(project, rules))
        .unwrap_or_else(|| {
            (
                Strength::Tooling,
                manifest.to_string(),
                "lists no web framework or server, and nothing runs as an app".into(),
            )
        });
    Candidate {
        language: Language::Python,
        strength,
        source: project.name(&source),
        reason,
    }
}

/// manage.py or a Procfile web process.
fn project_files(project: &Project, rules: &PythonRules) -> Option<Finding> {
    if let Some(dir) = super::django::manage_dir(project, &rules.django) {
        let file = join(&dir, "manage.py");
        return Some((Strength::Application, file, "a Django project".into()));
    }
    let text = project.read("Procfile").ok().flatten()?;
    rules.entry.procfile_types.iter().find_map(|kind| {
        let line = text
            .lines()
            .find(|l| l.split(':').next().map(str::trim) == Some(kind))?;
        let shown: String = line
            .trim()
            .chars()
            .flat_map(char::escape_default)
            .take(80)
            .collect();
        Some((
            Strength::Application,
            "Procfile".into(),
            format!("`{shown}`"),
        ))
    })
}

/// A declared framework or server, console scripts, or a manifest that does not parse.
fn declared(project: &Project, rules: &PythonRules) -> Option<Finding> {
    let unreadable = |file: &str, error: Error| {
        Some((
            Strength::Unreadable,
            file.to_string(),
            format!("cannot be read: {error}"),
        ))
    };
    let mut names: Vec<(String, String)> = Vec::new();
    if let Some(file) = rules.requirements.files.iter().find(|f| project.is_file(f)) {
        match requirements::read(project, file, None, &rules.requirements) {
            Ok(reqs) => names.extend(reqs.reqs.into_iter().map(|r| (r.name, r.file))),
            Err(error) => return unreadable(file, error),
        }
    }
    match project.read_toml("pyproject.toml") {
        Ok(Some(pyproject)) => {
            for key in ["project.scripts", "tool.poetry.scripts"] {
                if dotted(&pyproject, key)
                    .and_then(toml::Value::as_table)
                    .is_some_and(|t| !t.is_empty())
                {
                    let reason = "declares console scripts".to_string();
                    return Some((Strength::Application, "pyproject.toml".into(), reason));
                }
            }
            match super::deps::pyproject(project, &pyproject, None) {
                Ok(reqs) => names.extend(reqs.into_iter().map(|r| (r.name, r.file))),
                Err(error) => return unreadable("pyproject.toml", error),
            }
            let poetry = super::deps::poetry(project, &pyproject);
            names.extend(poetry.into_iter().map(|r| (r.name, r.file)));
        }
        Ok(None) => {}
        Err(error) => return unreadable("pyproject.toml", error),
    }
    match project.read_toml("Pipfile") {
        Ok(Some(pipfile)) => {
            let pipenv = super::deps::pipfile(project, &pipfile);
            names.extend(pipenv.into_iter().map(|r| (r.name, r.file)));
        }
        Ok(None) => {}
        Err(error) => return unreadable("Pipfile", error),
    }
    let (name, file) = names
        .into_iter()
        .find(|(name, _)| rules.recognize.app_packages.contains(name))?;
    // Requirements name their file from the root already; keep it relative to the view.
    let file = file
        .strip_prefix(&project.name(""))
        .map_or(file.clone(), str::to_string);
    Some((Strength::Application, file, format!("lists `{name}`")))
}

/// A script with a `__main__` guard, or a package with `__main__.py` (`python -m`).
fn scripts(project: &Project, rules: &PythonRules) -> Option<Finding> {
    for file in &rules.recognize.entry_files {
        let Some(text) = project.read(file).ok().flatten() else {
            continue;
        };
        if super::source::main_guard(&text).is_some() {
            let reason = "runs as a script (`__main__`)".to_string();
            return Some((Strength::Application, file.clone(), reason));
        }
    }
    let top = project.list("", true).into_iter().map(|d| (d, ""));
    let src = project.list("src", true).into_iter().map(|d| (d, "src/"));
    top.chain(src).find_map(|(dir, prefix)| {
        let main = format!("{prefix}{dir}/__main__.py");
        (!rules.entry.skip_dirs.contains(&dir) && project.is_file(&main)).then(|| {
            let reason = format!("runs as `python -m {dir}`");
            (Strength::Application, main, reason)
        })
    })
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}
