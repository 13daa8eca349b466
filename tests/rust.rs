//! Rust: `cargo metadata` and the static Cargo.toml reading give the same plan; cargo never
//! climbs out of a fixture, never writes into the project, and never runs inside it.

use std::path::Path;

use crate::support::{dockgen, fixture_copy, root};

fn rust_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| {
            root()
                .join("tests/fixtures")
                .join(n)
                .join("Cargo.toml")
                .is_file()
        })
        .collect();
    names.sort();
    names
}

/// `dockgen ARGS` on `dir` with `DOCKGEN_CARGO` set to `cargo` (`None`: the default).
fn run(dir: &Path, args: &[&str], cargo: Option<&str>) -> (Option<i32>, String, String) {
    let mut command = dockgen();
    command.args(args).arg(dir);
    if let Some(cargo) = cargo {
        command.env("DOCKGEN_CARGO", cargo);
    }
    let out = command.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The plan without the two values that say how the targets were read.
fn without_source(json: &str) -> serde_json::Value {
    let mut plan: serde_json::Value = serde_json::from_str(json).unwrap();
    plan["details"]["metadata"] = serde_json::Value::Null;
    plan["evidence"]["package_manager"]["note"] = serde_json::Value::Null;
    plan
}

#[test]
fn cargo_metadata_and_the_static_reading_give_the_same_plan() {
    let mut compared = 0;
    for name in rust_fixtures() {
        let dir = root().join("tests/fixtures").join(&name);
        let cargo = run(&dir, &["detect", "--format", "json"], None);
        let fallback = run(&dir, &["detect", "--format", "json"], Some(""));
        assert_eq!(
            cargo.0, fallback.0,
            "{name}: exit codes differ: {}",
            fallback.2
        );
        if cargo.0 != Some(0) {
            assert_eq!(cargo.2, fallback.2, "{name}: errors differ");
            continue;
        }
        let (with, without) = (without_source(&cargo.1), without_source(&fallback.1));
        if with["language"] != "rust" {
            continue;
        }
        assert_eq!(with, without, "{name}: the plans differ");
        let plan: serde_json::Value = serde_json::from_str(&cargo.1).unwrap();
        assert_eq!(
            plan["details"]["metadata"], "cargo_metadata",
            "{name}: cargo was not used"
        );
        let plan: serde_json::Value = serde_json::from_str(&fallback.1).unwrap();
        assert_eq!(plan["details"]["metadata"], "manifest", "{name}");
        let dockerfiles = (
            run(&dir, &["init", "--stdout", "--yes"], None).1,
            run(&dir, &["init", "--stdout", "--yes"], Some("")).1,
        );
        assert_eq!(
            dockerfiles.0, dockerfiles.1,
            "{name}: the Dockerfiles differ"
        );
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} Rust fixtures compared");
}

#[test]
fn the_evidence_says_how_the_targets_were_read() {
    let dir = root().join("tests/fixtures/rust-axum-single-bin");
    let text = |cargo| run(&dir, &["detect"], cargo).1;
    assert!(text(None).contains("(Cargo.lock: targets read with `cargo metadata`)"));
    assert!(text(Some("")).contains("targets read from Cargo.toml (`DOCKGEN_CARGO` is empty)"));
    assert!(text(Some("/nonexistent/cargo"))
        .contains("targets read from Cargo.toml (cargo is not on PATH)"));
    assert!(text(Some("false")).contains(
        "targets read from Cargo.toml (`cargo metadata` failed: cargo exited with exit status: 1)"
    ));
}

/// A fixture without its own `[workspace]` table would make cargo climb into dockgen's
/// Cargo.toml; every Rust fixture carries one (virtual workspaces are one).
#[test]
fn every_rust_fixture_is_its_own_workspace() {
    for name in rust_fixtures() {
        let text =
            std::fs::read_to_string(root().join("tests/fixtures").join(&name).join("Cargo.toml"))
                .unwrap();
        assert!(
            text.lines().any(|l| l.trim() == "[workspace]"),
            "tests/fixtures/{name}/Cargo.toml has no `[workspace]` table"
        );
    }
}

/// `cargo metadata` writes nothing into the project (no Cargo.lock, no target/), and runs
/// outside it, so a rust-toolchain.toml naming an uninstalled release is never acted on.
#[test]
fn cargo_leaves_the_project_untouched() {
    for name in [
        "rust-toolchain-toml",
        "rust-virtual-workspace",
        "rust-warp-loopback",
    ] {
        let dir = fixture_copy(name);
        let before = listing(dir.path());
        let (code, json, stderr) = run(dir.path(), &["detect", "--format", "json"], None);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert_eq!(
            before,
            listing(dir.path()),
            "{name}: files appeared or vanished"
        );
        let plan: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(plan["details"]["metadata"], "cargo_metadata", "{name}");
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| {
            e.unwrap()
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    out.sort();
    out
}

/// Without the `[workspace]` table, cargo would look upwards for a workspace; in a temporary
/// copy there is none, and in the repository it would be dockgen's own: either way the
/// project is read as itself.
#[test]
fn a_package_without_a_workspace_table_is_read_as_itself() {
    let dir = fixture_copy("rust-axum-single-bin");
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("[workspace]\n", "");
    std::fs::write(&manifest, text).unwrap();
    let (code, json, stderr) = run(dir.path(), &["detect", "--format", "json"], None);
    assert_eq!(code, Some(0), "{stderr}");
    let plan: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(plan["details"]["bin"], "web");
}

/// `--app` names a binary; a name that is none of the workspace's is an error listing them.
#[test]
fn the_app_flag_picks_a_binary_and_refuses_an_unknown_one() {
    let dir = root().join("tests/fixtures/rust-bins-ambiguous");
    let (code, dockerfile, stderr) = run(
        &dir,
        &["init", "--stdout", "--yes", "--app", "decode"],
        None,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(dockerfile.contains(r#"ENTRYPOINT ["/usr/bin/tini", "--", "/app/decode"]"#));
    let (code, _, stderr) = run(&dir, &["init", "--stdout", "--yes", "--app", "nope"], None);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("`nope` is not a binary, package or member folder of the workspace; try one of `decode`, `encode`"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&dir, &["init", "--stdout", "--yes"], None);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("hint: pass `--workspace` with one of: decode, encode"),
        "{stderr}"
    );
}
