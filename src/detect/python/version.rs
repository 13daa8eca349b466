//! Which Python line the image runs: `--runtime-version`, then the version files in the order
//! python.toml lists them, then the default line.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use super::deps::locate;
use super::rules::{first_line, PythonRules, SourceKind, VersionLine};
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// The chosen line, why, and anything the user should know.
pub struct VersionChoice<'r> {
    pub line: &'r VersionLine,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

/// What one file says.
enum Ask {
    /// An exact version (`3.12`, `3.12.4`): honoured even when old.
    Exact(String),
    /// A range: the highest supported line it allows.
    Range(VersionSpecifiers),
}

/// `--runtime-version`: a line dockgen has images for, or an error naming them.
pub fn from_flag<'r>(flag: &str, rules: &'r PythonRules) -> Result<VersionChoice<'r>, Error> {
    let wanted = line_of(
        flag.trim()
            .trim_start_matches("python")
            .trim_start_matches('-'),
    );
    match wanted.as_deref().and_then(|l| rules.line(l)) {
        Some(line) => Ok(VersionChoice {
            line,
            evidence: Evidence::flag("--runtime-version"),
            warnings: eol_warning(line, "--runtime-version"),
        }),
        None => Err(Error::InvalidFlag {
            flag: "--runtime-version".into(),
            reason: format!(
                "`{flag}` is not one of the Python lines dockgen has images for ({})",
                lines(rules)
            ),
        }),
    }
}

/// Reads the version files in precedence order.
pub fn detect<'r>(project: &Project, rules: &'r PythonRules) -> Result<VersionChoice<'r>, Error> {
    for source in &rules.versions.sources {
        let Some((ask, key, text)) = read(project, &source.file, source.kind)? else {
            continue;
        };
        let file = project.name(&source.file);
        return match ask {
            Ask::Exact(version) => exact(rules, &version, &file, key.as_deref()),
            Ask::Range(specs) => range(rules, &specs, &text, &file, key.as_deref()),
        };
    }
    let line = rules
        .line(&rules.versions.default)
        .ok_or_else(|| Error::InvalidRule {
            reason: "python.toml's default line has no images".into(),
        })?;
    Ok(VersionChoice {
        line,
        evidence: Evidence::default(
            "no .python-version, runtime.txt, .tool-versions, requires-python, Pipfile or Poetry python constraint",
        ),
        warnings: Vec::new(),
    })
}

/// What `file` asks for, the key it says it under, and the raw text it came from.
fn read(
    project: &Project,
    file: &str,
    kind: SourceKind,
) -> Result<Option<(Ask, Option<String>, String)>, Error> {
    let text_of = |v: &str| v.to_string();
    Ok(match kind {
        SourceKind::Line => project.read(file)?.and_then(|text| {
            let first = text
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .find(|l| !l.is_empty() && *l != "system")?
                .split_whitespace()
                .next()?
                .to_string();
            Some((Ask::Exact(first), None, text))
        }),
        SourceKind::RuntimeTxt => project.read(file)?.and_then(|text| {
            let v = text.trim().strip_prefix("python-")?.to_string();
            Some((Ask::Exact(v), None, text))
        }),
        SourceKind::ToolVersions => project.read(file)?.and_then(|text| {
            text.lines().enumerate().find_map(|(i, line)| {
                let mut words = line.split_whitespace();
                (words.next()? == "python").then(|| {
                    let v = words.next().unwrap_or("").to_string();
                    (Ask::Exact(v), Some(format!("line {}", i + 1)), text.clone())
                })
            })
        }),
        SourceKind::RequiresPython => {
            let Some(table) = project.read_toml(file)? else {
                return Ok(None);
            };
            let Some(spec) = table
                .get("project")
                .and_then(|p| p.get("requires-python"))
                .and_then(toml::Value::as_str)
            else {
                return Ok(None);
            };
            let text = project.read(file)?.unwrap_or_default();
            let specs = specifiers(spec, &text, &project.name(file))?;
            Some((as_ask(specs), Some("project.requires-python".into()), text))
        }
        SourceKind::Pipfile => {
            let Some(table) = project.read_toml(file)? else {
                return Ok(None);
            };
            let requires = table.get("requires");
            requires
                .and_then(|r| {
                    r.get("python_full_version")
                        .or_else(|| r.get("python_version"))
                })
                .and_then(toml::Value::as_str)
                .map(|v| {
                    (
                        Ask::Exact(text_of(v)),
                        Some("requires.python_version".into()),
                        String::new(),
                    )
                })
        }
        SourceKind::Poetry => {
            let Some(table) = project.read_toml(file)? else {
                return Ok(None);
            };
            let Some(constraint) = table.get("tool").and_then(|t| {
                t.get("poetry")?
                    .get("dependencies")?
                    .get("python")?
                    .as_str()
            }) else {
                return Ok(None);
            };
            let text = project.read(file)?.unwrap_or_default();
            let specs = specifiers(&poetry_to_pep440(constraint), &text, &project.name(file))?;
            Some((
                as_ask(specs),
                Some("tool.poetry.dependencies.python".into()),
                text,
            ))
        }
    })
}

/// `==3.12` / `==3.12.*` is an exact pin; anything else a range.
fn as_ask(specs: VersionSpecifiers) -> Ask {
    let text = specs.to_string();
    if specs.len() == 1 {
        if let Some(spec) = specs.iter().next() {
            let op = spec.operator();
            if matches!(
                op,
                pep440_rs::Operator::Equal | pep440_rs::Operator::EqualStar
            ) {
                return Ask::Exact(spec.version().to_string());
            }
        }
    }
    let _ = text;
    Ask::Range(specs)
}

fn specifiers(spec: &str, text: &str, file: &str) -> Result<VersionSpecifiers, Error> {
    VersionSpecifiers::from_str(spec).map_err(|e| {
        let (line, column) = locate(text, spec);
        Error::Parse {
            file: file.to_string(),
            line,
            column,
            message: format!(
                "`{spec}` is not a PEP 440 version range: {}",
                first_line(&e.to_string())
            ),
        }
    })
}

/// Poetry's constraint syntax as PEP 440: `^3.11` → `>=3.11,<4.0`, `~3.11` → `>=3.11,<3.12`,
/// a bare `3.11` → `==3.11.*`, spaces between clauses → commas. Alternatives (`||`) keep
/// the last, which is the newest in practice.
pub fn poetry_to_pep440(constraint: &str) -> String {
    let alternative = constraint.rsplit("||").next().unwrap_or(constraint).trim();
    let mut clauses = Vec::new();
    for part in alternative.split([',', ' ']).filter(|p| !p.is_empty()) {
        if part == "*" {
            continue;
        }
        if let Some(v) = part.strip_prefix('^') {
            let major = v.split('.').next().unwrap_or(v);
            let next = major.parse::<u64>().map_or(0, |m| m + 1);
            clauses.push(format!(">={v},<{next}.0"));
        } else if let Some(v) = part.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            let mut nums = v.split('.');
            let major = nums.next().unwrap_or("0");
            let minor = nums.next().and_then(|m| m.parse::<u64>().ok());
            match minor {
                Some(minor) => clauses.push(format!(">={v},<{major}.{}", minor + 1)),
                None => clauses.push(format!("=={major}.*")),
            }
        } else if part.starts_with(|c: char| c.is_ascii_digit()) {
            if part.contains('*') {
                clauses.push(format!("=={part}"));
            } else {
                clauses.push(format!("=={part}.*"));
            }
        } else {
            clauses.push(part.to_string());
        }
    }
    clauses.join(",")
}

/// `3.12.4` → `3.12`; `pypy3.10` and nonsense → `None`.
fn line_of(version: &str) -> Option<String> {
    let mut nums = version.trim().trim_start_matches('v').split('.');
    let major = nums.next()?.parse::<u64>().ok()?;
    let minor: String = nums
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let minor = minor.parse::<u64>().ok()?;
    Some(format!("{major}.{minor}"))
}

fn exact<'r>(
    rules: &'r PythonRules,
    version: &str,
    file: &str,
    key: Option<&str>,
) -> Result<VersionChoice<'r>, Error> {
    let Some(line) = line_of(version).and_then(|l| rules.line(&l)) else {
        return Err(Error::Incomplete {
            file: file.to_string(),
            problem: format!(
                "asks for Python `{version}`, which has no official image dockgen knows ({})",
                lines(rules)
            ),
            fix: "name a supported line there, or pass `--runtime-version`".into(),
        });
    };
    let note = if version == line.version {
        format!("`{version}`")
    } else {
        format!(
            "`{version}`: the image tracks {}'s newest patch",
            line.version
        )
    };
    Ok(VersionChoice {
        line,
        evidence: Evidence::file(file, key, note),
        warnings: eol_warning(line, file),
    })
}

fn range<'r>(
    rules: &'r PythonRules,
    specs: &VersionSpecifiers,
    text: &str,
    file: &str,
    key: Option<&str>,
) -> Result<VersionChoice<'r>, Error> {
    let _ = text;
    let allows = |line: &VersionLine| {
        let Some(v) = line.parsed() else { return false };
        let release = v.release().to_vec();
        let first = Version::new(release.iter().copied().chain([0]));
        let last = Version::new(release.iter().copied().chain([99]));
        specs.contains(&first) || specs.contains(&last)
    };
    let mut candidates: Vec<&VersionLine> =
        rules.versions.line.iter().filter(|l| allows(l)).collect();
    candidates.sort_by_key(|l| (!l.eol, l.parsed()));
    let Some(line) = candidates.last().copied() else {
        return Err(Error::Incomplete {
            file: file.to_string(),
            problem: format!(
                "requires Python `{specs}`, which allows no line dockgen has images for ({})",
                lines(rules)
            ),
            fix: "widen the range, or pass `--runtime-version`".into(),
        });
    };
    let note = if line.eol {
        format!(
            "`{specs}` allows no supported line; {} is the newest it allows",
            line.version
        )
    } else {
        format!("`{specs}`: the newest supported line it allows")
    };
    Ok(VersionChoice {
        line,
        evidence: Evidence::file(file, key, note),
        warnings: eol_warning(line, file),
    })
}

fn eol_warning(line: &VersionLine, source: &str) -> Vec<Warning> {
    if !line.eol {
        return Vec::new();
    }
    vec![Warning::new(
        WarningKind::Version,
        format!(
            "`{source}` asks for Python {}, which is past end of life: its image ({}) gets no more security fixes; move to a supported line",
            line.version, line.alpine
        ),
    )]
}

fn lines(rules: &PythonRules) -> String {
    rules
        .versions
        .line
        .iter()
        .map(|l| l.version.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_constraints_become_pep440() {
        assert_eq!(poetry_to_pep440("^3.11"), ">=3.11,<4.0");
        assert_eq!(poetry_to_pep440("~3.10"), ">=3.10,<3.11");
        assert_eq!(poetry_to_pep440(">=3.9 <3.13"), ">=3.9,<3.13");
        assert_eq!(poetry_to_pep440("3.12"), "==3.12.*");
        assert_eq!(poetry_to_pep440(">=3.8,<3.9 || >=3.10"), ">=3.10");
        assert_eq!(poetry_to_pep440("~=3.10"), "~=3.10");
        assert_eq!(line_of("3.12.4").as_deref(), Some("3.12"));
        assert_eq!(line_of("3.13t").as_deref(), Some("3.13"));
        assert_eq!(line_of("pypy3.10"), None);
    }

    #[test]
    fn a_range_picks_the_newest_supported_line() {
        let rules: PythonRules =
            crate::rules::parse(super::super::rules::DATA.0, super::super::rules::DATA.1).unwrap();
        let pick = |s: &str| {
            let specs = VersionSpecifiers::from_str(s).unwrap();
            range(&rules, &specs, "", "f", None)
                .map(|c| c.line.version.clone())
                .map_err(|e| e.to_string())
        };
        assert_eq!(pick(">=3.10").unwrap(), "3.14");
        assert_eq!(pick(">=3.10,<3.13").unwrap(), "3.12");
        assert_eq!(pick("~=3.11.2").unwrap(), "3.11");
        assert_eq!(pick("<=3.12,>=3.9").unwrap(), "3.12");
        assert_eq!(pick(">=3.8,<3.10").unwrap(), "3.9");
        assert!(pick("<3.0").is_err());
    }
}
