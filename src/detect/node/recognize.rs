//! Does package.json look like the project's app? A cheap reading for choosing among
//! languages: a server beats a manifest that only builds assets or holds tooling.

use serde_json::Value;

use super::rules::{Family, NodeRules};
use super::script::{Command, Syntax};
use super::{names, read_manifest, rules, workspace};
use crate::error::Error;
use crate::plan::{AppKind, Candidate, Language, Strength};
use crate::project::Project;

/// The Node.js candidate, if the project has a package.json.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let rules = rules()?;
    let manifest = match read_manifest(project) {
        Ok(None) => return Ok(None),
        Ok(Some(manifest)) => manifest,
        Err(error) => {
            return Ok(Some(candidate(
                Strength::Unreadable,
                project,
                format!("cannot be read: {error}"),
            )))
        }
    };
    let mut best = classify(project, &manifest, rules);
    // A monorepo root is as much an app as its strongest workspace.
    let members = match workspace::members(project, &manifest) {
        Ok(members) => members,
        Err(error) => {
            return Ok(Some(candidate(
                Strength::Unreadable,
                project,
                format!("declares workspaces that cannot be read: {error}"),
            )))
        }
    };
    for member in members {
        let view = project.at(&member.dir);
        if let Ok(Some(manifest)) = read_manifest(&view) {
            let found = classify(&view, &manifest, rules);
            if found.strength > best.strength {
                best = found;
            }
        }
    }
    Ok(Some(best))
}

fn candidate(strength: Strength, project: &Project, reason: String) -> Candidate {
    Candidate {
        language: Language::Node,
        strength,
        source: project.name("package.json"),
        reason,
    }
}

fn classify(project: &Project, manifest: &Value, rules: &NodeRules) -> Candidate {
    let deps = names(manifest, "dependencies");
    let dev = names(manifest, "devDependencies");
    let declared = |p: &String| deps.contains(p) || dev.contains(p);
    // Servers count from `dependencies`; a framework whose build writes the server (Nuxt,
    // SvelteKit's adapter-node) is a build tool and counts from either list.
    for fw in rules
        .frameworks
        .iter()
        .filter(|f| f.kind() == AppKind::Server)
    {
        let counts = |p: &String| deps.contains(p) || (fw.output.is_some() && dev.contains(p));
        if let Some(package) = fw.packages.iter().find(|p| counts(p)) {
            return candidate(
                Strength::Application,
                project,
                format!("runs a server (`{package}`)"),
            );
        }
    }
    if let Some(reason) = runs_something(manifest, rules, &deps, &dev) {
        return candidate(Strength::Application, project, reason);
    }
    if let Some(main) = manifest.get("main").and_then(Value::as_str) {
        if project.is_file(main) && !deps.is_empty() {
            return candidate(
                Strength::Application,
                project,
                format!("`main` is `{main}`"),
            );
        }
    }
    if !deps.is_empty() {
        if let Some(file) = rules.entry.conventional.iter().find(|f| project.is_file(f)) {
            return candidate(
                Strength::Application,
                project,
                format!("has dependencies and `{file}`"),
            );
        }
    }
    let site = rules
        .frameworks
        .iter()
        .filter(|f| f.family == Family::Static)
        .find(|f| f.packages.iter().any(declared));
    if let Some(fw) = site {
        return candidate(
            Strength::Partial,
            project,
            format!("only builds assets ({})", fw.name),
        );
    }
    if let Some(package) = rules.recognize.asset_packages.iter().find(|p| declared(p)) {
        return candidate(
            Strength::Partial,
            project,
            format!("only builds assets ({package})"),
        );
    }
    if !deps.is_empty() {
        return candidate(
            Strength::Partial,
            project,
            "declares dependencies but nothing that runs them".into(),
        );
    }
    let tools: Vec<&str> = dev.iter().take(3).map(String::as_str).collect();
    let reason = if tools.is_empty() {
        "holds no dependencies and nothing to run".to_string()
    } else {
        format!("holds tooling only ({})", tools.join(", "))
    };
    candidate(Strength::Tooling, project, reason)
}

/// A start script that runs node, a compiled TypeScript file, a framework's server or a
/// program a dependency provides (never a dev server).
fn runs_something(
    manifest: &Value,
    rules: &NodeRules,
    deps: &[String],
    dev: &[String],
) -> Option<String> {
    let syntax = Syntax::new(rules);
    let mut name = "start".to_string();
    for _ in 0..4 {
        let script = manifest.get("scripts")?.get(&name)?.as_str()?;
        match syntax.last_command(script) {
            Command::Node(_) | Command::TsRunner(_) | Command::FrameworkStart | Command::Bun(_) => {
                return Some(format!("the start script runs `{script}`"));
            }
            Command::Bin(program, _) => {
                let provided = rules.entry.programs.get(&program).unwrap_or(&program);
                let dev_tool = rules.entry.dev_tools.contains(&program);
                let declared = deps
                    .iter()
                    .chain(dev)
                    .any(|d| d == provided || d.rsplit('/').next() == Some(provided.as_str()));
                return (declared && !dev_tool)
                    .then(|| format!("the start script runs `{script}`"));
            }
            Command::Script(next) if next != name => name = next,
            Command::Script(_) | Command::Unknown => return None,
        }
    }
    None
}
