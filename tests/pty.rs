//! The real binary on a pseudo-terminal: Enter through the defaults writes the files, Esc
//! writes nothing and exits 130.

use rexpect::process::WaitStatus;

use crate::support::fixture_copy;

fn spawn(dir: &std::path::Path) -> rexpect::session::PtySession {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("dockgen"));
    command.arg("init").arg(dir).env_remove("DOCKGEN_YES");
    rexpect::session::spawn_command(command, Some(30_000)).unwrap()
}

#[test]
fn enter_through_the_defaults_writes_the_files() {
    let dir = fixture_copy("node-npm-express");
    let mut session = spawn(dir.path());
    session.exp_string("Use these answers?").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    session.exp_eof().unwrap();
    let status = session.process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("CMD [\"server.js\"]"), "{dockerfile}");
    assert!(dir.path().join(".dockerignore").is_file());
}

#[test]
fn esc_writes_nothing_and_exits_130() {
    let dir = fixture_copy("node-npm-express");
    let mut session = spawn(dir.path());
    session.exp_string("Use these answers?").unwrap();
    session.send("\x1b").unwrap();
    session.flush().unwrap();
    session.exp_eof().unwrap();
    let status = session.process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 130)), "{status:?}");
    assert!(!dir.path().join("Dockerfile").exists());
    assert!(!dir.path().join(".dockerignore").exists());
}
