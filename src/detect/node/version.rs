//! Which Node.js major the image runs: version files, then `engines`, then Volta, then the default.

use nodejs_semver::Range;
use serde_json::Value;

use super::rules::NodeRules;
use crate::detect::safe::shown;
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// The chosen major, why, and anything the user should know.
pub struct VersionChoice {
    pub major: u32,
    pub evidence: Evidence,
    pub warning: Option<Warning>,
}

fn warning(message: String) -> Warning {
    Warning::new(WarningKind::Version, message)
}

/// Resolves the Node.js major from the project's files in precedence order.
pub fn detect(
    project: &Project,
    manifest: &Value,
    rules: &NodeRules,
) -> Result<VersionChoice, Error> {
    for file in [".nvmrc", ".node-version"] {
        if let Some(text) = project.read(file)? {
            let spec = first_meaningful_line(&text);
            if !spec.is_empty() {
                return Ok(from_spec(spec, &project.name(file), None, rules));
            }
        }
    }
    if let Some(text) = project.read(".tool-versions")? {
        for (i, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            if matches!(words.next(), Some("nodejs" | "node")) {
                if let Some(spec) = words.next() {
                    let key = format!("line {}", i + 1);
                    return Ok(from_spec(
                        spec,
                        &project.name(".tool-versions"),
                        Some(&key),
                        rules,
                    ));
                }
            }
        }
    }
    if let Some(range) = manifest.pointer("/engines/node").and_then(Value::as_str) {
        return Ok(from_range(range, &project.name("package.json"), rules));
    }
    if let Some(version) = manifest.pointer("/volta/node").and_then(Value::as_str) {
        return Ok(from_spec(
            version,
            &project.name("package.json"),
            Some("volta.node"),
            rules,
        ));
    }
    Ok(VersionChoice {
        major: rules.versions.default,
        evidence: Evidence::default(
            "no .nvmrc, .node-version, .tool-versions, engines.node or volta.node; current LTS",
        ),
        warning: None,
    })
}

/// `--runtime-version`: a major dockgen has images for, or an error naming the choices.
pub fn from_flag(flag: &str, rules: &NodeRules) -> Result<VersionChoice, Error> {
    let flag_shown = shown(flag);
    let major = flag
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    match major.filter(|m| rules.major(*m).is_some()) {
        Some(major) => Ok(VersionChoice {
            major,
            evidence: Evidence::flag("--runtime-version"),
            warning: None,
        }),
        None => Err(Error::InvalidFlag {
            flag: "--runtime-version".into(),
            reason: format!(
                "`{flag_shown}` is not one of the supported Node.js majors ({})",
                supported_list(rules)
            ),
        }),
    }
}

fn first_meaningful_line(text: &str) -> &str {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// A version-file value: `v20.11.1`, `22`, `lts/*`, `lts/jod`, `node`.
fn from_spec(spec: &str, file: &str, key: Option<&str>, rules: &NodeRules) -> VersionChoice {
    let spec_shown = shown(spec);
    let lower = spec.trim().to_ascii_lowercase();
    let newest = newest_supported(rules);
    let (major, note) = if let Some(line) = lower.strip_prefix("lts/") {
        match rules.versions.lts_codenames.get(line) {
            Some(&major) => (Some(major), format!("`{spec_shown}` is Node {major}")),
            None => (
                Some(rules.versions.default),
                format!("`{spec_shown}` means the current LTS"),
            ),
        }
    } else if matches!(lower.as_str(), "node" | "latest" | "current" | "stable") {
        (
            Some(newest),
            format!("`{spec_shown}` means the newest release"),
        )
    } else {
        let digits = lower.trim_start_matches('v');
        let major = digits.split('.').next().and_then(|m| m.parse::<u32>().ok());
        (major, format!("`{spec_shown}`"))
    };
    match major {
        Some(major) => supported_or_nearest(major, file, key, note, rules),
        None => VersionChoice {
            major: rules.versions.default,
            evidence: Evidence::file(
                file,
                key,
                format!("`{spec_shown}` is not a version; used the current LTS"),
            ),
            warning: Some(warning(format!(
                "`{file}` holds `{spec_shown}`, which is not a Node.js version; using Node {}",
                rules.versions.default
            ))),
        },
    }
}

/// `engines.node`: the highest supported major the range allows.
fn from_range(range: &str, manifest: &str, rules: &NodeRules) -> VersionChoice {
    let range_shown = shown(range);
    let key = Some("engines.node");
    let Ok(parsed) = Range::parse(range) else {
        return VersionChoice {
            major: rules.versions.default,
            evidence: Evidence::file(
                manifest,
                key,
                format!("`{range_shown}` is not a valid range; used the current LTS"),
            ),
            warning: Some(warning(format!(
                "{manifest} `engines.node` is `{range_shown}`, not a valid semver range"
            ))),
        };
    };
    let mut majors: Vec<u32> = rules.versions.major.iter().map(|m| m.major).collect();
    majors.sort_unstable_by(|a, b| b.cmp(a));
    for major in majors {
        let Ok(line) = Range::parse(format!("{major}.x")) else {
            continue;
        };
        if parsed.allows_any(&line) {
            return VersionChoice {
                major,
                evidence: Evidence::file(
                    manifest,
                    key,
                    format!("`{range_shown}`: highest supported major it allows"),
                ),
                warning: None,
            };
        }
    }
    VersionChoice {
        major: rules.versions.default,
        evidence: Evidence::file(
            manifest,
            key,
            format!("`{range_shown}` allows no supported major; used the current LTS"),
        ),
        warning: Some(warning(format!(
            "{manifest} `engines.node` is `{range_shown}`, which allows none of Node {}; using Node {}",
            supported_list(rules),
            rules.versions.default
        ))),
    }
}

/// An exact major that dockgen has no images for moves to the next supported one, loudly.
fn supported_or_nearest(
    major: u32,
    file: &str,
    key: Option<&str>,
    note: String,
    rules: &NodeRules,
) -> VersionChoice {
    if rules.major(major).is_some() {
        return VersionChoice {
            major,
            evidence: Evidence::file(file, key, note),
            warning: None,
        };
    }
    let mut majors: Vec<u32> = rules.versions.major.iter().map(|m| m.major).collect();
    majors.sort_unstable();
    let chosen = majors
        .iter()
        .copied()
        .find(|&m| m > major)
        .unwrap_or(newest_supported(rules));
    VersionChoice {
        major: chosen,
        evidence: Evidence::file(file, key, format!("{note}; Node {major} has no maintained image, used {chosen}")),
        warning: Some(warning(format!(
            "`{file}` asks for Node {major}, which has no maintained image; using Node {chosen} (supported: {})",
            supported_list(rules)
        ))),
    }
}

fn newest_supported(rules: &NodeRules) -> u32 {
    rules
        .versions
        .major
        .iter()
        .map(|m| m.major)
        .max()
        .unwrap_or(rules.versions.default)
}

fn supported_list(rules: &NodeRules) -> String {
    let mut majors: Vec<String> = rules
        .versions
        .major
        .iter()
        .map(|m| m.major.to_string())
        .collect();
    majors.reverse();
    majors.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::node::rules::rules;

    fn range(r: &str) -> u32 {
        from_range(r, "package.json", rules().unwrap()).major
    }

    fn spec(s: &str) -> u32 {
        from_spec(s, ".nvmrc", None, rules().unwrap()).major
    }

    #[test]
    fn ranges_resolve_to_the_highest_supported_major() {
        assert_eq!(range(">=18"), 26);
        assert_eq!(range(">=18 <23"), 22);
        assert_eq!(range("^20.11 || ^22"), 22);
        assert_eq!(range("20.x"), 20);
        assert_eq!(range("~24.3.0"), 24);
        assert_eq!(range("<22.5"), 22);
        assert_eq!(range("16.x"), 24, "nothing supported: default");
        assert_eq!(range("not a range"), 24);
    }

    #[test]
    fn version_files_accept_the_usual_spellings() {
        assert_eq!(spec("v22.11.0"), 22);
        assert_eq!(spec("24"), 24);
        assert_eq!(spec("lts/jod"), 22);
        assert_eq!(spec("lts/*"), 24);
        assert_eq!(spec("node"), 26);
        assert_eq!(spec("18.20.1"), 20, "unsupported major moves up");
        assert_eq!(spec("garbage"), 24);
    }
}
