//! Which package manager installs the dependencies: `packageManager`, then lockfiles.

use std::fmt::Write as _;

use serde_json::Value;

use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;
use crate::rules::{NodeRules, PackageManagerRule};

/// The chosen package manager and the lockfile it installs from.
pub struct PmChoice<'r> {
    pub rule: &'r PackageManagerRule,
    /// Version from `packageManager` (`9.12.0`), for Corepack.
    pub version: Option<String>,
    pub lockfile: Option<String>,
    pub evidence: Evidence,
    pub warnings: Vec<String>,
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
    let mut warnings = Vec::new();
    if let Some(field) = manifest.get("packageManager").and_then(Value::as_str) {
        if let Some(choice) = from_field(project, field, &present, rules)? {
            return Ok(choice);
        }
        warnings.push(format!("package.json `packageManager` is `{field}`, which dockgen does not know; looked at lockfiles"));
    }

    // Lockfile precedence is the order of `package_managers` in the data.
    for rule in &rules.package_managers {
        let Some(lockfile) = rule
            .lockfiles
            .iter()
            .find(|f| present.contains(&f.as_str()))
        else {
            continue;
        };
        if rule.name == "yarn" && rule.variant.as_deref() != Some(yarn_variant(project)?) {
            continue;
        }
        let others: Vec<&str> = present.iter().copied().filter(|f| *f != lockfile).collect();
        let mut note = format!("`{lockfile}` is present");
        if !others.is_empty() {
            note = format!(
                "`{lockfile}` wins over {} (no packageManager field)",
                backticked(&others)
            );
            warnings.push(format!(
                "found several lockfiles; used `{lockfile}` for {} and ignored {}: a stray package-lock.json usually comes from one `npm install`. Set `packageManager` in package.json or delete the stale lockfile",
                rule.name,
                backticked(&others)
            ));
        }
        if rule.variant.is_some() {
            let _ = write!(
                note,
                " (Yarn {})",
                if rule.variant.as_deref() == Some("berry") {
                    "2+"
                } else {
                    "1"
                }
            );
        }
        return Ok(PmChoice {
            rule,
            version: None,
            lockfile: Some(lockfile.clone()),
            evidence: Evidence::file(lockfile, None, note),
            warnings,
        });
    }

    let npm = rules
        .package_manager("npm", None)
        .ok_or_else(|| Error::InvalidRule {
            reason: "node.toml has no npm".into(),
        })?;
    warnings.push("no lockfile: `npm install` resolves versions afresh on every build; commit a package-lock.json".into());
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
    let variant = match (name, version) {
        ("yarn", "") => Some(yarn_variant(project)?),
        ("yarn", v) if v.starts_with("1.") => Some("classic"),
        ("yarn", _) => Some("berry"),
        _ => None,
    };
    if let Some(rule) = rules.package_manager(name, variant) {
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
            warnings.push(format!(
                "ignored {} because package.json `packageManager` names {name}; delete stale lockfiles",
                backticked(&others)
            ));
        }
        if lockfile.is_none() {
            warnings.push(format!("package.json names {name} but there is no {name} lockfile; installs are not reproducible"));
        }
        return Ok(Some(PmChoice {
            rule,
            version: valid_version(version),
            lockfile,
            evidence: Evidence::file("package.json", Some("packageManager"), format!("`{field}`")),
            warnings,
        }));
    }
    Ok(None)
}

/// Yarn 2+ keeps its settings in `.yarnrc.yml` and writes a `__metadata:` block in yarn.lock.
fn yarn_variant(project: &Project) -> Result<&'static str, Error> {
    if project.is_file(".yarnrc.yml") {
        return Ok("berry");
    }
    let lock = project.read("yarn.lock")?.unwrap_or_default();
    Ok(
        if lock.lines().take(20).any(|l| l.starts_with("__metadata:")) {
            "berry"
        } else {
            "classic"
        },
    )
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
