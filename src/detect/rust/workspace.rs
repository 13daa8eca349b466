//! The workspace as cargo sees it: every member package, its binaries, library, build
//! script, dependencies and features — read with `cargo metadata --no-deps --offline`, or
//! from the Cargo.toml files when cargo cannot run (see `manifest.rs`). Both readings give the
//! same model; the plan records which one was used.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::manifest;
use crate::error::Error;
use crate::plan::TargetSource;
use crate::project::Project;

/// Set to the cargo program dockgen runs for `cargo metadata`; set it empty to read Cargo.toml
/// files directly (what happens when cargo is not installed).
pub const CARGO_ENV: &str = "DOCKGEN_CARGO";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Member packages, ordered by folder.
    pub packages: Vec<Package>,
    /// The packages a bare `cargo run` / `cargo build` at the root selects, by name: the
    /// declared `default-members`, else the root package, else every member.
    pub selected: Vec<String>,
    pub source: TargetSource,
    /// Why Cargo.toml was read directly, or a note about cargo's view.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    /// Root-relative folder; empty for the root package.
    pub dir: String,
    pub edition: String,
    /// `rust-version` as written, when declared (or inherited).
    pub rust_version: Option<String>,
    pub default_run: Option<String>,
    /// Library, binaries and build script, ordered by kind then name.
    pub targets: Vec<Target>,
    /// Dependencies, ordered by name then kind.
    pub deps: Vec<Dep>,
    pub features: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Lib,
    Bin,
    Build,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: Kind,
    pub name: String,
    /// Root-relative source file.
    pub path: String,
    pub required_features: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// The package name (not a rename).
    pub name: String,
    /// The name the manifest gives it (a rename, else the package name): what features name.
    pub key: String,
    pub kind: DepKind,
    pub optional: bool,
    pub features: Vec<String>,
    pub default_features: bool,
}

impl Package {
    /// The root-relative manifest.
    pub fn manifest(&self) -> String {
        join(&self.dir, "Cargo.toml")
    }

    pub fn bins(&self) -> impl Iterator<Item = &Target> {
        self.targets.iter().filter(|t| t.kind == Kind::Bin)
    }

    /// The features `requested` (`default` included when the default features are on) turn
    /// on, followed through `[features]`.
    pub fn features_on(&self, requested: &BTreeSet<String>) -> BTreeSet<String> {
        let mut on = BTreeSet::new();
        let mut stack: Vec<String> = requested.iter().cloned().collect();
        while let Some(feature) = stack.pop() {
            if !on.insert(feature.clone()) {
                continue;
            }
            for value in self.features.get(&feature).into_iter().flatten() {
                if !value.starts_with("dep:") && !value.contains('/') {
                    stack.push(value.clone());
                }
            }
        }
        on
    }

    /// Normal and build dependencies a build with `requested` features compiles: every
    /// required one, and optional ones a feature turns on (`dep:x`, `x/f`, or `x` itself).
    pub fn active_deps(&self, requested: &BTreeSet<String>) -> Vec<&Dep> {
        let on = self.features_on(requested);
        let mut enabled: BTreeSet<&str> = BTreeSet::new();
        for feature in &on {
            enabled.insert(feature);
            for value in self.features.get(feature).into_iter().flatten() {
                if let Some(dep) = value.strip_prefix("dep:") {
                    enabled.insert(dep);
                } else if let Some((dep, _)) = value.split_once('/') {
                    if !dep.ends_with('?') {
                        enabled.insert(dep);
                    }
                }
            }
        }
        self.deps
            .iter()
            .filter(|d| d.kind != DepKind::Dev && (!d.optional || enabled.contains(d.key.as_str())))
            .collect()
    }
}

/// `dir/rel`, or `rel` at the root.
pub fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

impl Workspace {
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// The package at the project root, when the root Cargo.toml has `[package]`.
    pub fn root(&self) -> Option<&Package> {
        self.packages.iter().find(|p| p.dir.is_empty())
    }

    /// Normalises the order so both readings compare equal.
    fn sort(mut self) -> Self {
        for package in &mut self.packages {
            package
                .targets
                .sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
            package
                .deps
                .sort_by(|a, b| (&a.name, a.kind).cmp(&(&b.name, b.kind)));
            for dep in &mut package.deps {
                dep.features.sort();
                dep.features.dedup();
            }
        }
        self.packages.sort_by(|a, b| a.dir.cmp(&b.dir));
        self.selected.sort();
        self
    }
}

/// Reads the workspace at the project root: through cargo when it can run, else statically.
pub fn read(project: &Project) -> Result<Workspace, Error> {
    // Parsed first in any case: a broken manifest is an error naming its line and column,
    // whatever cargo would have said about it.
    let root_manifest = manifest::root(project)?;
    let cargo = std::env::var_os(CARGO_ENV)
        .unwrap_or_else(|| std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    if cargo.is_empty() {
        return Ok(
            manifest::read(project, &root_manifest, format!("`{CARGO_ENV}` is empty"))?.sort(),
        );
    }
    match from_cargo(project, Path::new(&cargo)) {
        Ok(Some(workspace)) => Ok(workspace.sort()),
        Ok(None) => {
            Ok(manifest::read(project, &root_manifest, "cargo is not on PATH".into())?.sort())
        }
        Err(why) => Ok(manifest::read(
            project,
            &root_manifest,
            format!("`cargo metadata` failed: {why}"),
        )?
        .sort()),
    }
}

/// `cargo metadata --format-version 1 --no-deps --offline` on the root manifest; `None` when
/// cargo is not installed.
///
/// cargo runs from a neutral directory with `--manifest-path`, never inside the project:
/// rustup picks the toolchain from the working directory, and a project's rust-toolchain.toml
/// could name a toolchain to download (network) or a `path` to a program (code execution).
/// `--no-deps` resolves nothing and `--offline` forbids the network, so nothing is fetched or
/// written into the project.
fn from_cargo(project: &Project, cargo: &Path) -> Result<Option<Workspace>, String> {
    let root = std::fs::canonicalize(project.shown()).map_err(|e| e.to_string())?;
    let mut command = cargo_metadata::MetadataCommand::new();
    command
        .cargo_path(cargo)
        .manifest_path(root.join("Cargo.toml"))
        .current_dir(std::env::temp_dir())
        .no_deps()
        .other_options(vec!["--offline".to_string()])
        .env("CARGO_NET_OFFLINE", "true");
    let stdout = match run(command.cargo_command()) {
        Ok(stdout) => stdout,
        Err(Run::NotFound) => return Ok(None),
        Err(Run::Failed(why)) => return Err(why),
    };
    let metadata = cargo_metadata::MetadataCommand::parse(stdout).map_err(|e| e.to_string())?;
    let inside = |path: &Path| -> Option<String> {
        let rel = path.strip_prefix(&root).ok()?;
        rel.to_str().map(|s| s.trim_end_matches('/').to_string())
    };
    let mut note = None;
    if metadata.workspace_root.as_std_path() != root {
        note = Some(format!(
            "cargo sees a workspace rooted at `{}`; only packages inside the project are used",
            metadata.workspace_root
        ));
    }
    let mut packages = Vec::new();
    let mut names = BTreeMap::new();
    for package in &metadata.packages {
        let Some(dir) = package
            .manifest_path
            .parent()
            .and_then(|d| inside(d.as_std_path()))
        else {
            continue;
        };
        names.insert(package.id.clone(), package.name.to_string());
        packages.push(from_package(package, dir, &inside)?);
    }
    let selected = if metadata.workspace_default_members.is_available() {
        metadata
            .workspace_default_members
            .iter()
            .filter_map(|id| names.get(id).cloned())
            .collect()
    } else {
        manifest::implied_selection(&packages)
    };
    Ok(Some(Workspace {
        packages,
        selected,
        source: TargetSource::CargoMetadata,
        note,
    }))
}

/// One member as cargo reports it; `inside` makes a path root-relative.
fn from_package(
    package: &cargo_metadata::Package,
    dir: String,
    inside: &dyn Fn(&Path) -> Option<String>,
) -> Result<Package, String> {
    use cargo_metadata::TargetKind as K;
    let mut targets = Vec::new();
    for target in &package.targets {
        let kind = if target.kind.contains(&K::Bin) {
            Kind::Bin
        } else if target.kind.contains(&K::CustomBuild) {
            Kind::Build
        } else if target.kind.iter().any(|k| {
            matches!(
                k,
                K::Lib | K::RLib | K::DyLib | K::CDyLib | K::StaticLib | K::ProcMacro
            )
        }) {
            Kind::Lib
        } else {
            continue;
        };
        let Some(path) = inside(target.src_path.as_std_path()) else {
            return Err(format!(
                "target `{}` of `{}` is outside the project",
                target.name, package.name
            ));
        };
        targets.push(Target {
            kind,
            name: target.name.clone(),
            path,
            required_features: target.required_features.clone(),
        });
    }
    let deps = package
        .dependencies
        .iter()
        .map(|d| Dep {
            name: d.name.clone(),
            key: d.rename.clone().unwrap_or_else(|| d.name.clone()),
            optional: d.optional,
            kind: match d.kind {
                cargo_metadata::DependencyKind::Development => DepKind::Dev,
                cargo_metadata::DependencyKind::Build => DepKind::Build,
                _ => DepKind::Normal,
            },
            features: d.features.clone(),
            default_features: d.uses_default_features,
        })
        .collect();
    Ok(Package {
        name: package.name.to_string(),
        dir,
        edition: package.edition.as_str().to_string(),
        rust_version: package
            .rust_version
            .as_ref()
            .map(|v| format!("{}.{}", v.major, v.minor)),
        default_run: package.default_run.clone(),
        targets,
        deps,
        features: package
            .features
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    })
}

/// How long `cargo metadata` may take: it waits for cargo's file locks, which another cargo
/// build may hold for minutes.
const TIMEOUT: Duration = Duration::from_secs(20);

enum Run {
    NotFound,
    Failed(String),
}

/// Runs `command` to completion within [`TIMEOUT`]; its standard output on success.
fn run(mut command: Command) -> Result<String, Run> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Run::NotFound,
            _ => Run::Failed(e.to_string()),
        })?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Run::Failed(format!(
                    "`cargo metadata` took longer than {} s",
                    TIMEOUT.as_secs()
                )));
            }
            Err(e) => return Err(Run::Failed(e.to_string())),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if status.success() {
        return Ok(stdout);
    }
    let error = first_error(&stderr);
    Err(Run::Failed(if error.is_empty() {
        format!("cargo exited with {status}")
    } else {
        error
    }))
}

/// cargo's first `error:` line (its message continues with `Caused by:` lines).
fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("error:"))
        .unwrap_or(0);
    let mut text: String = lines[start..]
        .iter()
        .take(3)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() > 300 {
        text = text.chars().take(300).collect::<String>() + "…";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_errors_are_cut_to_their_first_lines() {
        let stderr = "warning: x\nerror: failed to parse manifest at `/p/Cargo.toml`\n\nCaused by:\n  invalid string\n  more\n";
        assert_eq!(
            first_error(stderr),
            "error: failed to parse manifest at `/p/Cargo.toml` Caused by: invalid string"
        );
        assert_eq!(first_error(""), "");
    }
}
