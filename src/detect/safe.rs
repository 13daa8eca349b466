//! Validation of values taken from project files before they can reach a Dockerfile, and of
//! how they are echoed back in messages.
//!
//! Project files are untrusted: a script name or path must never be able to add an
//! instruction. Paths are restricted to plain relative names; package names to what registries
//! allow; versions to digits and dots; arguments may hold anything printable (they are
//! JSON-quoted in exec form) but no control characters. A value echoed in a message goes
//! through [`shown`]: escaped and shortened, so a file cannot forge `error:` lines, send
//! terminal escapes, or flood the screen.

use crate::error::Error;

/// A plain relative path: no `..`, not absolute, only characters that need no quoting.
pub fn safe_path(file: &str, key: &str, value: &str) -> Result<String, Error> {
    let trimmed = value.trim_start_matches("./").trim_end_matches('/');
    let refuse = |reason: &str| Error::UnsafeValue {
        file: file.into(),
        key: key.into(),
        reason: format!("`{}` {reason}", shown(value)),
    };
    if trimmed.is_empty() || trimmed == "." {
        return Err(refuse("is not a file path"));
    }
    if trimmed.len() > MAX_VALUE {
        return Err(refuse("is longer than a path dockgen puts in a Dockerfile"));
    }
    if trimmed.starts_with('/') {
        return Err(refuse(
            "is an absolute path; dockgen only copies files inside the project",
        ));
    }
    if trimmed
        .split('/')
        .any(|part| part == ".." || part.is_empty())
    {
        return Err(refuse("leaves the project or has an empty path segment"));
    }
    if let Some(bad) = trimmed
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-@+/".contains(*c)))
    {
        return Err(refuse(&format!(
            "contains {}, which a path in a Dockerfile must not",
            describe(bad)
        )));
    }
    Ok(trimmed.to_string())
}

/// The longest path or argument dockgen puts in a Dockerfile (Linux's `PATH_MAX`).
const MAX_VALUE: usize = 4096;

/// An exec-form argument: printable, single line.
pub fn safe_arg(file: &str, key: &str, value: &str) -> Result<String, Error> {
    if value.len() > MAX_VALUE {
        return Err(Error::UnsafeValue {
            file: file.into(),
            key: key.into(),
            reason: format!(
                "`{}` is longer than an argument dockgen puts in a Dockerfile",
                shown(value)
            ),
        });
    }
    match value.chars().find(|c| c.is_control()) {
        Some(bad) => Err(Error::UnsafeValue {
            file: file.into(),
            key: key.into(),
            reason: format!("`{}` contains {}", shown(value), describe(bad)),
        }),
        None => Ok(value.to_string()),
    }
}

/// A package or module name that may appear in a shell-form `RUN` (`yarn workspace <name>`):
/// letters, digits and `@/._~-`, at most 214 characters (npm's limit).
pub fn safe_name(file: &str, key: &str, value: &str) -> Result<String, Error> {
    let refuse = |reason: String| Error::UnsafeValue {
        file: file.into(),
        key: key.into(),
        reason: format!("`{}` {reason}", shown(value)),
    };
    if value.is_empty() || value.len() > 214 {
        return Err(refuse("is not a package name".into()));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "@/._~-".contains(*c)))
    {
        return Err(refuse(format!(
            "contains {}, which a package name must not",
            describe(bad)
        )));
    }
    Ok(value.to_string())
}

/// A version line as users write it: `22`, `3.12`, `1.23.0`, `v20.11.1`.
pub fn is_version(value: &str) -> bool {
    let digits = value.strip_prefix('v').unwrap_or(value);
    let parts: Vec<&str> = digits.split('.').collect();
    parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 6 && p.chars().all(|c| c.is_ascii_digit()))
}

fn describe(c: char) -> String {
    match c {
        '\n' => "a newline".into(),
        '\r' => "a carriage return".into(),
        '\t' => "a tab".into(),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// The value as it can be shown inside one line of a message: escaped, at most 60 characters.
pub fn shown(value: &str) -> String {
    shorten(&value.escape_default().collect::<String>(), 60)
}

/// A whole message made safe for a terminal: control characters (newlines, escapes) written
/// as escapes so nothing can start a line of its own, and at most `max` characters.
pub fn terminal(message: &str, max: usize) -> String {
    let escaped: String = message
        .chars()
        .flat_map(|c| {
            let out: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            out
        })
        .collect();
    shorten(&escaped, max)
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max).collect::<String>())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_pass_and_are_normalised() {
        assert_eq!(
            safe_path("f", "k", "./dist/main.js").unwrap(),
            "dist/main.js"
        );
        assert_eq!(safe_path("f", "k", "build/").unwrap(), "build");
        assert_eq!(
            safe_path("f", "k", "@scope/x_y-1.0+b").unwrap(),
            "@scope/x_y-1.0+b"
        );
    }

    #[test]
    fn hostile_paths_are_refused_with_the_reason() {
        let err = safe_path("package.json", "main", "x\"]\nUSER root").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`package.json` field `main` has a value dockgen will not put in a Dockerfile: `x\\\"]\\nUSER root` contains `\"`, which a path in a Dockerfile must not"
        );
        assert!(safe_path("f", "k", "../etc/passwd").is_err());
        assert!(safe_path("f", "k", "/etc/passwd").is_err());
        assert!(safe_path("f", "k", "a b").is_err());
        assert!(safe_path("f", "k", "$HOME").is_err());
        assert!(safe_path("f", "k", "a//b").is_err());
    }

    #[test]
    fn names_and_versions_have_a_shape() {
        assert!(safe_name("f", "name", "@scope/api.v2_x~y").is_ok());
        assert!(safe_name("f", "name", "api #x").is_err());
        assert!(safe_name("f", "name", "a(b)").is_err());
        assert!(is_version("22") && is_version("3.12") && is_version("v1.23.0"));
        assert!(!is_version("22.x; rm") && !is_version("") && !is_version("1.2.3.4"));
    }

    #[test]
    fn messages_cannot_forge_lines_or_flood() {
        assert_eq!(
            terminal("bad\nerror: forged\x1b[31m", 100),
            "bad\\nerror: forged\\u{1b}[31m"
        );
        assert_eq!(terminal(&"x".repeat(5000), 10), "xxxxxxxxxx…");
        assert_eq!(shown(&"y".repeat(100)).chars().count(), 61);
    }

    #[test]
    fn arguments_refuse_control_characters_only() {
        assert_eq!(
            safe_arg("f", "k", "--max-old-space-size=512").unwrap(),
            "--max-old-space-size=512"
        );
        assert_eq!(
            safe_arg("f", "k", "\"quoted\" $x").unwrap(),
            "\"quoted\" $x"
        );
        assert!(safe_arg("f", "k", "a\nRUN x").is_err());
    }
}
