//! Which package manager installs the dependencies: `packageManager`, then lockfiles.

use std::fmt::Write as _;

use nodejs_semver::{Range, Version};
use serde_json::Value;

use super::rules::{NodeRules, PackageManagerRule};
use crate::detect::safe::shown;
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// The chosen package manager and the lockfile it installs from.
pub struct PmChoice<'r> {
    pub rule: &'r PackageManagerRule,
    /// Version from `packageManager` (`9.12.0`), for Corepack.
    pub version: Option<String>,
    pub lockfile: Option<String>,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

pub fn detect<'r>(
    project: &Project,
    manifest: &Value,
    rules: &'r NodeRules,
) -> Result<PmChoice<'r>, Error> {
    let present: Vec<&str> = rules
        .package_managers
        .iter()
        .flat_map(|pm| pm.lockfiles.iter().map(String::as_str))
        .filter(|f| project.is_file(f))
        .fold(Vec::new(), |mut acc, f| {
            if !acc.contains(&f) {
                acc.push(f);
            }
            acc
        });
    let warn = |message: String| Warning::new(WarningKind::PackageManager, message);
    let mut warnings = Vec::new();
    if let Some(field) = manifest.get("packageManager").and_then(Value::as_str) {
        if let Some(choice) = from_field(project, field, &present, rules)? {
            return Ok(choice);
        }
        warnings.push(warn(format!(
            "package.json `packageManager` is `{}`, which dockgen does not know; looked at lockfiles",
            shown(field)
        )));
    }

    // Lockfile precedence is the order of `package_managers` in the data.
    let mut tried = Vec::new();
    for rule in &rules.package_managers {
        let Some(lockfile) = rule
            .lockfiles
            .iter()
            .find(|f| present.contains(&f.as_str()))
        else {
            continue;
        };
        if tried.contains(&rule.name) {
            continue;
        }
        tried.push(rule.name.clone());
        let rule = variant_by_markers(project, rules, &rule.name)?;
        let others: Vec<&str> = present.iter().copied().filter(|f| *f != lockfile).collect();
        let mut note = format!("`{lockfile}` is present");
        if !others.is_empty() {
            note = format!(
                "`{lockfile}` wins over {} (no packageManager field)",
                backticked(&others)
            );
            warnings.push(warn(format!(
                "found several lockfiles; used `{lockfile}` for {} and ignored {}: a stray package-lock.json usually comes from one `npm install`. Set `packageManager` in package.json or delete the stale lockfile",
                rule.name,
                backticked(&others)
            )));
        }
        if let Some(variant) = &rule.variant {
            let _ = write!(note, " ({} {variant})", rule.name);
        }
        return Ok(PmChoice {
            rule,
            version: None,
            lockfile: Some(lockfile.clone()),
            evidence: project.evidence(lockfile, None, note),
            warnings,
        });
    }

    let npm = rules
        .package_managers
        .last()
        .ok_or_else(|| Error::InvalidRule {
            reason: "node.toml has no package managers".into(),
        })?;
    warnings.push(warn(format!(
        "no lockfile: `{}` resolves versions afresh on every build; commit a {}",
        npm.install_unlocked,
        npm.lockfiles.first().map_or("lockfile", String::as_str)
    )));
    Ok(PmChoice {
        rule: npm,
        version: None,
        lockfile: None,
        evidence: Evidence::default("no packageManager field and no lockfile"),
        warnings,
    })
}

/// The `packageManager` field (`pnpm@9.12.0+sha512…`); `None` for a manager dockgen does not know.
fn from_field<'r>(
    project: &Project,
    field: &str,
    present: &[&str],
    rules: &'r NodeRules,
) -> Result<Option<PmChoice<'r>>, Error> {
    let (name, version) = field.split_once('@').unwrap_or((field, ""));
    let version = version.split('+').next().unwrap_or("");
    let rule = match Version::parse(version) {
        Ok(parsed) => rules
            .package_managers
            .iter()
            .filter(|pm| pm.name == name)
            .find(|pm| {
                pm.versions
                    .as_deref()
                    .and_then(|r| Range::parse(r).ok())
                    .is_none_or(|range| range.satisfies(&parsed))
            }),
        Err(_) if rules.package_managers.iter().any(|pm| pm.name == name) => {
            Some(variant_by_markers(project, rules, name)?)
        }
        Err(_) => None,
    };
    let Some(rule) = rule else {
        return Ok(None);
    };
    let warn = |message: String| Warning::new(WarningKind::PackageManager, message);
    let mut warnings = Vec::new();
    let lockfile = rule
        .lockfiles
        .iter()
        .find(|f| present.contains(&f.as_str()))
        .cloned();
    let others: Vec<&str> = present
        .iter()
        .copied()
        .filter(|f| Some(*f) != lockfile.as_deref())
        .collect();
    if !others.is_empty() {
        warnings.push(warn(format!(
            "ignored {} because package.json `packageManager` names {name}; delete stale lockfiles",
            backticked(&others)
        )));
    }
    if lockfile.is_none() {
        warnings.push(warn(format!(
            "package.json names {name} but there is no {name} lockfile; installs are not reproducible"
        )));
    }
    Ok(Some(PmChoice {
        rule,
        version: valid_version(version),
        lockfile,
        evidence: project.evidence(
            "package.json",
            Some("packageManager"),
            format!("`{}`", shown(field)),
        ),
        warnings,
    }))
}

/// Among the variants of `name` (Yarn 2+ and Yarn 1), the one whose markers the project has;
/// the variant without markers otherwise.
fn variant_by_markers<'r>(
    project: &Project,
    rules: &'r NodeRules,
    name: &str,
) -> Result<&'r PackageManagerRule, Error> {
    let variants: Vec<&PackageManagerRule> = rules
        .package_managers
        .iter()
        .filter(|pm| pm.name == name)
        .collect();
    for rule in &variants {
        let Some(markers) = &rule.markers else {
            continue;
        };
        if markers.files.iter().any(|f| project.is_file(f)) {
            return Ok(rule);
        }
        if let Some(line) = &markers.lockfile_line {
            for lockfile in &rule.lockfiles {
                let text = project.read(lockfile)?.unwrap_or_default();
                if text.lines().take(20).any(|l| l.starts_with(line.as_str())) {
                    return Ok(rule);
                }
            }
        }
    }
    variants
        .iter()
        .find(|r| r.markers.is_none())
        .or(variants.first())
        .copied()
        .ok_or_else(|| Error::InvalidRule {
            reason: format!("node.toml has no package manager `{name}`"),
        })
}

/// Only plain versions reach a `RUN` line.
fn valid_version(version: &str) -> Option<String> {
    let ok = !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c));
    ok.then(|| version.to_string())
}

fn backticked(files: &[&str]) -> String {
    files
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The package manager the user named (`--package-manager`), installing from its lockfile when
/// the project has one.
pub fn chosen<'r>(
    project: &Project,
    name: &str,
    rules: &'r NodeRules,
) -> Result<PmChoice<'r>, Error> {
    if !rules.package_managers.iter().any(|pm| pm.name == name) {
        let mut names: Vec<&str> = rules
            .package_managers
            .iter()
            .map(|pm| pm.name.as_str())
            .collect();
        names.dedup();
        return Err(Error::InvalidFlag {
            flag: "--package-manager".into(),
            reason: format!(
                "`{}` is not a Node.js package manager; the choices are {}",
                shown(name),
                names.join(", ")
            ),
        });
    }
    let rule = variant_by_markers(project, rules, name)?;
    let lockfile = rule.lockfiles.iter().find(|f| project.is_file(f)).cloned();
    let mut warnings = Vec::new();
    if lockfile.is_none() {
        warnings.push(Warning::new(
            WarningKind::PackageManager,
            format!("`--package-manager {name}`: the project has no {name} lockfile; installs are not reproducible"),
        ));
    }
    Ok(PmChoice {
        rule,
        version: None,
        lockfile,
        evidence: Evidence::flag("--package-manager"),
        warnings,
    })
}
