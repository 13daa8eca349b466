//! A package.json that only builds front-end assets for another language's app (Django with
//! vite or tailwind): how a Node.js stage installs and builds it, with the same package
//! manager, Node.js major and images a Node.js app would get.

use std::collections::BTreeMap;

use super::layout::node_plan;
use super::{package_manager, read_manifest, rules, version};
use crate::error::Error;
use crate::plan::{Evidence, Runtime, Warning};
use crate::project::Project;

/// How to build the assets in a Node.js stage.
#[derive(Debug, Clone)]
pub struct AssetBuild {
    /// The Node.js builder image (one `dockgen images` lists).
    pub image: String,
    /// package.json and its lockfile (and the package manager's config files), in order.
    pub manifests: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// Commands that prepare the package manager (`corepack enable`).
    pub setup: Vec<String>,
    /// The full install (assets build with devDependencies).
    pub install: String,
    pub cache: String,
    /// `<pm> run <script>`, one shell line.
    pub build: String,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

/// The asset build for `project`'s package.json, running the first of `scripts` it defines;
/// `None` when it has no package.json or none of those scripts.
pub fn asset_build(project: &Project, scripts: &[String]) -> Result<Option<AssetBuild>, Error> {
    let rules = rules()?;
    let Some(manifest) = read_manifest(project)? else {
        return Ok(None);
    };
    let Some(script) = scripts.iter().find(|s| {
        manifest
            .get("scripts")
            .and_then(|all| all.get(s.as_str()))
            .and_then(serde_json::Value::as_str)
            .is_some()
    }) else {
        return Ok(None);
    };
    let pm = package_manager::detect(project, &manifest, rules)?;
    let choice = version::detect(project, &manifest, rules)?;
    let major = rules
        .major(choice.major)
        .or_else(|| rules.major(version::newest_lts(rules)))
        .ok_or_else(|| Error::InvalidRule {
            reason: "node.toml has no images for its default major".into(),
        })?;
    let credentials = super::credentials::find(project, rules)?;
    let plan = node_plan(project, &pm, &credentials, Runtime::Node, major, rules);
    let mut manifests = plan.manifests;
    manifests.extend(plan.manifest_dirs);
    let mut warnings = pm.warnings.clone();
    warnings.extend(choice.warnings);
    Ok(Some(AssetBuild {
        image: major.builder.clone(),
        manifests: manifests.iter().map(|m| project.name(m)).collect(),
        env: plan.env,
        setup: plan.setup,
        install: plan.install,
        cache: plan.cache,
        build: format!("{} {script}", pm.rule.run),
        evidence: project.evidence(
            "package.json",
            Some(&format!("scripts.{script}")),
            format!("builds front-end assets with {}", pm.rule.name),
        ),
        warnings,
    }))
}
