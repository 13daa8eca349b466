//! Cargo.lock as data: which crates the chosen binary's package pulls in, and what the C code
//! among them (`-sys` crates, ring, aws-lc) needs to build and link — statically on musl, or,
//! for a crate that cannot, a glibc build with the reason.

use std::collections::{BTreeMap, BTreeSet};

use toml::Value;

use super::rules::RustRules;
use super::workspace::{Dep, Package, Workspace};
use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;

/// Cargo.lock's dependency graph by crate name (every version of a name merged).
pub struct Lock {
    graph: BTreeMap<String, BTreeSet<String>>,
}

/// Reads the root Cargo.lock; `None` when there is none.
pub fn read_lock(repo: &Project) -> Result<Option<Lock>, Error> {
    let Some(table) = repo.read_toml("Cargo.lock")? else {
        return Ok(None);
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for package in table
        .get("package")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = package.get("name").and_then(Value::as_str) else {
            continue;
        };
        let deps = package
            .get("dependencies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            // "name", "name version" or "name version (source)"
            .filter_map(|d| d.split_whitespace().next())
            .map(str::to_string);
        graph.entry(name.to_string()).or_default().extend(deps);
    }
    Ok(Some(Lock { graph }))
}

/// A workspace member the binary builds, with the features the build turns on in it.
pub struct Member<'a> {
    pub package: &'a Package,
    /// Requested features (`default` when the default features are on).
    pub requested: BTreeSet<String>,
}

impl<'a> Member<'a> {
    /// The dependencies this build of the member compiles (no dev ones, no optional ones
    /// that no feature turns on).
    pub fn deps(&self) -> Vec<&'a Dep> {
        self.package.active_deps(&self.requested)
    }
}

/// The workspace members a build of `package` with its default features plus `extra` compiles,
/// itself first, following path dependencies through the workspace.
pub fn members<'a>(
    workspace: &'a Workspace,
    package: &'a Package,
    extra: &[String],
) -> Vec<Member<'a>> {
    let mut requested: BTreeSet<String> = extra.iter().cloned().collect();
    requested.insert("default".into());
    let mut out = vec![Member { package, requested }];
    let mut i = 0;
    while i < out.len() {
        let next: Vec<(&Package, BTreeSet<String>)> = out[i]
            .deps()
            .into_iter()
            .filter_map(|dep| {
                let member = workspace.package(&dep.name)?;
                let mut features: BTreeSet<String> = dep
                    .features
                    .iter()
                    .filter(|f| !f.contains('/'))
                    .cloned()
                    .collect();
                if dep.default_features {
                    features.insert("default".into());
                }
                Some((member, features))
            })
            .collect();
        for (member, features) in next {
            match out.iter_mut().find(|m| m.package.name == member.name) {
                Some(known) => known.requested.extend(features),
                None => out.push(Member {
                    package: member,
                    requested: features,
                }),
            }
        }
        i += 1;
    }
    out
}

/// Every crate the build compiles outside the workspace: the lockfile's closure from the
/// members' active dependencies, or — with no Cargo.lock — those dependencies themselves.
pub fn crates(workspace: &Workspace, members: &[Member], lock: Option<&Lock>) -> BTreeSet<String> {
    let direct: Vec<String> = members
        .iter()
        .flat_map(Member::deps)
        .map(|d| d.name.clone())
        .filter(|n| workspace.package(n).is_none())
        .collect();
    let Some(lock) = lock else {
        return direct.into_iter().collect();
    };
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue = direct;
    while let Some(name) = queue.pop() {
        if workspace.package(&name).is_some() || !seen.insert(name.clone()) {
            continue;
        }
        queue.extend(
            lock.graph
                .get(&name)
                .into_iter()
                .flatten()
                .filter(|n| !seen.contains(*n))
                .cloned(),
        );
    }
    seen
}

/// `crate/feature` pairs the members switch on: declared on their active dependencies, and
/// named by the features the build turns on.
pub fn features(members: &[Member]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for member in members {
        for dep in member.deps() {
            for feature in &dep.features {
                out.insert(format!("{}/{feature}", dep.name));
            }
        }
        for feature in member.package.features_on(&member.requested) {
            for value in member.package.features.get(&feature).into_iter().flatten() {
                if let Some((dep, feat)) = value.split_once('/') {
                    out.insert(format!("{}/{feat}", dep.trim_end_matches('?')));
                }
            }
        }
    }
    out
}

/// What the C code among the dependencies asks of the build.
#[derive(Debug, Default)]
pub struct NativeNeeds {
    /// False when a crate cannot link statically on musl.
    pub musl: bool,
    /// Why not, naming the crate.
    pub glibc_reason: Option<String>,
    /// A feature that would make the build static again, for the warning.
    pub static_hint: Option<String>,
    pub alpine: Vec<String>,
    pub debian: Vec<String>,
    /// Debian libraries a glibc build loads at run time (unused by a static build).
    pub runtime: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// Crate → how it is built, for the evidence.
    pub found: Vec<String>,
    pub tls: Option<String>,
}

pub fn needs(
    crates: &BTreeSet<String>,
    enabled: &BTreeSet<String>,
    rules: &RustRules,
) -> NativeNeeds {
    let mut needs = NativeNeeds {
        musl: true,
        ..NativeNeeds::default()
    };
    for native in rules.native.iter().filter(|n| crates.contains(&n.name)) {
        let vendored = native.static_features.iter().find(|f| enabled.contains(*f));
        if let Some(feature) = vendored {
            needs.alpine.extend(native.vendored.iter().cloned());
            needs.debian.extend(native.debian.iter().cloned());
            needs
                .found
                .push(format!("{} (built from source: `{feature}`)", native.name));
            continue;
        }
        needs.alpine.extend(native.alpine.iter().cloned());
        needs.debian.extend(native.debian.iter().cloned());
        needs.runtime.extend(native.runtime.iter().cloned());
        needs.env.extend(native.env.clone());
        if native.musl {
            needs.found.push(if !native.env.is_empty() {
                format!("{} (linked statically)", native.name)
            } else if native.alpine.is_empty() {
                format!("{} (compiles C with the builder's compiler)", native.name)
            } else {
                format!("{} (builds with {})", native.name, native.alpine.join(" "))
            });
        } else {
            needs.musl = false;
            needs.found.push(format!("{} (glibc)", native.name));
            if needs.glibc_reason.is_none() {
                needs.glibc_reason.clone_from(&native.reason);
                needs.static_hint = native.static_features.first().cloned();
            }
        }
    }
    for list in [&mut needs.alpine, &mut needs.debian, &mut needs.runtime] {
        list.sort();
        list.dedup();
    }
    needs.tls = rules
        .tls
        .crates
        .iter()
        .find(|c| crates.contains(*c))
        .cloned();
    needs
}

/// Evidence for the build packages: the lockfile and the crates found in it.
pub fn evidence(repo: &Project, locked: bool, needs: &NativeNeeds) -> Option<Evidence> {
    if needs.found.is_empty() {
        return None;
    }
    let file = if locked { "Cargo.lock" } else { "Cargo.toml" };
    Some(repo.evidence(file, None, needs.found.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::rust::workspace::DepKind;

    /// A package whose deps are `(name, kind, optional)`; rusqlite asks for `bundled`.
    fn package(deps: &[(&str, DepKind, bool)], features: &[(&str, &[&str])]) -> Package {
        Package {
            name: "app".into(),
            dir: String::new(),
            edition: "2021".into(),
            rust_version: None,
            default_run: None,
            targets: Vec::new(),
            deps: deps
                .iter()
                .map(|(n, k, optional)| Dep {
                    name: (*n).into(),
                    key: (*n).into(),
                    kind: *k,
                    optional: *optional,
                    features: if *n == "rusqlite" {
                        vec!["bundled".into()]
                    } else {
                        Vec::new()
                    },
                    default_features: true,
                })
                .collect(),
            features: features
                .iter()
                .map(|(k, v)| ((*k).into(), v.iter().map(|s| (*s).to_string()).collect()))
                .collect(),
        }
    }

    fn workspace(app: &Package) -> Workspace {
        Workspace {
            packages: vec![app.clone()],
            selected: vec!["app".into()],
            source: crate::plan::TargetSource::Manifest,
            note: None,
        }
    }

    #[test]
    fn default_features_are_followed_to_dependency_features() {
        let p = package(
            &[
                ("rusqlite", DepKind::Normal, false),
                ("openssl", DepKind::Normal, true),
                ("reqwest", DepKind::Dev, false),
            ],
            &[
                ("default", &["tls"]),
                ("tls", &["openssl?/vendored", "dep:openssl"]),
            ],
        );
        let ws = workspace(&p);
        let got = features(&members(&ws, &ws.packages[0], &[]));
        assert!(got.contains("rusqlite/bundled"));
        assert!(got.contains("openssl/vendored"));
    }

    #[test]
    fn optional_dependencies_count_only_when_a_feature_turns_them_on() {
        let p = package(
            &[
                ("tokio", DepKind::Normal, false),
                ("diesel", DepKind::Normal, true),
                ("axum", DepKind::Normal, true),
            ],
            &[
                ("default", &[]),
                ("postgres", &["diesel/postgres"]),
                ("server", &["dep:axum"]),
            ],
        );
        let ws = workspace(&p);
        let names = |extra: &[String]| -> Vec<String> {
            members(&ws, &ws.packages[0], extra)[0]
                .deps()
                .iter()
                .map(|d| d.name.clone())
                .collect()
        };
        assert_eq!(names(&[]), ["tokio"]);
        assert_eq!(names(&["server".into()]), ["tokio", "axum"]);
        assert_eq!(names(&["postgres".into()]), ["tokio", "diesel"]);
    }

    #[test]
    fn the_lock_closure_skips_dev_dependencies_of_members() {
        let lock_text = r#"
version = 4
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["tokio", "reqwest"]
[[package]]
name = "tokio"
version = "1.0.0"
dependencies = ["mio 1.0.0"]
[[package]]
name = "mio"
version = "1.0.0"
[[package]]
name = "reqwest"
version = "0.12.0"
dependencies = ["openssl-sys"]
"#;
        let dir = std::env::temp_dir().join(format!("dockgen-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.lock"), lock_text).unwrap();
        let lock = read_lock(&Project::open(&dir).unwrap()).unwrap().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let app = package(
            &[
                ("tokio", DepKind::Normal, false),
                ("reqwest", DepKind::Dev, false),
            ],
            &[],
        );
        let ws = workspace(&app);
        let got = crates(&ws, &members(&ws, &ws.packages[0], &[]), Some(&lock));
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["mio", "tokio"]);
    }
}
