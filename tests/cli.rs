//! The command-line contract: files written, exit codes, streams, messages.

use assert_fs::prelude::*;
use predicates::prelude::*;

use crate::support::{dockgen, fixture_copy, run, transcript};

#[test]
fn cli_definition_is_valid() {
    use clap::CommandFactory as _;
    dockgen::cli::Cli::command().debug_assert();
}

#[test]
fn init_writes_both_files() {
    let dir = fixture_copy("node-npm-express");
    let out = run(&["init", "--yes"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 0
    --- stdout
    --- stderr
    Wrote [DIR]/Dockerfile
    Wrote [DIR]/.dockerignore
    ");
    dir.child("Dockerfile")
        .assert(predicate::str::contains("CMD [\"server.js\"]"));
    dir.child(".dockerignore")
        .assert(predicate::str::contains("**/node_modules"));
}

#[test]
fn init_refuses_to_overwrite_and_leaves_the_file_untouched() {
    let dir = fixture_copy("node-npm-express");
    let mine = "FROM scratch\n# my own Dockerfile, byte for byte\r\n";
    dir.child("Dockerfile").write_str(mine).unwrap();
    let out = run(&["init", "--yes"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- stderr
    error: `[DIR]/Dockerfile` already exists

    hint: pass `--force` to overwrite it, or `--stdout` to print the new Dockerfile instead
    ");
    assert_eq!(
        std::fs::read(dir.child("Dockerfile").path()).unwrap(),
        mine.as_bytes()
    );
    dir.child(".dockerignore")
        .assert(predicate::path::missing());
}

#[test]
fn init_twice_refuses_then_force_overwrites() {
    let dir = fixture_copy("node-npm-express");
    dockgen()
        .args(["init", "--yes"])
        .arg(dir.path())
        .assert()
        .success();
    dockgen()
        .args(["init", "--yes"])
        .arg(dir.path())
        .assert()
        .code(1);
    dir.child("Dockerfile").write_str("stale").unwrap();
    let out = run(&["init", "--yes", "--force"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 0
    --- stdout
    --- stderr
    Overwrote [DIR]/Dockerfile
    Kept [DIR]/.dockerignore (already complete)
    ");
    dir.child("Dockerfile")
        .assert(predicate::str::starts_with("# syntax=docker/dockerfile:1"));
}

#[test]
fn stdout_prints_the_dockerfile_and_writes_nothing() {
    let dir = fixture_copy("node-npm-express");
    let out = run(&["init", "--stdout"], dir.path());
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("FROM gcr.io/distroless/nodejs24-debian13:nonroot"));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.child("Dockerfile").assert(predicate::path::missing());
    dir.child(".dockerignore")
        .assert(predicate::path::missing());
}

#[test]
fn an_existing_dockerignore_is_merged_not_replaced() {
    let dir = fixture_copy("node-npm-express");
    dir.child(".dockerignore")
        .write_str("# mine\nnode_modules\n!.env.example\n")
        .unwrap();
    let out = run(&["init", "--yes"], dir.path());
    assert!(out.status.success());
    let text = std::fs::read_to_string(dir.child(".dockerignore").path()).unwrap();
    assert!(
        text.starts_with("# mine\nnode_modules\n!.env.example\n\n# Added by dockgen\n.git\n"),
        "{text}"
    );
    assert_eq!(text.matches("**/node_modules").count(), 1);
    let again = run(&["init", "--yes", "--force"], dir.path());
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.child(".dockerignore").path()).unwrap(),
        text
    );
}

#[test]
fn detect_json_has_the_contract_keys() {
    let dir = fixture_copy("node-typescript-server");
    let out = run(&["detect", "--format", "json"], dir.path());
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["schema"], 1);
    assert_eq!(plan["language"], "node");
    assert_eq!(plan["app_dir"], serde_json::Value::Null);
    assert_eq!(plan["details"]["output"]["type"], "build");
    assert_eq!(plan["evidence"]["language"]["source"], "package.json");
    assert_eq!(plan["version"], "24");
    assert_eq!(plan["package_manager"], "npm");
    assert_eq!(plan["framework"], "express");
    assert_eq!(
        plan["entrypoint"],
        serde_json::json!(["node", "build/index.js"])
    );
    assert_eq!(plan["port"], 3001);
    assert_eq!(plan["build_packages"], serde_json::json!([]));
    assert_eq!(plan["runtime_packages"], serde_json::json!([]));
    assert_eq!(plan["evidence"]["port"]["source"], "src/index.ts");
    assert_eq!(plan["evidence"]["port"]["key"], "line 4");
}

#[test]
fn detect_text_explains_each_decision() {
    let dir = fixture_copy("node-engines-range");
    let out = dockgen().arg("detect").arg(dir.path()).output().unwrap();
    insta::assert_snapshot!(transcript(&out, dir.path()));
}

#[test]
fn a_missing_path_is_an_error() {
    let out = dockgen()
        .args(["detect", "does/not/exist"])
        .output()
        .unwrap();
    insta::assert_snapshot!(transcript(&out, std::path::Path::new("/nonexistent")), @r"
    exit: 1
    --- stdout
    --- stderr
    error: `does/not/exist` does not exist

    hint: pass the project's directory, e.g. `dockgen init path/to/project`
    ");
}

#[test]
fn malformed_package_json_names_file_line_and_column() {
    let dir = fixture_copy("node-malformed-package-json");
    let out = run(&["init", "--yes"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- stderr
    error: failed to parse `package.json` at line 4, column 3: expected `,` or `}`

    hint: fix the syntax of `package.json` and run dockgen again
    ");
    dir.child("Dockerfile").assert(predicate::path::missing());
}

#[test]
fn nothing_to_detect_exits_1() {
    let dir = fixture_copy("empty");
    let out = run(&["init", "--yes"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- stderr
    error: no supported project found in `[DIR]`

    hint: no package.json, pyproject.toml, requirements.txt, go.mod, Cargo.toml, pom.xml or build.gradle
    hint: dockgen supports Node.js, Python projects
    ");
}

#[test]
fn an_unresolvable_entrypoint_fails_under_yes_and_names_the_flag() {
    let dir = fixture_copy("node-no-entrypoint");
    let out = run(&["init", "--yes"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- stderr
    error: could not determine the command the container runs: no start script that runs node, no `main`, and no server.js or index.js

    hint: pass `--entrypoint` to supply it
    ");
    dir.child("Dockerfile").assert(predicate::path::missing());
}

#[test]
fn the_entrypoint_flag_supplies_the_command() {
    let dir = fixture_copy("node-no-entrypoint");
    let out = run(
        &[
            "init",
            "--yes",
            "--entrypoint",
            "node lib/util.js",
            "--port",
            "9000",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dockerfile = std::fs::read_to_string(dir.child("Dockerfile").path()).unwrap();
    assert!(dockerfile.contains("CMD [\"lib/util.js\"]"), "{dockerfile}");
    assert!(dockerfile.contains("EXPOSE 9000"), "{dockerfile}");
}

#[test]
fn hostile_values_are_refused() {
    let dir = fixture_copy("node-hostile-values");
    let out = run(&["init", "--yes"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- stderr
    error: `package.json` field `scripts.start` has a value dockgen will not put in a Dockerfile: `srv.js\nRUN echo pwned` contains a newline, which a path in a Dockerfile must not

    hint: use a plain relative path or command without quotes, newlines or shell syntax
    hint: or pass `--entrypoint` to supply the command yourself
    ");
    dir.child("Dockerfile").assert(predicate::path::missing());
}

#[test]
fn an_entrypoint_flag_with_a_newline_is_refused() {
    let dir = fixture_copy("node-npm-express");
    let out = dockgen()
        .args([
            "init",
            "--stdout",
            "--entrypoint",
            "[\"node\", \"a.js\\nUSER root\"]",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("contains a newline"));
}

#[test]
fn usage_errors_exit_2() {
    dockgen().args(["init", "--no-such-flag"]).assert().code(2);
    dockgen()
        .args(["detect", "--format", "yaml"])
        .assert()
        .code(2);
}

#[test]
fn help_lists_the_commands() {
    let out = dockgen().arg("--help").output().unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    let out = dockgen().args(["init", "--help"]).output().unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn odd_manifests_never_panic() {
    let cases = [
        "[]",
        "null",
        "{\"scripts\": \"node x.js\"}",
        "{\"scripts\": {\"start\": 5}, \"main\": 7, \"dependencies\": []}",
        "{\"engines\": {\"node\": 22}, \"packageManager\": 5}",
        "{\"dependencies\": {\"express\": \"*\"}, \"engines\": {\"node\": \">=99\"}}",
        "{\"dependencies\": {\"express\": \"*\"}, \"packageManager\": \"pnpm@../../etc\"}",
        "{\"dependencies\": {\"express\": \"*\"}, \"scripts\": {\"start\": \"node \\\"unterminated\"}}",
        "{\"dependencies\": {\"express\": \"*\"}, \"scripts\": {\"start\": \"npm run start\"}}",
        "{\"dependencies\": {\"express\": \"*\"}, \"scripts\": {\"start\": \"node .\"}, \"main\": \"../../x.js\"}",
        "{\"dependencies\": {\"next\": \"*\"}, \"scripts\": {\"start\": \"next start -p notaport\"}}",
        "\u{feff}{\"dependencies\": {\"express\": \"*\"}}",
    ];
    for (i, text) in cases.iter().enumerate() {
        let dir = assert_fs::TempDir::new().unwrap();
        dir.child("package.json").write_str(text).unwrap();
        for args in [
            &["detect", "--format", "json"][..],
            &["init", "--stdout"][..],
        ] {
            let out = dockgen().args(args).arg(dir.path()).output().unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "case {i} {text:?} {args:?}: exit {code:?}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            if code == Some(1) {
                assert!(
                    String::from_utf8_lossy(&out.stderr).starts_with("error: "),
                    "case {i}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
}

#[test]
fn detect_lists_what_it_set_aside_and_why() {
    let dir = fixture_copy("polyglot-next-python-scripts");
    let out = run(&["detect"], dir.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("language          node  (package.json: runs a server (`next`))"),
        "{text}"
    );
    assert!(
        text.contains("set aside         python  (requirements.txt: lists no web framework or server, and nothing runs as an app)"),
        "{text}"
    );
}

#[test]
fn two_apps_fail_under_yes_naming_the_language_flag_and_the_choices() {
    let dir = fixture_copy("polyglot-two-apps");
    let out = run(&["init", "--yes"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- stderr
    error: could not determine which language's app to containerize: the project holds more than one app: node (`package.json` runs a server (`express`)), python (`manage.py` a Django project)

    hint: pass `--language` with one of: node, python
    ");
    dir.child("Dockerfile").assert(predicate::path::missing());
}

#[test]
fn the_language_flag_picks_one_and_refuses_a_language_that_is_not_there() {
    let dir = fixture_copy("polyglot-two-apps");
    let out = run(&["init", "--stdout", "--language", "node"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["detect", "--language", "rust"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- stderr
    error: invalid value for `--language`: `rust`: no Rust project files in `[DIR]`; found node, python

    hint: run `dockgen init --help` for the accepted values
    ");
    let out = run(&["detect", "--language", "cobol"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn app_is_another_name_for_workspace() {
    let dir = fixture_copy("node-workspace-ambiguous");
    let by_app = run(&["init", "--stdout", "--app", "worker"], dir.path());
    let by_workspace = run(&["init", "--stdout", "--workspace", "worker"], dir.path());
    assert!(
        by_app.status.success(),
        "{}",
        String::from_utf8_lossy(&by_app.stderr)
    );
    assert_eq!(by_app.stdout, by_workspace.stdout);
}
