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
