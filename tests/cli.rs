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
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 0
    --- stdout
    --- stderr
    Overwrote [DIR]/Dockerfile
    Kept [DIR]/.dockerignore (already up to date)
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
        .contains("FROM gcr.io/distroless/nodejs26-debian13:nonroot"));
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
    assert_eq!(plan["version"], "26");
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
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 1
    --- stdout
    --- stderr
    error: no supported project found in `[DIR]`

    hint: no package.json, pyproject.toml, requirements.txt, go.mod, Cargo.toml, pom.xml or build.gradle
    hint: dockgen supports Node.js, Python, Go, Rust and Java projects
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
fn odd_java_build_files_never_panic() {
    let shade = "<plugin><artifactId>maven-shade-plugin</artifactId><configuration><transformers><transformer><mainClass>a.B</mainClass></transformer></transformers></configuration></plugin>";
    let cases = [
        ("pom.xml", String::new()),
        ("pom.xml", "<project/>".into()),
        ("pom.xml", "<notaproject/>".into()),
        ("pom.xml", "<!DOCTYPE x [<!ENTITY a \"b\">]><project/>".into()),
        ("pom.xml", format!("<project><build><plugins>{shade}</plugins></build></project>")),
        ("pom.xml", format!("<project><version>${{v}}</version><build><finalName>${{a}}</finalName><plugins>{shade}</plugins></build></project>")),
        ("pom.xml", format!("<project><parent><relativePath>../../../../x.xml</relativePath></parent><build><plugins>{shade}</plugins></build></project>")),
        ("pom.xml", "<project><parent><relativePath>pom.xml</relativePath><artifactId>x</artifactId></parent><artifactId>x</artifactId><modules><module>.</module><module>../..</module><module>/etc</module></modules></project>".into()),
        ("pom.xml", format!("<project><properties><a>${{b}}</a><b>${{a}}</b><java.version>${{a}}</java.version></properties><build><plugins>{shade}</plugins></build></project>")),
        ("pom.xml", format!("<project>{}</project>", "<x>".repeat(2000) + &"</x>".repeat(2000))),
        ("build.gradle", "plugins { id 'application' }\napplication { mainClass = 'x\"]\nUSER root' }".into()),
        ("build.gradle", "plugins { id 'org.springframework.boot' version }\nversion = computeIt()".into()),
        ("build.gradle.kts", "plugins { application }\napplication { mainClass.set(\"a.B\") }\njava { toolchain { languageVersion.set(JavaLanguageVersion.of(999)) } }".into()),
        ("settings.gradle", "include ':a:../../..', '', ':'\ninclude(".into()),
        ("build.gradle", "/* unterminated comment\nplugins { id 'application' }".into()),
    ];
    for (i, (file, text)) in cases.iter().enumerate() {
        let dir = assert_fs::TempDir::new().unwrap();
        dir.child(file).write_str(text).unwrap();
        for args in [
            &["detect", "--format", "json"][..],
            &["init", "--stdout", "--language", "java"][..],
        ] {
            let out = dockgen().args(args).arg(dir.path()).output().unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "case {i} {file}: exit {code:?}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                !stdout.contains("USER root"),
                "case {i} {file}: an injected instruction reached the output"
            );
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

#[test]
fn an_entrypoint_argument_is_quoted_not_rewritten() {
    let dir = fixture_copy("node-npm-express");
    let out = run(
        &[
            "init",
            "--stdout",
            "--entrypoint",
            r#"["node", "a\",\"b", "c d"]"#,
        ],
        dir.path(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#"CMD ["a\",\"b", "c d"]"#), "{text}");
}

#[test]
fn a_node_line_kept_from_a_hand_written_dockerfile_survives_a_second_init() {
    let dir = fixture_copy("node-dockerfile-version");
    for _ in 0..2 {
        dockgen()
            .args(["init", "--yes", "--force"])
            .arg(dir.path())
            .assert()
            .success();
        dir.child("Dockerfile")
            .assert(predicate::str::contains("FROM node:22-trixie-slim AS base"))
            .assert(predicate::str::contains(
                "# Node.js 22 came from the Dockerfile this file replaced",
            ));
    }
}

/// `detect --format json`'s port and its evidence source.
fn port_and_source(dir: &std::path::Path, args: &[&str]) -> (serde_json::Value, serde_json::Value) {
    let out = dockgen()
        .args(["detect", "--format", "json"])
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        plan["port"].clone(),
        plan["evidence"]["port"]["source"].clone(),
    )
}

#[test]
fn answers_layer_flag_over_set_over_file_over_dockgen_toml_over_detection() {
    let dir = fixture_copy("node-npm-express");
    let p = dir.path();
    assert_eq!(port_and_source(p, &[]).0, 8080);
    dir.child("dockgen.toml")
        .write_str("port = 1111\n")
        .unwrap();
    assert_eq!(
        port_and_source(p, &[]),
        (1111.into(), "dockgen.toml".into())
    );
    dir.child("answers.toml")
        .write_str("port = 2222\n")
        .unwrap();
    let file = p.join("answers.toml");
    let file = file.to_str().unwrap();
    assert_eq!(
        port_and_source(p, &["--answers", file]),
        (2222.into(), file.into())
    );
    assert_eq!(
        port_and_source(p, &["--answers", file, "--set", "port=3333"]),
        (3333.into(), "--set".into())
    );
    assert_eq!(
        port_and_source(
            p,
            &["--answers", file, "--set", "port=3333", "--port", "4444"]
        ),
        (4444.into(), "flag".into())
    );
}

#[test]
fn every_question_has_a_flag_and_a_set_key() {
    let dir = fixture_copy("node-workspace-ambiguous");
    let by_flags = run(
        &[
            "init",
            "--stdout",
            "--language",
            "node",
            "--workspace",
            "worker",
            "--runtime-version",
            "22",
            "--package-manager",
            "npm",
            "--entrypoint",
            "node server.js",
            "--port",
            "7000",
            "--variant",
            "slim",
        ],
        dir.path(),
    );
    let by_sets = run(
        &[
            "init",
            "--stdout",
            "--set",
            "language=node",
            "--set",
            "app=worker",
            "--set",
            "runtime-version=22",
            "--set",
            "package-manager=npm",
            "--set",
            "entrypoint=node server.js",
            "--set",
            "port=7000",
            "--set",
            "variant=slim",
        ],
        dir.path(),
    );
    assert!(
        by_flags.status.success(),
        "{}",
        String::from_utf8_lossy(&by_flags.stderr)
    );
    assert_eq!(by_flags.stdout, by_sets.stdout);
    let text = String::from_utf8(by_flags.stdout).unwrap();
    assert!(text.contains("FROM node:22-trixie-slim\n"), "{text}");
    assert!(text.contains("EXPOSE 7000"), "{text}");
}

#[test]
fn invalid_answers_list_the_valid_ones() {
    let dir = fixture_copy("node-npm-express");
    let out = run(&["init", "--stdout", "--variant", "scratch"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 1
    --- stdout
    --- stderr
    error: invalid value for `--variant`: `scratch` is not a choice for this Node.js app; the choices are distroless, slim

    hint: run `dockgen init --help` for the accepted values
    ");
    let out = run(
        &["init", "--stdout", "--package-manager", "cargo"],
        dir.path(),
    );
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 1
    --- stdout
    --- stderr
    error: invalid value for `--package-manager`: `cargo` is not a Node.js package manager; the choices are bun, pnpm, yarn, npm

    hint: run `dockgen init --help` for the accepted values
    ");
    let out = run(&["init", "--stdout", "--set", "colour=red"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 1
    --- stdout
    --- stderr
    error: invalid value for `--set`: `colour` is not a question; the keys are language, workspace, runtime-version, package-manager, entrypoint, port, variant

    hint: run `dockgen init --help` for the accepted values
    ");
    dir.child("dockgen.toml")
        .write_str("port = 80\nprot = 81\n")
        .unwrap();
    let out = run(&["init", "--stdout"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 1
    --- stdout
    --- stderr
    error: failed to parse `dockgen.toml` at line 2, column 1: unknown field `prot`, expected one of `language`, `app`, `workspace`, `runtime-version`, `package-manager`, `entrypoint`, `port`, `variant`

    hint: fix the syntax of `dockgen.toml` and run dockgen again
    ");
}

#[test]
fn non_interactive_fails_naming_the_missing_flag() {
    let dir = fixture_copy("node-workspace-ambiguous");
    let out = run(&["init", "--non-interactive"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 1
    --- stdout
    --- stderr
    error: could not determine which app to containerize: the candidate workspaces are `packages/api` (server), `packages/worker` (server), `packages/web` (static site)

    hint: pass `--workspace` with one of: packages/api, packages/worker, packages/web
    ");
    dir.child("Dockerfile").assert(predicate::path::missing());
}

#[test]
fn saved_answers_round_trip_through_dockgen_toml() {
    let dir = fixture_copy("node-npm-express");
    let out = run(
        &["init", "--yes", "--port", "9999", "--runtime-version", "22"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(std::fs::read_to_string(dir.child("dockgen.toml").path()).unwrap(), @r#"
    # dockgen's saved answers for this project. `dockgen init` reads them before detecting,
    # so a re-run (and `dockgen init --check` in CI) writes the same files. Only answers that
    # differ from what dockgen detects are kept; delete a line to go back to detection.
    runtime-version = "22"  # detected: 26
    port = 9999  # detected: 8080
    "#);
    // A re-run without flags reproduces the same files, so --check is clean.
    let out = run(&["init", "--check"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @"
    exit: 0
    --- stdout
    --- stderr
    Dockerfile and .dockerignore are up to date
    ");
}

#[test]
fn check_reports_drift_with_a_diff() {
    let dir = fixture_copy("node-npm-express");
    assert!(run(&["init", "--yes"], dir.path()).status.success());
    assert!(run(&["init", "--check"], dir.path()).status.success());
    dir.child(".nvmrc").write_str("22\n").unwrap();
    let out = run(&["init", "--check"], dir.path());
    insta::assert_snapshot!(transcript(&out, dir.path()), @r"
    exit: 1
    --- stdout
    --- Dockerfile (on disk)
    +++ Dockerfile (dockgen)
    @@ -1,13 +1,13 @@
     # syntax=docker/dockerfile:1
    -# Generated by dockgen for a Node.js 26 express app (npm).
    +# Generated by dockgen for a Node.js 22 express app (npm).
     # `dockgen detect` explains each choice; `dockgen init --force` writes this file again.
     
     # The builder's Debian release matches the runtime's, so native addons built here load there.
    -FROM node:26-trixie-slim AS base
    +FROM node:22-trixie-slim AS base
     WORKDIR /app
     
     # The init the final stage runs as PID 1 (see there).
    -FROM node:26-trixie-slim AS init
    +FROM node:22-trixie-slim AS init
     # Unpinned on purpose: Debian drops superseded versions, and the image tag pins the release.
     # hadolint ignore=DL3008
     RUN apt-get update \
    @@ -21,7 +21,7 @@
     RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
     
     # Distroless: Node.js and nothing else (no shell, no package manager); runs as uid 65532.
    -FROM gcr.io/distroless/nodejs26-debian13:nonroot
    +FROM gcr.io/distroless/nodejs22-debian13:nonroot
     WORKDIR /app
     ENV NODE_ENV=production
     COPY --from=prod-deps /app/node_modules ./node_modules
    --- stderr
    error: `Dockerfile` differs from what dockgen generates now

    hint: the diff is on standard output; run `dockgen init --force` to write the files again, or save different answers in dockgen.toml
    ");
}

#[test]
fn dry_run_prints_and_writes_nothing() {
    let dir = fixture_copy("node-npm-express");
    dir.child(".dockerignore")
        .write_str("node_modules\n")
        .unwrap();
    let out = run(&["init", "--dry-run"], dir.path());
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("=== Dockerfile: would be created\n# syntax=docker/dockerfile:1\n"),
        "{text}"
    );
    assert!(
        text.contains("=== .dockerignore: would change\n--- .dockerignore (on disk)\n"),
        "{text}"
    );
    dir.child("Dockerfile").assert(predicate::path::missing());
    assert_eq!(
        std::fs::read_to_string(dir.child(".dockerignore").path()).unwrap(),
        "node_modules\n"
    );
}
