//! Node.js detection: package.json and its neighbours → a `Plan`.

pub mod assets;
mod credentials;
mod entry;
mod frameworks;
mod native;
mod package_manager;
mod port;
mod recognize;
pub mod rules;
mod script;
mod version;
mod workspace;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use recognize::recognize;
pub use rules::rules;

use crate::answers::Answers;
use crate::error::Error;
use crate::plan::{
    AppKind, Details, Evidence, Field, Images, NodeOutput, NodePlan, Plan, Warning, WarningKind,
    SCHEMA,
};
use crate::project::Project;
use rules::{NodeMajor, NodeRules, PackageManagerRule};

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
    pub evidence: BTreeMap<Field, Evidence>,
    pub warnings: Vec<Warning>,
}

impl Ctx<'_> {
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
    let mut ctx = Ctx {
        project,
        rules,
        manifest,
        deps,
        all,
        builds,
        bin_links: true,
        lock: toolchain.lock.as_ref(),
        evidence: BTreeMap::new(),
        warnings: Vec::new(),
    };

    let framework = frameworks::choose(&ctx);
    if framework.is_none() {
        if let Some(reason) = not_an_app(&ctx) {
            return Ok(App::NotAnApp(reason));
        }
    }

    let pm = match &answers.package_manager {
        Some(name) => package_manager::chosen(toolchain.project, name, rules)?,
        None => package_manager::detect(toolchain.project, toolchain.manifest, rules)?,
    };
    ctx.note(Field::PackageManager, pm.evidence.clone());
    ctx.warnings.extend(pm.warnings.iter().cloned());
    ctx.bin_links = pm.rule.bin_links;
    let credentials = credentials::find(toolchain.project, rules)?;
    ctx.warnings.extend(credentials.warnings.iter().cloned());

    let version = match &answers.runtime_version {
        Some(flag) => version::from_flag(flag, rules)?,
        None => version::detect(toolchain.project, toolchain.manifest, rules)?,
    };
    ctx.note(Field::Version, version.evidence);
    ctx.warnings.extend(version.warning);
    let major = rules
        .major(version.major)
        .ok_or_else(|| Error::InvalidRule {
            reason: format!("node.toml has no images for Node {}", version.major),
        })?;

    let build_command = build_command(&mut ctx, pm.rule);
    let shape = frameworks::shape(&mut ctx, framework)?;
    let (build_packages, runtime_packages) = native::packages(&mut ctx);
    let common = crate::rules::common()?;
    // `--variant slim` asks for the slim runtime; distroless is the default wherever it works.
    let slim = answers.variant.as_deref() == Some("slim");
    let images = images(shape.kind, &runtime_packages, major, rules, common, slim);
    if !images.runtime_distroless && shape.kind == AppKind::Server && !slim {
        warn_not_distroless(&mut ctx, version.major, &images);
    }

    let writable = writable(&shape.output);
    let node = NodePlan {
        runtime_env: framework.map(|f| f.env.clone()).unwrap_or_default(),
        runtime_dirs: runtime_dirs(project, &shape.output, rules),
        build_outputs: build_outputs(&shape.output)
            .iter()
            .map(|o| project.name(o))
            .collect(),
        output: shape.output,
        ..node_plan(toolchain.project, &pm, &credentials, major, rules)
    };
    Ok(App::Plan(Box::new(Plan {
        schema: SCHEMA,
        details: Details::Node(node),
        app_dir: None,
        version: version.major.to_string(),
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

/// Says why the final image is the slim one when the user did not ask for it.
fn warn_not_distroless(ctx: &mut Ctx, major: u32, images: &Images) {
    let why = ctx.evidence.get(&Field::RuntimePackages).map_or_else(
        || format!("Node {major} is past end of life and has no distroless image"),
        |ev| format!("the {}", ev.note),
    );
    ctx.warn(
        WarningKind::Runtime,
        format!(
            "{why}, so the final image is `{}` instead of distroless",
            images.runtime
        ),
    );
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

fn images(
    kind: AppKind,
    runtime_packages: &[String],
    major: &NodeMajor,
    rules: &NodeRules,
    common: &crate::rules::CommonRules,
    slim: bool,
) -> Images {
    let builder = major.builder.clone();
    if kind == AppKind::Static {
        let runtime = rules.images.r#static.clone();
        return Images {
            builder,
            runtime,
            runtime_distroless: false,
            user: rules.images.static_user.clone(),
            variant: "nginx".into(),
        };
    }
    if !runtime_packages.is_empty() || major.runtime == major.builder || slim {
        // The slim image has apt and its own `node` user.
        return Images {
            runtime: builder.clone(),
            builder,
            runtime_distroless: false,
            user: rules.images.slim_user.clone(),
            variant: "slim".into(),
        };
    }
    Images {
        builder,
        runtime: major.runtime.clone(),
        runtime_distroless: true,
        user: common.image.nonroot_user.clone(),
        variant: "distroless".into(),
    }
}

fn node_plan(
    project: &Project,
    pm: &package_manager::PmChoice,
    credentials: &credentials::Credentials,
    major: &NodeMajor,
    rules: &NodeRules,
) -> NodePlan {
    let rule = pm.rule;
    let mut manifests = vec!["package.json".to_string()];
    manifests.extend(pm.lockfile.clone());
    let mut manifest_dirs = Vec::new();
    for extra in rule.extra_files.iter().filter(|f| !credentials.holds(f)) {
        if project.is_file(extra) {
            manifests.push(extra.clone());
        } else if project.is_dir(extra) {
            manifest_dirs.push(extra.clone());
        }
    }
    let bundled = |tool: &str| {
        let name = tool.split('@').next().unwrap_or(tool);
        major.bundles.iter().any(|b| b == name)
    };
    let mut setup = Vec::new();
    if rule.corepack {
        if !bundled(&rules.tools.corepack) {
            setup.push(format!("npm install --global {}", rules.tools.corepack));
        }
        setup.push("corepack enable".to_string());
    } else if let Some(cmd) = &rule.setup {
        // `packageManager` pins the version; the data's pin is the fallback.
        let cmd = match (&pm.version, cmd.rsplit_once('@')) {
            (Some(version), Some((tool, _))) => format!("{tool}@{version}"),
            _ => cmd.clone(),
        };
        setup.push(cmd);
    } else if let Some(tool) = rule.bundled_tool.as_deref().filter(|t| !bundled(t)) {
        setup.push(format!("npm install --global {tool}"));
    }
    let locked = pm.lockfile.is_some();
    NodePlan {
        manifests,
        manifest_dirs,
        lockfile: pm.lockfile.clone(),
        install: if locked {
            rule.install.clone()
        } else {
            rule.install_unlocked.clone()
        },
        install_prod: if locked {
            rule.install_prod.clone()
        } else {
            rule.install_prod_unlocked.clone()
        },
        cache: rule.cache.clone(),
        env: rule.env.clone(),
        setup,
        secrets: credentials.secrets.clone(),
        workspace_manifests: Vec::new(),
        runtime_env: BTreeMap::new(),
        output: NodeOutput::Source,
        runtime_dirs: Vec::new(),
        build_outputs: Vec::new(),
    }
}

fn runtime_dirs(project: &Project, output: &NodeOutput, rules: &NodeRules) -> Vec<String> {
    match output {
        NodeOutput::Build { dir } => rules
            .entry
            .runtime_dirs
            .iter()
            .filter(|d| *d != dir && project.is_dir(d))
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// What the server writes while it runs: Next.js caches optimized images and ISR pages.
fn writable(output: &NodeOutput) -> Vec<String> {
    match output {
        NodeOutput::NextStandalone { .. } | NodeOutput::NextServer { .. } => {
            vec![".next/cache".into()]
        }
        _ => Vec::new(),
    }
}

fn build_outputs(output: &NodeOutput) -> Vec<String> {
    match output {
        NodeOutput::Build { dir } | NodeOutput::Bundle { dir } | NodeOutput::Static { dir, .. } => {
            vec![dir.clone()]
        }
        NodeOutput::NextStandalone { .. } | NodeOutput::NextServer { .. } => {
            vec![".next".into(), "out".into()]
        }
        NodeOutput::Source => Vec::new(),
    }
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
