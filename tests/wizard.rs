//! The wizard driven by a script: each transcript shows every question with its options and
//! default, each reply, and what was settled — the plan's answers and the fate of each file.

use std::fmt::Write as _;

use dockgen::wizard::{self, Reply, ScriptedPrompter};
use dockgen::write::Transaction;

use crate::support::fixture_copy;

/// Runs the wizard on a copy of `fixture` (plus `extra` files) with `flags` and `replies`.
fn transcript(
    fixture: &str,
    extra: &[(&str, &str)],
    flags: &dockgen::Answers,
    replies: &[Reply],
) -> String {
    let dir = fixture_copy(fixture);
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut prompter = ScriptedPrompter::new(replies);
    let mut out = String::new();
    let result = (|| {
        let (project, layered) = wizard::layered(dir.path(), flags)?;
        let settled = wizard::run(&mut prompter, &project, &layered)?;
        let rendered = dockgen::render::render(&settled.plan)?;
        let mut transaction = Transaction::prepare(
            dir.path(),
            &rendered.dockerfile,
            &rendered.dockerignore,
            None,
        )?;
        let choices = wizard::files(&mut prompter, &transaction.existing())?;
        transaction.choose(&choices);
        let written = transaction.commit()?;
        Ok::<_, dockgen::Error>((settled, written))
    })();
    out.push_str(&prompter.transcript);
    out.push_str("---\n");
    match result {
        Ok((settled, written)) => {
            let plan = &settled.plan;
            let _ = writeln!(
                out,
                "{} {} via {}, app {}, `{}` on port {}, {} image",
                plan.language(),
                plan.version,
                plan.package_manager,
                plan.app_dir.as_deref().unwrap_or("."),
                plan.entrypoint
                    .as_ref()
                    .map_or(String::new(), |e| e.join(" ")),
                plan.port.map_or("none".into(), |p| p.to_string()),
                plan.images.variant
            );
            for (name, outcome) in written {
                let _ = writeln!(out, "{name}: {outcome:?}");
            }
        }
        Err(error) => {
            let _ = writeln!(out, "error (exit {}): {error}", error.exit_code());
        }
    }
    assert!(prompter.finished(), "unused replies:\n{out}");
    out.replace(&dir.path().display().to_string(), "[DIR]")
}

#[test]
fn a_detected_project_takes_one_confirmation() {
    insta::assert_snapshot!(transcript(
        "node-npm-express",
        &[],
        &dockgen::Answers::default(),
        &[Reply::Enter]
    ));
}

#[test]
fn a_workspace_is_chosen_from_the_candidates() {
    insta::assert_snapshot!(transcript(
        "node-workspace-ambiguous",
        &[],
        &dockgen::Answers::default(),
        &[Reply::Pick("packages/worker"), Reply::Enter]
    ));
}

#[test]
fn a_language_is_chosen_when_two_apps_tie() {
    insta::assert_snapshot!(transcript(
        "polyglot-two-apps",
        &[],
        &dockgen::Answers::default(),
        &[Reply::Pick("node"), Reply::Enter]
    ));
}

#[test]
fn the_user_overrides_version_and_port() {
    insta::assert_snapshot!(transcript(
        "node-npm-express",
        &[],
        &dockgen::Answers::default(),
        &[
            Reply::Pick("Change an answer first"),
            Reply::Pick("22"),
            Reply::Enter,
            Reply::Enter,
            Reply::Type("8081"),
            Reply::Enter,
            Reply::Enter,
        ]
    ));
}

#[test]
fn flags_settle_their_questions() {
    let flags = dockgen::Answers {
        port: Some(9000),
        runtime_version: Some("22".into()),
        ..dockgen::Answers::default()
    };
    insta::assert_snapshot!(transcript(
        "node-npm-express",
        &[],
        &flags,
        &[
            Reply::Pick("Change an answer first"),
            Reply::Enter,
            Reply::Enter,
            Reply::Enter,
            Reply::Enter
        ]
    ));
}

#[test]
fn a_missing_command_is_asked() {
    insta::assert_snapshot!(transcript(
        "node-no-entrypoint",
        &[],
        &dockgen::Answers::default(),
        &[Reply::Type("node lib/util.js"), Reply::Enter]
    ));
}

#[test]
fn an_existing_dockerfile_is_diffed_then_skipped() {
    insta::assert_snapshot!(transcript(
        "node-npm-express",
        &[
            ("Dockerfile", "FROM scratch\n"),
            (".dockerignore", "node_modules\n")
        ],
        &dockgen::Answers::default(),
        &[
            Reply::Enter,
            Reply::Pick("Show the diff"),
            Reply::Pick("Skip: keep mine"),
            Reply::Enter,
        ]
    ));
}

#[test]
fn esc_cancels_and_writes_nothing() {
    let text = transcript(
        "node-npm-express",
        &[],
        &dockgen::Answers::default(),
        &[Reply::Esc],
    );
    assert!(text.ends_with("error (exit 130): cancelled\n"), "{text}");
}

#[test]
fn a_go_main_is_chosen_among_several_cmds() {
    insta::assert_snapshot!(transcript(
        "go-cmd-ambiguous",
        &[],
        &dockgen::Answers::default(),
        &[Reply::Pick("cmd/api"), Reply::Enter]
    ));
}

#[test]
fn python_offers_alpine_or_slim() {
    insta::assert_snapshot!(transcript(
        "python-uv-fastapi",
        &[],
        &dockgen::Answers::default(),
        &[
            Reply::Pick("Change an answer first"),
            Reply::Enter,
            Reply::Enter,
            Reply::Enter,
            Reply::Enter,
            Reply::Pick("slim"),
            Reply::Enter,
        ]
    ));
}
