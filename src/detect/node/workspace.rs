//! Monorepos: npm, Yarn and Bun `workspaces`, and `pnpm-workspace.yaml`.
//!
//! The lockfile lives at the root, so the image is built from the root: every workspace's
//! package.json is copied before the install, the whole tree ships (local packages are linked
//! from `node_modules`), and the container runs from the chosen workspace's folder (the plan's
//! `app_dir`). A member is detected through a view of its folder, so its evidence and errors
//! already name root-relative files.

use serde_json::Value;

use super::prune;
use super::rules::NodeRules;
use super::{detect_app, read_manifest, App, Toolchain};
use crate::answers::Answers;
use crate::detect::safe::{safe_path, shown};
use crate::error::Error;
use crate::plan::{AppKind, Details, Evidence, Field, NodeOutput, Plan};
use crate::project::Project;
use crate::questions::Question;

/// One workspace: its folder and package name.
#[derive(Debug, Clone)]
pub struct Member {
    pub dir: String,
    pub name: String,
}

/// The workspace patterns the root declares, each with the file that declares it.
fn patterns(project: &Project, manifest: &Value) -> Result<Vec<(String, String)>, Error> {
    let mut patterns = Vec::new();
    let declared = manifest
        .get("workspaces")
        .map(|w| w.get("packages").unwrap_or(w));
    for pattern in declared
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        patterns.push((pattern.to_string(), project.name("package.json")));
    }
    if let Some(yaml) = project.read_yaml("pnpm-workspace.yaml")? {
        for pattern in yaml
            .get("packages")
            .and_then(|p| p.as_sequence())
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str())
        {
            patterns.push((pattern.to_string(), project.name("pnpm-workspace.yaml")));
        }
    }
    Ok(patterns)
}

/// The workspaces the root declares, in folder order; empty when it declares none.
pub fn members(project: &Project, manifest: &Value) -> Result<Vec<Member>, Error> {
    let patterns = patterns(project, manifest)?;
    if patterns.is_empty() {
        return Ok(Vec::new());
    }
    let (mut include, mut exclude) = (Vec::new(), Vec::new());
    for (pattern, file) in &patterns {
        let (negated, glob) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern.as_str()),
        };
        let glob = glob.trim_start_matches("./");
        // Only patterns inside the project: a workspace list must not reach outside it.
        if glob.starts_with('/') || glob.split('/').any(|part| part == "..") {
            return Err(Error::UnsafeValue {
                file: file.clone(),
                key: "workspaces".into(),
                reason: format!("`{pattern}` leaves the project"),
            });
        }
        if negated {
            exclude.push(glob);
        } else {
            include.push(glob);
        }
    }
    let file = &patterns[0].1;
    let dirs = project
        .find_dirs(&include, &exclude)
        .map_err(|reason| Error::UnsafeValue {
            file: file.clone(),
            key: "workspaces".into(),
            reason,
        })?;
    let limit = crate::rules::common()?.apps.limit;
    let mut members = Vec::new();
    for dir in dirs {
        if members.len() == limit {
            break;
        }
        let member = project.at(&dir);
        if !member.is_file("package.json") {
            continue;
        }
        let Ok(dir) = safe_path(file, "workspaces", &dir) else {
            continue;
        };
        let manifest = member.read_json("package.json")?;
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
    answers: &Answers,
) -> Result<Plan, Error> {
    let toolchain = Toolchain::read(project, manifest)?;
    let root_is_app = answers.workspace.is_none()
        && (manifest
            .pointer("/scripts/start")
            .and_then(Value::as_str)
            .is_some_and(|s| names_member(s, members).is_none())
            || manifest.get("main").is_some());
    if root_is_app {
        // `turbo run start` and the like resolve to nothing here: then a workspace is the app.
        if let App::Plan(plan) = detect_app(&toolchain, project, manifest, rules, answers)? {
            if plan.entrypoint.is_some() {
                return adapt(project, *plan, manifest, members, None, rules);
            }
        }
    }
    let (member, plan, evidence) = choose(&toolchain, members, rules, answers)?;
    let mut plan = adapt(project, plan, manifest, members, Some(&member), rules)?;
    plan.evidence.insert(Field::App, evidence);
    Ok(plan)
}

/// The workspace to containerize: the flag, then the one the root's start script runs, then
/// the one network service, then the one static site; otherwise the user must say.
fn choose(
    toolchain: &Toolchain,
    members: &[Member],
    rules: &NodeRules,
    answers: &Answers,
) -> Result<(Member, Plan, Evidence), Error> {
    let listing = || {
        members
            .iter()
            .map(|m| format!("`{}`", m.dir))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(wanted) = &answers.workspace {
        let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
        let Some(member) = members.iter().find(|m| m.dir == wanted || m.name == wanted) else {
            return Err(Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: format!(
                    "`{}` is not a workspace; the workspaces are {}",
                    shown(wanted),
                    listing()
                ),
            });
        };
        let plan =
            member_plan(toolchain, member, rules, answers)?.ok_or_else(|| Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: format!("`{}` has nothing dockgen can run", member.dir),
            })?;
        return Ok((member.clone(), plan, Evidence::flag("--workspace")));
    }
    if let Some(member) = toolchain
        .manifest
        .pointer("/scripts/start")
        .and_then(Value::as_str)
        .and_then(|s| names_member(s, members))
    {
        if let Some(plan) = member_plan(toolchain, member, rules, answers)? {
            let evidence = toolchain.project.evidence(
                "package.json",
                Some("scripts.start"),
                "the root start script runs this workspace",
            );
            return Ok((member.clone(), plan, evidence));
        }
    }
    let (mut servers, mut sites) = candidates(toolchain, members, rules, answers)?;
    let (pick, why) = match (servers.len(), sites.len()) {
        (1, _) => (servers.pop(), "the only workspace that runs a server"),
        (0, 1) => (sites.pop(), "the only workspace that builds a site"),
        _ => (None, ""),
    };
    if let Some((member, plan)) = pick {
        let evidence = toolchain
            .project
            .at(&member.dir)
            .evidence("package.json", None, why);
        return Ok((member.clone(), plan, evidence));
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
        question: Question::App,
        detail: if candidates.is_empty() {
            format!(
                "none of the workspaces ({}) is an app dockgen can run",
                listing()
            )
        } else {
            format!("the candidate workspaces are {}", candidates.join(", "))
        },
        choices: servers
            .iter()
            .chain(&sites)
            .map(|(m, _)| m.dir.clone())
            .collect(),
    })
}

/// The workspaces that run a server, and those that build a site. A workspace another one
/// depends on, or one with only a `main` to load and no server framework, is a library: it
/// counts only when nothing else does.
#[allow(clippy::type_complexity)]
fn candidates<'m>(
    toolchain: &Toolchain,
    members: &'m [Member],
    rules: &NodeRules,
    answers: &Answers,
) -> Result<(Vec<(&'m Member, Plan)>, Vec<(&'m Member, Plan)>), Error> {
    let skip = &crate::rules::common()?.apps;
    let used = prune::used_by_others(toolchain.project, members);
    let mut servers = Vec::new();
    let mut sites = Vec::new();
    let mut libraries = Vec::new();
    for member in members.iter().filter(|m| !skip.skips(&m.dir)) {
        match member_plan(toolchain, member, rules, answers) {
            Ok(Some(plan)) if plan.kind == AppKind::Server && plan.entrypoint.is_some() => {
                let runs = plan.framework.is_some()
                    || plan
                        .evidence
                        .get(&Field::Entrypoint)
                        .and_then(|e| e.key.as_deref())
                        .is_some_and(|k| k.starts_with("scripts."));
                if used.contains(&member.name) || !runs {
                    libraries.push((member, plan));
                } else {
                    servers.push((member, plan));
                }
            }
            Ok(Some(plan)) if plan.kind == AppKind::Static => sites.push((member, plan)),
            Ok(_) | Err(_) => {}
        }
    }
    if servers.is_empty() && sites.is_empty() {
        servers = libraries;
    }
    Ok((servers, sites))
}

fn member_plan(
    toolchain: &Toolchain,
    member: &Member,
    rules: &NodeRules,
    answers: &Answers,
) -> Result<Option<Plan>, Error> {
    let view = toolchain.project.at(&member.dir);
    let Some(manifest) = read_manifest(&view)? else {
        return Ok(None);
    };
    match detect_app(toolchain, &view, &manifest, rules, answers)? {
        App::Plan(plan) => Ok(Some(*plan)),
        App::NotAnApp(_) => Ok(None),
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

/// Makes a plan detected inside `member` (or at the root) one built from the root: every
/// workspace manifest copied first, the build run from the root, the app folder recorded, and
/// the final image pruned to the app, its production dependencies and the workspace packages it
/// uses (`pnpm deploy`, or the package manager's one-workspace install plus those folders).
fn adapt(
    project: &Project,
    mut plan: Plan,
    root_manifest: &Value,
    members: &[Member],
    member: Option<&Member>,
    rules: &NodeRules,
) -> Result<Plan, Error> {
    let Details::Node(node) = &mut plan.details else {
        return Err(Error::InvalidRule {
            reason: format!("a {} plan in a Node.js workspace", plan.language()),
        });
    };
    // Workspace packages are linked into node_modules even when no registry package is.
    node.production_dependencies = true;
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
    plan.app_dir = Some(dir.clone());
    // The container runs from the workspace folder; hoisted programs live at the root.
    let workdir = &crate::rules::common()?.image.workdir;
    for arg in plan.entrypoint.iter_mut().flatten() {
        if arg.starts_with("node_modules/") {
            *arg = format!("{workdir}/{arg}");
        }
    }
    // Outputs that carry everything they need ship alone; the rest ships the app's folders.
    if matches!(
        node.output,
        NodeOutput::Build { .. } | NodeOutput::NextServer { .. }
    ) {
        node.output = NodeOutput::Source;
    }
    node.runtime_dirs.clear();

    // The variant the plan installs with (Yarn 2+ or Yarn 1).
    let pm = rules
        .package_managers
        .iter()
        .filter(|pm| pm.name == plan.package_manager)
        .find(|pm| [&pm.install, &pm.install_unlocked].contains(&&node.install))
        .ok_or_else(|| Error::InvalidRule {
            reason: format!(
                "node.toml has no package manager `{}`",
                plan.package_manager
            ),
        })?;
    let closure = prune::local_closure(project, members, member)?;
    if matches!(node.output, NodeOutput::Source) {
        prune::prune(node, pm, &closure, member, rules)?;
    }
    if root_manifest
        .pointer("/scripts/build")
        .and_then(Value::as_str)
        .is_some()
    {
        let mut argv: Vec<String> = pm.run.split_whitespace().map(str::to_string).collect();
        argv.push("build".into());
        plan.build_command = Some(argv);
        plan.evidence.insert(
            Field::BuildCommand,
            Evidence::file(
                "package.json",
                Some("scripts.build"),
                "the root build script",
            ),
        );
    } else if let Some(argv) = prune::member_build(project, pm, &closure)? {
        plan.build_command = Some(argv);
        plan.evidence.insert(
            Field::BuildCommand,
            project.at(&dir).evidence(
                "package.json",
                None,
                "the build scripts of the app and the workspace packages it uses",
            ),
        );
    }
    Ok(plan)
}
