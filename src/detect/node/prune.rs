//! What a workspace app's image holds of the monorepo: the app, the workspace packages it
//! uses and their production dependencies, pruned by the package manager (`pnpm deploy`, or
//! its one-workspace production install), and the build of those packages.

use std::collections::BTreeSet;

use nodejs_semver::{Range, Version};
use serde_json::Value;

use super::rules::{NodeRules, PackageManagerRule};
use super::workspace::Member;
use crate::detect::safe::safe_name;
use crate::error::Error;
use crate::plan::NodePlan;
use crate::project::Project;

/// Prunes what a workspace app's image holds: the package manager's deploy when it has one,
/// otherwise its one-workspace production install plus the app's and its packages' folders.
pub fn prune(
    node: &mut NodePlan,
    pm: &PackageManagerRule,
    closure: &[&Member],
    member: &Member,
    rules: &NodeRules,
) -> Result<(), Error> {
    let name = || {
        safe_name(
            &format!("{}/package.json", member.dir),
            "name",
            &member.name,
        )
    };
    let deploy = pm.deploy.iter().find(|d| {
        let Some(major) = node.package_manager_major else {
            return true;
        };
        Range::parse(&d.versions)
            .is_ok_and(|r| Version::parse(format!("{major}.0.0")).is_ok_and(|v| r.satisfies(&v)))
    });
    if let Some(deploy) = deploy {
        node.deploy = Some(
            deploy
                .command
                .replace("{name}", &name()?)
                .replace("{out}", &rules.workspaces.deploy_dir),
        );
        return Ok(());
    }
    node.members = closure.iter().map(|m| m.dir.clone()).collect();
    let prune = if node.lockfile.is_some() {
        &pm.prune_prod
    } else {
        &pm.prune_prod_unlocked
    };
    if let Some(prune) = prune {
        node.install_prod = prune
            .replace("{dir}", &member.dir)
            .replace("{name}", &name()?);
    }
    Ok(())
}

/// The workspace packages the app uses are built first, then the app; each command runs in a
/// shell-form RUN, so names must be plain package names. `None` when none of them builds.
pub fn member_build(
    project: &Project,
    pm: &PackageManagerRule,
    closure: &[&Member],
) -> Result<Option<Vec<String>>, Error> {
    let mut commands = Vec::new();
    for m in closure {
        let manifest = project.at(&m.dir).read_json("package.json")?;
        let builds = manifest
            .as_ref()
            .and_then(|j| j.pointer("/scripts/build"))
            .is_some_and(Value::is_string);
        if !builds {
            continue;
        }
        let name = safe_name(&format!("{}/package.json", m.dir), "name", &m.name)?;
        commands.push(
            pm.build_workspace
                .replace("{dir}", &m.dir)
                .replace("{name}", &name),
        );
    }
    if commands.is_empty() {
        return Ok(None);
    }
    let line = commands.join(" && ");
    Ok(Some(line.split_whitespace().map(str::to_string).collect()))
}

/// The package names some workspace depends on (in any dependency list).
pub fn used_by_others(project: &Project, members: &[Member]) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for member in members {
        let Ok(Some(manifest)) = project.at(&member.dir).read_json("package.json") else {
            continue;
        };
        for section in ["dependencies", "devDependencies", "peerDependencies"] {
            for dep in manifest
                .get(section)
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|d| d.keys())
            {
                if dep != &member.name && members.iter().any(|m| &m.name == dep) {
                    used.insert(dep.clone());
                }
            }
        }
    }
    used
}

/// The app's workspace and the workspace packages it depends on in production, transitively:
/// dependencies first, the app last.
pub fn local_closure<'m>(
    project: &Project,
    members: &'m [Member],
    app: &'m Member,
) -> Result<Vec<&'m Member>, Error> {
    let mut order: Vec<&Member> = Vec::new();
    let mut stack: Vec<(&Member, bool)> = vec![(app, false)];
    let mut seen = BTreeSet::new();
    while let Some((member, expanded)) = stack.pop() {
        if expanded {
            order.push(member);
            continue;
        }
        if !seen.insert(member.dir.as_str()) {
            continue;
        }
        stack.push((member, true));
        let manifest = project.at(&member.dir).read_json("package.json")?;
        let deps = manifest
            .as_ref()
            .and_then(|m| m.get("dependencies"))
            .and_then(Value::as_object);
        for dep in deps.into_iter().flat_map(|d| d.keys()) {
            if let Some(found) = members.iter().find(|m| &m.name == dep) {
                if !seen.contains(found.dir.as_str()) {
                    stack.push((found, false));
                }
            }
        }
    }
    Ok(order)
}
