//! Writing into the project: the Dockerfile (never clobbered without `--force`, never half
//! written) and the .dockerignore (merged: the user's lines stay, missing ones are appended).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The marker above the lines dockgen appends to an existing .dockerignore.
pub const MARKER: &str = "# Added by dockgen";

/// What happened to each file.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Created,
    Overwritten,
    /// .dockerignore existed; this many lines were added.
    Merged(usize),
    Unchanged,
}

/// Writes `contents` to `dir/Dockerfile`, refusing to replace an existing one unless `force`.
pub fn write_dockerfile(dir: &Path, contents: &str, force: bool) -> Result<Written, Error> {
    let path = dir.join("Dockerfile");
    let existed = path.symlink_metadata().is_ok();
    if existed && !force {
        return Err(Error::FileExists { path });
    }
    atomic_write(&path, contents)?;
    Ok(if existed {
        Written::Overwritten
    } else {
        Written::Created
    })
}

/// Writes or merges `dir/.dockerignore`.
pub fn write_dockerignore(dir: &Path, generated: &str) -> Result<Written, Error> {
    let path = dir.join(".dockerignore");
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            atomic_write(&path, generated)?;
            return Ok(Written::Created);
        }
        Err(source) => return Err(Error::Read { path, source }),
    };
    let merged = merge(&existing, generated);
    if merged.added == 0 {
        return Ok(Written::Unchanged);
    }
    atomic_write(&path, &merged.text)?;
    Ok(Written::Merged(merged.added))
}

pub struct Merged {
    pub text: String,
    pub added: usize,
}

/// Appends the generated patterns the user's file lacks. A pattern the user re-includes
/// (`!pattern`) is left out: the last matching line wins, so appending it would undo theirs.
pub fn merge(existing: &str, generated: &str) -> Merged {
    let have: std::collections::BTreeSet<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<&str> = generated
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| !have.contains(l) && !have.contains(format!("!{l}").as_str()))
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

/// Writes beside the target and renames over it, so a crash never leaves half a file.
fn atomic_write(path: &Path, contents: &str) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.dockgen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        Error::Write {
            path: path.to_path_buf(),
            source,
        }
    })
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
