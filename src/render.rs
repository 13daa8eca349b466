//! Rendering: `Plan` → Dockerfile and .dockerignore text, through the embedded Tera templates.
//!
//! The only module that knows Dockerfile syntax. Templates are embedded one by one, so a
//! missing file is a compile error and the list is easy to audit.

use serde::Serialize;
use tera::{Context, Tera};

use crate::error::Error;
use crate::plan::{AppKind, Plan};
use crate::rules::Rules;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "node.Dockerfile",
        include_str!("../templates/node.Dockerfile.tera"),
    ),
    ("node.macros", include_str!("../templates/node.macros.tera")),
    (
        "dockerignore",
        include_str!("../templates/dockerignore.tera"),
    ),
];

/// The files `init` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub dockerfile: String,
    pub dockerignore: String,
}

/// Renders both files for `plan`.
pub fn render(plan: &Plan, rules: &Rules) -> Result<Rendered, Error> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![]);
    tera.add_raw_templates(TEMPLATES.iter().copied())
        .map_err(|e| template_error("templates", &e))?;

    let mut context = Context::from_serialize(plan).map_err(|e| template_error("plan", &e))?;
    let name = format!("{}.Dockerfile", plan.language);
    match plan.language.as_str() {
        "node" => node_context(plan, &mut context)?,
        other => {
            return Err(Error::Template {
                name,
                reason: format!("no template for `{other}`"),
            })
        }
    }
    let dockerfile = tera
        .render(&name, &context)
        .map_err(|e| template_error(&name, &e))?;

    let mut ignore = Context::new();
    ignore.insert("lines", &dockerignore_lines(plan, rules));
    let dockerignore = tera
        .render("dockerignore", &ignore)
        .map_err(|e| template_error("dockerignore", &e))?;
    Ok(Rendered {
        dockerfile: tidy(&dockerfile),
        dockerignore,
    })
}

/// Values the Node.js template derives from the plan.
fn node_context(plan: &Plan, context: &mut Context) -> Result<(), Error> {
    let node = plan.node.as_ref().ok_or_else(|| Error::Template {
        name: "node.Dockerfile".into(),
        reason: "plan has no node section".into(),
    })?;
    context.insert("manifests", &node.manifests.join(" "));
    let ws = node
        .workspace
        .as_ref()
        .map_or(String::new(), |w| format!("{w}/"));
    context.insert("ws", &ws);
    context.insert(
        "build",
        &plan.build_command.as_ref().map(|argv| argv.join(" ")),
    );
    let standalone_or_static = matches!(
        node.output,
        crate::plan::NodeOutput::NextStandalone { .. }
            | crate::plan::NodeOutput::Bundle { .. }
            | crate::plan::NodeOutput::Static { .. }
    );
    context.insert("prod_deps", &!standalone_or_static);
    context.insert("uid", plan.images.user.split(':').next().unwrap_or(""));
    let reason = if plan.runtime_packages.is_empty() {
        format!(
            "Node.js {} has no distroless image; the slim image runs as its `node` user.",
            plan.version
        )
    } else {
        "Native modules load OS libraries, so the runtime is the slim image (it has apt)."
            .to_string()
    };
    context.insert("runtime_reason", &reason);
    if plan.kind == AppKind::Server {
        let argv = plan
            .entrypoint
            .as_ref()
            .ok_or_else(|| Error::MissingAnswer {
                question: "the command the container runs".into(),
                flag: "--entrypoint".into(),
                detail: "no start script that runs node, no `main`, and no server.js or index.js"
                    .into(),
            })?;
        // Distroless's entrypoint is already `node`: CMD holds only its arguments.
        let cmd_args: &[String] =
            if plan.images.runtime_distroless && argv.first().is_some_and(|a| a == "node") {
                &argv[1..]
            } else {
                argv
            };
        let cmd = serde_json::to_string(cmd_args).map_err(|e| Error::Template {
            name: "node.Dockerfile".into(),
            reason: e.to_string(),
        })?;
        context.insert("cmd", &cmd.replace("\",\"", "\", \""));
    }
    Ok(())
}

fn dockerignore_lines(plan: &Plan, rules: &Rules) -> Vec<String> {
    let mut lines: Vec<String> = rules.node.dockerignore.always.clone();
    if plan.language == "node" {
        lines.extend(rules.node.dockerignore.node.iter().cloned());
        if let Some(node) = &plan.node {
            lines.extend(node.build_outputs.iter().cloned());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    lines.retain(|l| seen.insert(l.clone()));
    lines
}

/// Collapses the blank lines template conditionals leave behind.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let is_blank = line.trim().is_empty();
        if is_blank && blank {
            continue;
        }
        blank = is_blank;
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_start_matches('\n').to_string()
}

fn template_error(name: &str, error: &tera::Error) -> Error {
    use std::error::Error as _;
    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        source = inner.source();
    }
    Error::Template {
        name: name.into(),
        reason,
    }
}
