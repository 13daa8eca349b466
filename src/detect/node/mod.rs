//! Node.js detection: package.json and its neighbours → a `Plan`.

pub mod assets;
mod build_env;
mod compose;
mod credentials;
mod entry;
mod frameworks;
mod layout;
mod native;
mod package_manager;
mod port;
mod process_manager;
mod prune;
mod recognize;
pub mod rules;
mod script;
mod sources;
mod typescript;
mod version;
pub use version::CARRIED;
mod workspace;
mod writable;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use recognize::recognize;
pub use rules::rules;

use crate::answers::Answers;
use crate::detect::safe::shown;
use crate::error::Error;
use crate::plan::{
    AppKind, Details, Evidence, Field, Images, NodeOutput, NodePlan, Plan, Runtime, Warning,
    WarningKind, SCHEMA,
};
use crate::project::Project;
use rules::{NodeRules, PackageManagerRule};

/// What every detection step reads, and the evidence and warnings they all add to.
pub struct Ctx<'a> {
    /// The app's folder (the root, or a workspace member).
    pub project: &'a Project,
    pub rules: &'a NodeRules,
    pub manifest: &'a Value,
    /// Production dependencies (`dependencies`).
    pub deps: Vec<String>,
    /// Production and development dependencies.
    pub all: BTreeSet<String>,
    /// The project has a `build` script.
    pub builds: bool,
    /// `node_modules/.bin/<name>` links can be run by node (not pnpm's shell shims).
    pub bin_links: bool,
    /// package-lock.json: transitive native modules and dependency programs.
    pub lock: Option<&'a Value>,
    /// The entry's source and the local modules it imports (filled once the entry is known).
    pub sources: Vec<sources::Source>,
    /// The app's service in the repository's Compose file.
    pub compose: Option<compose::Service>,
    pub evidence: BTreeMap<Field, Evidence>,
    pub warnings: Vec<Warning>,
}

impl<'a> Ctx<'a> {
    fn new(
        toolchain: &'a Toolchain,
        project: &'a Project,
        manifest: &'a Value,
        rules: &'a NodeRules,
    ) -> Self {
        let deps = names(manifest, "dependencies");
        let all: BTreeSet<String> = deps
            .iter()
            .cloned()
            .chain(names(manifest, "devDependencies"))
            .collect();
        let builds = manifest
            .pointer("/scripts/build")
            .and_then(Value::as_str)
            .is_some();
        Ctx {
            project,
            rules,
            manifest,
            deps,
            all,
            builds,
            bin_links: true,
            lock: toolchain.lock.as_ref(),
            sources: Vec::new(),
            // Evidence only: a Compose file dockgen cannot read is passed over.
            compose: compose::app_service(project, &rules.port.compose_files)
                .ok()
                .flatten(),
            evidence: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    pub fn note(&mut self, field: Field, evidence: Evidence) {
        self.evidence.insert(field, evidence);
    }

    /// Evidence from `file` in the app's folder, named from the project root.
    pub fn from_file(&self, file: &str, key: Option<&str>, note: impl Into<String>) -> Evidence {
        self.project.evidence(file, key, note)
    }

    pub fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }

    pub fn script(&self, name: &str) -> Option<&str> {
        self.manifest.get("scripts")?.get(name)?.as_str()
    }

    /// The app's package.json, named from the project root (for errors).
    pub fn manifest_name(&self) -> String {
        self.project.name("package.json")
    }
}

/// What the final stage runs, decided per framework family.
pub struct Shape {
    pub kind: AppKind,
    pub output: NodeOutput,
    pub entrypoint: Option<Vec<String>>,
    pub port: Option<u16>,
    /// The port is only the framework's default: the image sets `PORT` to it.
    pub port_env: bool,
}

/// Detects the Node.js application at the project root, or in one of its workspaces.
pub fn detect(project: &Project, answers: &Answers) -> Result<Plan, Error> {
    let rules = rules()?;
    let Some(manifest) = read_manifest(project)? else {
        return Err(Error::NothingDetected {
            path: project.shown().to_path_buf(),
            reason: "Node.js: no package.json".into(),
        });
    };
    let members = workspace::members(project, &manifest)?;
    if members.is_empty() {
        if answers.workspace.is_some() {
            return Err(Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: "package.json declares no workspaces".into(),
            });
        }
        let toolchain = Toolchain::read(project, &manifest)?;
        return match detect_app(&toolchain, project, &manifest, rules, answers)? {
            App::Plan(plan) => Ok(*plan),
            App::NotAnApp(reason) => Err(Error::NothingDetected {
                path: project.shown().to_path_buf(),
                reason: format!("Node.js: {reason}"),
            }),
        };
    }
    workspace::detect(project, &manifest, &members, rules, answers)
}

/// package.json, which must be a JSON object.
fn read_manifest(project: &Project) -> Result<Option<Value>, Error> {
    let manifest = project.read_json("package.json")?;
    if manifest.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(Error::Parse {
            file: project.name("package.json"),
            line: 1,
            column: 1,
            message: "expected a JSON object".into(),
        });
    }
    Ok(manifest)
}

/// Where the package manager and the Node version are declared: the project itself, or the
/// workspace root for a member.
pub struct Toolchain<'a> {
    pub project: &'a Project,
    pub manifest: &'a Value,
    /// package-lock.json, read once however many workspaces are detected against it.
    pub lock: Option<Value>,
}

impl<'a> Toolchain<'a> {
    pub fn read(project: &'a Project, manifest: &'a Value) -> Result<Self, Error> {
        let lock = project.read_json("package-lock.json")?;
        Ok(Toolchain {
            project,
            manifest,
            lock,
        })
    }
}

/// What one package.json turned out to be.
pub enum App {
    Plan(Box<Plan>),
    /// Nothing to run, and why.
    NotAnApp(String),
}

/// Detects the app whose package.json is `manifest` in `project` (the root or a member),
/// installing with `toolchain`'s package manager and Node version.
fn detect_app(
    toolchain: &Toolchain,
    project: &Project,
    manifest: &Value,
    rules: &NodeRules,
    answers: &Answers,
) -> Result<App, Error> {
    let mut ctx = Ctx::new(toolchain, project, manifest, rules);
    let framework = frameworks::choose(&ctx);
    if framework.is_none() {
        if let Some(reason) = not_an_app(&ctx) {
            return Ok(App::NotAnApp(reason));
        }
    }

    let mut pm = match &answers.package_manager {
        Some(name) => package_manager::chosen(toolchain.project, toolchain.manifest, name, rules)?,
        None => package_manager::detect(toolchain.project, toolchain.manifest, rules)?,
    };
    ctx.bin_links = pm.rule.bin_links;
    let shape = frameworks::shape(&mut ctx, framework)?;
    let runtime = match shape.entrypoint.as_ref().and_then(|e| e.first()) {
        Some(program) if *program == rules.bun.program => Runtime::Bun,
        _ => Runtime::Node,
    };
    if runtime == Runtime::Bun && pm.rule.name != rules.bun.program {
        if let Some(name) = &answers.package_manager {
            return Err(Error::InvalidFlag {
                flag: "--package-manager".into(),
                reason: format!(
                    "`{}`: the start script runs the app with Bun, so Bun installs it on Bun's images; pass `--package-manager {}` or leave the flag out",
                    shown(name),
                    rules.bun.program
                ),
            });
        }
        pm = package_manager::bun(toolchain.project, rules, &pm)?;
    }
    ctx.note(Field::PackageManager, pm.evidence.clone());
    ctx.warnings.extend(pm.warnings.iter().cloned());
    let credentials = credentials::find(toolchain.project, rules)?;
    ctx.warnings.extend(credentials.warnings.iter().cloned());

    let version = match (runtime, &answers.runtime_version) {
        (Runtime::Bun, _) => version::bun(rules),
        (Runtime::Node, Some(flag)) => version::from_flag(flag, rules)?,
        (Runtime::Node, None) => version::detect(toolchain.project, toolchain.manifest, rules)?,
    };
    ctx.note(Field::Version, version.evidence);
    ctx.warnings.extend(version.warnings);
    let major = rules
        .major(version.major)
        .ok_or_else(|| Error::InvalidRule {
            reason: format!("node.toml has no images for Node {}", version.major),
        })?;

    let build_command = build_command(&mut ctx, pm.rule);
    let (build_packages, runtime_packages) = native::packages(&mut ctx);
    // `--variant slim` asks for the slim runtime; distroless is the default wherever it works.
    let slim = answers.variant.as_deref() == Some("slim");
    let images = layout::images(
        shape.kind,
        runtime,
        &build_packages,
        &runtime_packages,
        major,
        rules,
        slim,
    )?;
    warn_not_distroless(&mut ctx, &images, shape.kind, slim);

    let build_env = build_env::detect(&mut ctx);
    let (writable, local_data) = writes(&mut ctx, &shape)?;
    let node = NodePlan {
        runtime_env: framework.map(|f| f.env.clone()).unwrap_or_default(),
        port_env: shape.port_env,
        production_dependencies: !ctx.deps.is_empty()
            || !names(manifest, "optionalDependencies").is_empty(),
        local_data,
        build_env,
        runtime_dirs: layout::runtime_dirs(project, &shape.output, rules),
        build_outputs: layout::build_outputs(&shape.output)
            .iter()
            .map(|o| project.name(o))
            .collect(),
        output: shape.output,
        ..layout::node_plan(toolchain.project, &pm, &credentials, runtime, major, rules)
    };
    Ok(App::Plan(Box::new(Plan {
        schema: SCHEMA,
        details: Details::Node(node),
        app_dir: None,
        version: match runtime {
            Runtime::Bun => rules.bun.version.clone(),
            Runtime::Node => version.major.to_string(),
        },
        package_manager: pm.rule.name.clone(),
        framework: framework.map(|f| f.name.clone()),
        kind: shape.kind,
        build_command,
        entrypoint: shape.entrypoint,
        port: shape.port,
        build_packages,
        runtime_packages,
        images,
        writable,
        evidence: ctx.evidence,
        set_aside: Vec::new(),
        warnings: ctx.warnings,
    })))
}

/// The folders the server writes (app-relative), and those of them that hold only local data
/// (root-relative, kept out of the build context).
fn writes(ctx: &mut Ctx, shape: &Shape) -> Result<(Vec<String>, Vec<String>), Error> {
    let mut writable = layout::writable(&shape.output);
    if shape.kind != AppKind::Server {
        return Ok((writable, Vec::new()));
    }
    let ts = typescript::read_tsconfig(ctx.project)?;
    let found = writable::detect(ctx, &ts);
    for dir in found.dirs {
        if !writable.contains(&dir) {
            writable.push(dir);
        }
    }
    let local = found
        .local_only
        .iter()
        .map(|d| ctx.project.name(d))
        .collect();
    Ok((writable, local))
}

/// Says why a server's final image is the slim one: native modules that load OS libraries.
/// An end-of-life line's slim image is explained by its version warning, an asked-for one
/// (`--variant slim`) needs none.
fn warn_not_distroless(ctx: &mut Ctx, images: &Images, kind: AppKind, slim: bool) {
    let loaders = ctx
        .evidence
        .get(&Field::RuntimePackages)
        .map(|ev| ev.note.clone());
    if let (false, false, AppKind::Server, Some(why)) =
        (images.runtime_distroless, slim, kind, loaders)
    {
        ctx.warn(
            WarningKind::Runtime,
            format!(
                "the {why}, so the final image is `{}` instead of distroless",
                images.runtime
            ),
        );
    }
}

/// `<pm> run build` when package.json has a build script.
fn build_command(ctx: &mut Ctx, pm: &PackageManagerRule) -> Option<Vec<String>> {
    if !ctx.builds {
        return None;
    }
    let evidence = ctx.from_file("package.json", Some("scripts.build"), "the build script");
    ctx.note(Field::BuildCommand, evidence);
    let mut argv: Vec<String> = pm.run.split_whitespace().map(str::to_string).collect();
    argv.push("build".into());
    Some(argv)
}

fn names(manifest: &Value, section: &str) -> Vec<String> {
    manifest
        .get(section)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// A package.json with nothing to run is tooling (prettier, husky) beside some other app.
fn not_an_app(ctx: &Ctx) -> Option<String> {
    let runnable = ctx.script("start").is_some()
        || ctx.manifest.get("main").is_some()
        || !ctx.deps.is_empty()
        || ctx
            .rules
            .entry
            .conventional
            .iter()
            .any(|f| ctx.project.is_file(f));
    if runnable {
        return None;
    }
    Some(if ctx.manifest.get("workspaces").is_some() {
        "package.json declares workspaces but is not an app itself; run dockgen on one workspace's folder".into()
    } else {
        "package.json has no start script, `main`, dependencies or server file: it looks like tooling only".into()
    })
}

/// The valid answers to `question` for a Node.js plan (empty: free text or not offered).
pub fn choices(plan: &Plan, question: crate::questions::Question) -> Result<Vec<String>, Error> {
    use crate::questions::Question;
    let rules = rules()?;
    Ok(match question {
        Question::RuntimeVersion => {
            let mut majors: Vec<u32> = rules.versions.major.iter().map(|m| m.major).collect();
            majors.sort_unstable_by(|a, b| b.cmp(a));
            majors.iter().map(u32::to_string).collect()
        }
        Question::PackageManager => {
            let mut names: Vec<String> = Vec::new();
            for pm in &rules.package_managers {
                if !names.contains(&pm.name) {
                    names.push(pm.name.clone());
                }
            }
            names
        }
        Question::Variant if plan.kind == AppKind::Server => {
            vec!["distroless".into(), "slim".into()]
        }
        Question::Variant => vec![plan.images.variant.clone()],
        Question::Language | Question::App | Question::Entrypoint | Question::Port => Vec::new(),
    })
}
