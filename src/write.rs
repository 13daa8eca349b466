//! Writing into the project, as one transaction: every file (Dockerfile, .dockerignore, and
//! `dockgen.toml` when there are answers to keep) is prepared and checked first — existing
//! files read through the bounded reader, symlinks resolved, the user's choices applied — then
//! written to temporary files beside their targets, then renamed into place back to back with
//! Ctrl-C deferred, so an interrupted run leaves the old files or the new ones, never half a
//! file. Each file keeps its mode.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::error::Error;
use crate::project::reader::{self, Entry};

/// The marker above the lines dockgen appends to an existing .dockerignore.
pub const MARKER: &str = "# Added by dockgen";

/// What happened to each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    Overwritten,
    /// .dockerignore existed; this many lines were added.
    Merged(usize),
    Unchanged,
    /// The user chose to keep their file.
    Skipped,
}

/// What to do with a file that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChoice {
    Write,
    Skip,
}

/// A file that exists and would change, for the wizard, `--dry-run` and `--check`.
#[derive(Debug, Clone)]
pub struct Existing {
    pub name: &'static str,
    /// Merged (lines appended) rather than replaced.
    pub merge: bool,
    /// Lines a merge adds.
    pub added: usize,
    /// The unified diff from the file on disk to what would be written.
    pub diff: String,
}

/// One file ready to be written.
#[derive(Debug)]
struct Pending {
    name: &'static str,
    /// Where the bytes go (a symlink inside the project is resolved to its target).
    target: PathBuf,
    contents: String,
    /// The file on disk now, if any.
    old: Option<String>,
    /// The existing file's permissions, kept.
    mode: Option<std::fs::Permissions>,
    outcome: Written,
}

/// The files `init` writes, checked and ready.
#[derive(Debug)]
pub struct Transaction {
    files: Vec<Pending>,
}

impl Transaction {
    /// Checks and prepares the Dockerfile, the .dockerignore and (when there are answers to
    /// keep) `dockgen.toml` for `dir`; writes nothing.
    pub fn prepare(
        dir: &Path,
        dockerfile: &str,
        dockerignore: &str,
        saved: Option<&str>,
    ) -> Result<Self, Error> {
        let root = std::fs::canonicalize(dir).map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut files = Vec::new();
        let mut wanted = vec![("Dockerfile", dockerfile.to_string(), false)];
        wanted.push((".dockerignore", dockerignore.to_string(), true));
        if let Some(saved) = saved {
            wanted.push((crate::config::SAVED, saved.to_string(), false));
        }
        for (name, contents, merge) in wanted {
            let (target, existing) = locate(&root, dir, name)?;
            let (contents, outcome) = match &existing {
                None => (contents, Written::Created),
                Some((text, _)) if merge => {
                    let merged = crate::write::merge(text, &contents);
                    let outcome = if merged.added == 0 {
                        Written::Unchanged
                    } else {
                        Written::Merged(merged.added)
                    };
                    (merged.text, outcome)
                }
                Some((text, _)) if *text == contents => (contents, Written::Unchanged),
                Some(_) => (contents, Written::Overwritten),
            };
            let (old, mode) = existing.map_or((None, None), |(t, m)| (Some(t), Some(m)));
            files.push(Pending {
                name,
                target,
                contents,
                old,
                mode,
                outcome,
            });
        }
        Ok(Transaction { files })
    }

    /// An existing Dockerfile is replaced only when the user said so.
    pub fn require_force(&self, dir: &Path, force: bool) -> Result<(), Error> {
        let exists = self
            .files
            .iter()
            .any(|f| f.name == "Dockerfile" && f.old.is_some());
        if exists && !force {
            return Err(Error::FileExists {
                path: dir.join("Dockerfile"),
            });
        }
        Ok(())
    }

    /// The files that exist and would change, with their diffs.
    pub fn existing(&self) -> Vec<Existing> {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, Written::Overwritten | Written::Merged(_)))
            .map(|f| Existing {
                name: f.name,
                merge: matches!(f.outcome, Written::Merged(_)),
                added: match f.outcome {
                    Written::Merged(n) => n,
                    _ => 0,
                },
                diff: crate::diff::unified(f.name, f.old.as_deref().unwrap_or(""), &f.contents),
            })
            .collect()
    }

    /// What `--check` reports: each generated file that is missing or differs, with its diff.
    /// The saved answers are an input, not an output, so they are never drift.
    pub fn drift(&self) -> Vec<(&'static str, String)> {
        self.files
            .iter()
            .filter(|f| f.name != crate::config::SAVED && f.outcome != Written::Unchanged)
            .map(|f| {
                (
                    f.name,
                    crate::diff::unified(f.name, f.old.as_deref().unwrap_or(""), &f.contents),
                )
            })
            .collect()
    }

    /// Every file with its new contents and whether it changes, for `--dry-run`.
    pub fn preview(&self) -> Vec<(&'static str, Written, String)> {
        self.files
            .iter()
            .map(|f| {
                let shown = if f.old.is_some() {
                    crate::diff::unified(f.name, f.old.as_deref().unwrap_or(""), &f.contents)
                } else {
                    f.contents.clone()
                };
                (f.name, f.outcome, shown)
            })
            .collect()
    }

    /// Applies the user's choices to the existing files, in `existing()` order.
    pub fn choose(&mut self, choices: &[FileChoice]) {
        let mut choices = choices.iter();
        for file in self
            .files
            .iter_mut()
            .filter(|f| matches!(f.outcome, Written::Overwritten | Written::Merged(_)))
        {
            if choices.next() == Some(&FileChoice::Skip) {
                file.outcome = Written::Skipped;
            }
        }
    }

    /// Writes every file: temporary files first, then the renames, back to back.
    pub fn commit(self) -> Result<Vec<(&'static str, Written)>, Error> {
        let outcomes: Vec<(&'static str, Written)> =
            self.files.iter().map(|f| (f.name, f.outcome)).collect();
        let mut staged = Vec::new();
        for file in self
            .files
            .iter()
            .filter(|f| !matches!(f.outcome, Written::Unchanged | Written::Skipped))
        {
            match stage(file) {
                Ok(tmp) => staged.push((tmp, &file.target)),
                Err(error) => {
                    for (tmp, _) in &staged {
                        let _ = std::fs::remove_file(tmp);
                    }
                    return Err(error);
                }
            }
        }
        // Ctrl-C between the renames would leave one new file beside one old one: defer it.
        let interrupted = Arc::new(AtomicBool::new(false));
        let guards: Vec<_> = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]
            .into_iter()
            .filter_map(|sig| signal_hook::flag::register(sig, Arc::clone(&interrupted)).ok())
            .collect();
        let mut result = Ok(());
        for (tmp, target) in &staged {
            if result.is_err() {
                let _ = std::fs::remove_file(tmp);
                continue;
            }
            if let Err(source) = std::fs::rename(tmp, target) {
                let _ = std::fs::remove_file(tmp);
                result = Err(Error::Write {
                    path: (*target).clone(),
                    source,
                });
            }
        }
        for guard in guards {
            signal_hook::low_level::unregister(guard);
        }
        if interrupted.load(Ordering::SeqCst) {
            return Err(Error::Cancelled);
        }
        result.map(|()| outcomes)
    }
}

/// Where `name` in `dir` is written, and its current text and mode if it exists. A symlink
/// inside the project is followed; one leaving it, a folder, a FIFO or a device is refused.
fn locate(
    root: &Path,
    dir: &Path,
    name: &str,
) -> Result<(PathBuf, Option<(String, std::fs::Permissions)>), Error> {
    let path = root.join(name);
    let refused = |reason: String| Error::Refused {
        file: dir.join(name).display().to_string(),
        reason,
    };
    match reader::resolve(root, &path) {
        Entry::Missing => {
            // A dangling symlink would be replaced by the rename; writing through it is not ours.
            if path.symlink_metadata().is_ok() {
                return Err(refused(
                    "is a symlink to nothing; remove it or point it at a file inside the project"
                        .into(),
                ));
            }
            Ok((path, None))
        }
        Entry::Dir(_) => Err(refused("is a folder, not a file".into())),
        Entry::Refused(reason) => Err(refused(reason)),
        Entry::File(real) => {
            let mode = std::fs::metadata(&real)
                .map_err(|source| Error::Read {
                    path: real.clone(),
                    source,
                })?
                .permissions();
            let bytes = reader::read_capped(&real, name)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| refused("is not UTF-8 text; dockgen merges only text".into()))?;
            Ok((real, Some((text, mode))))
        }
    }
}

/// Writes `file` to a new temporary file beside its target, with its mode, synced.
fn stage(file: &Pending) -> Result<PathBuf, Error> {
    let dir = file.target.parent().unwrap_or(Path::new("."));
    let name = file
        .target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.dockgen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        out.write_all(file.contents.as_bytes())?;
        if let Some(mode) = &file.mode {
            out.set_permissions(mode.clone())?;
        }
        out.sync_all()
    })();
    result.map(|()| tmp.clone()).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        Error::Write {
            path: file.target.clone(),
            source,
        }
    })
}

pub struct Merged {
    pub text: String,
    pub added: usize,
}

/// Appends the generated patterns the user's file lacks. A pattern is left out when the user
/// re-includes (`!pattern`) something it matches: the last matching line wins, so appending it
/// would undo theirs (`.env*` + `!.env.example`, then `**/.env.*` would exclude it again).
pub fn merge(existing: &str, generated: &str) -> Merged {
    let have: std::collections::BTreeSet<&str> = existing.lines().map(str::trim).collect();
    let negations: Vec<&str> = existing
        .lines()
        .filter_map(|l| l.trim().strip_prefix('!'))
        .map(|p| p.trim_start_matches('/'))
        .collect();
    let undoes = |pattern: &str| {
        let Ok(glob) = globset::Glob::new(pattern.trim_start_matches('/')) else {
            return false;
        };
        let matcher = glob.compile_matcher();
        negations
            .iter()
            .any(|n| n.trim_start_matches("**/") == pattern || matcher.is_match(n))
    };
    let missing: Vec<&str> = generated
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| !have.contains(l) && !undoes(l))
        .collect();
    let mut text = existing.to_string();
    if missing.is_empty() {
        return Merged { text, added: 0 };
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !have.contains(MARKER) {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(MARKER);
        text.push('\n');
    }
    for line in &missing {
        text.push_str(line);
        text.push('\n');
    }
    Merged {
        text,
        added: missing.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_user_lines_and_appends_missing_under_the_marker() {
        let merged = merge(
            "node_modules\n!.env.example\n",
            "# c\nnode_modules\n.git\n.env.example\n",
        );
        assert_eq!(
            merged.text,
            "node_modules\n!.env.example\n\n# Added by dockgen\n.git\n"
        );
        assert_eq!(merged.added, 1);
    }

    #[test]
    fn merge_never_re_excludes_what_the_user_re_included() {
        let merged = merge(".env*\n!.env.example\n", "**/.env\n**/.env.*\n.git\n");
        assert_eq!(
            merged.text,
            ".env*\n!.env.example\n\n# Added by dockgen\n**/.env\n.git\n"
        );
    }

    #[test]
    fn merge_twice_adds_nothing() {
        let once = merge("a", "a\nb\n");
        assert_eq!(once.text, "a\n\n# Added by dockgen\nb\n");
        let twice = merge(&once.text, "a\nb\n");
        assert_eq!(twice.added, 0);
        assert_eq!(twice.text, once.text);
    }

    #[test]
    fn merge_reuses_an_existing_marker() {
        let merged = merge("a\n\n# Added by dockgen\nb\n", "a\nb\nc\n");
        assert_eq!(merged.text, "a\n\n# Added by dockgen\nb\nc\n");
    }
}
