//! Cargo.toml read directly, as cargo would read it: the fallback when cargo cannot run, and
//! the source of what `cargo metadata` does not report (targets declared without a path).
//!
//! Members come from `[workspace] members` (globs, minus `exclude`) plus path dependencies
//! inside the project; targets follow cargo's inference (`src/main.rs`, `src/bin/*.rs`,
//! `src/bin/*/main.rs`, `src/lib.rs`, `build.rs`) merged with `[[bin]]`, `[lib]` and `build`;
//! `workspace = true` fields and dependencies are inherited from `[workspace.package]` and
//! `[workspace.dependencies]`.

use std::collections::BTreeSet;

use toml::{Table, Value};

use super::version::Line;
use super::workspace::{join, Dep, DepKind, Kind, Package, Target, Workspace};
use crate::error::Error;
use crate::plan::TargetSource;
use crate::project::Project;

/// The root Cargo.toml, parsed (an error names its line and column).
pub fn root(project: &Project) -> Result<Table, Error> {
    project
        .read_toml("Cargo.toml")?
        .ok_or_else(|| Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: "Rust: no Cargo.toml".into(),
        })
}

/// The workspace read from the manifests; `note` says why cargo was not used.
pub fn read(project: &Project, root: &Table, note: String) -> Result<Workspace, Error> {
    let workspace = root.get("workspace").and_then(Value::as_table);
    let inherited = Inherited {
        package: workspace
            .and_then(|w| w.get("package"))
            .and_then(Value::as_table),
        dependencies: workspace
            .and_then(|w| w.get("dependencies"))
            .and_then(Value::as_table),
    };
    let strings = |key: &str| -> Vec<String> {
        workspace
            .and_then(|w| w.get(key))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(inside)
            .collect()
    };
    let (members, exclude, defaults) = (
        strings("members"),
        strings("exclude"),
        strings("default-members"),
    );
    let globs = |patterns: &[String]| -> Result<Vec<String>, Error> {
        let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        project
            .find_dirs(&patterns, &[])
            .map_err(|reason| Error::UnsafeValue {
                file: project.name("Cargo.toml"),
                key: "workspace.members".into(),
                reason,
            })
    };
    let excluded: BTreeSet<String> = globs(&exclude)?.into_iter().collect();
    let mut queue: Vec<String> = Vec::new();
    if root.contains_key("package") {
        queue.push(String::new());
    }
    queue.extend(globs(&members)?);
    let limit = crate::rules::common()?.apps.limit;
    let mut seen = BTreeSet::new();
    let mut packages = Vec::new();
    while let Some(dir) = queue.pop() {
        if packages.len() >= limit || excluded.contains(&dir) || !seen.insert(dir.clone()) {
            continue;
        }
        let member = project.at(&dir);
        let table = if dir.is_empty() {
            root.clone()
        } else {
            match member.read_toml("Cargo.toml")? {
                Some(table) => table,
                None => continue,
            }
        };
        if !table.contains_key("package") {
            continue;
        }
        let package = package(&member, &dir, &table, &inherited)?;
        // Path dependencies inside the project are members too (cargo's rule).
        for path in path_deps(&table, &inherited) {
            let path = match path.strip_prefix('/') {
                Some(from_root) => from_root.to_string(),
                None => join(&dir, &path),
            };
            if let Some(target) = normalise(&path) {
                if project.at(&target).is_file("Cargo.toml") {
                    queue.push(target);
                }
            }
        }
        packages.push(package);
    }
    let selected = if defaults.is_empty() {
        implied_selection(&packages)
    } else {
        let dirs: BTreeSet<String> = globs(&defaults)?.into_iter().collect();
        packages
            .iter()
            .filter(|p| {
                dirs.contains(&p.dir) || (p.dir.is_empty() && defaults.iter().any(|d| d == "."))
            })
            .map(|p| p.name.clone())
            .collect()
    };
    Ok(Workspace {
        packages,
        selected,
        source: TargetSource::Manifest,
        note: Some(note),
    })
}

/// What a bare `cargo run` selects when `default-members` is not declared: the root package,
/// else every member.
pub fn implied_selection(packages: &[Package]) -> Vec<String> {
    match packages.iter().find(|p| p.dir.is_empty()) {
        Some(root) => vec![root.name.clone()],
        None => packages.iter().map(|p| p.name.clone()).collect(),
    }
}

struct Inherited<'a> {
    package: Option<&'a Table>,
    dependencies: Option<&'a Table>,
}

/// A `[package]` field, following `{ workspace = true }` to `[workspace.package]`.
fn field<'a>(table: &'a Table, key: &str, inherited: &Inherited<'a>) -> Option<&'a Value> {
    let value = table.get("package")?.get(key)?;
    if value.get("workspace").and_then(Value::as_bool) == Some(true) {
        return inherited.package?.get(key);
    }
    Some(value)
}

fn package(
    project: &Project,
    dir: &str,
    table: &Table,
    inherited: &Inherited,
) -> Result<Package, Error> {
    let name = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Parse {
            file: project.name("Cargo.toml"),
            line: 1,
            column: 1,
            message: "`[package]` has no `name`".into(),
        })?
        .to_string();
    let text = |key: &str| {
        field(table, key, inherited)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let flag = |key: &str| field(table, key, inherited).and_then(Value::as_bool);
    let rust_version = text("rust-version").map(|v| Line::parse(&v).map_or(v, |l| l.to_string()));
    let mut targets = bins(project, dir, table, &name, flag("autobins").unwrap_or(true));
    if let Some(lib) = lib(project, table, &name, flag("autolib").unwrap_or(true)) {
        targets.push(Target {
            path: join(dir, &lib.path),
            ..lib
        });
    }
    let build = match field(table, "build", inherited) {
        Some(Value::String(path)) => Some(path.trim_start_matches("./").to_string()),
        Some(Value::Boolean(false)) => None,
        _ => project.is_file("build.rs").then(|| "build.rs".to_string()),
    };
    if let Some(path) = build {
        targets.push(Target {
            kind: Kind::Build,
            name: "build-script-build".into(),
            path: join(dir, &path),
            required_features: Vec::new(),
        });
    }
    let features = table
        .get("features")
        .and_then(Value::as_table)
        .map(|f| {
            f.iter()
                .map(|(k, v)| (k.clone(), string_list(Some(v))))
                .collect()
        })
        .unwrap_or_default();
    Ok(Package {
        name,
        dir: dir.to_string(),
        edition: text("edition").unwrap_or_else(|| "2015".into()),
        rust_version,
        default_run: text("default-run"),
        targets,
        deps: deps(table, inherited),
        features,
    })
}

/// `[[bin]]` entries merged with the binaries cargo infers.
fn bins(project: &Project, dir: &str, table: &Table, package: &str, auto: bool) -> Vec<Target> {
    let mut inferred: Vec<(String, String)> = Vec::new();
    if project.is_file("src/main.rs") {
        inferred.push((package.to_string(), "src/main.rs".into()));
    }
    for file in project.list("src/bin", false) {
        if let Some(stem) = file.strip_suffix(".rs") {
            inferred.push((stem.to_string(), format!("src/bin/{file}")));
        }
    }
    for sub in project.list("src/bin", true) {
        if project.is_file(&format!("src/bin/{sub}/main.rs")) {
            inferred.push((sub.clone(), format!("src/bin/{sub}/main.rs")));
        }
    }
    let mut out: Vec<Target> = Vec::new();
    for bin in table
        .get("bin")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = bin.get("name").and_then(Value::as_str) else {
            continue;
        };
        let path = bin
            .get("path")
            .and_then(Value::as_str)
            .map(|p| p.trim_start_matches("./").to_string())
            .or_else(|| {
                inferred
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, p)| p.clone())
            })
            .unwrap_or_else(|| format!("src/bin/{name}.rs"));
        out.push(Target {
            kind: Kind::Bin,
            name: name.to_string(),
            path,
            required_features: string_list(bin.get("required-features")),
        });
    }
    if auto {
        for (name, path) in inferred {
            if !out.iter().any(|t| t.name == name || t.path == path) {
                out.push(Target {
                    kind: Kind::Bin,
                    name,
                    path,
                    required_features: Vec::new(),
                });
            }
        }
    }
    for target in &mut out {
        target.path = join(dir, &target.path);
    }
    out
}

/// `[lib]`, or `src/lib.rs` when cargo infers it; the path is relative to the package.
fn lib(project: &Project, table: &Table, package: &str, auto: bool) -> Option<Target> {
    let declared = table.get("lib");
    let path = declared
        .and_then(|l| l.get("path"))
        .and_then(Value::as_str)
        .map(|p| p.trim_start_matches("./").to_string());
    if path.is_none() && !(project.is_file("src/lib.rs") && (auto || declared.is_some())) {
        return None;
    }
    let name = declared
        .and_then(|l| l.get("name"))
        .and_then(Value::as_str)
        .map_or_else(|| package.replace('-', "_"), str::to_string);
    Some(Target {
        kind: Kind::Lib,
        name,
        path: path.unwrap_or_else(|| "src/lib.rs".into()),
        required_features: Vec::new(),
    })
}

/// Every dependency table: `[dependencies]`, dev and build ones, and their `[target.*]` forms.
fn dep_tables(table: &Table) -> Vec<(&Table, DepKind)> {
    let kinds = [
        ("dependencies", DepKind::Normal),
        ("dev-dependencies", DepKind::Dev),
        ("dev_dependencies", DepKind::Dev),
        ("build-dependencies", DepKind::Build),
        ("build_dependencies", DepKind::Build),
    ];
    let mut tables = Vec::new();
    let mut scopes = vec![table];
    scopes.extend(
        table
            .get("target")
            .and_then(Value::as_table)
            .into_iter()
            .flat_map(|t| t.values())
            .filter_map(Value::as_table),
    );
    for scope in scopes {
        for (key, kind) in kinds {
            if let Some(deps) = scope.get(key).and_then(Value::as_table) {
                tables.push((deps, kind));
            }
        }
    }
    tables
}

/// A dependency entry with `workspace = true` replaced by the workspace's entry, features
/// joined.
fn resolve<'a>(
    key: &str,
    value: &'a Value,
    inherited: &Inherited<'a>,
) -> (Option<&'a Value>, Vec<String>) {
    let own = string_list(value.get("features"));
    if value.get("workspace").and_then(Value::as_bool) == Some(true) {
        let base = inherited.dependencies.and_then(|d| d.get(key));
        let mut features = string_list(base.and_then(|b| b.get("features")));
        features.extend(own);
        (base, features)
    } else {
        (Some(value), own)
    }
}

fn deps(table: &Table, inherited: &Inherited) -> Vec<Dep> {
    let mut out = Vec::new();
    for (deps, kind) in dep_tables(table) {
        for (key, value) in deps {
            let (base, features) = resolve(key, value, inherited);
            let name = base
                .and_then(|b| b.get("package"))
                .and_then(Value::as_str)
                .unwrap_or(key)
                .to_string();
            let default_features = base
                .and_then(|b| {
                    b.get("default-features")
                        .or_else(|| b.get("default_features"))
                })
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let optional = value
                .get("optional")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            out.push(Dep {
                name,
                key: key.clone(),
                optional,
                kind,
                features,
                default_features,
            });
        }
    }
    out
}

/// The `path` of every dependency (inherited ones included), relative to the package.
fn path_deps(table: &Table, inherited: &Inherited) -> Vec<String> {
    let mut out = Vec::new();
    for (deps, _) in dep_tables(table) {
        for (key, value) in deps {
            let inherits = value.get("workspace").and_then(Value::as_bool) == Some(true);
            let path = if inherits {
                // Workspace dependency paths are relative to the root.
                inherited
                    .dependencies
                    .and_then(|d| d.get(key))
                    .and_then(|d| d.get("path"))
                    .and_then(Value::as_str)
                    .map(|p| format!("/{p}"))
            } else {
                value
                    .get("path")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            out.extend(path);
        }
    }
    out
}

/// `a/./b/../c` → `a/c`; `None` when it leaves the project. A leading `/` marks a path that is
/// already relative to the root.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// A member pattern inside the project, or `None` (cargo accepts `../x`; an image cannot).
fn inside(pattern: &str) -> Option<String> {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    (!pattern.starts_with('/') && !pattern.split('/').any(|p| p == "..") && !pattern.is_empty())
        .then(|| pattern.to_string())
        .or_else(|| (pattern.is_empty() || pattern == ".").then(|| ".".to_string()))
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// Examples, tests and benches declared without a `path`, at the path cargo would infer
/// (root-relative). cargo refuses to load a package whose declared target is missing, so the
/// dependency-only build needs a stub for each.
pub fn declared_stubs(project: &Project, dir: &str) -> Result<Vec<String>, Error> {
    let member = project.at(dir);
    let Some(table) = member.read_toml("Cargo.toml")? else {
        return Ok(Vec::new());
    };
    let mut stubs = Vec::new();
    for (key, folder) in [
        ("example", "examples"),
        ("test", "tests"),
        ("bench", "benches"),
    ] {
        for target in table
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if target.get("path").is_some() {
                continue;
            }
            let Some(name) = target.get("name").and_then(Value::as_str) else {
                continue;
            };
            let nested = format!("{folder}/{name}/main.rs");
            let path = if member.is_file(&nested) {
                nested
            } else {
                format!("{folder}/{name}.rs")
            };
            stubs.push(join(dir, &path));
        }
    }
    Ok(stubs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_inside_the_project_only() {
        assert_eq!(
            normalise("crates/api/../core").as_deref(),
            Some("crates/core")
        );
        assert_eq!(normalise("/shared").as_deref(), Some("shared"));
        assert_eq!(normalise("../outside"), None);
        assert_eq!(inside("crates/*").as_deref(), Some("crates/*"));
        assert_eq!(inside("../x"), None);
    }
}
