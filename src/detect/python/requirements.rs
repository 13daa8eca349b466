//! requirements.txt: pip's line format (continuations, comments, options, `-r`/`-c` includes)
//! around PEP 508 requirements, which `pep508_rs` parses.

use std::str::FromStr;

use pep508_rs::{MarkerEnvironment, Requirement, VerbatimUrl};

use super::rules::RequirementsRules;
use crate::detect::safe;
use crate::error::Error;
use crate::project::Project;

/// One declared requirement, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Req {
    /// The PEP 503 normalized distribution name (`django`, `psycopg2-binary`).
    pub name: String,
    pub extras: Vec<String>,
    /// The version specifiers as written (`>=4.2,<5`), if any.
    pub specifiers: Option<String>,
    /// The exact version when the requirement pins one (`==4.2.11`).
    pub pinned: Option<String>,
    /// Root-relative file and 1-based line it came from.
    pub file: String,
    pub line: usize,
}

/// A requirements file with everything it includes.
#[derive(Debug, Default)]
pub struct Requirements {
    /// The file and every file it includes with `-r` or `-c`, in the order read (relative to
    /// the project view).
    pub files: Vec<String>,
    pub reqs: Vec<Req>,
    /// Requirements that are local paths, editable installs or bare URLs (`-e .`, `./lib`):
    /// they need the source before they install. `(root-relative file, line, text)`.
    pub local: Vec<(String, usize, String)>,
}

/// Reads `file` (relative to `project`) and its includes. `env` filters requirements whose
/// markers do not apply to the image; `None` keeps them all (cheap recognition).
pub fn read(
    project: &Project,
    file: &str,
    env: Option<&MarkerEnvironment>,
    rules: &RequirementsRules,
) -> Result<Requirements, Error> {
    let mut out = Requirements::default();
    include(project, file, env, rules, 0, &mut out)?;
    Ok(out)
}

fn include(
    project: &Project,
    file: &str,
    env: Option<&MarkerEnvironment>,
    rules: &RequirementsRules,
    depth: usize,
    out: &mut Requirements,
) -> Result<(), Error> {
    if out.files.iter().any(|f| f == file) {
        return Ok(());
    }
    if depth > rules.max_depth || out.files.len() >= rules.max_files {
        return Err(Error::Parse {
            file: project.name(file),
            line: 1,
            column: 1,
            message: format!(
                "includes nest deeper than {} levels or name more than {} files",
                rules.max_depth, rules.max_files
            ),
        });
    }
    let Some(text) = project.read(file)? else {
        return Err(Error::Parse {
            file: project.name(file),
            line: 1,
            column: 1,
            message: "the file does not exist (named by a `-r` or `-c` include)".into(),
        });
    };
    out.files.push(file.to_string());
    let shown = project.name(file);
    for (line_no, line) in logical_lines(&text) {
        let line = strip_comment(&line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('-') {
            if let Some(target) = include_target(line) {
                let path = relative_to(file, &target).ok_or_else(|| Error::UnsafeValue {
                    file: shown.clone(),
                    key: format!("line {line_no}"),
                    reason: format!("`{target}` is outside the project"),
                })?;
                let path = safe::safe_path(&shown, &format!("line {line_no}"), &path)?;
                include(project, &path, env, rules, depth + 1, out)?;
            } else if let Some(editable) = editable_target(line) {
                out.local.push((shown.clone(), line_no, editable));
            }
            continue;
        }
        let spec = requirement_part(line);
        if is_local(&spec) {
            out.local.push((shown.clone(), line_no, spec));
            continue;
        }
        let req = parse(&spec, &shown, line_no, column_of(line, &spec))?;
        if let Some((req, marker)) = req {
            if env.is_none_or(|env| marker.evaluate(env, &[])) {
                out.reqs.push(req);
            }
        }
    }
    Ok(())
}

/// A PEP 508 requirement as a `Req` and its markers; `None` for a URL requirement with no
/// name dockgen can use. Errors name the file, line and column (`column` is where `spec`
/// starts on the line).
pub fn parse(
    spec: &str,
    file: &str,
    line: usize,
    column: usize,
) -> Result<Option<(Req, pep508_rs::MarkerTree)>, Error> {
    if let Some((at, last)) = name_ending_badly(spec) {
        return Err(Error::Parse {
            file: file.to_string(),
            line,
            column: column + at,
            message: format!(
                "not a PEP 508 requirement: a name must end with a letter or digit, not `{last}`"
            ),
        });
    }
    match Requirement::<VerbatimUrl>::from_str(spec) {
        Ok(req) => {
            let (specifiers, pinned) = match &req.version_or_url {
                Some(pep508_rs::VersionOrUrl::VersionSpecifier(specs)) => {
                    let text = specs.to_string();
                    let pinned = (specs.len() == 1)
                        .then(|| specs.iter().next())
                        .flatten()
                        .filter(|s| *s.operator() == pep440_rs::Operator::Equal)
                        .map(|s| s.version().to_string());
                    ((!text.is_empty()).then_some(text), pinned)
                }
                _ => (None, None),
            };
            Ok(Some((
                Req {
                    name: req.name.to_string(),
                    extras: req.extras.iter().map(ToString::to_string).collect(),
                    specifiers,
                    pinned,
                    file: file.to_string(),
                    line,
                },
                req.marker,
            )))
        }
        Err(e) => Err(Error::Parse {
            file: file.to_string(),
            line,
            column: column + e.start,
            message: format!("not a PEP 508 requirement: {}", e.message),
        }),
    }
}

/// Lines with `\` continuations joined, each with the 1-based number of its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (start, mut acc) = current.take().unwrap_or((i + 1, String::new()));
        if let Some(head) = raw.strip_suffix('\\') {
            acc.push_str(head);
            acc.push(' ');
            current = Some((start, acc));
        } else {
            acc.push_str(raw);
            out.push((start, acc));
        }
    }
    if let Some(last) = current {
        out.push(last);
    }
    out
}

/// pip's rule: `#` at the start of a line or after whitespace starts a comment.
fn strip_comment(line: &str) -> String {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return line[..i].to_string();
        }
        prev_space = c.is_whitespace();
    }
    line.to_string()
}

/// The requirement before per-requirement options (`--hash=...`): pip splits at the first
/// word starting with `-`.
fn requirement_part(line: &str) -> String {
    line.split(' ')
        .take_while(|w| !w.starts_with('-'))
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

fn column_of(line: &str, part: &str) -> usize {
    line.find(part.split(' ').next().unwrap_or(part))
        .map_or(1, |i| line[..i].chars().count() + 1)
}

/// The file a `-r`/`-c` option names.
fn include_target(line: &str) -> Option<String> {
    let words = shell_words::split(line).ok()?;
    let first = words.first()?;
    for flag in ["--requirement", "--constraint"] {
        if let Some(rest) = first.strip_prefix(&format!("{flag}=")) {
            return Some(rest.to_string());
        }
        if first == flag {
            return words.get(1).cloned();
        }
    }
    for flag in ["-r", "-c"] {
        if first == flag {
            return words.get(1).cloned();
        }
        if let Some(rest) = first.strip_prefix(flag).filter(|r| !r.is_empty()) {
            return Some(rest.trim_start_matches('=').to_string());
        }
    }
    None
}

fn editable_target(line: &str) -> Option<String> {
    let words = shell_words::split(line).ok()?;
    let first = words.first()?;
    if first == "-e" || first == "--editable" {
        return words.get(1).cloned();
    }
    first
        .strip_prefix("--editable=")
        .or_else(|| first.strip_prefix("-e").filter(|r| !r.is_empty()))
        .map(str::to_string)
}

/// A local path, archive or bare URL rather than a named requirement.
fn is_local(spec: &str) -> bool {
    let head = spec.split([' ', ';']).next().unwrap_or(spec);
    head.starts_with('.')
        || head.starts_with('/')
        || head.starts_with('~')
        || (head.contains("://") && !spec.contains('@'))
        || head.contains("+git") && !spec.contains(" @ ")
        || [".whl", ".tar.gz", ".zip", ".tar.bz2"]
            .iter()
            .any(|ext| head.ends_with(ext))
}

/// `target` relative to the folder of `from`, with `..` resolved; `None` when it leaves the
/// project or is absolute.
fn relative_to(from: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The byte offset and character of a package or extra name in `spec` that ends in `.`, `-` or
/// `_`. `pep508_rs` 0.9 panics on those when more text follows (`2.;x`, `a[b.,c]`), so they are
/// refused before it sees them, as PEP 508's name grammar does.
fn name_ending_badly(spec: &str) -> Option<(usize, char)> {
    let ident = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let ends_badly = |from: usize| {
        let text = &spec[from..];
        let len = text.find(|c: char| !ident(c)).unwrap_or(text.len());
        text[..len]
            .chars()
            .last()
            .filter(|c| matches!(c, '.' | '-' | '_'))
            .map(|c| (from + len - 1, c))
    };
    if let Some(bad) = ends_badly(0) {
        return Some(bad);
    }
    let name_len = spec.find(|c: char| !ident(c)).unwrap_or(spec.len());
    let after = spec[name_len..].trim_start();
    let open = spec.len() - after.len();
    if !after.starts_with('[') {
        return None;
    }
    let close = spec[open..].find(']').map_or(spec.len(), |i| open + i);
    let mut from = open + 1;
    for piece in spec[open + 1..close].split(',') {
        let lead = piece.len() - piece.trim_start().len();
        if let Some(bad) = ends_badly(from + lead) {
            return Some(bad);
        }
        from += piece.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_join_and_drop_comments_and_options() {
        let lines = logical_lines("a \\\n  b\n# c\nd # e\n");
        assert_eq!(lines[0], (1, "a    b".to_string()));
        assert_eq!(strip_comment("d # e"), "d ");
        assert_eq!(
            strip_comment("x @ https://h/p#egg=x"),
            "x @ https://h/p#egg=x"
        );
        assert_eq!(
            requirement_part("django==4.2 --hash=sha256:abc"),
            "django==4.2"
        );
        assert_eq!(
            requirement_part("x; python_version < \"3.8\" --hash=a"),
            "x; python_version < \"3.8\""
        );
    }

    #[test]
    fn includes_are_relative_to_the_including_file() {
        assert_eq!(include_target("-r base.txt").as_deref(), Some("base.txt"));
        assert_eq!(include_target("-rbase.txt").as_deref(), Some("base.txt"));
        assert_eq!(
            include_target("--constraint=c.txt").as_deref(),
            Some("c.txt")
        );
        assert_eq!(include_target("-e ."), None);
        assert_eq!(
            relative_to("requirements/prod.txt", "base.txt").as_deref(),
            Some("requirements/base.txt")
        );
        assert_eq!(
            relative_to("requirements/prod.txt", "../req.txt").as_deref(),
            Some("req.txt")
        );
        assert_eq!(relative_to("a.txt", "../x.txt"), None);
        assert_eq!(editable_target("-e .").as_deref(), Some("."));
    }

    #[test]
    fn requirements_parse_with_pins_and_errors_carry_a_column() {
        let (req, _) = parse("Django[argon2]==4.2.11", "r.txt", 3, 1)
            .unwrap()
            .unwrap();
        assert_eq!(req.name, "django");
        assert_eq!(req.extras, ["argon2"]);
        assert_eq!(req.pinned.as_deref(), Some("4.2.11"));
        let (req, _) = parse("psycopg2_binary>=2.9", "r.txt", 1, 1)
            .unwrap()
            .unwrap();
        assert_eq!(req.name, "psycopg2-binary");
        assert_eq!(req.pinned, None);
        let err = parse("flask>=>2", "r.txt", 4, 1).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("failed to parse `r.txt` at line 4, column"),
            "{err}"
        );
        assert!(is_local("./libs/x"));
        assert!(is_local("git+https://h/x.git#egg=x"));
        assert!(!is_local("x @ git+https://h/x.git"));
    }

    #[test]
    fn names_ending_in_punctuation_are_errors_not_panics() {
        // Found by fuzzing: pep508_rs 0.9 panics on each of these.
        for spec in [
            "2.;0.3",
            "requesuessk[t2.,2quart.3",
            "a [b, c-]",
            "x_ @ file:///y",
        ] {
            let err = parse(spec, "requirements.txt", 1, 1)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("must end with a letter or digit"),
                "{spec}: {err}"
            );
        }
        assert!(parse("flask[async]>=3", "requirements.txt", 1, 1).is_ok());
    }
}
