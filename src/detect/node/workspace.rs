//! Monorepos: npm, Yarn and Bun `workspaces`, and `pnpm-workspace.yaml`.
//!
//! The lockfile lives at the root, so the image is built from the root: every workspace's
//! package.json is copied before the install, the whole tree ships (local packages are linked
//! from `node_modules`), and the container runs from the chosen workspace's folder.

use serde_json::Value;

use super::{detect_app, read_manifest, Toolchain};
use crate::detect::safe::safe_path;
use crate::detect::{Detection, Overrides};
use crate::error::Error;
use crate::plan::{AppKind, Evidence, NodeOutput, Plan};
use crate::project::Project;
use crate::rules::NodeRules;

/// One workspace: its folder and package name.
#[derive(Debug, Clone)]
pub struct Member {
    pub dir: String,
    pub name: String,
}

/// The workspaces the root declares, in folder order; empty when it declares none.
pub fn members(
    project: &Project,
    manifest: &Value,
    rules: &NodeRules,
) -> Result<Vec<Member>, Error> {
    let mut patterns: Vec<(String, &str)> = Vec::new();
    let declared = manifest
        .get("workspaces")
        .map(|w| w.get("packages").unwrap_or(w));
    for pattern in declared
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        patterns.push((pattern.to_string(), "package.json"));
    }
    if let Some(text) = project.read("pnpm-workspace.yaml")? {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            Error::Parse {
                file: "pnpm-workspace.yaml".into(),
                line,
                column,
                message: e.to_string(),
            }
        })?;
        for pattern in yaml
            .get("packages")
            .and_then(|p| p.as_sequence())
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str())
        {
            patterns.push((pattern.to_string(), "pnpm-workspace.yaml"));
        }
    }
    let mut dirs = Vec::new();
    let mut excluded = Vec::new();
    for (pattern, file) in &patterns {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern.as_str()),
        };
        // Only plain relative patterns: a workspace list must not reach outside the project.
        let plain = pattern.replace("**", "x").replace('*', "x");
        safe_path(file, "workspaces", &plain)?;
        let full = project.root().join(pattern.trim_end_matches('/'));
        let Ok(paths) = glob::glob(&full.to_string_lossy()) else {
            continue;
        };
        for path in paths.flatten() {
            let Ok(rel) = path.strip_prefix(project.root()) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.split('/').any(|part| part == "node_modules")
                || !path.join("package.json").is_file()
            {
                continue;
            }
            if negated {
                excluded.push(rel);
            } else if !dirs.contains(&rel) {
                dirs.push(rel);
            }
        }
    }
    dirs.retain(|d| !excluded.contains(d));
    dirs.sort();
    dirs.truncate(rules.workspaces.limit);
    let mut members = Vec::new();
    for dir in dirs {
        let Ok(dir) = safe_path("package.json", "workspaces", &dir) else {
            continue;
        };
        let manifest = project.read_json(&format!("{dir}/package.json"))?;
        let name = manifest
            .as_ref()
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or(&dir)
            .to_string();
        members.push(Member { dir, name });
    }
    Ok(members)
}

/// Detects a monorepo: the root itself when it is the app, otherwise the one workspace that is.
pub fn detect(
    project: &Project,
    manifest: &Value,
    members: &[Member],
    rules: &NodeRules,
    overrides: &Overrides,
) -> Result<Detection, Error> {
    let toolchain = Toolchain::read(project, manifest)?;
    let root_is_app = overrides.workspace.is_none()
        && (manifest
            .pointer("/scripts/start")
            .and_then(Value::as_str)
            .is_some_and(|s| names_member(s, members).is_none())
            || manifest.get("main").is_some());
    if root_is_app {
        // `turbo run start` and the like resolve to nothing here: then a workspace is the app.
        if let Detection::Found(plan) = detect_app(&toolchain, project, manifest, rules, overrides)?
        {
            if plan.entrypoint.is_some() {
                return Ok(Detection::Found(Box::new(adapt(
                    *plan, manifest, members, None, rules,
                )?)));
            }
        }
    }
    let (member, plan, evidence) = choose(&toolchain, members, rules, overrides)?;
    let mut plan = adapt(plan, manifest, members, Some(&member), rules)?;
    plan.evidence.insert("workspace".into(), evidence);
    Ok(Detection::Found(Box::new(plan)))
}

/// The workspace to containerize: the flag, then the one the root's start script runs, then
/// the one network service, then the one static site; otherwise the user must say.
fn choose(
    toolchain: &Toolchain,
    members: &[Member],
    rules: &NodeRules,
    overrides: &Overrides,
) -> Result<(Member, Plan, Evidence), Error> {
    let listing = || {
        members
            .iter()
            .map(|m| format!("`{}`", m.dir))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(wanted) = &overrides.workspace {
        let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
        let Some(member) = members.iter().find(|m| m.dir == wanted || m.name == wanted) else {
            return Err(Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: format!(
                    "`{wanted}` is not a workspace; the workspaces are {}",
                    listing()
                ),
            });
        };
        let plan = member_plan(toolchain, member, rules, overrides)?.ok_or_else(|| {
            Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: format!("`{}` has nothing dockgen can run", member.dir),
            }
        })?;
        return Ok((member.clone(), plan, Evidence::flag("--workspace")));
    }
    if let Some(member) = toolchain
        .manifest
        .pointer("/scripts/start")
        .and_then(Value::as_str)
        .and_then(|s| names_member(s, members))
    {
        if let Some(plan) = member_plan(toolchain, member, rules, overrides)? {
            return Ok((
                member.clone(),
                plan,
                Evidence::file(
                    "package.json",
                    Some("scripts.start"),
                    "the root start script runs this workspace",
                ),
            ));
        }
    }
    let mut servers = Vec::new();
    let mut sites = Vec::new();
    for member in members.iter().filter(|m| {
        !m.dir
            .split('/')
            .any(|part| rules.workspaces.skip.iter().any(|s| s == part))
    }) {
        match member_plan(toolchain, member, rules, overrides) {
            Ok(Some(plan)) if plan.kind == AppKind::Server && plan.entrypoint.is_some() => {
                servers.push((member, plan));
            }
            Ok(Some(plan)) if plan.kind == AppKind::Static => sites.push((member, plan)),
            Ok(_) | Err(_) => {}
        }
    }
    let (pick, why) = match (servers.len(), sites.len()) {
        (1, _) => (servers.pop(), "the only workspace that runs a server"),
        (0, 1) => (sites.pop(), "the only workspace that builds a site"),
        _ => (None, ""),
    };
    if let Some((member, plan)) = pick {
        return Ok((
            member.clone(),
            plan,
            Evidence::file(&format!("{}/package.json", member.dir), None, why),
        ));
    }
    let candidates: Vec<String> = servers
        .iter()
        .chain(&sites)
        .map(|(m, p)| {
            format!(
                "`{}` ({})",
                m.dir,
                if p.kind == AppKind::Server {
                    "server"
                } else {
                    "static site"
                }
            )
        })
        .collect();
    Err(Error::MissingAnswer {
        question: "which workspace to containerize".into(),
        flag: "--workspace".into(),
        detail: if candidates.is_empty() {
            format!(
                "none of the workspaces ({}) is an app dockgen can run",
                listing()
            )
        } else {
            format!("the candidates are {}", candidates.join(", "))
        },
    })
}

fn member_plan(
    toolchain: &Toolchain,
    member: &Member,
    rules: &NodeRules,
    overrides: &Overrides,
) -> Result<Option<Plan>, Error> {
    let sub = Project::open(&toolchain.project.root().join(&member.dir))?;
    let Some(sub_manifest) = read_manifest(&sub)? else {
        return Ok(None);
    };
    match detect_app(toolchain, &sub, &sub_manifest, rules, overrides)
        .map_err(|e| prefix_error(e, &member.dir))?
    {
        Detection::Found(plan) => Ok(Some(*plan)),
        Detection::Skipped(_) => Ok(None),
    }
}

/// Errors from a member name the member's files, relative to the root.
fn prefix_error(error: Error, dir: &str) -> Error {
    match error {
        Error::Parse {
            file,
            line,
            column,
            message,
        } => Error::Parse {
            file: format!("{dir}/{file}"),
            line,
            column,
            message,
        },
        Error::UnsafeValue { file, key, reason } => Error::UnsafeValue {
            file: format!("{dir}/{file}"),
            key,
            reason,
        },
        other => other,
    }
}

/// The workspace (a package name or folder) a root script runs: `npm start -w api`,
/// `pnpm --filter api start`, `node packages/api/server.js`.
fn names_member<'m>(script: &str, members: &'m [Member]) -> Option<&'m Member> {
    let words = shell_words::split(script).ok()?;
    members.iter().find(|m| {
        words.iter().any(|w| {
            let value = w.split_once('=').map_or(w.as_str(), |(_, v)| v);
            let value = value.trim_start_matches("./");
            value == m.name || value == m.dir || value.starts_with(&format!("{}/", m.dir))
        })
    })
}

/// Turns a plan made inside `member` into one built from the root: workspace manifests, the
/// build run from the root, outputs under the member's folder.
fn adapt(
    mut plan: Plan,
    root_manifest: &Value,
    members: &[Member],
    member: Option<&Member>,
    rules: &NodeRules,
) -> Result<Plan, Error> {
    let Some(node) = plan.node.as_mut() else {
        return Ok(plan);
    };
    node.workspace_manifests = members
        .iter()
        .map(|m| format!("{}/package.json", m.dir))
        .collect();
    let Some(member) = member else {
        // The root app ships the whole tree: its local packages are linked from node_modules.
        if matches!(
            node.output,
            NodeOutput::Build { .. } | NodeOutput::NextServer { .. }
        ) {
            node.output = NodeOutput::Source;
            node.runtime_dirs.clear();
        }
        return Ok(plan);
    };
    let dir = member.dir.clone();
    node.workspace = Some(dir.clone());
    // The container runs from the workspace folder; hoisted programs live at the root.
    for arg in plan.entrypoint.iter_mut().flatten() {
        if arg.starts_with("node_modules/") {
            *arg = format!("/app/{arg}");
        }
    }
    node.output = match std::mem::replace(&mut node.output, NodeOutput::Source) {
        NodeOutput::Static {
            dir: out,
            root,
            spa,
        } => NodeOutput::Static {
            dir: format!("{dir}/{out}"),
            root,
            spa,
        },
        NodeOutput::Bundle { dir: out } => NodeOutput::Bundle {
            dir: format!("{dir}/{out}"),
        },
        standalone @ NodeOutput::NextStandalone { .. } => standalone,
        NodeOutput::Source | NodeOutput::Build { .. } | NodeOutput::NextServer { .. } => {
            NodeOutput::Source
        }
    };
    node.runtime_dirs.clear();
    node.build_outputs = node
        .build_outputs
        .iter()
        .map(|o| format!("{dir}/{o}"))
        .collect();

    // Evidence read inside the member names files relative to the root.
    for (field, ev) in &mut plan.evidence {
        if !matches!(ev.source.as_str(), "default" | "flag")
            && !["package_manager", "version"].contains(&field.as_str())
        {
            ev.source = format!("{dir}/{}", ev.source);
        }
    }
    let pm = rules
        .package_managers
        .iter()
        .find(|pm| pm.name == plan.package_manager);
    if root_manifest
        .pointer("/scripts/build")
        .and_then(Value::as_str)
        .is_some()
    {
        let mut argv: Vec<String> = pm
            .map(|pm| pm.run.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        argv.push("build".into());
        plan.build_command = Some(argv);
        plan.evidence.insert(
            "build_command".into(),
            Evidence::file(
                "package.json",
                Some("scripts.build"),
                "the root build script",
            ),
        );
    } else if plan.build_command.is_some() {
        let template = pm.map_or("npm run build --workspace={dir}", |pm| {
            pm.build_workspace.as_str()
        });
        let command = template
            .replace("{dir}", &dir)
            .replace("{name}", &member.name);
        if let Some(bad) = command
            .chars()
            .find(|c| c.is_control() || "\"'$`\\;&|<>".contains(*c))
        {
            return Err(Error::UnsafeValue {
                file: format!("{dir}/package.json"),
                key: "name".into(),
                reason: format!("`{}` contains `{bad}`", member.name),
            });
        }
        plan.build_command = Some(command.split_whitespace().map(str::to_string).collect());
    }
    Ok(plan)
}
