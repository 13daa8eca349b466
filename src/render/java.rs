//! The Java template's typed context.

use serde::Serialize;

use super::{context, exec_form, Common, Rendering};
use crate::error::Error;
use crate::plan::{Details, JavaLayout, JavaPlan, Plan};

pub const TEMPLATES: &[(&str, &str)] = &[(
    "java.Dockerfile",
    include_str!("../../templates/java.Dockerfile.tera"),
)];

/// Where the build stage lays out the app as the final image holds it.
const STAGE_DIR: &str = "/tmp/app";
/// The jar a layered jar is extracted from (its name is the extracted application jar's).
const STAGE_JAR: &str = "/tmp/app.jar";
/// Where jlink writes the runtime.
const JRE_DIR: &str = "/tmp/jre";

#[derive(Serialize)]
struct Copy {
    from: String,
    to: String,
}

/// Everything `java.Dockerfile.tera` reads.
#[derive(Serialize)]
struct JavaContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    java: &'a JavaPlan,
    /// Build files at the project root, in one `COPY`.
    root_files: String,
    /// Build files in module folders, each to its folder.
    nested_files: Vec<Copy>,
    resolve: String,
    build: String,
    /// Shell commands that lay the build's output out under `stage_dir`, as one `RUN` line.
    stage: String,
    stage_comment: &'static str,
    stage_dir: &'static str,
    jre_dir: &'static str,
    class_path: String,
    roots: String,
    fallback: String,
    /// `,`-prefixed extra modules, or empty.
    extra: String,
    /// The final stage's copies, in order: least often changed first.
    copies: Vec<Copy>,
    entrypoint: String,
    uid: &'a str,
}

pub fn render(plan: &Plan) -> Result<Rendering, Error> {
    let Details::Java(java) = &plan.details else {
        return Err(Error::Template {
            name: "java.Dockerfile".into(),
            reason: format!("a {} plan has no Java details", plan.language()),
        });
    };
    let (root_files, nested): (Vec<&String>, Vec<&String>) =
        java.build_files.iter().partition(|f| !f.contains('/'));
    let nested_files = nested
        .into_iter()
        .map(|f| Copy {
            from: f.clone(),
            to: f.rsplit_once('/').map_or("", |(d, _)| d).to_string(),
        })
        .collect();
    let (stage, stage_comment, copies) = layout(java);
    let jlink = java.jlink.as_ref();
    let value = JavaContext {
        common: Common::new(plan)?,
        java,
        root_files: root_files
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        nested_files,
        resolve: java.resolve.join(" "),
        build: plan
            .build_command
            .as_ref()
            .map_or(String::new(), |b| b.join(" ")),
        stage: stage.join(" \\\n && "),
        stage_comment,
        stage_dir: STAGE_DIR,
        jre_dir: JRE_DIR,
        class_path: jlink.map_or(String::new(), |j| j.class_path.join(":")),
        roots: jlink.map_or(String::new(), |j| j.roots.join(" ")),
        fallback: jlink.map_or(String::new(), |j| j.fallback.join(",")),
        extra: jlink.map_or(String::new(), |j| {
            j.extra.iter().fold(String::new(), |all, m| all + "," + m)
        }),
        copies,
        entrypoint: plan.entrypoint.as_deref().map_or(String::new(), exec_form),
        uid: plan.images.user.split(':').next().unwrap_or(""),
    };
    let rules = crate::detect::java::rules()?;
    let mut ignore = rules.dockerignore.lines.clone();
    ignore.extend(java.build_outputs.iter().cloned());
    Ok(Rendering {
        template: "java.Dockerfile",
        context: context("java.Dockerfile", &value)?,
        ignore,
    })
}

/// The build stage's layout commands, their comment, and the final stage's copies.
fn layout(java: &JavaPlan) -> (Vec<String>, &'static str, Vec<Copy>) {
    let artifact = &java.artifact;
    let copy = |from: String, to: &str| Copy {
        from: format!("{STAGE_DIR}/{from}"),
        to: to.to_string(),
    };
    match &java.layout {
        JavaLayout::Layered { extract, layers } => {
            let extract: Vec<String> = extract
                .iter()
                .map(|a| a.replace("{jar}", STAGE_JAR).replace("{dir}", STAGE_DIR))
                .collect();
            let dirs: Vec<String> = layers.iter().map(|l| format!("{STAGE_DIR}/{l}")).collect();
            (
                vec![
                    format!("cp {artifact} {STAGE_JAR}"),
                    format!("java {}", extract.join(" ")),
                    format!("mkdir -p {}", dirs.join(" ")),
                ],
                "The executable jar, extracted in layers: dependencies apart from the app's own classes.",
                layers.iter().map(|l| copy(format!("{l}/"), "./")).collect(),
            )
        }
        JavaLayout::Folder { layers } => (
            vec![
                format!("mkdir -p {STAGE_DIR}"),
                format!("cp -R {artifact}/. {STAGE_DIR}/"),
            ],
            "The built folder, copied below in layers: dependencies first.",
            layers
                .iter()
                .map(|l| {
                    if l.ends_with('/') {
                        copy(l.clone(), &format!("./{l}"))
                    } else {
                        copy(l.clone(), "./")
                    }
                })
                .collect(),
        ),
        JavaLayout::Jar => (
            vec![
                format!("mkdir -p {STAGE_DIR}"),
                format!("cp {artifact} {STAGE_DIR}/app.jar"),
            ],
            "The runnable jar, under a fixed name.",
            vec![copy("app.jar".into(), "./")],
        ),
        JavaLayout::ClassPath { dependencies } => (
            vec![
                format!("mkdir -p {STAGE_DIR}/app {STAGE_DIR}/lib {dependencies}"),
                format!("cp {artifact} {STAGE_DIR}/app/"),
                format!("cp -R {dependencies}/. {STAGE_DIR}/lib/"),
            ],
            "The app's jar in app/, its runtime dependencies in lib/ (their own layer).",
            class_path_copies(copy),
        ),
        JavaLayout::Installed { jars } => (
            vec![
                format!("mkdir -p {STAGE_DIR}/app"),
                format!("cp -R {artifact} {STAGE_DIR}/lib"),
                format!(
                    "for jar in {jars}/*.jar; do if [ -f \"{STAGE_DIR}/lib/${{jar##*/}}\" ]; then mv \"{STAGE_DIR}/lib/${{jar##*/}}\" {STAGE_DIR}/app/; fi; done"
                ),
            ],
            "installDist's jars: the project's own in app/, its dependencies in lib/ (their own layer).",
            class_path_copies(copy),
        ),
    }
}

fn class_path_copies(copy: impl Fn(String, &str) -> Copy) -> Vec<Copy> {
    vec![copy("lib/".into(), "./lib/"), copy("app/".into(), "./app/")]
}
