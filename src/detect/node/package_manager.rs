//! Which package manager installs the dependencies: `packageManager`, then lockfiles.

use std::fmt::Write as _;

use nodejs_semver::{Range, Version};
use serde_json::Value;

use super::rules::{NodeRules, PackageManagerRule, PinRule};
use crate::detect::safe::shown;
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// The chosen package manager and the lockfile it installs from.
pub struct PmChoice<'r> {
    pub rule: &'r PackageManagerRule,
    /// Version from `packageManager` (`9.12.0`), for Corepack.
    pub version: Option<String>,
    /// Without `packageManager`: the major the lockfile and settings imply, which the image
    /// pins instead of letting Corepack fetch the newest.
    pub pin: Option<u32>,
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
        let pin = match &rule.pin {
            Some(pin_rule) => pin(project, manifest, rule, pin_rule, lockfile)?,
            None => None,
        };
        if let Some(pin) = &pin {
            let _ = write!(note, "; {}", pin.note);
            warnings.extend(pin.warning.clone());
        }
        return Ok(PmChoice {
            rule,
            version: None,
            pin: pin.map(|p| p.major),
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
        pin: None,
        lockfile: None,
        evidence: Evidence::default("no packageManager field and no lockfile"),
        warnings,
    })
}

/// Bun runs the app, so Bun installs it (Bun's image has no other package manager): from its
/// own lockfile when there is one; `other` is what the lockfiles said.
pub fn bun<'r>(
    project: &Project,
    rules: &'r NodeRules,
    other: &PmChoice,
) -> Result<PmChoice<'r>, Error> {
    let rule = rules
        .package_managers
        .iter()
        .find(|pm| pm.name == rules.bun.program)
        .ok_or_else(|| Error::InvalidRule {
            reason: "node.toml has no package manager for Bun".into(),
        })?;
    let lockfile = rule.lockfiles.iter().find(|f| project.is_file(f)).cloned();
    let mut warnings = Vec::new();
    let ignored = other
        .lockfile
        .as_deref()
        .map_or(String::new(), |l| format!(" and ignores `{l}`"));
    if lockfile.is_none() {
        warnings.push(Warning::new(
            WarningKind::PackageManager,
            format!(
                "Bun runs the app, so Bun installs it{ignored}; there is no bun.lock, so versions are resolved afresh on every build: run `bun install` and commit bun.lock"
            ),
        ));
    }
    let evidence = match &lockfile {
        Some(l) => project.evidence(l, None, format!("`{l}` is present; Bun runs the app")),
        None => project.evidence("package.json", None, "Bun runs the app"),
    };
    Ok(PmChoice {
        rule,
        version: None,
        pin: None,
        lockfile,
        evidence,
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
        pin: None,
        lockfile,
        evidence: project.evidence(
            "package.json",
            Some("packageManager"),
            format!("`{}`", shown(field)),
        ),
        warnings,
    }))
}

/// The pinned major, why, and the warning that says `packageManager` should be set.
struct Pinned {
    major: u32,
    note: String,
    warning: Option<Warning>,
}

/// The major of a Corepack-managed package manager the project was written for: the first of
/// the data's lines whose lockfile format matches and which every setting present allows.
fn pin(
    project: &Project,
    manifest: &Value,
    rule: &PackageManagerRule,
    pin: &PinRule,
    lockfile: &str,
) -> Result<Option<Pinned>, Error> {
    let text = project.read(lockfile)?.unwrap_or_default();
    let format = lockfile_format(&text, &pin.lockfile_key);
    let mut present = Vec::new();
    for file in &pin.settings_files {
        let Some(yaml) = project.read_yaml(file)? else {
            continue;
        };
        for key in yaml.as_mapping().into_iter().flat_map(|m| m.keys()) {
            if let Some(key) = key.as_str().filter(|k| pin.settings.contains_key(*k)) {
                present.push((key.to_string(), project.name(file)));
            }
        }
    }
    if let Some(object) = pin
        .settings_manifest_key
        .as_ref()
        .and_then(|k| manifest.get(k))
        .and_then(Value::as_object)
    {
        for key in object.keys().filter(|k| pin.settings.contains_key(*k)) {
            let at = format!(
                "{} `{}`",
                project.name("package.json"),
                pin.settings_manifest_key.as_deref().unwrap_or_default()
            );
            present.push((key.clone(), at));
        }
    }
    let allows = |major: u32, setting: &str| {
        let version = Version::parse(format!("{major}.0.0"));
        pin.settings
            .get(setting)
            .and_then(|r| Range::parse(r).ok())
            .zip(version.ok())
            .is_none_or(|(range, v)| range.satisfies(&v))
    };
    let by_format: Vec<u32> = pin
        .lines
        .iter()
        .filter(|l| format.as_ref().is_none_or(|f| l.lockfile.contains(f)))
        .map(|l| l.major)
        .collect();
    let name = &rule.name;
    let lockfile_name = project.name(lockfile);
    let Some(&first) = by_format.first() else {
        return Ok(None);
    };
    let chosen = by_format
        .iter()
        .copied()
        .find(|&m| present.iter().all(|(setting, _)| allows(m, setting)));
    let settings: Vec<String> = present
        .iter()
        .map(|(key, at)| format!("`{key}` in {at}"))
        .collect();
    let mut why = match &format {
        Some(f) => format!("{} `{}` is {f}", lockfile_name, pin.lockfile_key),
        None => format!("{lockfile_name} names no format"),
    };
    if !settings.is_empty() {
        let _ = write!(why, " and it sets {}", settings.join(", "));
    }
    let major = chosen.unwrap_or(first);
    let mut message = format!(
        "package.json has no `packageManager` field, so Corepack would fetch the newest {name}: the image pins {name} {major} ({why}). Set `packageManager` (`corepack use {name}@{major}`) so every build uses the same {name}"
    );
    if chosen.is_none() {
        message = format!(
            "{why}, and no {name} major reads all of these; the image pins {name} {major}. Set `packageManager` in package.json (`corepack use {name}@<version>`)"
        );
    }
    Ok(Some(Pinned {
        major,
        note: format!("pinned {name} {major}: {why}"),
        warning: Some(Warning::new(WarningKind::PackageManager, message)),
    }))
}

/// The lockfile's format version: the first `key: value` line among its first lines.
fn lockfile_format(text: &str, key: &str) -> Option<String> {
    text.lines().take(30).find_map(|line| {
        let value = line.trim().strip_prefix(key)?.strip_prefix(':')?;
        let value = value.trim().trim_matches(['\'', '"']);
        (!value.is_empty() && value.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .then(|| value.to_string())
    })
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
    manifest: &Value,
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
    // Without `packageManager`, the major the lockfile implies, as when it was detected.
    let pinned = match (&rule.pin, &lockfile, manifest.get("packageManager")) {
        (Some(pin_rule), Some(file), None) => pin(project, manifest, rule, pin_rule, file)?,
        _ => None,
    };
    if let Some(pinned) = &pinned {
        warnings.extend(pinned.warning.clone());
    }
    Ok(PmChoice {
        rule,
        version: None,
        pin: pinned.map(|p| p.major),
        lockfile,
        evidence: Evidence::flag("--package-manager"),
        warnings,
    })
}
