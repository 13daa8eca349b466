//! How the dependencies and the project install: the package manager's commands from
//! python.toml, filled in for where the dependencies come from.

use std::collections::BTreeMap;

use super::manager::{Manager, Source};
use super::rules::{PackageManagerRule, PythonRules, VersionLine};
use super::source;
use crate::plan::{PythonPlan, Warning, WarningKind};
use crate::project::Project;

pub struct Inputs<'a> {
    /// The tool root (the workspace root for a member).
    pub project: &'a Project,
    pub rules: &'a PythonRules,
    pub manager: &'a Manager<'a>,
    pub member: Option<&'a str>,
    pub members: &'a [String],
    /// The project itself must be installed (console scripts, src packages).
    pub install_project: bool,
    pub line: &'a VersionLine,
}

/// The install half of the plan; the caller fills in the rest.
pub fn plan(inputs: &Inputs, warnings: &mut Vec<Warning>) -> PythonPlan {
    let rule = inputs.manager.rule;
    let venv = &inputs.rules.images.venv;
    // A workspace member installs as the package its pyproject names.
    let package = inputs
        .member
        .and_then(|m| {
            inputs
                .project
                .at(m)
                .read_toml("pyproject.toml")
                .ok()
                .flatten()
        })
        .and_then(|p| p.get("project")?.get("name")?.as_str().map(str::to_string))
        .filter(|n| source::importable(&n.replace(['-', '.'], "_")));
    let fill = |cmd: &str, requirements: &str| {
        cmd.replace("{venv}", venv)
            .replace("{requirements}", requirements)
            .replace("{package}", package.as_deref().unwrap_or(""))
    };
    let deps = dependency_install(inputs, package.is_some(), &fill, warnings);
    // A workspace member installs with its local dependencies (other members) after the source.
    let wants_project = inputs.install_project || package.is_some();
    let install_project = if wants_project && !matches!(inputs.manager.source, Source::Setup(_)) {
        let cmd = match (&package, &rule.install_project_member) {
            (Some(_), Some(cmd)) => Some(cmd),
            _ => rule.install_project.as_ref(),
        };
        cmd.map(|c| fill(c, ""))
    } else {
        None
    };
    PythonPlan {
        venv: venv.clone(),
        family: String::new(),
        manifests: deps.manifests,
        tool_image: rule.image.clone(),
        tool_files: rule.tool_files.clone(),
        setup: rule.setup.clone(),
        env: rule
            .env
            .iter()
            .map(|(k, v)| (k.clone(), fill(v, "")))
            .collect(),
        venv_command: rule.venv.as_ref().map(|v| fill(v, "")),
        install_deps: deps.command,
        deps_need_source: deps.need_source,
        install_project,
        cache: rule.cache.clone(),
        added_server: None,
        assets: None,
        build_env: BTreeMap::new(),
        runtime_env: BTreeMap::new(),
        init: None,
        init_package: None,
    }
}

struct DependencyInstall {
    manifests: Vec<String>,
    command: String,
    need_source: bool,
}

fn dependency_install(
    inputs: &Inputs,
    member: bool,
    fill: &dyn Fn(&str, &str) -> String,
    warnings: &mut Vec<Warning>,
) -> DependencyInstall {
    let (project, rule) = (inputs.project, inputs.manager.rule);
    let mut manifests: Vec<String> = rule
        .manifests
        .iter()
        .filter(|m| project.is_file(m))
        .cloned()
        .collect();
    let with_source = |rule: &PackageManagerRule| {
        fill(
            rule.install_with_source
                .as_deref()
                .unwrap_or(&rule.install_deps),
            "",
        )
    };
    let mut need_source = false;
    let command = match &inputs.manager.source {
        Source::Lock(lock) => {
            manifests.push(lock.clone());
            match (member, &rule.install_deps_member) {
                (true, Some(cmd)) => {
                    manifests.extend(inputs.members.iter().map(|m| format!("{m}/pyproject.toml")));
                    fill(cmd, "")
                }
                _ => fill(&rule.install_deps, ""),
            }
        }
        Source::Requirements(reqs) => {
            manifests = reqs.files.iter().map(|f| project.name(f)).collect();
            if let Some((file, line_no, text)) = reqs.local.first() {
                need_source = true;
                warnings.push(Warning::new(
                    WarningKind::PackageManager,
                    format!("`{file}` line {line_no} installs `{text}` from the source tree, so dependencies install after the source is copied and are not cached apart from it"),
                ));
            }
            let first = reqs.files.first().cloned().unwrap_or_default();
            fill(&rule.install_deps, &project.name(&first))
        }
        Source::Pyproject => {
            // Reading pyproject at build time needs tomllib (Python 3.11+).
            let tomllib = inputs
                .line
                .parsed()
                .is_some_and(|v| v.release() >= [3, 11].as_slice());
            if let (Some(cmd), true) = (&rule.install_pyproject_deps, tomllib) {
                manifests.push("pyproject.toml".into());
                fill(cmd, "")
            } else {
                need_source = true;
                with_source(rule)
            }
        }
        Source::Unlocked => fill(rule.unlocked.as_deref().unwrap_or(&rule.install_deps), ""),
        Source::Setup(setup) => {
            need_source = true;
            manifests.push(setup.clone());
            with_source(rule)
        }
        Source::Nothing => String::new(),
    };
    manifests.dedup();
    DependencyInstall {
        manifests,
        command,
        need_source,
    }
}
