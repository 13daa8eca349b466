//! Which Go line builds the image: at least go.mod's `go` and `toolchain` lines, because the
//! official images set GOTOOLCHAIN=local and refuse a module that asks for a newer Go.

use super::modfile::ModFile;
use super::rules::{GoRules, Line};
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};

/// A Go version `1.23`, `1.23.0`, `1.21rc1` as (major, minor, patch); `None` when malformed.
/// The go command's own format: `1.N`, `1.N.P`, optionally a pre-release suffix.
pub fn parse_go(text: &str) -> Option<(u32, u32, u32)> {
    let (numbers, _suffix) = split_suffix(text);
    let mut parts = numbers.split('.');
    let major = number(parts.next()?)?;
    let minor = number(parts.next()?)?;
    let patch = match parts.next() {
        Some(p) => number(p)?,
        None => 0,
    };
    (parts.next().is_none() && major >= 1).then_some((major, minor, patch))
}

/// `1.23rc1` → (`1.23`, `rc1`); the suffix must be letters then digits.
fn split_suffix(text: &str) -> (&str, &str) {
    let cut = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_alphabetic())
        .map_or(text.len(), |(i, _)| i);
    let (numbers, suffix) = text.split_at(cut);
    let letters = suffix.trim_end_matches(|c: char| c.is_ascii_digit());
    if !suffix.is_empty()
        && (letters.len() == suffix.len() || !letters.chars().all(|c| c.is_ascii_lowercase()))
    {
        return ("", suffix);
    }
    (numbers, suffix)
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}

/// A supported-line name (`1.27`) as (major, minor).
pub fn parse_line(text: &str) -> Option<(u32, u32)> {
    let (major, minor, patch) = parse_go(text)?;
    (patch == 0
        && !text.contains(|c: char| c.is_ascii_alphabetic())
        && text.matches('.').count() == 1)
        .then_some((major, minor))
}

/// A module path: slash-separated elements of letters, digits and `-._~+`, no empty or dot-only
/// element. (Looser than the go command's, which also checks the first element is a domain,
/// but enough to keep anything that is not a path out of a Dockerfile.)
pub fn is_module_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|e| {
            !e.is_empty()
                && e != "."
                && e != ".."
                && !e.starts_with('.')
                && e.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~+".contains(c))
        })
}

/// The chosen line, why, and anything the user should know.
pub struct Choice<'r> {
    pub line: &'r Line,
    pub evidence: Evidence,
    pub warning: Option<Warning>,
}

/// What go.mod (or go.work) asks for: the newer of `go` and `toolchain`, as it is written,
/// with its evidence.
type Wanted = ((u32, u32, u32), String, Evidence);

fn wanted(modfile: &ModFile, name: &str) -> Option<Wanted> {
    let go = modfile.go.as_ref().and_then(|g| {
        parse_go(&g.value).map(|v| {
            let key = format!("line {}", g.line);
            (
                v,
                g.value.clone(),
                Evidence::file(name, Some(&key), format!("`go {}`", g.value)),
            )
        })
    });
    let toolchain = modfile.toolchain.as_ref().and_then(|t| {
        t.value.strip_prefix("go").and_then(parse_go).map(|v| {
            let key = format!("line {}", t.line);
            (
                v,
                t.value.trim_start_matches("go").to_string(),
                Evidence::file(name, Some(&key), format!("`toolchain {}`", t.value)),
            )
        })
    });
    // The go command needs both satisfied.
    match (go, toolchain) {
        (Some(g), Some(t)) => Some(if t.0 > g.0 { t } else { g }),
        (g, t) => g.or(t),
    }
}

fn supported(rules: &GoRules, v: (u32, u32)) -> Option<&Line> {
    rules
        .versions
        .line
        .iter()
        .find(|l| parse_line(&l.line) == Some(v))
}

/// `--runtime-version`: a line dockgen has images for, not older than go.mod asks.
fn from_flag<'r>(
    flag: &str,
    wanted: Option<&Wanted>,
    rules: &'r GoRules,
) -> Result<Choice<'r>, Error> {
    let line = parse_go(flag.trim_start_matches("go"))
        .and_then(|(a, b, _)| supported(rules, (a, b)))
        .ok_or_else(|| Error::InvalidFlag {
            flag: "--runtime-version".into(),
            reason: format!(
                "`{flag}` is not a Go line dockgen has images for ({})",
                lines(rules)
            ),
        })?;
    if let Some((needed, text, evidence)) = wanted {
        if parse_line(&line.line).is_some_and(|l| l < (needed.0, needed.1)) {
            return Err(Error::InvalidFlag {
                flag: "--runtime-version".into(),
                reason: format!(
                    "Go {} is older than the {text} that `{}` asks for; the official images refuse to build it (GOTOOLCHAIN=local)",
                    line.line, evidence.source
                ),
            });
        }
    }
    Ok(Choice {
        line,
        evidence: Evidence::flag("--runtime-version"),
        warning: None,
    })
}

/// The line go.mod asks for, or `flag` (`--runtime-version`).
pub fn choose<'r>(
    modfile: Option<(&ModFile, &str)>,
    flag: Option<&str>,
    rules: &'r GoRules,
) -> Result<Choice<'r>, Error> {
    let wanted = modfile.and_then(|(m, name)| wanted(m, name));
    if let Some(flag) = flag {
        return from_flag(flag, wanted.as_ref(), rules);
    }
    let Some((needed, text, evidence)) = wanted else {
        let line = rules
            .line(&rules.versions.default)
            .ok_or_else(|| Error::InvalidRule {
                reason: "go.toml: the default line has no images".into(),
            })?;
        return Ok(Choice {
            line,
            evidence: Evidence::default("no go.mod names a Go version; the newest line"),
            warning: None,
        });
    };
    if let Some(line) = supported(rules, (needed.0, needed.1)) {
        return Ok(Choice {
            line,
            evidence,
            warning: None,
        });
    }
    let newest = &rules.versions.line[0];
    let oldest = &rules.versions.line[rules.versions.line.len() - 1];
    if parse_line(&newest.line).is_some_and(|n| (needed.0, needed.1) > n) {
        return Err(Error::Incomplete {
            file: evidence.source.clone(),
            problem: format!(
                "asks for Go {text}, newer than any golang image dockgen knows (newest {})",
                newest.line
            ),
            fix: format!(
                "update dockgen, or pass `--runtime-version` with {} if the module builds with it",
                lines(rules)
            ),
        });
    }
    Ok(Choice {
        line: oldest,
        evidence: Evidence::file(
            &evidence.source,
            evidence.key.as_deref(),
            format!(
                "{}: Go {}.{} is past end of life, so the oldest supported line",
                evidence.note, needed.0, needed.1
            ),
        ),
        warning: Some(Warning::new(
            WarningKind::Version,
            format!(
                "`{}` asks for Go {text}, which no longer gets security fixes; the image builds with Go {}",
                evidence.source, oldest.line
            ),
        )),
    })
}

fn lines(rules: &GoRules) -> String {
    rules
        .versions
        .line
        .iter()
        .map(|l| l.line.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_versions_parse_like_the_go_command() {
        assert_eq!(parse_go("1.23"), Some((1, 23, 0)));
        assert_eq!(parse_go("1.23.4"), Some((1, 23, 4)));
        assert_eq!(parse_go("1.21rc1"), Some((1, 21, 0)));
        for bad in [
            "", "1", "1.", "1.2.3.4", "01.2", "1.02", "v1.2", "1.2x", "1.2-rc1", "x",
        ] {
            assert_eq!(parse_go(bad), None, "{bad}");
        }
        assert_eq!(parse_line("1.27"), Some((1, 27)));
        assert_eq!(parse_line("1.27.0"), None);
    }

    #[test]
    fn module_paths_are_plain() {
        assert!(is_module_path("github.com/gin-gonic/gin/v2"));
        assert!(is_module_path("example"));
        for bad in [
            "",
            "/abs",
            "a//b",
            "a/../b",
            "a b",
            "a\"b",
            ".hidden/x",
            "a\nb",
        ] {
            assert!(!is_module_path(bad), "{bad:?}");
        }
    }
}
