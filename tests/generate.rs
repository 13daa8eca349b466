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
    "FROM", "WORKDIR", "ENV", "RUN", "COPY", "USER", "EXPOSE", "CMD",
];

/// `fixture.toml` may hold `[overrides]` like the command-line answers.
fn fixture_args(marker: &Path) -> dockgen::detect::Overrides {
    let text = std::fs::read_to_string(marker).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let mut overrides = dockgen::detect::Overrides::default();
    if let Some(o) = table.get("overrides").and_then(|v| v.as_table()) {
        overrides.entrypoint = o.get("entrypoint").and_then(|v| v.as_array()).map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        });
        overrides.port = o
            .get("port")
            .and_then(toml::Value::as_integer)
            .map(|p| u16::try_from(p).unwrap());
        overrides.version = o
            .get("version")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        overrides.workspace = o
            .get("workspace")
            .and_then(|v| v.as_str())
            .map(str::to_string);
    }
    overrides
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
