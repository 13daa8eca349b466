//! Which Java line the image uses: the flag, the build file's declaration, a version file
//! (.java-version, .sdkmanrc, .tool-versions), then the default LTS.

use super::java_line;
use super::rules::{JavaRules, Line};
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// The chosen line, why, and what the user should know.
pub struct VersionChoice<'r> {
    pub line: &'r Line,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

/// Chooses the line for a module that declares `declared` (from its build file).
pub fn choose<'r>(
    project: &Project,
    declared: Option<(u32, Evidence)>,
    flag: Option<&str>,
    rules: &'r JavaRules,
) -> Result<VersionChoice<'r>, Error> {
    if let Some(flag) = flag {
        let line = java_line(flag)
            .and_then(|v| rules.line(v).filter(|l| l.version == v))
            .ok_or_else(|| Error::InvalidFlag {
                flag: "--runtime-version".into(),
                reason: format!(
                    "`{flag}` is not one of the Java lines dockgen has images for ({})",
                    lines(rules)
                ),
            })?;
        return Ok(VersionChoice {
            line,
            evidence: Evidence::flag("--runtime-version"),
            warnings: Vec::new(),
        });
    }
    let file = version_file(&project.repo(), rules)?;
    let mut warnings = Vec::new();
    let (wanted, evidence) = match (declared, file) {
        (Some(declared), Some(file)) => {
            if file.0 != declared.0 {
                warnings.push(Warning::new(
                    WarningKind::Version,
                    format!(
                        "`{}` names Java {} but `{}` declares Java {}; the image follows the build file",
                        file.1.source, file.0, declared.1.source, declared.0
                    ),
                ));
            }
            declared
        }
        (Some(found), None) | (None, Some(found)) => found,
        (None, None) => (
            rules.versions.default,
            Evidence::default(
                "no Java version in the build files, .java-version, .sdkmanrc or .tool-versions; the default LTS",
            ),
        ),
    };
    let line = if let Some(line) = rules.line(wanted) {
        if line.version != wanted {
            warnings.push(Warning::new(
                WarningKind::Version,
                format!(
                    "Java {wanted} has no images of its own (not a long-term-support line); the image uses Java {}",
                    line.version
                ),
            ));
        }
        line
    } else {
        let newest = rules.newest();
        warnings.push(Warning::new(
            WarningKind::Version,
            format!(
                "Java {wanted} is newer than the lines dockgen has images for; using Java {} (the build fails if the code needs {wanted})",
                newest.version
            ),
        ));
        newest
    };
    Ok(VersionChoice {
        line,
        evidence,
        warnings,
    })
}

fn lines(rules: &JavaRules) -> String {
    let mut versions: Vec<u32> = rules.versions.line.iter().map(|l| l.version).collect();
    versions.sort_unstable();
    versions
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Java line a version file names, and where.
fn version_file(repo: &Project, rules: &JavaRules) -> Result<Option<(u32, Evidence)>, Error> {
    let files = &rules.version_files;
    if let Some(text) = repo.read(&files.java_version)? {
        if let Some(v) = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
        {
            if let Some(line) = java_line(
                v.rsplit('-')
                    .find(|p| p.starts_with(|c: char| c.is_ascii_digit()))
                    .unwrap_or(v),
            ) {
                return Ok(Some((
                    line,
                    repo.evidence(&files.java_version, None, format!("`{v}`")),
                )));
            }
        }
    }
    if let Some(text) = repo.read(&files.sdkmanrc)? {
        for (i, line) in text.lines().enumerate() {
            if let Some(v) = line.trim().strip_prefix("java=") {
                if let Some(found) = java_line(v) {
                    let key = format!("line {}", i + 1);
                    return Ok(Some((
                        found,
                        repo.evidence(&files.sdkmanrc, Some(&key), format!("`{}`", v.trim())),
                    )));
                }
            }
        }
    }
    if let Some(text) = repo.read(&files.tool_versions)? {
        for (i, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            if words.next() != Some("java") {
                continue;
            }
            // `temurin-21.0.2+13.0.LTS`, `openjdk-17`, `corretto-11.0.22.7.1`, `21.0.2`
            if let Some(v) = words.next() {
                let number = v.rsplit('-').next().unwrap_or(v);
                if let Some(found) = java_line(number) {
                    let key = format!("line {}", i + 1);
                    return Ok(Some((
                        found,
                        repo.evidence(&files.tool_versions, Some(&key), format!("`{v}`")),
                    )));
                }
            }
        }
    }
    Ok(None)
}
