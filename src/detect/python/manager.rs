//! Which package manager installs the project, and from which files: a lockfile decides
//! (uv.lock, poetry.lock, pdm.lock, Pipfile.lock, in python.toml's order, a pyproject
//! `[tool.<name>]` table settling a tie); without one a Pipfile, Poetry's dependency table, a
//! requirements file or pyproject's `[project.dependencies]`, installed with pip.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::MarkerEnvironment;

use super::requirements::{self, Requirements};
use super::rules::{PackageManagerRule, PythonRules};
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// Where the dependencies come from.
#[derive(Debug)]
pub enum Source {
    /// A lockfile (root-relative to the tool's project).
    Lock(String),
    /// A requirements file and its includes (pip).
    Requirements(Requirements),
    /// pyproject's `[project.dependencies]` (pip).
    Pyproject,
    /// The manager's own manifest without a lockfile (Pipfile, Poetry's table).
    Unlocked,
    /// setup.py / setup.cfg: the dependencies install with the project.
    Setup(String),
    /// Nothing declares dependencies.
    Nothing,
}

pub struct Manager<'r> {
    pub rule: &'r PackageManagerRule,
    pub source: Source,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

/// Chooses the package manager for the project at `project` (the tool root: the workspace
/// root for a member).
pub fn choose<'r>(
    project: &Project,
    pyproject: Option<&toml::Table>,
    rules: &'r PythonRules,
    env: Option<&MarkerEnvironment>,
) -> Result<Manager<'r>, Error> {
    let mut present: Vec<(&'r PackageManagerRule, &'r String)> = Vec::new();
    for rule in &rules.package_managers {
        if present.iter().any(|(r, _)| r.name == rule.name) {
            continue;
        }
        if let Some(lock) = rule.lockfiles.iter().find(|f| project.is_file(f)) {
            present.push((rule, lock));
        }
    }
    let tool = |name: &str| pyproject.and_then(|p| p.get("tool")?.get(name)).is_some();
    if let Some(&(first, lock)) = present
        .iter()
        .find(|(r, _)| tool(&r.name))
        .or_else(|| present.first())
    {
        let rule = variant(project, first, lock, rules)?;
        let mut warnings = Vec::new();
        let others: Vec<String> = present
            .iter()
            .filter(|(r, _)| r.name != rule.name)
            .map(|(_, l)| format!("`{}`", project.name(l)))
            .collect();
        let why = if present.len() > 1 && tool(&rule.name) {
            format!("the lockfile of `[tool.{}]` in pyproject.toml", rule.name)
        } else if present.len() > 1 {
            format!(
                "first in dockgen's order: {}",
                present
                    .iter()
                    .map(|(r, _)| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            "the lockfile".to_string()
        };
        if !others.is_empty() {
            warnings.push(Warning::new(
                WarningKind::PackageManager,
                format!(
                    "several lockfiles: dockgen installs with {} from `{}` ({why}) and ignores {}; delete the ones you do not use",
                    rule.name,
                    project.name(lock),
                    others.join(", ")
                ),
            ));
        }
        return Ok(Manager {
            rule,
            source: Source::Lock(lock.clone()),
            evidence: project.evidence(lock, None, why),
            warnings,
        });
    }
    unlocked(project, pyproject, rules, env)
}

/// The variant whose `lock_versions` range holds the lockfile's `lock-version`.
fn variant<'r>(
    project: &Project,
    first: &'r PackageManagerRule,
    lock: &str,
    rules: &'r PythonRules,
) -> Result<&'r PackageManagerRule, Error> {
    let variants: Vec<&PackageManagerRule> = rules
        .package_managers
        .iter()
        .filter(|r| r.name == first.name && r.lockfiles.iter().any(|l| l == lock))
        .collect();
    if variants.len() < 2 {
        return Ok(first);
    }
    let table = project.read_toml(lock)?;
    let version = table
        .as_ref()
        .and_then(|t| t.get("metadata")?.get("lock-version")?.as_str())
        .and_then(|v| Version::from_str(v).ok());
    let Some(version) = version else {
        return Ok(first);
    };
    Ok(variants
        .into_iter()
        .find(|r| {
            r.lock_versions
                .as_deref()
                .and_then(|range| VersionSpecifiers::from_str(range).ok())
                .is_some_and(|range| range.contains(&version))
        })
        .unwrap_or(first))
}

fn unlocked<'r>(
    project: &Project,
    pyproject: Option<&toml::Table>,
    rules: &'r PythonRules,
    env: Option<&MarkerEnvironment>,
) -> Result<Manager<'r>, Error> {
    let pep621_deps = pyproject
        .and_then(|p| p.get("project")?.get("dependencies")?.as_array())
        .is_some_and(|a| !a.is_empty());
    if let Some(manager) = own_manifest(project, pyproject, rules, pep621_deps) {
        return Ok(manager);
    }
    let pip = rules
        .package_managers
        .iter()
        .find(|r| r.lockfiles.is_empty())
        .ok_or_else(|| Error::InvalidRule {
            reason: "python.toml has no package manager for projects without a lockfile".into(),
        })?;
    let chosen = |source, evidence| Manager {
        rule: pip,
        source,
        evidence,
        warnings: Vec::new(),
    };
    if let Some(file) = rules.requirements.files.iter().find(|f| project.is_file(f)) {
        let reqs = requirements::read(project, file, env, &rules.requirements)?;
        let note = if pep621_deps {
            "a requirements file (it beats pyproject's unpinned list)"
        } else {
            "a requirements file"
        };
        return Ok(chosen(
            Source::Requirements(reqs),
            project.evidence(file, None, note),
        ));
    }
    if pep621_deps {
        let evidence = project.evidence(
            "pyproject.toml",
            Some("project.dependencies"),
            "pyproject's dependencies, no lockfile",
        );
        return Ok(chosen(Source::Pyproject, evidence));
    }
    if let Some(setup) = ["setup.py", "setup.cfg"]
        .into_iter()
        .find(|f| project.is_file(f))
    {
        let note = "setuptools: dependencies install with the project";
        return Ok(chosen(
            Source::Setup(setup.into()),
            project.evidence(setup, None, note),
        ));
    }
    Ok(chosen(
        Source::Nothing,
        Evidence::default("no lockfile, requirements file or declared dependencies"),
    ))
}

/// A manager selected by its own manifest without a lockfile: a marker file (Pipfile), or a
/// pyproject table with entries (Poetry's dependencies) when PEP 621 declares none.
fn own_manifest<'r>(
    project: &Project,
    pyproject: Option<&toml::Table>,
    rules: &'r PythonRules,
    pep621_deps: bool,
) -> Option<Manager<'r>> {
    let no_lock = |rule: &PackageManagerRule, file: &str| {
        vec![Warning::new(
            WarningKind::PackageManager,
            format!(
                "`{}` has no {}: the image resolves dependencies at build time, so builds are not reproducible; commit the lockfile",
                project.name(file),
                rule.lockfiles.join(" or ")
            ),
        )]
    };
    let unlocked = || {
        rules
            .package_managers
            .iter()
            .filter(|r| r.unlocked.is_some())
    };
    for rule in unlocked() {
        if let Some(marker) = rule.markers.iter().find(|m| project.is_file(m)) {
            let note = format!("{} without a lockfile", rule.name);
            return Some(Manager {
                rule,
                source: Source::Unlocked,
                evidence: project.evidence(marker, None, note),
                warnings: no_lock(rule, marker),
            });
        }
    }
    if pep621_deps {
        return None;
    }
    unlocked().find_map(|rule| {
        let table = rule.tables.iter().find(|t| {
            pyproject
                .and_then(|p| dotted(p, t))
                .and_then(toml::Value::as_table)
                .is_some_and(|t| t.keys().any(|k| k != "python"))
        })?;
        let note = format!("{}'s dependency table, no lockfile", rule.name);
        Some(Manager {
            rule,
            source: Source::Unlocked,
            evidence: project.evidence("pyproject.toml", Some(table), note),
            warnings: no_lock(rule, "pyproject.toml"),
        })
    })
}

/// The value at a dotted path (`tool.poetry.dependencies`) of a TOML table.
pub fn dotted<'t>(table: &'t toml::Table, path: &str) -> Option<&'t toml::Value> {
    let mut parts = path.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.get(part)?;
    }
    Some(value)
}
