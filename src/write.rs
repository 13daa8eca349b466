//! Writing into the project, as one transaction: both files are prepared and checked first
//! (the existing .dockerignore read through the bounded reader, symlinks resolved, `--force`
//! honoured), then written to temporary files beside their targets, then renamed into place
//! back to back with Ctrl-C deferred, so an interrupted run leaves the old files or the new
//! ones, never half a file. Each file keeps its mode.

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
}

/// One file ready to be written.
#[derive(Debug)]
struct Pending {
    /// Where the bytes go (a symlink inside the project is resolved to its target).
    target: PathBuf,
    contents: String,
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
    /// Checks and prepares the Dockerfile and .dockerignore for `dir`; writes nothing.
    pub fn prepare(
        dir: &Path,
        dockerfile: &str,
        dockerignore: &str,
        force: bool,
    ) -> Result<Self, Error> {
        let root = std::fs::canonicalize(dir).map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let (target, existing) = locate(&root, dir, "Dockerfile")?;
        if existing.is_some() && !force {
            return Err(Error::FileExists {
                path: dir.join("Dockerfile"),
            });
        }
        let docker = Pending {
            mode: existing.as_ref().map(|(_, mode)| mode.clone()),
            outcome: if existing.is_some() {
                Written::Overwritten
            } else {
                Written::Created
            },
            target,
            contents: dockerfile.to_string(),
        };
        let (target, existing) = locate(&root, dir, ".dockerignore")?;
        let ignore = match existing {
            None => Pending {
                target,
                contents: dockerignore.to_string(),
                mode: None,
                outcome: Written::Created,
            },
            Some((text, mode)) => {
                let merged = merge(&text, dockerignore);
                Pending {
                    target,
                    outcome: if merged.added == 0 {
                        Written::Unchanged
                    } else {
                        Written::Merged(merged.added)
                    },
                    contents: merged.text,
                    mode: Some(mode),
                }
            }
        };
        Ok(Transaction {
            files: vec![docker, ignore],
        })
    }

    /// Writes every file: temporary files first, then the renames, back to back.
    pub fn commit(self) -> Result<[Written; 2], Error> {
        let outcomes = [self.files[0].outcome, self.files[1].outcome];
        let mut staged = Vec::new();
        for file in self
            .files
            .iter()
            .filter(|f| f.outcome != Written::Unchanged)
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
