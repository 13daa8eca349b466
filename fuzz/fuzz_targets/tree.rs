//! A small project tree encoded in one byte string, shared by the fuzz targets and their seeds.
//!
//! Records are separated by `\0\x01`; a record is a path line, then the file's bytes. Paths
//! are kept to plain relative names inside the tree, so the fuzzer explores file contents and
//! layouts, never the host's filesystem.

use std::path::{Path, PathBuf};

/// A scratch folder on a tmpfs when there is one: thousands of trees a second.
pub fn scratch(name: &str) -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!("dockgen-fuzz-{name}-{}", std::process::id()))
}

/// Writes the tree `data` encodes into `dir` (emptied first); returns how many files it wrote.
pub fn write(dir: &Path, data: &[u8]) -> usize {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut written = 0;
    for record in data.split(|&b| b == 0).filter(|r| r.first() == Some(&1)) {
        let record = &record[1..];
        let (path, contents) = match record.iter().position(|&b| b == b'\n') {
            Some(i) => (&record[..i], &record[i + 1..]),
            None => (record, &[][..]),
        };
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        let plain = !path.is_empty()
            && path.len() < 100
            && path
                .split('/')
                .all(|p| !p.is_empty() && p != "." && p != "..")
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-@/".contains(c));
        if !plain {
            continue;
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            if std::fs::create_dir_all(parent).is_err() {
                continue;
            }
        }
        if std::fs::write(&target, contents).is_ok() {
            written += 1;
        }
    }
    written
}
