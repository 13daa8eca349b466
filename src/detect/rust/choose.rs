//! Which binary the image runs: `--workspace`/`--app`, else what `cargo run` at the root would
//! run, else — where cargo would refuse to choose — the binary named like the package or the
//! workspace folder, then the one network service; otherwise a question. Examples and benches
//! are never candidates, nor members under folders that never hold the app.

use super::workspace::{Package, Target, Workspace};
use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;
use crate::questions::Question;

/// The chosen binary and why.
pub struct Choice<'a> {
    pub package: &'a Package,
    pub bin: &'a Target,
    pub evidence: Evidence,
}

type Bin<'a> = (&'a Package, &'a Target);

/// Chooses the binary. `is_service` says whether a binary's own sources serve the network.
pub fn choose<'a>(
    project: &Project,
    workspace: &'a Workspace,
    wanted: Option<&str>,
    skip: &dyn Fn(&Package, &Target) -> bool,
    suffixes: &[String],
    is_service: &mut dyn FnMut(&Package, &Target) -> Result<bool, Error>,
) -> Result<Choice<'a>, Error> {
    let all: Vec<Bin> = workspace
        .packages
        .iter()
        .flat_map(|p| p.bins().map(move |b| (p, b)))
        .collect();
    if all.is_empty() {
        return Err(Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: "Rust: no binary target (no `src/main.rs`, `src/bin/` or `[[bin]]`): the crate is a library, so there is nothing to run".into(),
        });
    }
    if let Some(wanted) = wanted {
        return flagged(project, workspace, &all, wanted, suffixes, is_service);
    }
    if let Some(choice) = cargo_run(project, workspace, &all) {
        return Ok(choice);
    }
    let mut candidates: Vec<Bin> = all.iter().copied().filter(|(p, b)| !skip(p, b)).collect();
    // A binary that needs features the default build lacks is an opt-in tool, unless all are.
    if candidates
        .iter()
        .any(|(_, b)| b.required_features.is_empty())
    {
        candidates.retain(|(_, b)| b.required_features.is_empty());
    }
    let folder = std::fs::canonicalize(project.shown())
        .ok()
        .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string));
    let like = match workspace.root() {
        Some(root) => Some((root.name.as_str(), "the root package")),
        None => folder.as_deref().map(|f| (f, "the workspace folder")),
    };
    decide(project, &candidates, like, suffixes, is_service)
}

/// What `cargo run` at the root runs: the one selected package's `default-run`, else the
/// only binary among the selected packages.
fn cargo_run<'a>(
    project: &Project,
    workspace: &'a Workspace,
    all: &[Bin<'a>],
) -> Option<Choice<'a>> {
    if let [only] = workspace.selected.as_slice() {
        let package = workspace.package(only)?;
        if let Some(run) = &package.default_run {
            let bin = package.bins().find(|b| &b.name == run)?;
            return Some(Choice {
                package,
                bin,
                evidence: project.evidence(
                    &package.manifest(),
                    Some("package.default-run"),
                    format!("`cargo run` runs `{run}`"),
                ),
            });
        }
    }
    let selected: Vec<&Bin> = all
        .iter()
        .filter(|(p, _)| workspace.selected.contains(&p.name))
        .collect();
    if let [(package, bin)] = selected.as_slice() {
        return Some(Choice {
            package,
            bin,
            evidence: project.evidence(
                &package.manifest(),
                None,
                format!("`{}` is the only binary `cargo run` would run", bin.name),
            ),
        });
    }
    None
}

/// Where cargo would refuse: the only candidate left, the binary named like the package or
/// the workspace folder, the only network service; else a question.
fn decide<'a>(
    project: &Project,
    candidates: &[Bin<'a>],
    like: Option<(&str, &str)>,
    suffixes: &[String],
    is_service: &mut dyn FnMut(&Package, &Target) -> Result<bool, Error>,
) -> Result<Choice<'a>, Error> {
    let manifest = |p: &Package| p.manifest();
    if let [(package, bin)] = candidates {
        return Ok(Choice {
            package,
            bin,
            evidence: project.evidence(
                &manifest(package),
                None,
                format!(
                    "`{}` is the only binary outside examples, tests and tools",
                    bin.name
                ),
            ),
        });
    }
    let same = |a: &str, b: &str| a.replace('-', "_") == b.replace('-', "_");
    if let Some((like, what)) = like {
        let exact: Vec<&Bin> = candidates
            .iter()
            .filter(|(_, b)| same(&b.name, like))
            .collect();
        let extended: Vec<&Bin> = candidates
            .iter()
            .filter(|(_, b)| {
                suffixes
                    .iter()
                    .any(|s| same(&b.name, &format!("{like}{s}")))
            })
            .collect();
        let named = if exact.is_empty() { extended } else { exact };
        if let [(package, bin)] = named.as_slice() {
            return Ok(Choice {
                package,
                bin,
                evidence: project.evidence(
                    &manifest(package),
                    None,
                    format!(
                        "`cargo run` would not choose; `{}` is named like {what} `{like}`",
                        bin.name
                    ),
                ),
            });
        }
    }
    let mut services = Vec::new();
    for (package, bin) in candidates {
        if is_service(package, bin)? {
            services.push((*package, *bin));
        }
    }
    if let [(package, bin)] = services.as_slice() {
        return Ok(Choice {
            package,
            bin,
            evidence: project.evidence(
                &bin.path,
                None,
                format!(
                    "`cargo run` would not choose; `{}` is the only binary that serves the network",
                    bin.name
                ),
            ),
        });
    }
    let names: Vec<String> = candidates.iter().map(|(_, b)| b.name.clone()).collect();
    Err(Error::MissingAnswer {
        question: Question::App,
        detail: format!(
            "the project builds {} binaries and `cargo run` would not choose ({}); {}",
            names.len(),
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if services.is_empty() {
                "none of them serves the network".to_string()
            } else {
                format!("{} of them serve the network", services.len())
            }
        ),
        choices: names,
    })
}

/// `--workspace`/`--app`: a binary name, a package name or a member folder.
fn flagged<'a>(
    project: &Project,
    workspace: &'a Workspace,
    all: &[Bin<'a>],
    wanted: &str,
    suffixes: &[String],
    is_service: &mut dyn FnMut(&Package, &Target) -> Result<bool, Error>,
) -> Result<Choice<'a>, Error> {
    let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
    let flag = || Evidence::flag("--workspace");
    let by_name: Vec<&Bin> = all.iter().filter(|(_, b)| b.name == wanted).collect();
    if let [(package, bin)] = by_name.as_slice() {
        return Ok(Choice {
            package,
            bin,
            evidence: flag(),
        });
    }
    let package = workspace
        .packages
        .iter()
        .find(|p| p.name == wanted || (p.dir == wanted && !wanted.is_empty()));
    let listing = || {
        let mut items: Vec<String> = all.iter().map(|(_, b)| format!("`{}`", b.name)).collect();
        items.extend(
            workspace
                .packages
                .iter()
                .filter(|p| !p.dir.is_empty() && p.bins().next().is_some())
                .map(|p| format!("`{}`", p.dir)),
        );
        items.join(", ")
    };
    let Some(package) = package else {
        return Err(Error::InvalidFlag {
            flag: "--workspace".into(),
            reason: format!(
                "`{wanted}` is not a binary, package or member folder of the workspace; try one of {}",
                listing()
            ),
        });
    };
    let bins: Vec<Bin> = package.bins().map(|b| (package, b)).collect();
    if bins.is_empty() {
        return Err(Error::InvalidFlag {
            flag: "--workspace".into(),
            reason: format!("`{wanted}` builds no binary; try one of {}", listing()),
        });
    }
    if let [(package, bin)] = bins.as_slice() {
        return Ok(Choice {
            package,
            bin,
            evidence: flag(),
        });
    }
    if let Some(run) = &package.default_run {
        if let Some((package, bin)) = bins.iter().find(|(_, b)| &b.name == run) {
            return Ok(Choice {
                package,
                bin,
                evidence: Evidence {
                    note: format!("given on the command line; its default-run is `{run}`"),
                    ..flag()
                },
            });
        }
    }
    let choice = decide(
        project,
        &bins,
        Some((package.name.as_str(), "the package")),
        suffixes,
        is_service,
    )?;
    Ok(Choice {
        evidence: Evidence {
            note: format!("given on the command line; {}", choice.evidence.note),
            ..flag()
        },
        ..choice
    })
}
