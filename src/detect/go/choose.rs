//! Which main package is the app, as the Go ecosystem itself would choose: the flag; the files
//! that say how the project ships its binary (.goreleaser.yaml, a Procfile, a ko config); a
//! main package at the module root (what `go build .` builds); the only one; the `cmd/` folder
//! named like the module; the only network service. Otherwise the user must say.

use serde_yaml_ng::Value;

use super::layout::Layout;
use super::packages::{self, join};
use super::rules::GoRules;
use super::service;
use crate::answers::Answers;
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;
use crate::questions::Question;

/// The chosen main package.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// Root-relative folder; empty at the root.
    pub dir: String,
    /// The file name the binary is built as.
    pub binary: String,
    /// Arguments the project's own shipping config runs it with (`Procfile`'s `serve`).
    pub args: Vec<String>,
    pub evidence: Evidence,
    /// Evidence for the binary's name and arguments, when a shipping file gave them.
    pub shipped: Option<Evidence>,
}

/// One binary a shipping file names.
#[derive(Debug, Clone)]
struct Shipped {
    dir: String,
    binary: Option<String>,
    args: Vec<String>,
    evidence: Evidence,
}

pub fn choose(
    project: &Project,
    layout: &Layout,
    rules: &GoRules,
    answers: &Answers,
    warnings: &mut Vec<Warning>,
) -> Result<Chosen, Error> {
    let mut candidates = candidates(project, layout, rules);
    let shipped = shipped(project, rules, warnings);
    let named = |dir: &str, evidence: Evidence| {
        let ship = shipped.iter().find(|s| s.dir == dir);
        Chosen {
            dir: dir.to_string(),
            binary: ship
                .and_then(|s| s.binary.clone())
                .unwrap_or_else(|| default_binary(layout, dir, rules)),
            args: ship.map(|s| s.args.clone()).unwrap_or_default(),
            shipped: ship.map(|s| s.evidence.clone()),
            evidence,
        }
    };

    if let Some(wanted) = &answers.workspace {
        return flag(project, layout, rules, &candidates, wanted)
            .map(|dir| named(&dir, Evidence::flag("--workspace")));
    }

    let mut shipped_dirs: Vec<&Shipped> = Vec::new();
    for s in &shipped {
        if !shipped_dirs.iter().any(|d| d.dir == s.dir) && packages::is_main(project, &s.dir, rules)
        {
            shipped_dirs.push(s);
        }
    }
    if let [only] = shipped_dirs.as_slice() {
        return Ok(named(&only.dir, only.evidence.clone()));
    }
    if shipped_dirs.len() > 1 {
        candidates = shipped_dirs.iter().map(|s| s.dir.clone()).collect();
    }

    if candidates.is_empty() {
        return Err(Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: format!(
                "Go: no main package at the module root, in {}/ or a few folders down (a library has nothing to run)",
                rules.sources.commands
            ),
        });
    }
    if let Some(root) = layout.modules.iter().find(|m| m.dir.is_empty()) {
        if candidates.iter().any(String::is_empty) {
            return Ok(named(
                "",
                project.evidence(
                    &root.file_name(),
                    None,
                    "a main package at the module root: what `go build .` builds",
                ),
            ));
        }
    }
    if let [only] = candidates.as_slice() {
        let why = if only.is_empty() {
            "a main package at the root, the only one"
        } else {
            "the only main package"
        };
        return Ok(named(
            only,
            Evidence::file(&main_file(project, only, rules), None, why),
        ));
    }
    let module_named = module_named(layout, rules, &candidates);
    if let [only] = module_named.as_slice() {
        return Ok(named(
            only,
            Evidence::file(
                &main_file(project, only, rules),
                None,
                "named like the module path's last element, the binary release tooling ships",
            ),
        ));
    }

    let (services, described) = services(project, layout, rules, &candidates);
    if let [(dir, found)] = services.as_slice() {
        return Ok(named(
            dir,
            Evidence::file(
                &found.file,
                Some(&format!("line {}", found.line)),
                format!(
                    "the only main package that is a network service (`{}`)",
                    found.value
                ),
            ),
        ));
    }
    Err(Error::MissingAnswer {
        question: Question::App,
        detail: format!("the main packages are {}", described.join(", ")),
        choices: candidates
            .iter()
            .map(|d| if d.is_empty() { ".".into() } else { d.clone() })
            .collect(),
    })
}

/// The `cmd/` folders named like their module path's last element (`cmd/billing` in
/// `github.com/acme/billing/v2`): what release tooling conventionally ships.
fn module_named<'c>(layout: &Layout, rules: &GoRules, candidates: &'c [String]) -> Vec<&'c String> {
    candidates
        .iter()
        .filter(|dir| {
            let Some(module) = layout.module_of(dir) else {
                return false;
            };
            let parent = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
            parent == join(&module.dir, &rules.sources.commands)
                && dir.rsplit('/').next() == Some(module.last_element())
        })
        .collect()
}

/// Every main package of every module (or the root's, without go.mod), in order.
fn candidates(project: &Project, layout: &Layout, rules: &GoRules) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    for module in &layout.modules {
        for dir in packages::mains(project, &module.dir, rules) {
            if !candidates.contains(&dir) {
                candidates.push(dir);
            }
        }
    }
    if layout.modules.is_empty() && packages::is_main(project, "", rules) {
        candidates.push(String::new());
    }
    candidates
}

/// The candidates that are network services (with the call that makes them one), and every
/// candidate described for a question.
fn services(
    project: &Project,
    layout: &Layout,
    rules: &GoRules,
    candidates: &[String],
) -> (Vec<(String, service::Found<String>)>, Vec<String>) {
    let modules = layout.module_paths();
    let mut services = Vec::new();
    let mut described = Vec::new();
    for dir in candidates {
        let program = packages::program(project, dir, &modules, rules);
        let binary = default_binary(layout, dir, rules);
        let facts = service::facts(&program, &binary, &layout.requires, rules);
        let shown = packages::describe(dir);
        match facts.listens {
            Some(found) => {
                described.push(format!("{shown} (listens)"));
                services.push((dir.clone(), found));
            }
            None => described.push(shown),
        }
    }
    (services, described)
}

/// `--workspace`/`--app`: a main package's folder, its binary name, or a module folder with
/// one main package.
fn flag(
    project: &Project,
    layout: &Layout,
    rules: &GoRules,
    candidates: &[String],
    wanted: &str,
) -> Result<String, Error> {
    let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
    let wanted = if wanted == "." { "" } else { wanted };
    if candidates.iter().any(|c| c == wanted)
        || (!wanted.split('/').any(|p| p == "..") && packages::is_main(project, wanted, rules))
    {
        return Ok(wanted.to_string());
    }
    let by_binary: Vec<&String> = candidates
        .iter()
        .filter(|c| default_binary(layout, c, rules) == wanted)
        .collect();
    if let [only] = by_binary.as_slice() {
        return Ok((*only).clone());
    }
    if let Some(module) = layout.modules.iter().find(|m| m.dir == wanted) {
        let inside: Vec<&String> = candidates
            .iter()
            .filter(|c| layout.module_of(c).is_some_and(|m| m.dir == module.dir))
            .collect();
        if let [only] = inside.as_slice() {
            return Ok((*only).clone());
        }
    }
    let listing: Vec<String> = candidates
        .iter()
        .map(|c| format!("`{}`", if c.is_empty() { "." } else { c }))
        .collect();
    Err(Error::InvalidFlag {
        flag: "--workspace".into(),
        reason: format!(
            "`{wanted}` is not a main package; the main packages are {}",
            if listing.is_empty() {
                "none".into()
            } else {
                listing.join(", ")
            }
        ),
    })
}

/// The name `go build` gives the binary: the folder's name, or at a module root the module
/// path's last element (without a `/v2` suffix).
pub fn default_binary(layout: &Layout, dir: &str, rules: &GoRules) -> String {
    let name = match layout.modules.iter().find(|m| m.dir == dir) {
        Some(module) => module.last_element(),
        None if dir.is_empty() => "",
        None => dir.rsplit('/').next().unwrap_or(""),
    };
    safe_binary(name).unwrap_or_else(|| rules.build.fallback_binary.clone())
}

/// A binary file name dockgen will put in a Dockerfile.
pub fn safe_binary(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    ok.then(|| name.to_string())
}

/// The main package's first file, for evidence.
fn main_file(project: &Project, dir: &str, rules: &GoRules) -> String {
    packages::read(project, dir, rules)
        .and_then(|p| p.files.first().map(|f| f.name.clone()))
        .unwrap_or_else(|| join(dir, "main.go"))
}

/// Binaries the project's shipping files name, in file order. A shipping file that cannot be
/// read is a warning, never an error: it only helps to choose.
fn shipped(project: &Project, rules: &GoRules, warnings: &mut Vec<Warning>) -> Vec<Shipped> {
    let mut out = Vec::new();
    let ship = &rules.shipping;
    for file in ship.goreleaser.iter().chain(&ship.ko) {
        match project.read_yaml(file) {
            Ok(Some(yaml)) => out.extend(yaml_builds(project, file, &yaml)),
            Ok(None) => {}
            Err(e) => warnings.push(Warning::new(
                WarningKind::Candidates,
                format!("{e}; dockgen chose the main package without it"),
            )),
        }
    }
    if let Ok(Some(text)) = project.read(&ship.procfile) {
        out.extend(procfile(
            project,
            &ship.procfile,
            &text,
            &ship.procfile_types,
        ));
    }
    out
}

/// `builds[].main` (default `.`), `builds[].dir` and `builds[].binary` of a goreleaser or ko
/// config; skipped builds are left out.
fn yaml_builds(project: &Project, file: &str, yaml: &Value) -> Vec<Shipped> {
    let mut out = Vec::new();
    let builds = yaml.get("builds").and_then(Value::as_sequence);
    for (i, build) in builds.into_iter().flatten().enumerate() {
        if build.get("skip").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let text = |key: &str| build.get(key).and_then(Value::as_str);
        let main = text("main").unwrap_or(".");
        let main = if main.ends_with(".go") {
            main.rsplit_once('/').map_or(".", |(dir, _)| dir)
        } else {
            main
        };
        let Some(dir) = clean(&join(text("dir").unwrap_or(""), main)) else {
            continue;
        };
        let binary = text("binary").and_then(|b| safe_binary(b.rsplit('/').next().unwrap_or(b)));
        let key = format!("builds[{i}]");
        out.push(Shipped {
            evidence: project.evidence(file, Some(&key), "the build the project releases"),
            dir,
            binary,
            args: Vec::new(),
        });
    }
    out
}

/// A folder path from a config, root-relative and normalised; `None` when it leaves the project.
fn clean(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    (joined.is_empty() || crate::detect::safe::safe_path("", "", &joined).is_ok()).then_some(joined)
}

/// The serving process of a Procfile: `web: bin/server serve` names binary `server` with
/// argument `serve`; `web: go run ./cmd/web` names folder `cmd/web`.
fn procfile(project: &Project, file: &str, text: &str, types: &[String]) -> Vec<Shipped> {
    for wanted in types {
        for (i, line) in text.lines().enumerate() {
            let Some((kind, command)) = line.split_once(':') else {
                continue;
            };
            if kind.trim() != wanted {
                continue;
            }
            let Ok(words) = shell_words::split(command) else {
                continue;
            };
            let mut words = words
                .into_iter()
                .skip_while(|w| w == "exec" || w.contains('='))
                .peekable();
            let Some(program) = words.next() else {
                continue;
            };
            let key = format!("line {}", i + 1);
            let evidence =
                project.evidence(file, Some(&key), format!("the `{wanted}` process runs it"));
            if program == "go" && words.peek().is_some_and(|w| w == "run") {
                words.next();
                let Some(dir) = words.find(|w| !w.starts_with('-')).and_then(|p| clean(&p)) else {
                    continue;
                };
                return vec![Shipped {
                    dir,
                    binary: None,
                    args: plain_args(words),
                    evidence,
                }];
            }
            let name = program.rsplit('/').next().unwrap_or(&program).to_string();
            let Some(binary) = safe_binary(&name) else {
                continue;
            };
            // The binary is matched to a main package by its folder's name.
            let dirs = [format!("cmd/{binary}"), binary.clone(), String::new()];
            let Some(dir) = dirs
                .into_iter()
                .find(|d| project.repo().is_dir(d) && (d.is_empty() || d.ends_with(&binary)))
            else {
                continue;
            };
            return vec![Shipped {
                dir,
                binary: Some(binary),
                args: plain_args(words),
                evidence,
            }];
        }
    }
    Vec::new()
}

/// Leading words that are plain subcommand names (`serve`), up to the first flag or `$VAR`.
fn plain_args(words: impl Iterator<Item = String>) -> Vec<String> {
    words
        .take_while(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !w.starts_with('-')
        })
        .collect()
}
