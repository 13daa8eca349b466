//! Read-only view of the project being examined.
//!
//! Detectors read the disk only through here, so every error and every piece of evidence names
//! the file relative to the project root — also when a detector looks inside an app folder
//! (a workspace member): [`Project::at`] opens that folder as a view whose reads are relative to
//! it and whose names stay root-relative. Every read goes through the bounded reader
//! (`reader.rs`: inside the project only, regular files only, capped), and every nested format
//! is refused past a nesting depth before its parser recurses. Nothing here walks the tree
//! unless asked to find folders by pattern, and that walk never enters `node_modules` or `.git`,
//! never follows symlinks, and is bounded.

pub mod reader;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::error::Error;
use crate::plan::Evidence;

/// The deepest `[`/`{` nesting dockgen parses; manifests nest a handful of levels.
pub const MAX_NESTING: usize = 64;

/// Folders a pattern search never enters: installed dependencies and version control.
const NEVER_ENTER: &[&str] = &["node_modules", ".git"];

/// How deep a `**` pattern may reach, and how many entries one search may visit.
const MAX_DEPTH: usize = 8;
const MAX_VISITS: usize = 200_000;

#[derive(Debug)]
struct Root {
    /// Absolute, symlink-free path used for every read.
    real: PathBuf,
    /// The path as the user named it, for messages.
    shown: PathBuf,
}

/// A project directory, or a folder inside it.
#[derive(Debug, Clone)]
pub struct Project {
    root: Arc<Root>,
    /// The folder this view looks at, relative to the root, with a trailing `/`; empty at the root.
    base: String,
}

impl Project {
    /// Opens `path`, which must be an existing directory.
    pub fn open(path: &Path) -> Result<Self, Error> {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(Error::NotADirectory {
                    path: path.to_path_buf(),
                })
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(Error::PathNotFound {
                    path: path.to_path_buf(),
                })
            }
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
        let real = std::fs::canonicalize(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Project {
            root: Arc::new(Root {
                real,
                shown: path.to_path_buf(),
            }),
            base: String::new(),
        })
    }

    /// The project root as the user named it.
    pub fn shown(&self) -> &Path {
        &self.root.shown
    }

    /// A view of the folder `dir` (relative to this view): reads are relative to it, names in
    /// errors and evidence stay relative to the project root.
    #[must_use]
    pub fn at(&self, dir: &str) -> Project {
        let dir = dir.trim_matches('/');
        let base = if dir.is_empty() || dir == "." {
            self.base.clone()
        } else {
            format!("{}{dir}/", self.base)
        };
        Project {
            root: Arc::clone(&self.root),
            base,
        }
    }

    /// The project root, for files a member shares with it (lockfiles, version files).
    #[must_use]
    pub fn repo(&self) -> Project {
        Project {
            root: Arc::clone(&self.root),
            base: String::new(),
        }
    }

    /// This view's folder relative to the root; `None` at the root.
    pub fn dir(&self) -> Option<&str> {
        (!self.base.is_empty()).then(|| self.base.trim_end_matches('/'))
    }

    /// `rel` (relative to this view) named relative to the project root.
    pub fn name(&self, rel: &str) -> String {
        format!("{}{}", self.base, rel.trim_start_matches("./"))
    }

    /// Evidence from `rel`, named relative to the project root.
    pub fn evidence(&self, rel: &str, key: Option<&str>, note: impl Into<String>) -> Evidence {
        Evidence::file(&self.name(rel), key, note)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.real.join(&self.base).join(rel)
    }

    /// What `rel` is, with symlinks followed while they stay inside the project.
    fn entry(&self, rel: &str) -> reader::Entry {
        // A name that climbs out (`../x`) is outside the project whatever is there.
        if rel.starts_with('/') || rel.split('/').any(|part| part == "..") {
            return reader::Entry::Refused("leaves the project".into());
        }
        reader::resolve(&self.root.real, &self.path(rel))
    }

    /// True when `rel` is a regular file inside the project.
    pub fn is_file(&self, rel: &str) -> bool {
        matches!(self.entry(rel), reader::Entry::File(_))
    }

    /// True when `rel` is a directory inside the project.
    pub fn is_dir(&self, rel: &str) -> bool {
        matches!(self.entry(rel), reader::Entry::Dir(_))
    }

    /// True when something dockgen may look at is at `rel`.
    pub fn exists(&self, rel: &str) -> bool {
        matches!(
            self.entry(rel),
            reader::Entry::File(_) | reader::Entry::Dir(_)
        )
    }

    /// The names of the entries in folder `rel` that are folders (`dirs`) or files, sorted;
    /// empty when `rel` is not a folder.
    pub fn list(&self, rel: &str, dirs: bool) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.path(rel)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() == dirs))
            .filter_map(|e| e.file_name().into_string().ok())
            .take(MAX_VISITS)
            .collect();
        names.sort();
        names
    }

    /// The text of `rel`, or `None` when it does not exist (or is a folder). A file dockgen
    /// will not read (outside the project, special, too large) is an error naming it.
    pub fn read(&self, rel: &str) -> Result<Option<String>, Error> {
        let file = match self.entry(rel) {
            reader::Entry::Missing | reader::Entry::Dir(_) => return Ok(None),
            reader::Entry::Refused(reason) => {
                return Err(Error::Refused {
                    file: self.name(rel),
                    reason,
                })
            }
            reader::Entry::File(path) => path,
        };
        let bytes = reader::read_capped(&file, &self.name(rel))?;
        // Editors on Windows often save a byte-order mark; npm and tsc ignore it, so do we.
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        String::from_utf8(bytes).map(Some).map_err(|e| {
            let (line, column) = line_col(&e.as_bytes()[..e.utf8_error().valid_up_to()]);
            Error::Parse {
                file: self.name(rel),
                line,
                column,
                message: "invalid UTF-8".into(),
            }
        })
    }

    /// The text of `rel` for a parser that recurses on nesting: refused past [`MAX_NESTING`].
    fn read_nested(&self, rel: &str) -> Result<Option<String>, Error> {
        let Some(text) = self.read(rel)? else {
            return Ok(None);
        };
        if let Some((line, column)) = reader::nesting_exceeds(&text, MAX_NESTING) {
            return Err(Error::Parse {
                file: self.name(rel),
                line,
                column,
                message: format!("nested more than {MAX_NESTING} levels deep"),
            });
        }
        Ok(Some(text))
    }

    /// `rel` parsed as strict JSON (package.json, package-lock.json).
    pub fn read_json(&self, rel: &str) -> Result<Option<Value>, Error> {
        let Some(text) = self.read_nested(rel)? else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::Parse {
                file: self.name(rel),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })
    }

    /// `rel` parsed as JSON with comments and trailing commas (tsconfig.json).
    pub fn read_jsonc(&self, rel: &str) -> Result<Option<Value>, Error> {
        let Some(text) = self.read_nested(rel)? else {
            return Ok(None);
        };
        jsonc_parser::parse_to_serde_value::<Value>(&text, &jsonc_parser::ParseOptions::default())
            .map(Some)
            .map_err(|e| {
                let (line, column) = line_col(&text.as_bytes()[..e.range().start.min(text.len())]);
                Error::Parse {
                    file: self.name(rel),
                    line,
                    column,
                    message: e.kind().to_string(),
                }
            })
    }

    /// `rel` parsed as TOML (Cargo.toml, pyproject.toml).
    pub fn read_toml(&self, rel: &str) -> Result<Option<toml::Table>, Error> {
        let Some(text) = self.read_nested(rel)? else {
            return Ok(None);
        };
        text.parse::<toml::Table>().map(Some).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |span| line_col(&text.as_bytes()[..span.start]));
            Error::Parse {
                file: self.name(rel),
                line,
                column,
                message: e.message().to_string(),
            }
        })
    }

    /// `rel` parsed as YAML (pnpm-workspace.yaml).
    pub fn read_yaml(&self, rel: &str) -> Result<Option<serde_yaml_ng::Value>, Error> {
        let Some(text) = self.read_nested(rel)? else {
            return Ok(None);
        };
        serde_yaml_ng::from_str(&text).map(Some).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            Error::Parse {
                file: self.name(rel),
                line,
                column,
                message: e.to_string(),
            }
        })
    }

    /// Folders (relative to this view) matching any of `include` and none of `exclude`, sorted.
    ///
    /// Patterns are globs (`packages/*`, `apps/**`, `packages/{api,web}`); `*` stays within one
    /// path segment. The search starts at each pattern's literal prefix, never follows
    /// symlinks, never enters `node_modules` or `.git`, and is bounded in depth and visits.
    pub fn find_dirs(&self, include: &[&str], exclude: &[&str]) -> Result<Vec<String>, String> {
        let build = |patterns: &[&str]| {
            let mut set = globset::GlobSetBuilder::new();
            for pattern in patterns {
                let glob = globset::GlobBuilder::new(pattern.trim_end_matches('/'))
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("`{pattern}`: {}", e.kind()))?;
                set.add(glob);
            }
            set.build().map_err(|e| e.to_string())
        };
        let (includes, excludes) = (build(include)?, build(exclude)?);
        let base = self.root.real.join(&self.base);
        let mut found = std::collections::BTreeSet::new();
        let mut visits = 0;
        for pattern in include {
            let pattern = pattern.trim_end_matches('/');
            let segments: Vec<&str> = pattern.split('/').collect();
            let literal: Vec<&str> = segments
                .iter()
                .take_while(|s| !s.contains(['*', '?', '[', '{']))
                .copied()
                .collect();
            let depth = if pattern.contains("**") {
                MAX_DEPTH
            } else {
                segments.len() - literal.len()
            };
            let start = base.join(literal.join("/"));
            let walk = walkdir::WalkDir::new(&start)
                .follow_links(false)
                .max_depth(depth)
                .into_iter()
                .filter_entry(|e| {
                    e.file_type().is_dir()
                        && !NEVER_ENTER.contains(&e.file_name().to_str().unwrap_or(""))
                });
            for entry in walk.flatten() {
                visits += 1;
                if visits > MAX_VISITS {
                    return Err(format!(
                        "`{pattern}` matches more than {MAX_VISITS} folders"
                    ));
                }
                let Ok(rel) = entry.path().strip_prefix(&base) else {
                    continue;
                };
                let Some(rel) = rel.to_str() else { continue };
                if rel.is_empty() || !includes.is_match(rel) {
                    continue;
                }
                // `dir/**` excludes `dir` itself as well, as pnpm and npm read it.
                if excludes.is_match(rel) || excludes.is_match(format!("{rel}/-")) {
                    continue;
                }
                found.insert(rel.to_string());
            }
        }
        Ok(found.into_iter().collect())
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
    fn a_view_names_files_from_the_root() {
        let dir = tempdir();
        std::fs::create_dir_all(dir.join("packages/api")).unwrap();
        std::fs::write(dir.join("packages/api/package.json"), "{,}").unwrap();
        let project = Project::open(&dir).unwrap();
        let api = project.at("packages/api");
        assert_eq!(api.dir(), Some("packages/api"));
        assert_eq!(api.repo().dir(), None);
        let err = api.read_json("package.json").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("failed to parse `packages/api/package.json` at line 1"),
            "{err}"
        );
        assert_eq!(
            api.evidence("src/x.js", None, "n").source,
            "packages/api/src/x.js"
        );
    }

    #[test]
    fn find_dirs_expands_braces_and_negations_without_entering_node_modules() {
        let dir = tempdir();
        for d in [
            "packages/api",
            "packages/web",
            "packages/test/x",
            "apps/a/b",
            "node_modules/packages/api",
            "packages/api/node_modules/z",
        ] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        let project = Project::open(&dir).unwrap();
        assert_eq!(
            project.find_dirs(&["packages/{api,web}"], &[]).unwrap(),
            ["packages/api", "packages/web"]
        );
        assert_eq!(
            project.find_dirs(&["packages/*"], &["**/test/**"]).unwrap(),
            ["packages/api", "packages/web"]
        );
        assert_eq!(
            project.find_dirs(&["apps/**"], &[]).unwrap(),
            ["apps/a", "apps/a/b"]
        );
        assert!(project.find_dirs(&["packages/[a"], &[]).is_err());
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

    #[test]
    fn toml_errors_carry_line_and_column() {
        let dir = tempdir();
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \n").unwrap();
        let err = Project::open(&dir)
            .unwrap()
            .read_toml("Cargo.toml")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("failed to parse `Cargo.toml` at line 2, column"),
            "{err}"
        );
    }

    pub(crate) fn tempdir() -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dockgen-project-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
