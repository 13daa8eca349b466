//! The committed Dockerfiles under `examples/` are exactly what dockgen generates today.

use crate::support::root;

#[test]
fn committed_example_dockerfiles_are_current() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let dir = entry.unwrap().path();
        let committed = dir.join("Dockerfile");
        if !committed.is_file() {
            continue;
        }
        let (_, rendered) = dockgen::generate(&dir, &dockgen::Answers::default()).unwrap();
        let on_disk = std::fs::read_to_string(&committed).unwrap();
        assert!(
            on_disk == rendered.dockerfile,
            "{} is stale: run `cargo run -- init --force {}`",
            committed.display(),
            dir.display()
        );
        checked += 1;
    }
    assert!(checked >= 1, "no example carries a committed Dockerfile");
}

/// `dockgen init --check` (Dockerfile and .dockerignore, as a user's CI would run it) passes on
/// every example.
#[test]
fn examples_pass_init_check() {
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("Dockerfile").is_file() {
            continue;
        }
        let out = assert_cmd::Command::cargo_bin("dockgen")
            .unwrap()
            .args(["init", "--check", "--yes"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} drifted: run `cargo run -- init --force {}`\n{}",
            dir.display(),
            dir.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
