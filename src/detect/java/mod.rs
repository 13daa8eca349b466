//! Java detection: a Maven or Gradle build → a `Plan` whose image runs the app on a Java
//! runtime cut (jdeps + jlink) to the modules it uses.
//!
//! The build is read, never run: pom.xml with an XML parser (properties resolved within the pom
//! and its in-repo parents), Gradle files of both DSLs as text. Each module (Maven module,
//! Gradle project) is analysed for what it builds; the one that builds the app is the app
//! folder. The same reading decides the recognizer's strength.

mod build;
mod gradle;
mod maven;
mod pom;
mod port;
mod recognize;
pub mod rules;
mod shape;
mod version;

use std::collections::BTreeMap;

pub use build::build;
pub use recognize::recognize;
pub use rules::{check, rules, DATA};

use crate::answers::Answers;
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::plan::{
    AppKind, Details, Evidence, Field, Images, JavaPlan, Jlink, Plan, Warning, WarningKind, SCHEMA,
};
use crate::project::Project;
use build::{choose, commands, toolchain, Tool};
use rules::{FrameworkRule, JavaRules};
use shape::{shape, Shape};

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
            .files
            .iter()
            .map(|f| safe_path(f, "path", f))
            .collect::<Result<_, _>>()?,
        build_dirs: build.dirs.clone(),
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
        writable: Vec::new(),
        evidence: notes.evidence,
        set_aside: Vec::new(),
        warnings: notes.warnings,
    })
}

/// The valid answers to `question` for a Java plan (empty: free text or not offered).
pub fn choices(plan: &Plan, question: crate::questions::Question) -> Result<Vec<String>, Error> {
    use crate::questions::Question;
    let rules = rules()?;
    Ok(match question {
        Question::RuntimeVersion => {
            let mut lines: Vec<u32> = rules.versions.line.iter().map(|l| l.version).collect();
            lines.sort_unstable_by(|a, b| b.cmp(a));
            lines.iter().map(u32::to_string).collect()
        }
        // The build tool is the project's own (Maven or Gradle), never a free choice.
        Question::PackageManager => vec![plan.package_manager.clone()],
        // A jlink'd runtime wherever jlink exists; Java 8 has only the JRE image.
        Question::Variant => vec![plan.images.variant.clone()],
        Question::Language | Question::App | Question::Entrypoint | Question::Port => Vec::new(),
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
            variant: "jlink".into(),
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
        variant: "jre".into(),
    };
    Ok((images, None))
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
