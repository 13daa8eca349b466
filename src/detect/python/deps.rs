//! What the project depends on: the requirements it declares (pyproject, Poetry's table, a
//! Pipfile, requirements files) and what its lockfile resolved (uv.lock, poetry.lock, pdm.lock,
//! Pipfile.lock), filtered by the image's environment markers.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::str::FromStr;

use pep508_rs::{MarkerEnvironment, MarkerEnvironmentBuilder, MarkerTree};

use super::requirements::{self, Req};
use super::rules::MarkerRules;
use crate::error::Error;
use crate::project::Project;

/// Every dependency fact the detector uses.
#[derive(Debug, Default)]
pub struct Deps {
    /// Requirements the project declares itself.
    pub direct: Vec<Req>,
    /// Every package the lockfile installs (name → version); empty without a lockfile.
    pub locked: BTreeMap<String, String>,
}

impl Deps {
    /// Declared directly.
    pub fn declares(&self, name: &str) -> Option<&Req> {
        self.direct.iter().find(|r| r.name == name)
    }

    /// Installed by the image: declared, or in the lockfile.
    pub fn installs(&self, name: &str) -> bool {
        self.declares(name).is_some() || self.locked.contains_key(name)
    }

    /// The version the image installs, when the lockfile or an exact pin says.
    pub fn version(&self, name: &str) -> Option<&str> {
        self.locked
            .get(name)
            .map(String::as_str)
            .or_else(|| self.declares(name)?.pinned.as_deref())
    }

    /// Every package name the image installs.
    pub fn all(&self) -> BTreeSet<&str> {
        self.direct
            .iter()
            .map(|r| r.name.as_str())
            .chain(self.locked.keys().map(String::as_str))
            .collect()
    }
}

/// The marker environment of the image: Linux, `CPython` `version`.
pub fn environment(rules: &MarkerRules, version: &str) -> Result<MarkerEnvironment, Error> {
    let full = format!("{version}.0");
    MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
        implementation_name: &rules.implementation_name,
        implementation_version: &full,
        os_name: &rules.os_name,
        platform_machine: &rules.platform_machine,
        platform_python_implementation: &rules.platform_python_implementation,
        platform_release: "",
        platform_system: &rules.platform_system,
        platform_version: "",
        python_full_version: &full,
        python_version: version,
        sys_platform: &rules.sys_platform,
    })
    .map_err(|e| Error::InvalidRule {
        reason: format!("python version `{version}`: {e}"),
    })
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
pub fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |at| {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, column)
    })
}

/// `[project.dependencies]` of pyproject.toml, parsed as PEP 508.
pub fn pyproject(
    project: &Project,
    pyproject: &toml::Table,
    env: Option<&MarkerEnvironment>,
) -> Result<Vec<Req>, Error> {
    let Some(list) = pyproject
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
    else {
        return Ok(Vec::new());
    };
    let text = project.read("pyproject.toml")?.unwrap_or_default();
    let file = project.name("pyproject.toml");
    let mut out = Vec::new();
    for spec in list.iter().filter_map(toml::Value::as_str) {
        let (line, column) = locate(&text, spec);
        if let Some((req, marker)) = requirements::parse(spec, &file, line, column)? {
            if env.is_none_or(|env| marker.evaluate(env, &[])) {
                out.push(req);
            }
        }
    }
    Ok(out)
}

/// Poetry's `[tool.poetry.dependencies]` table (names; `python` and optional ones skipped).
pub fn poetry(project: &Project, pyproject: &toml::Table) -> Vec<Req> {
    let Some(table) = pyproject
        .get("tool")
        .and_then(|t| t.get("poetry")?.get("dependencies")?.as_table())
    else {
        return Vec::new();
    };
    named_table(project, "pyproject.toml", table)
}

/// A Pipfile's `[packages]`.
pub fn pipfile(project: &Project, pipfile: &toml::Table) -> Vec<Req> {
    let Some(table) = pipfile.get("packages").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    named_table(project, "Pipfile", table)
}

/// A table of `name = "constraint"` or `name = { version, extras, optional }`.
fn named_table(project: &Project, file: &str, table: &toml::Table) -> Vec<Req> {
    table
        .iter()
        .filter(|(name, _)| name.as_str() != "python")
        .filter(|(_, v)| {
            !v.get("optional")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false)
        })
        .filter_map(|(name, value)| {
            let name = pep508_rs::PackageName::from_str(name).ok()?.to_string();
            let constraint = value
                .as_str()
                .or_else(|| value.get("version")?.as_str())
                .filter(|c| *c != "*");
            let pinned = constraint.and_then(|c| {
                let bare = c.trim_start_matches("==");
                (pep440_rs::Version::from_str(bare).is_ok()
                    && (c.starts_with("==")
                        || c.chars().all(|ch| ch.is_ascii_digit() || ch == '.')))
                .then(|| bare.to_string())
            });
            let extras = value
                .get("extras")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect();
            Some(Req {
                name,
                extras,
                specifiers: constraint.map(str::to_string),
                pinned,
                file: project.name(file),
                line: 1,
            })
        })
        .collect()
}

/// What a lockfile installs for production, name → version.
pub fn locked(
    project: &Project,
    lockfile: &str,
    root: Option<&str>,
    env: &MarkerEnvironment,
) -> Result<BTreeMap<String, String>, Error> {
    let name = lockfile.rsplit('/').next().unwrap_or(lockfile);
    match name {
        "Pipfile.lock" => {
            let Some(lock) = project.read_json(lockfile)? else {
                return Ok(BTreeMap::new());
            };
            Ok(lock
                .get("default")
                .and_then(serde_json::Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, info)| {
                    info.get("markers")
                        .and_then(serde_json::Value::as_str)
                        .is_none_or(|m| applies(m, env))
                })
                .map(|(name, info)| {
                    let version = info
                        .get("version")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("")
                        .trim_start_matches("==")
                        .to_string();
                    (normalize(name), version)
                })
                .collect())
        }
        "uv.lock" => {
            let Some(lock) = project.read_toml(lockfile)? else {
                return Ok(BTreeMap::new());
            };
            Ok(uv(&lock, root, env))
        }
        _ => {
            let Some(lock) = project.read_toml(lockfile)? else {
                return Ok(BTreeMap::new());
            };
            Ok(grouped(&lock, env))
        }
    }
}

/// poetry.lock (`groups = ["main"]`, or Poetry 1's `category = "main"`) and pdm.lock
/// (`groups = ["default"]`): the packages of the production group.
fn grouped(lock: &toml::Table, env: &MarkerEnvironment) -> BTreeMap<String, String> {
    packages(lock)
        .filter(|p| {
            let groups: Vec<&str> = p
                .get("groups")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_str)
                .collect();
            let category = p.get("category").and_then(toml::Value::as_str);
            let production = if groups.is_empty() {
                category.is_none_or(|c| c == "main")
            } else {
                groups.iter().any(|g| *g == "main" || *g == "default")
            };
            let marker = p
                .get("markers")
                .or_else(|| p.get("marker"))
                .and_then(toml::Value::as_str);
            production && marker.is_none_or(|m| applies(m, env))
        })
        .filter_map(name_version)
        .collect()
}

/// uv.lock: what the root project (or workspace member `root`) needs without dev groups,
/// following extras; every package when the root entry is missing.
fn uv(lock: &toml::Table, root: Option<&str>, env: &MarkerEnvironment) -> BTreeMap<String, String> {
    let all: Vec<&toml::Table> = packages(lock).collect();
    let by_name: BTreeMap<String, &toml::Table> = all
        .iter()
        .filter_map(|p| Some((normalize(p.get("name")?.as_str()?), *p)))
        .collect();
    let is_root = |p: &toml::Table| {
        let source = p.get("source").and_then(toml::Value::as_table);
        let local = source.and_then(|s| s.get("editable").or_else(|| s.get("virtual")));
        match root {
            Some(dir) => local.and_then(toml::Value::as_str) == Some(dir),
            None => local.and_then(toml::Value::as_str) == Some("."),
        }
    };
    let Some(start) = all.iter().find(|p| is_root(p)) else {
        return all.iter().filter_map(|p| name_version(p)).collect();
    };
    let mut out = BTreeMap::new();
    let mut queue: VecDeque<(&toml::Table, Vec<String>)> = VecDeque::from([(*start, Vec::new())]);
    let mut seen = BTreeSet::new();
    while let Some((package, extras)) = queue.pop_front() {
        let Some((name, version)) = name_version(package) else {
            continue;
        };
        if !seen.insert((name.clone(), extras.clone())) {
            continue;
        }
        if !std::ptr::eq(package, *start) {
            out.insert(name, version);
        }
        let mut edges: Vec<&toml::Value> = package
            .get("dependencies")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        for extra in &extras {
            edges.extend(
                package
                    .get("optional-dependencies")
                    .and_then(|o| o.get(extra))
                    .and_then(toml::Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        }
        for edge in edges {
            let Some(dep) = edge.get("name").and_then(toml::Value::as_str) else {
                continue;
            };
            if edge
                .get("marker")
                .and_then(toml::Value::as_str)
                .is_some_and(|m| !applies(m, env))
            {
                continue;
            }
            let extras: Vec<String> = edge
                .get("extra")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_str)
                .map(str::to_string)
                .collect();
            if let Some(next) = by_name.get(&normalize(dep)) {
                queue.push_back((next, extras));
            }
        }
    }
    out
}

fn packages(lock: &toml::Table) -> impl Iterator<Item = &toml::Table> {
    lock.get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
}

fn name_version(package: &toml::Table) -> Option<(String, String)> {
    let name = package.get("name")?.as_str()?;
    let version = package
        .get("version")
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    Some((normalize(name), version.to_string()))
}

/// Whether a marker expression applies to the image; an unparsable one is kept.
fn applies(marker: &str, env: &MarkerEnvironment) -> bool {
    MarkerTree::from_str(marker).map_or(true, |m| m.evaluate(env, &[]))
}

/// PEP 503 normalization (`Flask_SQLAlchemy` → `flask-sqlalchemy`).
pub fn normalize(name: &str) -> String {
    pep508_rs::PackageName::from_str(name).map_or_else(
        |_| name.to_ascii_lowercase().replace(['_', '.'], "-"),
        |n| n.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> MarkerEnvironment {
        let rules: super::super::rules::PythonRules =
            crate::rules::parse(super::super::rules::DATA.0, super::super::rules::DATA.1).unwrap();
        environment(&rules.markers, "3.13").unwrap()
    }

    #[test]
    fn uv_lock_follows_the_root_and_its_extras_but_not_dev_groups() {
        let lock: toml::Table = r#"
version = 1
[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "fastapi", extra = ["standard"] }, { name = "pywin32", marker = "sys_platform == 'win32'" }]
[package.dev-dependencies]
dev = [{ name = "pytest" }]
[[package]]
name = "fastapi"
version = "0.120.0"
dependencies = [{ name = "starlette" }]
[package.optional-dependencies]
standard = [{ name = "uvicorn" }]
[[package]]
name = "starlette"
version = "0.50.0"
[[package]]
name = "uvicorn"
version = "0.54.0"
[[package]]
name = "pytest"
version = "9.0.0"
[[package]]
name = "pywin32"
version = "311"
"#
        .parse()
        .unwrap();
        let got = uv(&lock, None, &env());
        assert_eq!(
            got.keys().map(String::as_str).collect::<Vec<_>>(),
            ["fastapi", "starlette", "uvicorn"]
        );
    }

    #[test]
    fn grouped_locks_keep_the_production_group() {
        let lock: toml::Table = r#"
[[package]]
name = "Django"
version = "5.2"
groups = ["main"]
[[package]]
name = "pytest"
version = "9.0"
groups = ["dev"]
[[package]]
name = "colorama"
version = "0.4"
category = "main"
markers = "sys_platform == \"win32\""
"#
        .parse()
        .unwrap();
        let got = grouped(&lock, &env());
        assert_eq!(got.keys().collect::<Vec<_>>(), ["django"]);
        assert_eq!(locate("a\nbc \"x\"", "\"x\""), (2, 4));
    }
}
