//! The project's build as a whole: which tool (Maven or Gradle), its modules, the files that
//! resolve dependencies, the module to containerize, and the commands that build it.

use super::rules::JavaRules;
use super::{gradle, maven, Module, Runnable};
use crate::answers::Answers;
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;
use crate::questions::Question;

/// Which build tool, read.
pub enum Tool {
    Maven,
    Gradle,
}

/// The project's build: its tool, modules, and the files dependency resolution reads.
pub struct Build {
    pub tool: Tool,
    /// The root build file, root-relative.
    pub file: String,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
    pub modules: Vec<Module>,
    /// Build files and folders read before the sources, root-relative.
    pub files: Vec<String>,
    pub dirs: Vec<String>,
    /// Local build outputs (root-relative), for .dockerignore.
    pub outputs: Vec<String>,
}

/// Reads the build at the project root. With both a pom.xml and a Gradle build, the one with
/// a wrapper wins; with both or neither wrapped, Maven (the pom is declarative and complete).
pub fn build(project: &Project, rules: &'static JavaRules) -> Result<Build, Error> {
    let workdir = &crate::rules::common()?.image.workdir;
    let maven = project.is_file("pom.xml");
    let gradle_file = [
        "build.gradle.kts",
        "build.gradle",
        "settings.gradle.kts",
        "settings.gradle",
    ]
    .into_iter()
    .find(|f| project.is_file(f));
    let wrapped = |program: &str, files: &[String]| {
        project.is_file(program) && files.iter().all(|f| project.is_file(f))
    };
    let mut warnings = Vec::new();
    let use_gradle = match (maven, gradle_file) {
        (true, Some(g)) => {
            let gradle_wrapped = wrapped(&rules.gradle.wrapper, &rules.gradle.wrapper_files);
            let maven_wrapped = wrapped(&rules.maven.wrapper, &rules.maven.wrapper_files);
            let use_gradle = gradle_wrapped && !maven_wrapped;
            warnings.push(Warning::new(
                WarningKind::PackageManager,
                format!(
                    "both `pom.xml` and `{g}` are here; building with {} ({})",
                    if use_gradle { "Gradle" } else { "Maven" },
                    if use_gradle {
                        "only Gradle has a wrapper"
                    } else {
                        "the build with a wrapper wins, and Maven when both or neither have one"
                    }
                ),
            ));
            use_gradle
        }
        (false, Some(_)) => true,
        _ => false,
    };
    if use_gradle {
        let Some(loaded) = gradle::load(project)? else {
            return Err(nothing(project));
        };
        let modules = loaded.modules(rules, workdir);
        let (build_files, build_dirs) = loaded.build_files(project, &rules.gradle);
        let mut outputs = Vec::new();
        for p in &loaded.projects {
            let view = project.at(&p.dir);
            outputs.push(view.name(&rules.gradle.output));
            outputs.push(view.name(".gradle"));
        }
        let file = loaded
            .root()
            .file
            .clone()
            .or(loaded.settings.clone())
            .unwrap_or_default();
        return Ok(Build {
            tool: Tool::Gradle,
            evidence: project.evidence(&file, None, "a Gradle build"),
            file,
            warnings,
            modules,
            files: build_files,
            dirs: build_dirs,
            outputs,
        });
    }
    let Some(reactor) = maven::load(project)? else {
        return Err(nothing(project));
    };
    let modules = reactor.modules(project, rules);
    if let Some(message) = reactor.parent_outside() {
        warnings.push(Warning::new(WarningKind::PackageManager, message));
    }
    let outputs = reactor
        .files
        .iter()
        .map(|f| {
            project
                .at(f.rsplit_once('/').map_or("", |(d, _)| d))
                .name(&rules.maven.output)
        })
        .collect();
    Ok(Build {
        tool: Tool::Maven,
        file: "pom.xml".into(),
        evidence: project.evidence("pom.xml", None, "a Maven build"),
        warnings,
        modules,
        files: reactor.build_files(),
        dirs: rules
            .maven
            .config_dirs
            .iter()
            .filter(|d| project.is_dir(d))
            .cloned()
            .collect(),
        outputs,
    })
}

fn nothing(project: &Project) -> Error {
    Error::NothingDetected {
        path: project.shown().to_path_buf(),
        reason: "Java: no pom.xml or Gradle build file".into(),
    }
}

/// The module to containerize: the flag, else the one module that builds an app.
pub fn choose(
    project: &Project,
    build: &Build,
    answers: &Answers,
) -> Result<(Module, Option<Evidence>), Error> {
    let listing = || {
        build
            .modules
            .iter()
            .map(|m| {
                if m.dir.is_empty() {
                    format!("`{}` (the root)", m.name)
                } else {
                    format!("`{}`", m.dir)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let multi = build.modules.len() > 1 || build.modules.iter().any(|m| !m.dir.is_empty());
    if let Some(wanted) = &answers.workspace {
        let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
        let found = build.modules.iter().find(|m| {
            m.dir == wanted || m.name == wanted || m.name.trim_start_matches(':') == wanted
        });
        let Some(module) = found else {
            return Err(Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: format!("`{wanted}` is not a module; the modules are {}", listing()),
            });
        };
        if module.runnable.is_none() && multi {
            return Err(Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: format!("`{wanted}` builds a library: nothing to run"),
            });
        }
        return Ok((module.clone(), multi.then(|| Evidence::flag("--workspace"))));
    }
    let apps: Vec<&Module> = build
        .modules
        .iter()
        .filter(|m| m.runnable.is_some())
        .collect();
    match apps.as_slice() {
        [one] => {
            let evidence = multi.then(|| {
                Evidence::file(&one.build_file, None, "the one module that builds an app")
            });
            Ok(((*one).clone(), evidence))
        }
        [] if !multi && !build.modules.is_empty() => Ok((build.modules[0].clone(), None)),
        [] if build.modules.is_empty() => Err(Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: format!("Java: `{}` names no project with a build file", build.file),
        }),
        [] => Err(Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: format!(
                "Java: none of the modules ({}) builds an app: no framework plugin, application plugin or main class",
                listing()
            ),
        }),
        several => Err(Error::MissingAnswer {
            question: Question::App,
            detail: format!(
                "several modules build an app: {}",
                several
                    .iter()
                    .map(|m| format!(
                        "`{}` ({})",
                        if m.dir.is_empty() { "." } else { &m.dir },
                        m.runnable.as_ref().map_or("", |(_, e)| e.note.as_str())
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            choices: several
                .iter()
                .map(|m| if m.dir.is_empty() { ".".to_string() } else { m.dir.clone() })
                .collect(),
        }),
    }
}

/// The program that builds (`./mvnw` or `mvn`, …) and the wrapper script, if used.
pub fn toolchain(
    project: &Project,
    build: &Build,
    rules: &JavaRules,
    warnings: &mut Vec<Warning>,
) -> (String, Option<String>) {
    let (program, wrapper, files, name) = match build.tool {
        Tool::Maven => (
            &rules.maven.program,
            &rules.maven.wrapper,
            &rules.maven.wrapper_files,
            "Maven",
        ),
        Tool::Gradle => (
            &rules.gradle.program,
            &rules.gradle.wrapper,
            &rules.gradle.wrapper_files,
            "Gradle",
        ),
    };
    let missing: Vec<&String> = files.iter().filter(|f| !project.is_file(f)).collect();
    if project.is_file(wrapper) && missing.is_empty() {
        return (format!("./{wrapper}"), Some(wrapper.clone()));
    }
    let why = if project.is_file(wrapper) {
        format!(
            "`{wrapper}` is here without `{}`, so it cannot run",
            missing
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join("`, `")
        )
    } else {
        format!("no {name} wrapper (`{wrapper}`)")
    };
    warnings.push(Warning::new(
        WarningKind::PackageManager,
        format!("{why}: the build uses the {name} of the builder image; commit a wrapper to pin its version"),
    ));
    (program.clone(), None)
}

/// The dependency-resolution and build commands.
pub fn commands(
    build: &Build,
    module: &Module,
    tool: &str,
    runnable: &Runnable,
    rules: &JavaRules,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let mut resolve = vec![tool.to_string()];
    let mut package = vec![tool.to_string()];
    match build.tool {
        Tool::Maven => {
            let m = &rules.maven;
            resolve.extend(m.flags.iter().cloned());
            resolve.extend(m.resolve.iter().cloned());
            package.extend(m.flags.iter().cloned());
            package.extend(m.package.iter().cloned());
            if matches!(runnable, Runnable::ClassPath { .. }) {
                package.extend(m.copy_dependencies.iter().cloned());
            }
            if !module.dir.is_empty() {
                let dir = safe_path(&module.build_file, "modules", &module.dir)?;
                for argv in [&mut resolve, &mut package] {
                    argv.extend(["-pl".to_string(), dir.clone(), "-am".to_string()]);
                }
            }
        }
        Tool::Gradle => {
            let g = &rules.gradle;
            let target = gradle_path(&module.build_file, &module.target)?;
            let project_path = target.rsplit_once(':').map_or("", |(p, _)| p);
            resolve.extend(g.flags.iter().cloned());
            resolve.push(format!("{project_path}:{}", g.resolve));
            package.extend(g.flags.iter().cloned());
            package.push(target);
        }
    }
    Ok((resolve, package))
}

/// A Gradle task path is `:`-separated names: nothing a shell would read.
fn gradle_path(file: &str, path: &str) -> Result<String, Error> {
    let ok = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-:".contains(c))
        && !path.ends_with(':');
    if ok {
        Ok(path.to_string())
    } else {
        Err(Error::UnsafeValue {
            file: file.into(),
            key: "include".into(),
            reason: format!("`{path}` is not a Gradle task path dockgen will put in a Dockerfile"),
        })
    }
}
