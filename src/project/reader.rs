//! The one bounded reader every project file goes through.
//!
//! A project is untrusted input: a cloned repository, a template, a pull request. So a read
//! follows symlinks only while they stay inside the project, opens regular files only (never a
//! FIFO, a device or a socket, which could block or never end), and stops at a byte cap counted
//! while reading — a file's reported size is not trusted (`/proc` files report 0).

use std::io::{ErrorKind, Read as _};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Files larger than this are not project manifests.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What is at a project path, once symlinks inside the project are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Missing,
    File(PathBuf),
    Dir(PathBuf),
    /// Something dockgen will not read; the reason completes "`<file>` …".
    Refused(String),
}

/// Resolves `path` (inside `root`, which is canonical) without reading it.
pub fn resolve(root: &Path, path: &Path) -> Entry {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Entry::Missing,
        Err(e) => return Entry::Refused(format!("cannot be examined: {e}")),
    };
    let real = match std::fs::canonicalize(path) {
        Ok(real) => real,
        // A dangling symlink names nothing.
        Err(e) if e.kind() == ErrorKind::NotFound => return Entry::Missing,
        Err(e) if e.raw_os_error() == Some(40) => {
            return Entry::Refused("is a symlink loop".into());
        }
        Err(e) => return Entry::Refused(format!("cannot be resolved: {e}")),
    };
    if !real.starts_with(root) {
        let what = if meta.file_type().is_symlink() {
            "is a symlink"
        } else {
            "lies in a folder that is a symlink"
        };
        return Entry::Refused(format!(
            "{what} to a path outside the project; dockgen reads only files inside it"
        ));
    }
    match std::fs::metadata(&real) {
        Ok(m) if m.is_file() => Entry::File(real),
        Ok(m) if m.is_dir() => Entry::Dir(real),
        Ok(_) => Entry::Refused(
            "is not a regular file (a FIFO, socket or device); dockgen reads only regular files"
                .into(),
        ),
        Err(e) => Entry::Refused(format!("cannot be examined: {e}")),
    }
}

/// The bytes of the regular file at `real` (from [`resolve`]), at most [`MAX_FILE_BYTES`].
/// `name` is the root-relative name errors use.
pub fn read_capped(real: &Path, name: &str) -> Result<Vec<u8>, Error> {
    let refused = |reason: String| Error::Refused {
        file: name.to_string(),
        reason,
    };
    let file = std::fs::File::open(real).map_err(|e| refused(format!("cannot be read: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refused(format!("cannot be read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refused(format!(
            "is larger than the {} MiB dockgen reads from one file",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    Ok(bytes)
}

/// The deepest nesting of `[`/`{` outside strings; stops counting past `limit`. JSON, JSON5,
/// YAML flow style and TOML all nest this way, and their parsers recurse on it, so a deep
/// file could overflow the stack (or, for YAML, take quadratic time) before it fails.
pub fn nesting_exceeds(text: &str, limit: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let (mut line, mut column) = (1, 0);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q || c == '\n' {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' | '{' => {
                depth += 1;
                if depth > limit {
                    return Some((line, column));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_outside_strings_only() {
        assert_eq!(nesting_exceeds(r#"{"a": [[1]], "b": "[[[[[["}"#, 3), None);
        assert_eq!(nesting_exceeds("[[[[", 3), Some((1, 4)));
        assert_eq!(nesting_exceeds("a: '[[[['\nb: [[[\n  [", 3), Some((3, 3)));
        assert_eq!(nesting_exceeds(r#""\"[[[[""#, 2), None);
    }
}
