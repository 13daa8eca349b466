//! The Node.js template's typed context.

use std::fmt::Write as _;

use serde::Serialize;

use super::{context, exec_form, Common, Rendering};
use crate::error::Error;
use crate::plan::{AppKind, Details, Field, NodeOutput, NodePlan, Plan, Runtime};

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
    /// `Node.js` or `Bun`, for the header and comments.
    title: &'static str,
    /// A comment saying the Node line came from the hand-written Dockerfile this one replaces
    /// (read back by the next run).
    version_note: Option<String>,
    /// The manifest files copied before the install, space-separated.
    manifests: String,
    /// The app folder with a trailing `/`, or empty at the root (paths in the build stages).
    ws: String,
    /// The same for the final stage, whose layout a pnpm deploy flattens.
    fws: String,
    /// The final stage's working folder under the app folder, when not the app folder itself.
    final_dir: Option<&'a str>,
    /// The build command as one shell line.
    build: Option<String>,
    /// Whether a build stage (and so a full dependency stage) exists.
    build_stage: bool,
    /// Whether a production-dependency stage ships `node_modules`.
    prod_deps: bool,
    /// The runtime user's uid, for comments.
    uid: &'a str,
    /// Why the final image is not distroless, when it is not.
    runtime_reason: String,
    /// The final stage's environment, `KEY=value` each.
    env: Vec<String>,
    /// `ARG` lines of the build stage, and the secret mounts and variables its build step reads.
    build_args: Vec<String>,
    build_secrets: bool,
    build_mounts: String,
    build_env: String,
    /// The same for the dependency installs, when an install script reads the variables.
    install_args: Vec<String>,
    install_mounts: String,
    install_env: String,
    /// Where a pnpm deploy writes the app.
    deploy_dir: &'a str,
    /// The exec-form `ENTRYPOINT`: the init, then the runtime on distroless.
    entrypoint: String,
    /// The exec-form `CMD` (the runtime's arguments on distroless).
    cmd: String,
    /// The init's Debian package and the file the final stage copies.
    init_package: &'a str,
    init_file: &'a str,
}

pub fn render(plan: &Plan) -> Result<Rendering, Error> {
    let Details::Node(node) = &plan.details else {
        return Err(Error::Template {
            name: "node.Dockerfile".into(),
            reason: format!("a {} plan", plan.language()),
        });
    };
    let rules = crate::detect::node::rules()?;
    let bun = node.runtime == Runtime::Bun;
    let title = if bun { "Bun" } else { "Node.js" };
    let self_contained = matches!(
        node.output,
        NodeOutput::NextStandalone { .. } | NodeOutput::Bundle { .. } | NodeOutput::Static { .. }
    );
    let mut common = Common::new(plan)?;
    let deploy = node.deploy.is_some();
    if deploy {
        // The deployed app is the image's app folder itself.
        let volumes: Vec<String> = plan
            .writable
            .iter()
            .map(|w| format!("{}/{w}", common.app))
            .collect();
        common.volumes = exec_form(&volumes);
    }
    let mut entrypoint = vec![common.init.to_string(), "--".to_string()];
    let program = if bun { "bun" } else { "node" };
    if plan.images.runtime_distroless {
        entrypoint.push(if bun {
            rules.bun.binary.clone()
        } else {
            rules.images.distroless_node.clone()
        });
    }
    let cmd = match (&plan.entrypoint, plan.kind) {
        (Some(argv), AppKind::Server) => {
            let cmd_args =
                if plan.images.runtime_distroless && argv.first().is_some_and(|a| a == program) {
                    &argv[1..]
                } else {
                    &argv[..]
                };
            exec_form(cmd_args)
        }
        _ => String::new(),
    };
    let ws = plan
        .app_dir
        .as_ref()
        .map_or(String::new(), |w| format!("{w}/"));
    let build = plan.build_command.as_ref().map(|argv| argv.join(" "));
    let vars = Vars::new(node);
    let value = NodeContext {
        node,
        title,
        version_note: version_note(plan, bun),
        manifests: node.manifests.join(" "),
        fws: if deploy { String::new() } else { ws.clone() },
        ws,
        final_dir: if deploy {
            None
        } else {
            plan.app_dir.as_deref()
        },
        build_stage: build.is_some() || deploy,
        build,
        prod_deps: !self_contained && !deploy && node.production_dependencies,
        uid: plan.images.user.split(':').next().unwrap_or(""),
        runtime_reason: runtime_reason(plan, bun),
        env: final_env(plan, node),
        build_args: vars.build_args,
        build_secrets: !vars.build_mounts.is_empty(),
        build_mounts: vars.build_mounts,
        build_env: vars.build_env,
        install_args: vars.install_args,
        install_mounts: vars.install_mounts,
        install_env: vars.install_env,
        deploy_dir: &rules.workspaces.deploy_dir,
        entrypoint: exec_form(&entrypoint),
        cmd,
        init_package: &rules.images.init_package,
        init_file: if bun {
            &rules.bun.init_file
        } else {
            &rules.images.init_file
        },
        common,
    };
    let mut ignore = rules.dockerignore.lines.clone();
    ignore.extend(node.build_outputs.iter().cloned());
    ignore.extend(node.local_data.iter().cloned());
    // Credentials reach the install as secrets, never through the context.
    ignore.extend(node.secrets.iter().map(|s| s.file.clone()));
    Ok(Rendering {
        template: "node.Dockerfile",
        context: context("node.Dockerfile", &value)?,
        ignore,
    })
}

/// `NODE_ENV`, the framework's settings, and the port where the image sets it.
fn final_env(plan: &Plan, node: &NodePlan) -> Vec<String> {
    let mut env = vec!["NODE_ENV=production".to_string()];
    env.extend(node.runtime_env.iter().map(|(k, v)| format!("{k}={v}")));
    let port = plan.port.filter(|_| {
        node.port_env
            || matches!(
                node.output,
                NodeOutput::NextStandalone { .. } | NodeOutput::NextServer { .. }
            )
    });
    if matches!(node.output, NodeOutput::NextStandalone { .. }) {
        env.push("HOSTNAME=0.0.0.0".into());
    }
    if let Some(port) = port {
        env.push(format!("PORT={port}"));
    }
    env
}

/// The build's variables as Dockerfile text: `ARG` lines for plain ones; for secrets, a mount
/// per secret and a shell assignment that reads it, so the value lives only in that step.
struct Vars {
    build_args: Vec<String>,
    build_mounts: String,
    build_env: String,
    install_args: Vec<String>,
    install_mounts: String,
    install_env: String,
}

impl Vars {
    fn new(node: &NodePlan) -> Self {
        let args = |install_only: bool| -> Vec<String> {
            node.build_env
                .iter()
                .filter(|v| !v.secret && (!install_only || v.install))
                .map(|v| match &v.default {
                    Some(d) => format!("{}={d}", v.name),
                    None => v.name.clone(),
                })
                .collect()
        };
        let secrets = |install_only: bool| -> (String, String) {
            let mut mounts = String::new();
            let mut env = String::new();
            for v in node
                .build_env
                .iter()
                .filter(|v| v.secret && (!install_only || v.install))
            {
                let file = format!("/run/secrets/{}", v.name);
                let _ = write!(mounts, " --mount=type=secret,id={},target={file}", v.name);
                let _ = write!(env, "{}=\"$(cat {file} 2>/dev/null)\" ", v.name);
            }
            (mounts, env)
        };
        let (build_mounts, build_env) = secrets(false);
        let (install_mounts, install_env) = secrets(true);
        Vars {
            build_args: args(false),
            // `RUN --mount…` needs the first mount to follow RUN directly; the command goes
            // on the next line.
            build_mounts: if build_mounts.is_empty() {
                String::new()
            } else {
                format!("{} \\\n    ", build_mounts.trim_start())
            },
            build_env,
            install_args: args(true),
            install_mounts,
            install_env,
        }
    }
}

fn version_note(plan: &Plan, bun: bool) -> Option<String> {
    let evidence = plan.evidence.get(&Field::Version)?;
    (!bun && evidence.source == "Dockerfile").then(|| {
        format!(
            "# Node.js {} {}; pin it in .nvmrc.",
            plan.version,
            crate::detect::node::CARRIED
        )
    })
}

/// Why the final image is not distroless, when it is not.
fn runtime_reason(plan: &Plan, bun: bool) -> String {
    if bun {
        "Native modules are compiled on Bun's Debian image, so they run on it too (Bun's distroless image has an older glibc)."
            .to_string()
    } else if !plan.runtime_packages.is_empty() {
        "Native modules load OS libraries, so the runtime is the slim image (it has apt).".into()
    } else {
        format!(
            "Node.js {} has no distroless image; the slim image runs as its `node` user.",
            plan.version
        )
    }
}
