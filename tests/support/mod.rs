//! Shared helpers: fixture copies, a hermetic command, and a structural Dockerfile lint.

pub mod lint;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `tests/fixtures/<name>` into a fresh temporary directory.
pub fn fixture_copy(name: &str) -> assert_fs::TempDir {
    let dir = assert_fs::TempDir::new().unwrap();
    copy_dir(&root().join("tests/fixtures").join(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `dockgen` with no inherited configuration and no terminal.
pub fn dockgen() -> Command {
    let mut cmd = Command::cargo_bin("dockgen").unwrap();
    for (key, _) in std::env::vars() {
        if key.starts_with("DOCKGEN_") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("NO_COLOR").write_stdin("");
    cmd
}

/// Runs `dockgen ARGS DIR` and waits for it.
pub fn run(args: &[&str], dir: &Path) -> std::process::Output {
    dockgen().args(args).arg(dir).output().unwrap()
}

/// Exit code, stdout and stderr as one text, with `dir` replaced by `[DIR]`.
pub fn transcript(output: &std::process::Output, dir: &Path) -> String {
    let clean =
        |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&dir.display().to_string(), "[DIR]");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".into(), |c| c.to_string()),
        clean(&output.stdout),
        clean(&output.stderr)
    )
}
