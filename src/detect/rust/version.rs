//! The Rust line the builder uses: `--runtime-version`, the rust-toolchain file's channel,
//! else the current release (a `rust-version` is a minimum, which the current release meets).

use super::rules::RustRules;
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// A Rust release line, `1.N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Line(pub u64, pub u64);

impl Line {
    /// `1.82`, `1.82.0` (a patch is dropped: images are published per line).
    pub fn parse(text: &str) -> Option<Line> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
        match parts.next() {
            None => {}
            Some(patch) if patch.parse::<u64>().is_ok() && parts.next().is_none() => {}
            Some(_) => return None,
        }
        (major == 1).then_some(Line(major, minor))
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// The chosen line, why, and what the image build must leave out.
pub struct Chosen {
    pub line: Line,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
    /// Toolchain files kept out of the build context (their release is the builder's).
    pub ignored: Vec<String>,
}

const TOOLCHAIN_FILES: [&str; 2] = ["rust-toolchain.toml", "rust-toolchain"];

/// Decides the line for a package with `rust_version` (its minimum) and `edition`.
pub fn choose(
    repo: &Project,
    flag: Option<&str>,
    rust_version: Option<(&str, Evidence)>,
    edition: &str,
    rules: &RustRules,
) -> Result<Chosen, Error> {
    let default = rules.default_line();
    let mut warnings = Vec::new();
    let mut ignored = Vec::new();
    let (line, evidence) = if let Some(flag) = flag {
        let line = Line::parse(flag).ok_or_else(|| Error::InvalidFlag {
            flag: "--runtime-version".into(),
            reason: format!("`{flag}` is not a Rust release such as 1.85"),
        })?;
        (line, Evidence::flag("--runtime-version"))
    } else if let Some((file, channel)) = toolchain_channel(repo)? {
        // The image's toolchain is named by its full release (`1.82.3`): rustup would download
        // `1.82` or `stable` again under the file's name, so the file stays out of the build
        // context when the builder tag already is that release.
        if let Some(line) = Line::parse(&channel) {
            ignored.push(repo.name(&file));
            (
                line,
                repo.evidence(&file, Some("toolchain.channel"), format!("pins {channel}")),
            )
        } else {
            if channel == "stable" {
                ignored.push(repo.name(&file));
            } else {
                warnings.push(Warning::new(
                    WarningKind::Version,
                    format!(
                        "`{}` asks for the `{channel}` toolchain, which no official image carries: rustup in the builder downloads it during the build",
                        repo.name(&file)
                    ),
                ));
            }
            (
                default,
                repo.evidence(
                    &file,
                    Some("toolchain.channel"),
                    format!("`{channel}`; the builder is the current stable release"),
                ),
            )
        }
    } else if let Some((minimum, evidence)) = rust_version {
        match Line::parse(minimum) {
            Some(min) if min > default => (
                min,
                Evidence {
                    note: format!(
                        "needs at least {minimum}, newer than dockgen's current {default}"
                    ),
                    ..evidence
                },
            ),
            Some(_) => (
                default,
                Evidence {
                    note: format!("{minimum} is a minimum; the current release builds it"),
                    ..evidence
                },
            ),
            None => {
                warnings.push(Warning::new(
                    WarningKind::Version,
                    format!(
                        "`rust-version = \"{minimum}\"` is not a Rust release; using {default}"
                    ),
                ));
                (default, Evidence::default("the current Rust release"))
            }
        }
    } else {
        (
            default,
            Evidence::default("no rust-toolchain file or rust-version; the current Rust release"),
        )
    };
    let known = rules.lines();
    if known.first().is_some_and(|oldest| line < *oldest) || line > default {
        warnings.push(Warning::new(
            WarningKind::Version,
            format!(
                "dockgen's data knows Rust {} to {default}; the image for {line} is assumed to exist",
                rules.versions.oldest
            ),
        ));
    }
    if let Some(minimum) = rules.edition_minimum(edition).filter(|m| line < *m) {
        warnings.push(Warning::new(
            WarningKind::Version,
            format!("edition {edition} needs Rust {minimum} or newer, but the builder is {line}"),
        ));
    }
    Ok(Chosen {
        line,
        evidence,
        warnings,
        ignored,
    })
}

/// The channel of the root's rust-toolchain.toml (or legacy rust-toolchain), and its file.
fn toolchain_channel(repo: &Project) -> Result<Option<(String, String)>, Error> {
    for file in TOOLCHAIN_FILES {
        let Some(text) = repo.read(file)? else {
            continue;
        };
        let channel = if file.ends_with(".toml") || text.trim_start().starts_with('[') {
            let table = repo.read_toml(file)?.unwrap_or_default();
            table
                .get("toolchain")
                .and_then(|t| t.get("channel"))
                .and_then(toml::Value::as_str)
                .map(str::to_string)
        } else {
            text.lines().next().map(|l| l.trim().to_string())
        };
        let channel = channel.filter(|c| {
            !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch))
        });
        return Ok(channel.map(|c| (file.to_string(), c)));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_with_or_without_a_patch() {
        assert_eq!(Line::parse("1.82"), Some(Line(1, 82)));
        assert_eq!(Line::parse("1.82.0"), Some(Line(1, 82)));
        assert_eq!(Line::parse(" 1.9 "), Some(Line(1, 9)));
        assert_eq!(Line::parse("1"), Some(Line(1, 0)));
        assert_eq!(Line::parse("stable"), None);
        assert_eq!(Line::parse("nightly-2024-01-01"), None);
        assert_eq!(Line::parse("2.0"), None);
        assert_eq!(Line::parse("1.82.0.1"), None);
        assert!(Line(1, 9) < Line(1, 10));
        assert_eq!(Line(1, 85).to_string(), "1.85");
    }
}
