//! The Node.js template's typed context.

use serde::Serialize;

use super::{context, exec_form, Common, Rendering};
use crate::error::Error;
use crate::plan::{AppKind, Details, NodeOutput, NodePlan, Plan};

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "node.Dockerfile",
        include_str!("../../templates/node.Dockerfile.tera"),
    ),
    (
        "node.macros",
        include_str!("../../templates/node.macros.tera"),
    ),
];

/// Everything `node.Dockerfile.tera` reads.
#[derive(Serialize)]
struct NodeContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    node: &'a NodePlan,
    /// The manifest files copied before the install, space-separated.
    manifests: String,
    /// The app folder with a trailing `/`, or empty at the root.
    ws: String,
    /// The build command as one shell line.
    build: Option<String>,
    /// Whether a production-dependency stage ships `node_modules`.
    prod_deps: bool,
    /// The runtime user's uid, for comments.
    uid: &'a str,
    /// Why the final image is not distroless, when it is not.
    runtime_reason: String,
    /// The exec-form `CMD` (distroless's entrypoint is already `node`).
    cmd: String,
}

pub fn render(plan: &Plan) -> Result<Rendering, Error> {
    let Details::Node(node) = &plan.details else {
        return Err(Error::Template {
            name: "node.Dockerfile".into(),
            reason: format!("a {} plan", plan.language()),
        });
    };
    let self_contained = matches!(
        node.output,
        NodeOutput::NextStandalone { .. } | NodeOutput::Bundle { .. } | NodeOutput::Static { .. }
    );
    let runtime_reason = if plan.runtime_packages.is_empty() {
        format!(
            "Node.js {} has no distroless image; the slim image runs as its `node` user.",
            plan.version
        )
    } else {
        "Native modules load OS libraries, so the runtime is the slim image (it has apt).".into()
    };
    let cmd = match (&plan.entrypoint, plan.kind) {
        (Some(argv), AppKind::Server) => {
            let cmd_args =
                if plan.images.runtime_distroless && argv.first().is_some_and(|a| a == "node") {
                    &argv[1..]
                } else {
                    &argv[..]
                };
            exec_form(cmd_args)
        }
        _ => String::new(),
    };
    let value = NodeContext {
        common: Common::new(plan)?,
        node,
        manifests: node.manifests.join(" "),
        ws: plan
            .app_dir
            .as_ref()
            .map_or(String::new(), |w| format!("{w}/")),
        build: plan.build_command.as_ref().map(|argv| argv.join(" ")),
        prod_deps: !self_contained,
        uid: plan.images.user.split(':').next().unwrap_or(""),
        runtime_reason,
        cmd,
    };
    let rules = crate::detect::node::rules()?;
    let mut ignore = rules.dockerignore.lines.clone();
    ignore.extend(node.build_outputs.iter().cloned());
    Ok(Rendering {
        template: "node.Dockerfile",
        context: context("node.Dockerfile", &value)?,
        ignore,
    })
}
