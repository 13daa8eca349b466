//! The Python template's typed context.

use serde::Serialize;

use super::{context, exec_form, Common, Rendering};
use crate::error::Error;
use crate::plan::{Details, Plan, PythonPlan};

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "python.Dockerfile",
        include_str!("../../templates/python.Dockerfile.tera"),
    ),
    (
        "python.macros",
        include_str!("../../templates/python.macros.tera"),
    ),
];

/// Files copied into one folder by one `COPY`.
#[derive(Serialize)]
struct CopyGroup {
    files: String,
    dest: String,
}

/// Everything `python.Dockerfile.tera` reads.
#[derive(Serialize)]
struct PythonContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    python: &'a PythonPlan,
    /// The dependency manifests, grouped by folder.
    manifests: Vec<CopyGroup>,
    /// The asset stage's manifests, grouped by folder.
    asset_manifests: Vec<CopyGroup>,
    /// The package manager's setup commands as one shell line.
    setup: String,
    /// The tool image's files and where they go (`/uv /uvx /bin/`).
    tool_files: String,
    /// A stage builds after the source is copied (project install, assets, collectstatic).
    build_stage: bool,
    /// The stage the final venv comes from.
    venv_stage: &'static str,
    /// The build command with its build-only environment, one shell line.
    build: Option<String>,
    /// OS packages the final image installs (native libraries and the init).
    runtime_os: Vec<String>,
    /// Exec-form ENTRYPOINT (the init) and CMD.
    entrypoint: String,
    cmd: String,
    /// The program CMD starts, named in the comment on why no init is needed.
    command_name: String,
}

pub fn render(plan: &Plan) -> Result<Rendering, Error> {
    let Details::Python(python) = &plan.details else {
        return Err(Error::Template {
            name: "python.Dockerfile".into(),
            reason: format!("a {} plan", plan.language()),
        });
    };
    let build_stage = python.install_project.is_some()
        || python.deps_need_source
        || python.assets.is_some()
        || plan.build_command.is_some();
    let venv_stage = if python.install_project.is_some() || python.deps_need_source {
        "build"
    } else {
        "deps"
    };
    let build = plan.build_command.as_ref().map(|argv| {
        let env: Vec<String> = python
            .build_env
            .iter()
            .map(|(k, v)| format!("{k}={}", shell_quote(v)))
            .collect();
        let mut words = env;
        words.extend(argv.iter().cloned());
        words.join(" ")
    });
    let mut runtime_os = plan.runtime_packages.clone();
    runtime_os.extend(python.init_package.clone());
    let tool_files = if python.tool_files.is_empty() {
        String::new()
    } else {
        format!("{} /bin/", python.tool_files.join(" "))
    };
    let value = PythonContext {
        common: Common::new(plan)?,
        python,
        manifests: groups(&python.manifests),
        asset_manifests: python
            .assets
            .as_ref()
            .map(|a| groups(&a.manifests))
            .unwrap_or_default(),
        setup: python.setup.join(" \\\n && "),
        tool_files,
        build_stage,
        venv_stage,
        build,
        runtime_os,
        entrypoint: python.init.as_deref().map(exec_form).unwrap_or_default(),
        cmd: plan
            .entrypoint
            .as_deref()
            .map(exec_form)
            .unwrap_or_default(),
        command_name: command_name(plan.entrypoint.as_deref()),
    };
    let rules = crate::detect::python::rules()?;
    Ok(Rendering {
        template: "python.Dockerfile",
        context: context("python.Dockerfile", &value)?,
        ignore: rules.dockerignore.lines.clone(),
    })
}

/// Files grouped by folder, in first-seen order: one `COPY a b ./dir/` per folder.
fn groups(files: &[String]) -> Vec<CopyGroup> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for file in files {
        let dest = file
            .rsplit_once('/')
            .map_or_else(|| "./".to_string(), |(dir, _)| format!("./{dir}/"));
        match out.iter_mut().find(|(d, _)| *d == dest) {
            Some((_, list)) => list.push(file.clone()),
            None => out.push((dest, vec![file.clone()])),
        }
    }
    out.into_iter()
        .map(|(dest, files)| CopyGroup {
            files: files.join(" "),
            dest,
        })
        .collect()
}

/// A value for `NAME=value` in a shell line: bare when it is plain, single-quoted otherwise.
fn shell_quote(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:+@=,".contains(c))
    {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

/// The file name of the program `argv` starts, kept to characters a comment can hold safely.
fn command_name(argv: Option<&[String]>) -> String {
    let program = argv.and_then(<[String]>::first).map_or("", String::as_str);
    let name = program.rsplit('/').next().unwrap_or(program);
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_group_by_folder() {
        let files = vec![
            "requirements.txt".to_string(),
            "requirements/base.txt".to_string(),
            "requirements/prod.txt".to_string(),
        ];
        let got = groups(&files);
        assert_eq!(got[0].files, "requirements.txt");
        assert_eq!(got[0].dest, "./");
        assert_eq!(got[1].files, "requirements/base.txt requirements/prod.txt");
        assert_eq!(got[1].dest, "./requirements/");
        assert_eq!(shell_quote("sqlite:////tmp/x.db"), "sqlite:////tmp/x.db");
        assert_eq!(shell_quote("a b"), "'a b'");
    }
}
