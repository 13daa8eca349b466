//! The Go template's typed context.

use serde::Serialize;

use super::{context, exec_form, Common, Rendering};
use crate::error::Error;
use crate::plan::{Details, GoPlan, Plan};

pub const TEMPLATES: &[(&str, &str)] = &[(
    "go.Dockerfile",
    include_str!("../../templates/go.Dockerfile.tera"),
)];

/// Everything `go.Dockerfile.tera` reads.
#[derive(Serialize)]
struct GoContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    go: &'a GoPlan,
    /// The build command as one shell line.
    build: String,
    /// The exec-form `ENTRYPOINT` (the program) and `CMD` (its arguments, empty when none).
    entry: String,
    cmd: String,
    uid: &'a str,
    gid: &'a str,
}

pub fn render(plan: &Plan) -> Result<Rendering, Error> {
    let Details::Go(go) = &plan.details else {
        return Err(Error::Template {
            name: "go.Dockerfile".into(),
            reason: format!("a {} plan", plan.language()),
        });
    };
    let command = plan.entrypoint.as_deref().unwrap_or_default();
    let (entry, cmd) = match command.split_first() {
        Some((program, args)) => (
            exec_form(std::slice::from_ref(program)),
            if args.is_empty() {
                String::new()
            } else {
                exec_form(args)
            },
        ),
        None => (String::new(), String::new()),
    };
    let (uid, gid) = plan
        .images
        .user
        .split_once(':')
        .unwrap_or((&plan.images.user, &plan.images.user));
    let value = GoContext {
        common: Common::new(plan)?,
        go,
        build: plan
            .build_command
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|a| shell_word(a))
            .collect::<Vec<_>>()
            .join(" "),
        entry,
        cmd,
        uid,
        gid,
    };
    Ok(Rendering {
        template: "go.Dockerfile",
        context: context("go.Dockerfile", &value)?,
        ignore: crate::detect::go::rules()?.dockerignore.lines.clone(),
    })
}

/// One argument of the build command as the shell reads it: `-ldflags="-s -w"`. The build
/// command holds only dockgen's own flags and checked paths, never quotes or `$`.
fn shell_word(arg: &str) -> String {
    if !arg.contains(' ') {
        return arg.to_string();
    }
    match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with('-') => format!("{flag}=\"{value}\""),
        _ => format!("\"{arg}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_flags_with_spaces_are_quoted_once() {
        assert_eq!(shell_word("-ldflags=-s -w"), "-ldflags=\"-s -w\"");
        assert_eq!(shell_word("./cmd/api"), "./cmd/api");
    }
}
