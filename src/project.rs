//! Read-only view of the project being examined.
//!
//! Detectors read the disk only through here, so every error names the project-relative file.
//! Nothing here walks the tree: detectors ask for the files they need by name, which keeps
//! detection fast whatever sits in `node_modules`, `.git` or `target`.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Error;

/// Files larger than this are not project manifests; refusing them keeps hostile input cheap.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A project directory.
#[derive(Debug, Clone)]
pub struct Project {
    root: PathBuf,
}

impl Project {
    /// Opens `path`, which must be an existing directory.
    pub fn open(path: &Path) -> Result<Self, Error> {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Ok(Project {
                root: path.to_path_buf(),
            }),
            Ok(_) => Err(Error::NotADirectory {
                path: path.to_path_buf(),
            }),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(Error::PathNotFound {
                path: path.to_path_buf(),
            }),
            Err(source) => Err(Error::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// True when `rel` exists as a regular file.
    pub fn is_file(&self, rel: &str) -> bool {
        self.root.join(rel).is_file()
    }

    /// True when `rel` exists as a directory.
    pub fn is_dir(&self, rel: &str) -> bool {
        self.root.join(rel).is_dir()
    }

    /// True when `rel` exists at all.
    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).exists()
    }

    /// The text of `rel`, or `None` when it does not exist.
    pub fn read(&self, rel: &str) -> Result<Option<String>, Error> {
        let path = self.root.join(rel);
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Read { path, source }),
        };
        if !meta.is_file() {
            return Ok(None);
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::Parse {
                file: rel.to_string(),
                line: 1,
                column: 1,
                message: format!("file is {} bytes, larger than dockgen reads", meta.len()),
            });
        }
        let bytes = std::fs::read(&path).map_err(|source| Error::Read { path, source })?;
        // Editors on Windows often save a byte-order mark; npm and tsc ignore it, so do we.
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        String::from_utf8(bytes).map(Some).map_err(|e| {
            let (line, column) = line_col(&e.as_bytes()[..e.utf8_error().valid_up_to()]);
            Error::Parse {
                file: rel.to_string(),
                line,
                column,
                message: "invalid UTF-8".into(),
            }
        })
    }

    /// `rel` parsed as strict JSON (package.json, package-lock.json).
    pub fn read_json(&self, rel: &str) -> Result<Option<Value>, Error> {
        let Some(text) = self.read(rel)? else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::Parse {
                file: rel.to_string(),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })
    }

    /// `rel` parsed as JSON with comments and trailing commas (tsconfig.json).
    pub fn read_jsonc(&self, rel: &str) -> Result<Option<Value>, Error> {
        let Some(text) = self.read(rel)? else {
            return Ok(None);
        };
        json5::from_str(&text).map(Some).map_err(|e| {
            let (line, column) = match &e {
                json5::Error::Message {
                    location: Some(l), ..
                } => (l.line, l.column),
                json5::Error::Message { location: None, .. } => (1, 1),
            };
            Error::Parse {
                file: rel.to_string(),
                line,
                column,
                message: strip_position(&e.to_string()),
            }
        })
    }
}

/// `serde_json` appends " at line L column C"; the error already carries both.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn line_col(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = prefix.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_carry_line_and_column() {
        let dir = tempdir();
        std::fs::write(
            dir.join("package.json"),
            "{\n  \"name\": \"x\"\n  \"version\": \"1\"\n}\n",
        )
        .unwrap();
        let err = Project::open(&dir)
            .unwrap()
            .read_json("package.json")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to parse `package.json` at line 3, column 3: expected `,` or `}`"
        );
    }

    #[test]
    fn jsonc_accepts_comments_and_trailing_commas() {
        let dir = tempdir();
        std::fs::write(dir.join("tsconfig.json"), "{ // c\n \"a\": 1, /* d */\n}").unwrap();
        let value = Project::open(&dir)
            .unwrap()
            .read_jsonc("tsconfig.json")
            .unwrap()
            .unwrap();
        assert_eq!(value["a"], 1);
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let dir = tempdir();
        std::fs::write(dir.join("package.json"), b"\xEF\xBB\xBF{\"a\": 1}").unwrap();
        let value = Project::open(&dir)
            .unwrap()
            .read_json("package.json")
            .unwrap()
            .unwrap();
        assert_eq!(value["a"], 1);
    }

    #[test]
    fn invalid_utf8_is_a_parse_error() {
        let dir = tempdir();
        std::fs::write(dir.join("x"), b"ab\ncd\xff").unwrap();
        let err = Project::open(&dir).unwrap().read("x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to parse `x` at line 2, column 3: invalid UTF-8"
        );
    }

    fn tempdir() -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dockgen-project-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
