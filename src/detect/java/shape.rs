//! How a module's build output becomes the image: the layout under the app folder, the
//! artifact it comes from, the command, and what jdeps reads.

use super::rules::{self, JavaRules};
use super::{Module, Runnable};
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::plan::{Evidence, JavaLayout};
use crate::project::Project;

/// How the module's output becomes the image: layout, artifact, command and what jdeps reads.
pub struct Shape {
    pub artifact: String,
    pub layout: JavaLayout,
    pub command: Option<Vec<String>>,
    pub jvm_args: Vec<String>,
    pub class_path: Vec<String>,
    pub roots: Vec<String>,
    pub evidence: Option<Evidence>,
}

pub fn shape(
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
