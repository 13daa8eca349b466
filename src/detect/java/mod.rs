//! Java detection: a Maven or Gradle build → a `Plan` whose image runs the app on a Java
//! runtime cut (jdeps + jlink) to the modules it uses.
//!
//! The build is read, never run: pom.xml with an XML parser (properties resolved within the pom
//! and its in-repo parents), Gradle files of both DSLs as text. Each module (Maven module,
//! Gradle project) is analysed for what it builds; the one that builds the app is the app
//! folder. The same reading decides the recognizer's strength.

mod gradle;
mod maven;
mod pom;
mod port;
mod recognize;
pub mod rules;
mod version;

use std::collections::BTreeMap;

pub use recognize::recognize;
pub use rules::{check, rules, DATA};

use crate::answers::Answers;
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::plan::{
    AppKind, Details, Evidence, Field, Images, JavaLayout, JavaPlan, Jlink, Plan, Warning,
    WarningKind, SCHEMA,
};
use crate::project::Project;
use crate::questions::Question;
use rules::{FrameworkRule, JavaRules};

/// What makes a module runnable.
#[derive(Debug, Clone)]
pub enum Runnable {
    /// Spring Boot's executable jar.
    SpringBoot,
    /// A framework's built folder (Quarkus's fast-jar).
    Folder(&'static FrameworkRule),
    /// One jar with its dependencies inside (shade, assembly, shadow, Micronaut).
    FatJar,
    /// The module's jar plus its dependencies, run by main class (Maven).
    ClassPath { main_class: Option<String> },
    /// Gradle's application plugin: installDist's lib folder, run by main class.
    Installed { main_class: Option<String> },
}

/// One module of the build (a Maven module, a Gradle project), as far as the image cares.
#[derive(Debug, Clone)]
pub struct Module {
    /// Root-relative folder; empty at the root.
    pub dir: String,
    /// The artifactId, or the Gradle project path (the root project's name at the root).
    pub name: String,
    /// The module's build file, root-relative.
    pub build_file: String,
    pub framework: Option<(&'static FrameworkRule, Evidence)>,
    /// The Spring Boot version the build names, if any.
    pub boot_version: Option<String>,
    /// What makes it runnable and why; `None` for a library.
    pub runnable: Option<(Runnable, Evidence)>,
    /// The Java version its build file declares.
    pub java: Option<(u32, Evidence)>,
    /// What the build makes, relative to the module folder.
    pub artifact: Option<String>,
    /// Maven: the module folder (`-pl`); Gradle: the task path (`:app:bootJar`).
    pub target: String,
}

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
    pub build_files: Vec<String>,
    pub build_dirs: Vec<String>,
    /// Local build outputs (root-relative), for .dockerignore.
    pub outputs: Vec<String>,
}

/// `1.8` → 8, `17` → 17, `21.0.2` → 21; anything else is not a Java line.
pub fn java_line(text: &str) -> Option<u32> {
    let text = text.trim().trim_matches(['"', '\'']);
    let mut parts = text.split(['.', '+', '-', '_']);
    let first: u32 = parts.next()?.parse().ok()?;
    let line = if first == 1 {
        parts.next()?.parse().ok()?
    } else {
        first
    };
    (5..100).contains(&line).then_some(line)
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
            build_files,
            build_dirs,
            outputs,
        });
    }
    let Some(reactor) = maven::load(project)? else {
        return Err(nothing(project));
    };
    let modules = reactor.modules(rules);
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
        build_files: reactor.build_files(),
        build_dirs: rules
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

/// Evidence and warnings, as detection adds to them.
#[derive(Default)]
struct Notes {
    evidence: BTreeMap<Field, Evidence>,
    warnings: Vec<Warning>,
}

impl Notes {
    fn note(&mut self, field: Field, evidence: Evidence) {
        self.evidence.insert(field, evidence);
    }

    fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }
}

/// Detects the Java application at the project root or in one of its modules.
pub fn detect(project: &Project, answers: &Answers) -> Result<Plan, Error> {
    let rules = rules()?;
    let build = build(project, rules)?;
    let (module, app_evidence) = choose(project, &build, answers)?;
    let mut notes = Notes {
        warnings: build.warnings.clone(),
        ..Notes::default()
    };
    notes.note(Field::PackageManager, build.evidence.clone());
    if let Some(e) = app_evidence {
        notes.note(Field::App, e);
    }
    if let Some((_, e)) = &module.framework {
        notes.note(Field::Framework, e.clone());
    }

    let choice = version::choose(
        project,
        module.java.clone(),
        answers.runtime_version.as_deref(),
        rules,
    )?;
    notes.note(Field::Version, choice.evidence);
    notes.warnings.extend(choice.warnings);
    let line = choice.line;

    let (tool, wrapper) = toolchain(project, &build, rules, &mut notes.warnings);
    let builder = match (&build.tool, wrapper.is_some()) {
        (_, true) => line.jdk.clone(),
        (Tool::Maven, false) => line.maven.clone(),
        (Tool::Gradle, false) => line.gradle.clone(),
    };
    let (runnable, runnable_evidence) = module.runnable.clone().unwrap_or_else(|| {
        (
            Runnable::ClassPath { main_class: None },
            Evidence::file(&module.build_file, None, "builds a library"),
        )
    });
    notes.note(Field::BuildCommand, runnable_evidence.clone());

    let (resolve, build_command) = commands(&build, &module, &tool, &runnable, rules)?;
    let shape = shape(project, &module, &runnable, &runnable_evidence, rules)?;
    let entrypoint = entrypoint(&module, &shape, rules, &mut notes);
    let port = port(&project.at(&module.dir), &module, &runnable)?;
    if let Some(found) = &port {
        notes.note(Field::Port, found.evidence.clone());
    }
    let (images, jlink) = runtime(line, builder, &shape, rules, &mut notes)?;

    let (env, cache) = match build.tool {
        Tool::Maven => (BTreeMap::new(), rules.maven.cache.clone()),
        Tool::Gradle => (rules.gradle.env.clone(), rules.gradle.cache.clone()),
    };
    let java = JavaPlan {
        tool,
        wrapper,
        build_files: build
            .build_files
            .iter()
            .map(|f| safe_path(f, "path", f))
            .collect::<Result<_, _>>()?,
        build_dirs: build.build_dirs.clone(),
        resolve,
        cache,
        env,
        artifact: shape.artifact,
        layout: shape.layout,
        jlink,
        java_home: rules.runtime.java_home.clone(),
        build_outputs: build.outputs.clone(),
    };
    let package_manager = match build.tool {
        Tool::Maven => "maven",
        Tool::Gradle => "gradle",
    };
    Ok(Plan {
        schema: SCHEMA,
        details: Details::Java(java),
        app_dir: (!module.dir.is_empty()).then(|| module.dir.clone()),
        version: line.version.to_string(),
        package_manager: package_manager.into(),
        framework: module.framework.as_ref().map(|(fw, _)| fw.name.clone()),
        kind: AppKind::Server,
        build_command: Some(build_command),
        entrypoint,
        port: port.map(|p| p.port),
        build_packages: Vec::new(),
        runtime_packages: Vec::new(),
        images,
        evidence: notes.evidence,
        set_aside: Vec::new(),
        warnings: notes.warnings,
    })
}

/// The container's argv: `java`, the JVM flags, the framework's, the layout's command.
fn entrypoint(
    module: &Module,
    shape: &Shape,
    rules: &JavaRules,
    notes: &mut Notes,
) -> Option<Vec<String>> {
    if let Some(e) = &shape.evidence {
        notes.note(Field::Entrypoint, e.clone());
    }
    let Some(command) = &shape.command else {
        let why = if module.runnable.is_some() {
            "applies the application plugin but names no `mainClass`"
        } else {
            "builds a library: no framework plugin, application plugin or main class"
        };
        notes.warn(
            WarningKind::MissingEntrypoint,
            format!("`{}` {why}", module.build_file),
        );
        return None;
    };
    let mut argv = vec!["java".to_string()];
    argv.extend(rules.runtime.jvm_flags.iter().cloned());
    argv.extend(shape.jvm_args.iter().cloned());
    argv.extend(command.iter().cloned());
    Some(argv)
}

/// The framework's port from its settings, or a plain app's from its main class.
fn port(
    view: &Project,
    module: &Module,
    runnable: &Runnable,
) -> Result<Option<port::Found>, Error> {
    match (&module.framework, runnable) {
        (Some((fw, _)), _) => Ok(Some(port::framework(view, fw)?)),
        (
            None,
            Runnable::ClassPath {
                main_class: Some(m),
            }
            | Runnable::Installed {
                main_class: Some(m),
            },
        ) => port::from_main(view, m),
        _ => Ok(None),
    }
}

/// The final image and how its runtime is made: jlink on distroless, or the JRE image on a
/// line without jlink.
fn runtime(
    line: &rules::Line,
    builder: String,
    shape: &Shape,
    rules: &JavaRules,
    notes: &mut Notes,
) -> Result<(Images, Option<Jlink>), Error> {
    let common = crate::rules::common()?;
    if let Some(compress) = &line.jlink_compress {
        notes.note(
            Field::Runtime,
            Evidence::default(
                "jdeps lists the modules the app uses, jlink cuts the JDK to them; distroless (glibc, like the builder's JDK) runs it",
            ),
        );
        let images = Images {
            builder,
            runtime: rules.runtime.image.clone(),
            runtime_distroless: true,
            user: common.image.nonroot_user.clone(),
        };
        let jlink = Jlink {
            class_path: shape.class_path.clone(),
            roots: shape.roots.clone(),
            fallback: rules.runtime.fallback_modules.clone(),
            extra: line.extra_modules.clone(),
            compress: compress.clone(),
        };
        return Ok((images, Some(jlink)));
    }
    let jre = line.jre.clone().unwrap_or_default();
    let why = format!(
        "Java {} has no jlink (it came with Java 9), so the final image is the JRE image `{jre}`",
        line.version
    );
    notes.note(Field::Runtime, Evidence::default(why.clone()));
    notes.warn(
        WarningKind::Runtime,
        format!("{why}; Java 11 or later gets a runtime cut to the app's modules"),
    );
    let images = Images {
        builder,
        runtime: jre,
        runtime_distroless: false,
        user: rules.runtime.jre_user.clone(),
    };
    Ok((images, None))
}

/// The module to containerize: the flag, else the one module that builds an app.
fn choose(
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
        [] if !multi => Ok((build.modules[0].clone(), None)),
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
fn toolchain(
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
fn commands(
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

/// How the module's output becomes the image: layout, artifact, command and what jdeps reads.
struct Shape {
    artifact: String,
    layout: JavaLayout,
    command: Option<Vec<String>>,
    jvm_args: Vec<String>,
    class_path: Vec<String>,
    roots: Vec<String>,
    evidence: Option<Evidence>,
}

fn shape(
    project: &Project,
    module: &Module,
    runnable: &Runnable,
    why: &Evidence,
    rules: &JavaRules,
) -> Result<Shape, Error> {
    let view = project.at(&module.dir);
    let artifact = module
        .artifact
        .clone()
        .unwrap_or_else(|| format!("{}/*.jar", rules.maven.output));
    // A `*` stands for a version set outside the build files; the rest must be a plain path.
    let key = if module.build_file.ends_with("pom.xml") {
        "build.finalName"
    } else {
        "archiveFileName"
    };
    let artifact = safe_path(&module.build_file, key, &artifact.replace('*', "_x_"))
        .map(|a| view.name(&a.replace("_x_", "*")))?;
    let class_path_form = |main: &Option<String>| {
        main.as_ref()
            .map(|m| vec!["-cp".to_string(), "app/*:lib/*".to_string(), m.clone()])
    };
    let plain = |layout, command, class_path: Vec<&str>, roots: Vec<&str>| Shape {
        artifact: artifact.clone(),
        layout,
        command,
        jvm_args: Vec::new(),
        class_path: class_path.into_iter().map(str::to_string).collect(),
        roots: roots.into_iter().map(str::to_string).collect(),
        evidence: Some(why.clone()),
    };
    Ok(match runnable {
        Runnable::SpringBoot => {
            let mode = match &module.boot_version {
                Some(v) => rules.boot_mode(v),
                None => rules
                    .spring_boot
                    .iter()
                    .max_by_key(|m| rules::parse_version(&m.since)),
            };
            let version = module
                .boot_version
                .as_deref()
                .unwrap_or("(version not found, assumed current)");
            match mode {
                Some(mode) => Shape {
                    artifact,
                    layout: JavaLayout::Layered {
                        extract: mode.extract.clone(),
                        layers: mode.layers.clone(),
                    },
                    command: Some(mode.command.clone()),
                    jvm_args: Vec::new(),
                    class_path: mode.jdeps_class_path.clone(),
                    roots: mode.jdeps_roots.clone(),
                    evidence: Some(Evidence::file(
                        &module.build_file,
                        None,
                        format!("Spring Boot {version}: its executable jar, extracted in layers"),
                    )),
                },
                // Before layering, the classes sit in nested jars jdeps cannot read.
                None => Shape {
                    evidence: Some(Evidence::file(
                        &module.build_file,
                        None,
                        format!("Spring Boot {version} has no layered jar: the executable jar runs as it is"),
                    )),
                    ..plain(JavaLayout::Jar, Some(jar_command()), vec![], vec![])
                },
            }
        }
        Runnable::Folder(fw) => Shape {
            layout: JavaLayout::Folder {
                layers: fw.layers.clone(),
            },
            jvm_args: fw.jvm_args.clone(),
            ..plain(
                JavaLayout::Jar,
                Some(fw.command.clone()),
                fw.jdeps_class_path.iter().map(String::as_str).collect(),
                fw.jdeps_roots.iter().map(String::as_str).collect(),
            )
        },
        Runnable::FatJar => plain(
            JavaLayout::Jar,
            Some(jar_command()),
            vec![],
            vec!["app.jar"],
        ),
        Runnable::ClassPath { main_class } => plain(
            JavaLayout::ClassPath {
                dependencies: view.name(&format!(
                    "{}/{}",
                    rules.maven.output, rules.maven.dependency_dir
                )),
            },
            class_path_form(main_class),
            vec!["lib/*"],
            vec!["app/*.jar"],
        ),
        Runnable::Installed { main_class } => plain(
            JavaLayout::Installed {
                jars: view.name(&format!(
                    "{}/{}",
                    rules.gradle.output, rules.gradle.libs_dir
                )),
            },
            class_path_form(main_class),
            vec!["lib/*"],
            vec!["app/*.jar"],
        ),
    })
}

fn jar_command() -> Vec<String> {
    vec!["-jar".into(), "app.jar".into()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_lines() {
        assert_eq!(java_line("1.8"), Some(8));
        assert_eq!(java_line("17"), Some(17));
        assert_eq!(java_line("21.0.2"), Some(21));
        assert_eq!(java_line("'11'"), Some(11));
        assert_eq!(java_line("${java.version}"), None);
        assert_eq!(java_line("1"), None);
        assert_eq!(java_line("17.0.2+8"), Some(17));
    }
}
