//! Node.js detection: package.json and its neighbours → a `Plan`.

mod entry;
mod frameworks;
mod native;
mod package_manager;
mod port;
mod script;
mod version;
mod workspace;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::detect::{Detection, Overrides};
use crate::error::Error;
use crate::plan::{AppKind, Evidence, Images, NodeOutput, NodePlan, Plan};
use crate::project::Project;
use crate::rules::{NodeMajor, NodeRules, PackageManagerRule};

/// What every detection step reads, and the evidence and warnings they all add to.
pub struct Ctx<'a> {
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
    pub evidence: BTreeMap<String, Evidence>,
    pub warnings: Vec<String>,
}

impl Ctx<'_> {
    pub fn note(&mut self, field: &str, evidence: Evidence) {
        self.evidence.insert(field.to_string(), evidence);
    }

    pub fn script(&self, name: &str) -> Option<&str> {
        self.manifest.get("scripts")?.get(name)?.as_str()
    }
}

/// What the final stage runs, decided per framework family.
pub struct Shape {
    pub kind: AppKind,
    pub output: NodeOutput,
    pub entrypoint: Option<Vec<String>>,
    pub port: Option<u16>,
}

/// Looks for a Node.js application at the project root, or in one of its workspaces.
pub fn detect(
    project: &Project,
    rules: &NodeRules,
    overrides: &Overrides,
) -> Result<Detection, Error> {
    let Some(manifest) = read_manifest(project)? else {
        return Ok(Detection::Skipped("no package.json".into()));
    };
    let members = workspace::members(project, &manifest, rules)?;
    if members.is_empty() {
        return detect_app(
            &Toolchain::read(project, &manifest)?,
            project,
            &manifest,
            rules,
            overrides,
        );
    }
    workspace::detect(project, &manifest, &members, rules, overrides)
}

fn read_manifest(project: &Project) -> Result<Option<Value>, Error> {
    let manifest = project.read_json("package.json")?;
    if manifest.as_ref().is_some_and(|m| !m.is_object()) {
        let message = "expected a JSON object".to_string();
        return Err(Error::Parse {
            file: "package.json".into(),
            line: 1,
            column: 1,
            message,
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

/// Detects the app whose package.json is `manifest`, installing with `toolchain`'s package manager.
fn detect_app(
    toolchain: &Toolchain,
    project: &Project,
    manifest: &Value,
    rules: &NodeRules,
    overrides: &Overrides,
) -> Result<Detection, Error> {
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
            return Ok(Detection::Skipped(reason));
        }
    }

    let pm = package_manager::detect(toolchain.project, toolchain.manifest, rules)?;
    ctx.note("package_manager", pm.evidence.clone());
    ctx.warnings.extend(pm.warnings.iter().cloned());
    ctx.bin_links = pm.rule.name != "pnpm";

    let version = match &overrides.version {
        Some(flag) => version::from_flag(flag, rules)?,
        None => version::detect(toolchain.project, toolchain.manifest, rules)?,
    };
    ctx.note("version", version.evidence);
    ctx.warnings.extend(version.warning);
    let major = rules
        .major(version.major)
        .ok_or_else(|| Error::InvalidRule {
            reason: format!("node.toml has no images for Node {}", version.major),
        })?;

    let build_command = build_command(&mut ctx, pm.rule);
    let shape = frameworks::shape(&mut ctx, framework)?;
    let (build_packages, runtime_packages) = native::packages(&mut ctx);
    let images = images(shape.kind, &runtime_packages, major, rules);
    if !images.runtime_distroless && shape.kind == AppKind::Server {
        let why = ctx.evidence.get("runtime_packages").map_or_else(
            || {
                format!(
                    "Node {} is past end of life and has no distroless image",
                    version.major
                )
            },
            |ev| format!("the {}", ev.note),
        );
        ctx.warnings.push(format!(
            "{why}, so the final image is `{}` instead of distroless",
            images.runtime
        ));
    }

    let node = NodePlan {
        runtime_env: framework.map(|f| f.env.clone()).unwrap_or_default(),
        runtime_dirs: runtime_dirs(project, &shape.output, rules),
        build_outputs: build_outputs(&shape.output),
        output: shape.output,
        ..node_plan(toolchain.project, &pm, major, rules)
    };
    Ok(Detection::Found(Box::new(Plan {
        language: "node".into(),
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
        node: Some(node),
        evidence: ctx.evidence,
        warnings: ctx.warnings,
    })))
}

/// `<pm> run build` when package.json has a build script.
fn build_command(ctx: &mut Ctx, pm: &PackageManagerRule) -> Option<Vec<String>> {
    if !ctx.builds {
        return None;
    }
    ctx.note(
        "build_command",
        Evidence::file("package.json", Some("scripts.build"), "the build script"),
    );
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
) -> Images {
    let builder = major.builder.clone();
    if kind == AppKind::Static {
        let runtime = rules.images.r#static.clone();
        return Images {
            builder,
            runtime,
            runtime_distroless: false,
            user: rules.images.static_user.clone(),
        };
    }
    if !runtime_packages.is_empty() || major.runtime == major.builder {
        // The slim image has apt and the `node` user (1000).
        return Images {
            runtime: builder.clone(),
            builder,
            runtime_distroless: false,
            user: "1000:1000".into(),
        };
    }
    Images {
        builder,
        runtime: major.runtime.clone(),
        runtime_distroless: true,
        user: "65532:65532".into(),
    }
}

fn node_plan(
    project: &Project,
    pm: &package_manager::PmChoice,
    major: &NodeMajor,
    rules: &NodeRules,
) -> NodePlan {
    let rule = pm.rule;
    let mut manifests = vec!["package.json".to_string()];
    manifests.extend(pm.lockfile.clone());
    let mut manifest_dirs = Vec::new();
    for extra in &rule.extra_files {
        if project.is_file(extra) {
            manifests.push(extra.clone());
        } else if project.is_dir(extra) {
            manifest_dirs.push(extra.clone());
        }
    }
    let mut setup = Vec::new();
    if rule.corepack {
        if !major.corepack_bundled {
            setup.push(format!("npm install --global {}", rules.images.corepack));
        }
        setup.push("corepack enable".to_string());
    } else if let Some(cmd) = &rule.setup {
        // `packageManager` pins the version; the data's pin is the fallback.
        let cmd = match (&pm.version, cmd.rsplit_once('@')) {
            (Some(version), Some((tool, _))) => format!("{tool}@{version}"),
            _ => cmd.clone(),
        };
        setup.push(cmd);
    } else if rule.name == "yarn" && !major.yarn_classic_bundled {
        setup.push(format!(
            "npm install --global {}",
            rules.images.yarn_classic
        ));
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
        workspace: None,
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
