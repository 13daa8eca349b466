//! Which Node.js major the image runs, by the policy in ARCHITECTURE.md ("Version policy"):
//! an exact pin (a version file, `volta.node`) is honoured — with a warning when its line is
//! past end of life, or when no image exists for it; a range (`engines.node`) takes the newest
//! LTS line it allows; nothing declared takes the newest LTS line (or the supported line an
//! existing hand-written Dockerfile runs); a pin that `engines` contradicts is a warning.

use nodejs_semver::{Range, Version};
use serde_json::Value;

use super::rules::{NodeMajor, NodeRules, Status};
use crate::detect::safe::shown;
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// The chosen major, why, and anything the user should know.
pub struct VersionChoice {
    pub major: u32,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

fn warning(message: String) -> Warning {
    Warning::new(WarningKind::Version, message)
}

/// Written after `# Node.js <major> ` in a generated Dockerfile whose line came from the
/// hand-written Dockerfile it replaced; read back by the next run.
pub const CARRIED: &str = "came from the Dockerfile this file replaced";

/// An exact version the project pins, with where it is written.
struct Pin {
    spec: String,
    file: String,
    key: Option<String>,
}

/// Resolves the Node.js major from the project's files.
pub fn detect(
    project: &Project,
    manifest: &Value,
    rules: &NodeRules,
) -> Result<VersionChoice, Error> {
    let engines = manifest.pointer("/engines/node").and_then(Value::as_str);
    let manifest_name = project.name("package.json");
    let Some(pin) = find_pin(project, manifest)? else {
        return Ok(match engines {
            Some(range) => from_range(range, &manifest_name, rules),
            None => from_dockerfile(project, rules).unwrap_or_else(|| VersionChoice {
                major: newest_lts(rules),
                evidence: Evidence::default(
                    "no .nvmrc, .node-version, .tool-versions, volta.node or engines.node: the newest LTS line",
                ),
                warnings: Vec::new(),
            }),
        });
    };
    let mut choice = from_spec(&pin.spec, &pin.file, pin.key.as_deref(), rules);
    if let Some(range) = engines {
        if let Ok(parsed) = Range::parse(range) {
            if !allows_major(&parsed, choice.major) {
                choice.warnings.push(warning(format!(
                    "`{}` pins Node {}, which {manifest_name} `engines.node` (`{}`) does not allow; the pin wins, but one of them is wrong",
                    pin.file,
                    choice.major,
                    shown(range)
                )));
            }
        }
    }
    Ok(choice)
}

/// With nothing declared, the line an existing hand-written Dockerfile runs (`FROM
/// node:22-alpine`) is what the app is known to work on (a native addon may not build on a
/// newer one): kept while it is supported. An end-of-life line there is not honoured; the
/// newest LTS line is taken, with a warning that names it.
fn from_dockerfile(project: &Project, rules: &NodeRules) -> Option<VersionChoice> {
    // Only a hint: an unreadable Dockerfile (a symlink out of the project) says nothing here.
    let text = project.read("Dockerfile").ok().flatten()?;
    if text.contains(&rules.port.generated_marker) {
        return carried(project, &text, rules);
    }
    let found = text.lines().enumerate().find_map(|(i, line)| {
        let mut words = line.split_whitespace();
        words.next().filter(|w| w.eq_ignore_ascii_case("FROM"))?;
        let image = words.find(|w| !w.starts_with("--"))?;
        let tag = image
            .trim_start_matches("docker.io/")
            .trim_start_matches("library/")
            .strip_prefix("node:")?;
        let major = tag.split(['.', '-']).next()?.parse::<u32>().ok()?;
        Some((i + 1, major))
    });
    let (line, major) = found?;
    let at = format!("line {line}");
    let file = project.name("Dockerfile");
    Some(match rules.major(major) {
        Some(m) if m.status != Status::Eol => VersionChoice {
            major,
            evidence: project.evidence(
                "Dockerfile",
                Some(&at),
                format!("the existing Dockerfile runs Node {major}, and nothing else declares a version"),
            ),
            warnings: Vec::new(),
        },
        _ => {
            let lts = newest_lts(rules);
            VersionChoice {
                major: lts,
                evidence: Evidence::default(format!(
                    "the existing Dockerfile's Node {major} is past end of life; the newest LTS line"
                )),
                warnings: vec![warning(format!(
                    "{file} ({at}) runs Node {major}, past end of life; the image runs Node {lts}, the newest LTS line. Pin the line the app supports in .nvmrc or engines.node"
                ))],
            }
        }
    })
}

/// What dockgen's own Dockerfile says it kept from the hand-written one it replaced (see
/// [`CARRIED`]), so writing the file again keeps the line.
fn carried(project: &Project, text: &str, rules: &NodeRules) -> Option<VersionChoice> {
    let (line, major) = text.lines().enumerate().find_map(|(i, l)| {
        let rest = l.strip_prefix("# Node.js ")?;
        let (major, after) = rest.split_once(' ')?;
        after.starts_with(CARRIED).then_some(())?;
        Some((i + 1, major.parse::<u32>().ok()?))
    })?;
    rules.major(major).filter(|m| m.status != Status::Eol)?;
    Some(VersionChoice {
        major,
        evidence: project.evidence(
            "Dockerfile",
            Some(&format!("line {line}")),
            format!("Node {major}, kept from the hand-written Dockerfile dockgen replaced"),
        ),
        warnings: Vec::new(),
    })
}

/// The first exact pin: `.nvmrc`, `.node-version`, `.tool-versions`, then `volta.node`.
fn find_pin(project: &Project, manifest: &Value) -> Result<Option<Pin>, Error> {
    for file in [".nvmrc", ".node-version"] {
        if let Some(text) = project.read(file)? {
            let spec = first_meaningful_line(&text);
            if !spec.is_empty() {
                return Ok(Some(Pin {
                    spec: spec.to_string(),
                    file: project.name(file),
                    key: None,
                }));
            }
        }
    }
    if let Some(text) = project.read(".tool-versions")? {
        for (i, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            if matches!(words.next(), Some("nodejs" | "node")) {
                if let Some(spec) = words.next() {
                    return Ok(Some(Pin {
                        spec: spec.to_string(),
                        file: project.name(".tool-versions"),
                        key: Some(format!("line {}", i + 1)),
                    }));
                }
            }
        }
    }
    Ok(manifest
        .pointer("/volta/node")
        .and_then(Value::as_str)
        .map(|spec| Pin {
            spec: spec.to_string(),
            file: project.name("package.json"),
            key: Some("volta.node".into()),
        }))
}

/// Bun runs the app: Bun's release line from the data (the Node line is not used).
pub fn bun(rules: &NodeRules) -> VersionChoice {
    VersionChoice {
        major: newest_lts(rules),
        evidence: Evidence::default(format!(
            "Bun runs the app: Bun {}'s images",
            rules.bun.version
        )),
        warnings: Vec::new(),
    }
}

/// `--runtime-version`: a major dockgen has images for, or an error naming the choices.
pub fn from_flag(flag: &str, rules: &NodeRules) -> Result<VersionChoice, Error> {
    let flag_shown = shown(flag);
    let major = flag
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    match major.and_then(|m| rules.major(m)) {
        Some(line) => Ok(VersionChoice {
            major: line.major,
            evidence: Evidence::flag("--runtime-version"),
            warnings: eol_warning(line, "`--runtime-version`", rules)
                .into_iter()
                .collect(),
        }),
        None => Err(Error::InvalidFlag {
            flag: "--runtime-version".into(),
            reason: format!(
                "`{flag_shown}` is not one of the Node.js majors dockgen has images for ({})",
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

/// An exact pin: `v20.11.1`, `22`, `lts/*`, `lts/jod`, `node`.
fn from_spec(spec: &str, file: &str, key: Option<&str>, rules: &NodeRules) -> VersionChoice {
    let spec_shown = shown(spec);
    let lower = spec.trim().to_ascii_lowercase();
    let (major, note) = if let Some(line) = lower.strip_prefix("lts/") {
        if let Some(&major) = rules.versions.lts_codenames.get(line) {
            (Some(major), format!("`{spec_shown}` is Node {major}"))
        } else {
            let newest = newest_lts(rules);
            (
                Some(newest),
                format!("`{spec_shown}`: the newest LTS line is {newest}"),
            )
        }
    } else if matches!(lower.as_str(), "node" | "latest" | "current" | "stable") {
        let newest = newest(rules);
        (
            Some(newest),
            format!("`{spec_shown}` means the newest release line, {newest}"),
        )
    } else {
        let digits = lower.trim_start_matches('v');
        let major = digits.split('.').next().and_then(|m| m.parse::<u32>().ok());
        (major, format!("`{spec_shown}` is an exact pin"))
    };
    let Some(major) = major else {
        let lts = newest_lts(rules);
        return VersionChoice {
            major: lts,
            evidence: Evidence::file(
                file,
                key,
                format!("`{spec_shown}` is not a version; used the newest LTS line"),
            ),
            warnings: vec![warning(format!(
                "`{file}` holds `{spec_shown}`, which is not a Node.js version; using Node {lts}"
            ))],
        };
    };
    if let Some(line) = rules.major(major) {
        return VersionChoice {
            major,
            evidence: Evidence::file(file, key, note),
            warnings: eol_warning(line, &format!("`{file}`"), rules)
                .into_iter()
                .collect(),
        };
    }
    // No image for the pinned line (an odd line, or one older than any image): the nearest
    // line above it, so the code sees no older runtime than it asked for.
    let mut majors: Vec<u32> = rules.versions.major.iter().map(|m| m.major).collect();
    majors.sort_unstable();
    let chosen = majors
        .iter()
        .copied()
        .find(|&m| m > major)
        .unwrap_or_else(|| newest(rules));
    VersionChoice {
        major: chosen,
        evidence: Evidence::file(
            file,
            key,
            format!("{note}; Node {major} has no image, used {chosen}"),
        ),
        warnings: vec![warning(format!(
            "`{file}` pins Node {major}, for which no image exists; using Node {chosen}, the nearest line above it (lines with images: {})",
            supported_list(rules)
        ))],
    }
}

/// `engines.node`: the newest LTS line the range allows; else the newest line it allows at
/// all (with a warning); else the newest LTS line (with a warning).
fn from_range(range: &str, manifest: &str, rules: &NodeRules) -> VersionChoice {
    let range_shown = shown(range);
    let key = Some("engines.node");
    let lts = newest_lts(rules);
    let Ok(parsed) = Range::parse(range) else {
        return VersionChoice {
            major: lts,
            evidence: Evidence::file(
                manifest,
                key,
                format!("`{range_shown}` is not a valid range; used the newest LTS line"),
            ),
            warnings: vec![warning(format!(
                "{manifest} `engines.node` is `{range_shown}`, not a valid semver range; using Node {lts}"
            ))],
        };
    };
    let mut lines: Vec<&NodeMajor> = rules
        .versions
        .major
        .iter()
        .filter(|m| allows_major(&parsed, m.major))
        .collect();
    lines.sort_unstable_by_key(|m| std::cmp::Reverse(m.major));
    if let Some(line) = lines.iter().find(|m| m.status == Status::Lts) {
        return VersionChoice {
            major: line.major,
            evidence: Evidence::file(
                manifest,
                key,
                format!("`{range_shown}`: the newest LTS line it allows"),
            ),
            warnings: Vec::new(),
        };
    }
    if let Some(line) = lines.first() {
        return VersionChoice {
            major: line.major,
            evidence: Evidence::file(
                manifest,
                key,
                format!("`{range_shown}` allows no LTS line; the newest line it allows"),
            ),
            warnings: eol_warning(line, &format!("{manifest} `engines.node`"), rules)
                .into_iter()
                .collect(),
        };
    }
    VersionChoice {
        major: lts,
        evidence: Evidence::file(
            manifest,
            key,
            format!("`{range_shown}` allows no line with an image; used the newest LTS line"),
        ),
        warnings: vec![warning(format!(
            "{manifest} `engines.node` is `{range_shown}`, which allows none of Node {}; using Node {lts}",
            supported_list(rules),
        ))],
    }
}

/// True when `range` allows some release of `major`.
fn allows_major(range: &Range, major: u32) -> bool {
    Range::parse(format!("{major}.x")).is_ok_and(|line| range.allows_any(&line))
        || Version::parse(format!("{major}.0.0")).is_ok_and(|v| range.satisfies(&v))
}

/// The warning for a line past end of life: the image honours it on the slim image.
fn eol_warning(line: &NodeMajor, asked_by: &str, rules: &NodeRules) -> Option<Warning> {
    (line.status == Status::Eol).then(|| {
        warning(format!(
            "{asked_by} asks for Node {}, which is past end of life and gets no security fixes: the image honours it on `{}` (no distroless image exists for it); move to Node {}",
            line.major,
            line.runtime,
            newest_lts(rules)
        ))
    })
}

/// The newest line with long-term support: what a project that declares nothing gets.
pub fn newest_lts(rules: &NodeRules) -> u32 {
    rules
        .versions
        .major
        .iter()
        .filter(|m| m.status == Status::Lts)
        .map(|m| m.major)
        .max()
        .unwrap_or_else(|| newest(rules))
}

fn newest(rules: &NodeRules) -> u32 {
    rules
        .versions
        .major
        .iter()
        .map(|m| m.major)
        .max()
        .unwrap_or_default()
}

fn supported_list(rules: &NodeRules) -> String {
    let mut majors: Vec<u32> = rules.versions.major.iter().map(|m| m.major).collect();
    majors.sort_unstable_by(|a, b| b.cmp(a));
    majors
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::node::rules::rules;

    fn range(r: &str) -> u32 {
        from_range(r, "package.json", rules().unwrap()).major
    }

    fn spec(s: &str) -> (u32, usize) {
        let choice = from_spec(s, ".nvmrc", None, rules().unwrap());
        (choice.major, choice.warnings.len())
    }

    #[test]
    fn ranges_take_the_newest_lts_line_they_allow() {
        assert_eq!(range(">=18"), 26);
        assert_eq!(range(">=18 <23"), 22);
        assert_eq!(range("^20.11 || ^22"), 22);
        assert_eq!(range("~24.3.0"), 24);
        assert_eq!(range("<22.5"), 22);
        assert_eq!(range("20.x"), 20, "only an end-of-life line: that line");
        assert_eq!(range("16.x"), 26, "nothing with an image: the newest LTS");
        assert_eq!(range("not a range"), 26);
    }

    #[test]
    fn exact_pins_are_honoured() {
        assert_eq!(spec("v22.11.0"), (22, 0));
        assert_eq!(spec("24"), (24, 0));
        assert_eq!(spec("lts/jod"), (22, 0));
        assert_eq!(spec("lts/*"), (26, 0));
        assert_eq!(spec("node"), (26, 0));
        assert_eq!(spec("18.20.1"), (18, 1), "end of life: honoured, warned");
        assert_eq!(spec("lts/hydrogen"), (18, 1));
        assert_eq!(spec("v20"), (20, 1));
        assert_eq!(spec("23"), (24, 1), "no image: the next line up");
        assert_eq!(spec("garbage"), (26, 1));
    }
}
