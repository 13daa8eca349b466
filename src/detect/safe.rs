//! Validation of values taken from project files before they can reach a Dockerfile.
//!
//! Project files are untrusted: a script name or path must never be able to add an
//! instruction. Paths are restricted to plain relative names; arguments may hold anything
//! printable (they are JSON-quoted in exec form) but no control characters.

use crate::error::Error;

/// A plain relative path: no `..`, not absolute, only characters that need no quoting.
pub fn safe_path(file: &str, key: &str, value: &str) -> Result<String, Error> {
    let trimmed = value.trim_start_matches("./").trim_end_matches('/');
    let refuse = |reason: &str| Error::UnsafeValue {
        file: file.into(),
        key: key.into(),
        reason: format!("`{}` {reason}", printable(value)),
    };
    if trimmed.is_empty() || trimmed == "." {
        return Err(refuse("is not a file path"));
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

/// An exec-form argument: printable, single line.
pub fn safe_arg(file: &str, key: &str, value: &str) -> Result<String, Error> {
    match value.chars().find(|c| c.is_control()) {
        Some(bad) => Err(Error::UnsafeValue {
            file: file.into(),
            key: key.into(),
            reason: format!("`{}` contains {}", printable(value), describe(bad)),
        }),
        None => Ok(value.to_string()),
    }
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

/// The value as it can be shown on one line of an error message.
fn printable(value: &str) -> String {
    let escaped: String = value.escape_default().collect();
    if escaped.chars().count() > 60 {
        format!("{}…", escaped.chars().take(60).collect::<String>())
    } else {
        escaped
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
