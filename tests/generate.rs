//! One snapshot set per fixture: the Plan, the Dockerfile and the .dockerignore (or the error).

use std::path::Path;

use crate::support::{lint, root};

fn images() -> Vec<String> {
    let out = crate::support::dockgen().arg("images").output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn fixtures() {
    let images = images();
    insta::glob!("fixtures/*/fixture.toml", |marker| {
        let dir = marker.parent().unwrap();
        let args = fixture_args(marker);
        match dockgen::generate(dir, &args) {
            Ok((plan, rendered)) => {
                insta::assert_json_snapshot!("plan", plan);
                insta::assert_snapshot!("dockerfile", rendered.dockerfile);
                insta::assert_snapshot!("dockerignore", rendered.dockerignore);
                let problems = lint::problems(&rendered.dockerfile, &images);
                assert!(problems.is_empty(), "{}: {problems:#?}", dir.display());
                for line in rendered.dockerfile.lines() {
                    let instruction = line.split_whitespace().next().unwrap_or("");
                    assert!(
                        line.is_empty()
                            || line.starts_with(' ')
                            || line.starts_with('#')
                            || KNOWN.contains(&instruction),
                        "{}: unexpected line {line:?}",
                        dir.display()
                    );
                }
            }
            Err(error) => {
                let text = format!(
                    "{error}\nexit code: {}\nhints: {:#?}",
                    error.exit_code(),
                    error.hints()
                );
                insta::assert_snapshot!(
                    "error",
                    text.replace(&dir.display().to_string(), "[FIXTURE]")
                );
            }
        }
    });
}

const KNOWN: &[&str] = &[
    "FROM",
    "WORKDIR",
    "ENV",
    "RUN",
    "COPY",
    "USER",
    "EXPOSE",
    "CMD",
    "ENTRYPOINT",
];

/// `fixture.toml`: comments saying what the case proves, and optional `[answers]` — the
/// same strict type the command-line flags fill.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    #[serde(default)]
    answers: dockgen::Answers,
}

fn fixture_args(marker: &Path) -> dockgen::Answers {
    let text = std::fs::read_to_string(marker).unwrap();
    toml::from_str::<Fixture>(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", marker.display()))
        .answers
}

#[test]
fn every_fixture_has_a_marker() {
    for entry in std::fs::read_dir(root().join("tests/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert!(
                path.join("fixture.toml").is_file(),
                "{} has no fixture.toml",
                path.display()
            );
        }
    }
}

#[test]
fn lint_catches_broken_files() {
    let images = vec!["node:24-trixie-slim".to_string()];
    let broken = "FROM node:24-trixie-slim AS base\nCOPY --from=bild /a /b\nCOPY --link a b\nUSER root\nCMD node x.js\n";
    assert_eq!(
        lint::problems(broken, &images),
        vec![
            "COPY --from=bild names no earlier stage",
            "COPY --link is not buildable with buildah 1.28",
            "CMD is not exec form: node x.js",
            "final USER `root` is not a numeric non-root uid:gid",
        ]
    );
}

/// `dockgen init` inside the project is the README's first use: every fixture gives the same
/// Dockerfile, plan and messages whichever way the project is named — no PATH (run inside it),
/// `./`, a relative path and an absolute one.
#[test]
fn every_way_of_naming_the_project_gives_the_same_output() {
    let tests = root().join("tests");
    let mut checked = 0;
    for entry in std::fs::read_dir(tests.join("fixtures")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let flags = flags(&fixture_args(&dir.join("fixture.toml")));
        let relative = format!("fixtures/{name}");
        let absolute = dir.display().to_string();
        let ways: [(&Path, Option<&str>); 4] = [
            (&dir, None),
            (&dir, Some("./")),
            (&tests, Some(&relative)),
            (&tests, Some(&absolute)),
        ];
        for command in [
            &["init", "--stdout", "--yes"][..],
            &["detect", "--format", "json"][..],
        ] {
            let outputs: Vec<String> = ways
                .iter()
                .map(|(cwd, path)| {
                    let out = crate::support::dockgen()
                        .current_dir(cwd)
                        .args(command)
                        .args(path)
                        .args(&flags)
                        .output()
                        .unwrap();
                    let shown = format!("`{}`", path.unwrap_or("."));
                    format!(
                        "exit {:?}\n{}\n{}",
                        out.status.code(),
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr).replace(&shown, "`[DIR]`")
                    )
                })
                .collect();
            for (way, output) in ways.iter().zip(&outputs).skip(1) {
                assert_eq!(
                    &outputs[0],
                    output,
                    "{name}: `dockgen {}` differs when the project is named {:?}",
                    command.join(" "),
                    way.1
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 40, "only {checked} fixtures");
}

/// The fixture's answers as the command-line flags that give the same answers.
fn flags(answers: &dockgen::Answers) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(language) = answers.language {
        flags.extend(["--language".to_string(), language.to_string()]);
    }
    if let Some(workspace) = &answers.workspace {
        flags.extend(["--workspace".to_string(), workspace.clone()]);
    }
    if let Some(version) = &answers.runtime_version {
        flags.extend(["--runtime-version".to_string(), version.clone()]);
    }
    if let Some(argv) = &answers.entrypoint {
        flags.extend([
            "--entrypoint".to_string(),
            serde_json::to_string(&argv.0).unwrap(),
        ]);
    }
    if let Some(port) = answers.port {
        flags.extend(["--port".to_string(), port.to_string()]);
    }
    flags
}

#[test]
fn a_mistyped_answer_in_a_fixture_is_an_error() {
    let err = toml::from_str::<Fixture>("[answers]\nwrokspace = \"api\"\n").unwrap_err();
    assert!(
        err.to_string().contains("unknown field `wrokspace`"),
        "{err}"
    );
    let err = toml::from_str::<Fixture>("[overrides]\nworkspace = \"api\"\n").unwrap_err();
    assert!(
        err.to_string().contains("unknown field `overrides`"),
        "{err}"
    );
}
