//! Native dependencies: which distributions compile on Alpine (and what they load at run
//! time), and which have no workable musl build at all, which moves the image to the slim
//! (glibc) variant. Distributions with musllinux wheels need nothing and are not listed.

use super::deps::Deps;
use super::rules::NativeRules;
use crate::plan::Evidence;

/// The base family and OS packages the dependencies need.
pub struct Native {
    /// False when a dependency has no workable musl build: the slim image.
    pub alpine: bool,
    pub build: Vec<String>,
    pub runtime: Vec<String>,
    pub build_evidence: Option<Evidence>,
    pub runtime_evidence: Option<Evidence>,
    /// Why the image is the slim variant, when it is.
    pub slim_reason: Option<String>,
}

/// Decides the family and packages for what `deps` installs; `file` names where they came from.
/// `slim` is the user's `--variant slim`: glibc even when every dependency builds on musl.
pub fn decide(deps: &Deps, rules: &NativeRules, file: &str, slim: bool) -> Native {
    let installed = deps.all();
    let glibc: Vec<String> = rules
        .glibc_only
        .iter()
        .filter(|g| installed.contains(g.package.as_str()))
        .map(|g| format!("`{}` ({})", g.package, g.reason))
        .collect();
    let alpine = glibc.is_empty() && !slim;
    let (mut build, mut runtime, mut compiled, mut loaders) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // `name[extra]` in `unless` matches a declared requirement with that extra.
    let present = |entry: &str| match entry.split_once('[') {
        Some((name, extra)) => deps
            .declares(name)
            .is_some_and(|r| r.extras.iter().any(|e| e == extra.trim_end_matches(']'))),
        None => installed.contains(entry),
    };
    for module in rules
        .modules
        .iter()
        .filter(|m| installed.contains(m.package.as_str()) && !m.unless.iter().any(|u| present(u)))
    {
        let (b, r) = if alpine {
            (&module.build, &module.runtime)
        } else {
            (&module.apt_build, &module.apt_runtime)
        };
        if !b.is_empty() {
            compiled.push(module.package.as_str());
        }
        if !r.is_empty() {
            loaders.push(module.package.as_str());
        }
        build.extend(b.iter().cloned());
        runtime.extend(r.iter().cloned());
    }
    dedup(&mut build);
    dedup(&mut runtime);
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Native {
        alpine,
        build_evidence: (!compiled.is_empty()).then(|| {
            Evidence::file(
                file,
                None,
                format!(
                    "{} compile from source (no {} wheel)",
                    list(&compiled),
                    if alpine { "musllinux" } else { "manylinux" }
                ),
            )
        }),
        runtime_evidence: (!loaders.is_empty()).then(|| {
            Evidence::file(
                file,
                None,
                format!("libraries loaded by {}", list(&loaders)),
            )
        }),
        slim_reason: (!glibc.is_empty())
            .then(|| format!("no workable musl build for {}", glibc.join(", "))),
        build,
        runtime,
    }
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    list.retain(|p| seen.insert(p.clone()));
}
