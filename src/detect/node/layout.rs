//! What the image holds: its base images, the package manager's setup and install commands,
//! and the folders that ship or are written at run time.

use std::collections::BTreeMap;

use super::credentials::Credentials;
use super::package_manager::PmChoice;
use super::rules::{NodeMajor, NodeRules};
use crate::error::Error;
use crate::plan::{AppKind, Images, NodeOutput, NodePlan, Runtime};
use crate::project::Project;

/// The builder and runtime images: distroless where it can run the app, the slim image where
/// native modules load OS libraries or the line has no distroless image, the static web server
/// for built sites; Bun's images when Bun runs the app. `slim` is the user's `--variant slim`.
pub fn images(
    kind: AppKind,
    runtime: Runtime,
    build_packages: &[String],
    runtime_packages: &[String],
    major: &NodeMajor,
    rules: &NodeRules,
    slim: bool,
) -> Result<Images, Error> {
    if runtime == Runtime::Bun {
        let bun = &rules.bun;
        // Bun's distroless image is on an older Debian than its slim one: a native module
        // compiled here might need a newer glibc than it has.
        if !runtime_packages.is_empty() || !build_packages.is_empty() || slim {
            return Ok(Images {
                builder: bun.builder.clone(),
                runtime: bun.builder.clone(),
                runtime_distroless: false,
                user: bun.slim_user.clone(),
                variant: "slim".into(),
            });
        }
        return Ok(Images {
            builder: bun.builder.clone(),
            runtime: bun.runtime.clone(),
            runtime_distroless: true,
            user: bun.user.clone(),
            variant: "distroless".into(),
        });
    }
    let builder = major.builder.clone();
    if kind == AppKind::Static {
        let runtime = rules.images.r#static.clone();
        return Ok(Images {
            builder,
            runtime,
            runtime_distroless: false,
            user: rules.images.static_user.clone(),
            variant: "nginx".into(),
        });
    }
    if !runtime_packages.is_empty() || major.runtime == major.builder || slim {
        // The slim image has apt and its own `node` user.
        return Ok(Images {
            runtime: builder.clone(),
            builder,
            runtime_distroless: false,
            user: rules.images.slim_user.clone(),
            variant: "slim".into(),
        });
    }
    Ok(Images {
        builder,
        runtime: major.runtime.clone(),
        runtime_distroless: true,
        user: crate::rules::common()?.image.nonroot_user.clone(),
        variant: "distroless".into(),
    })
}

/// The package manager's part of the plan: what is copied before the install, the install
/// commands, the setup the builder needs.
pub fn node_plan(
    project: &Project,
    pm: &PmChoice,
    credentials: &Credentials,
    runtime: Runtime,
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
    if runtime == Runtime::Bun {
        // Bun's image brings bun.
    } else if rule.corepack {
        if !bundled(&rules.tools.corepack) {
            setup.push(format!("npm install --global {}", rules.tools.corepack));
        }
        setup.push("corepack enable".to_string());
        if let (Some(major), Some(pin)) = (pm.pin, &rule.pin) {
            setup.push(pin.command.replace("{major}", &major.to_string()));
        }
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
        production_dependencies: true,
        cache: rule.cache.clone(),
        env: rule.env.clone(),
        package_manager_major: pm.pin.or_else(|| {
            pm.version
                .as_deref()
                .and_then(|v| v.split('.').next()?.parse().ok())
        }),
        setup,
        secrets: credentials.secrets.clone(),
        build_env: Vec::new(),
        runtime,
        workspace_manifests: Vec::new(),
        members: Vec::new(),
        deploy: None,
        runtime_env: BTreeMap::new(),
        port_env: false,
        local_data: Vec::new(),
        output: NodeOutput::Source,
        runtime_dirs: Vec::new(),
        build_outputs: Vec::new(),
    }
}

/// Project folders copied next to a build's output (`public`, `views`).
pub fn runtime_dirs(project: &Project, output: &NodeOutput, rules: &NodeRules) -> Vec<String> {
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
pub fn writable(output: &NodeOutput) -> Vec<String> {
    match output {
        NodeOutput::NextStandalone { .. } | NodeOutput::NextServer { .. } => {
            vec![".next/cache".into()]
        }
        _ => Vec::new(),
    }
}

/// What the build writes (so local copies stay out of the context).
pub fn build_outputs(output: &NodeOutput) -> Vec<String> {
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
