//! Go: recognized from go.mod, go.work and main packages so a polyglot repository picks the
//! right language. The full detector comes with Go support.

use crate::error::Error;
use crate::plan::{Candidate, Language, Strength};
use crate::project::Project;

/// Go files read per folder when looking for `package main`.
const MAX_FILES: usize = 64;

/// The Go candidate, if the project has go.mod, go.work or Go files at its root.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let has_mod = project.is_file("go.mod");
    let has_work = project.is_file("go.work");
    let root_main = is_main_package(project, "");
    if !has_mod && !has_work && !root_main {
        return Ok(None);
    }
    let source = if has_mod {
        "go.mod"
    } else if has_work {
        "go.work"
    } else {
        "main.go"
    };
    let candidate = |strength, reason: String| {
        Ok(Some(Candidate {
            language: Language::Go,
            strength,
            source: project.name(source),
            reason,
        }))
    };
    if root_main {
        return candidate(Strength::Application, "a main package at the root".into());
    }
    if let Some(cmd) = project
        .list("cmd", true)
        .into_iter()
        .find(|d| is_main_package(project, &format!("cmd/{d}")))
    {
        return candidate(
            Strength::Application,
            format!("a main package in `cmd/{cmd}`"),
        );
    }
    if has_work {
        return candidate(Strength::Application, "a go.work workspace".into());
    }
    candidate(
        Strength::Tooling,
        "has no main package at the root or in cmd/ (a library)".into(),
    )
}

/// True when folder `dir` holds a Go file declaring `package main`.
fn is_main_package(project: &Project, dir: &str) -> bool {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    project
        .list(dir, false)
        .iter()
        .filter(|f| f.ends_with(".go") && !f.ends_with("_test.go"))
        .take(MAX_FILES)
        .any(|f| {
            project
                .read(&format!("{prefix}{f}"))
                .ok()
                .flatten()
                .is_some_and(|text| {
                    text.lines()
                        .map(str::trim)
                        .find(|l| l.starts_with("package "))
                        .is_some_and(|l| l.split_whitespace().nth(1) == Some("main"))
                })
        })
}
