//! Typed view of the embedded `detectors/*.toml` knowledge files.
//!
//! Owns parsing and validation of the data; knows nothing about projects or Dockerfiles.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::Error;

/// Every embedded knowledge file, by name, so a test can load them all strictly.
pub const EMBEDDED: &[(&str, &str)] = &[("node.toml", include_str!("../detectors/node.toml"))];

/// Node.js knowledge (`detectors/node.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeRules {
    pub versions: NodeVersions,
    pub images: NodeImages,
    pub package_managers: Vec<PackageManagerRule>,
    pub frameworks: Vec<FrameworkRule>,
    pub native: NativeRules,
    pub entry: EntryRules,
    pub workspaces: WorkspaceRules,
    pub dockerignore: DockerignoreRules,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceRules {
    pub skip: Vec<String>,
    pub limit: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeVersions {
    pub default: u32,
    pub lts_codenames: BTreeMap<String, u32>,
    pub major: Vec<NodeMajor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeMajor {
    pub major: u32,
    pub builder: String,
    pub runtime: String,
    pub corepack_bundled: bool,
    pub yarn_classic_bundled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeImages {
    pub r#static: String,
    pub static_user: String,
    pub static_port: u16,
    pub static_root: String,
    pub corepack: String,
    pub yarn_classic: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageManagerRule {
    pub name: String,
    #[serde(default)]
    pub variant: Option<String>,
    pub lockfiles: Vec<String>,
    pub install: String,
    pub install_prod: String,
    pub install_unlocked: String,
    pub install_prod_unlocked: String,
    pub run: String,
    /// Runs one workspace's build script; `{dir}` and `{name}` are filled in.
    pub build_workspace: String,
    pub cache: String,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub corepack: bool,
    #[serde(default)]
    pub setup: Option<String>,
    #[serde(default)]
    pub extra_files: Vec<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FrameworkKind {
    Server,
    Static,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRule {
    pub name: String,
    pub packages: Vec<String>,
    pub kind: FrameworkKind,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub output: Option<String>,
    #[serde(default)]
    pub entry: Option<String>,
    #[serde(default)]
    pub weak: bool,
    #[serde(default)]
    pub self_contained: bool,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<String>,
    /// A single-page app: unknown paths get index.html (client-side routes). Static kind only.
    #[serde(default = "yes")]
    pub spa: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeRules {
    pub toolchain: Vec<String>,
    pub modules: Vec<NativeModule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeModule {
    pub package: String,
    #[serde(default = "yes")]
    pub toolchain: bool,
    #[serde(default)]
    pub build: Vec<String>,
    #[serde(default)]
    pub runtime: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRules {
    pub conventional: Vec<String>,
    pub dev_tools: Vec<String>,
    pub runtime_dirs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerignoreRules {
    pub always: Vec<String>,
    pub node: Vec<String>,
}

impl NodeRules {
    /// The rules for a supported major, if any.
    pub fn major(&self, major: u32) -> Option<&NodeMajor> {
        self.versions.major.iter().find(|m| m.major == major)
    }

    /// The package-manager rule for `name` and optional variant (`yarn` + `berry`).
    pub fn package_manager(
        &self,
        name: &str,
        variant: Option<&str>,
    ) -> Option<&PackageManagerRule> {
        self.package_managers
            .iter()
            .find(|pm| pm.name == name && (variant.is_none() || pm.variant.as_deref() == variant))
    }

    /// Every base image these rules can put in a `FROM` line.
    pub fn images(&self) -> Vec<&str> {
        let mut images: Vec<&str> = self
            .versions
            .major
            .iter()
            .flat_map(|m| [m.builder.as_str(), m.runtime.as_str()])
            .collect();
        images.push(&self.images.r#static);
        images.sort_unstable();
        images.dedup();
        images
    }
}

/// All rules, parsed once from the embedded files.
pub struct Rules {
    pub node: NodeRules,
}

/// The embedded rules. Parsing is checked by a unit test, so a failure here is a build defect.
pub fn rules() -> Result<&'static Rules, Error> {
    static RULES: OnceLock<Result<Rules, String>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            let node = parse("node.toml", EMBEDDED[0].1)?;
            Ok(Rules { node })
        })
        .as_ref()
        .map_err(|reason| Error::InvalidRule {
            reason: reason.clone(),
        })
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| format!("detectors/{name}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_loads_strictly() {
        for (name, text) in EMBEDDED {
            match *name {
                "node.toml" => {
                    parse::<NodeRules>(name, text).unwrap();
                }
                other => panic!("no schema for embedded file {other}"),
            }
        }
    }

    #[test]
    fn node_rules_are_consistent() {
        let node = &rules().unwrap().node;
        assert!(
            node.major(node.versions.default).is_some(),
            "default major has images"
        );
        for codename_major in node.versions.lts_codenames.values() {
            assert!(*codename_major >= 18);
        }
        let mut seen = std::collections::BTreeSet::new();
        for module in &node.native.modules {
            assert!(
                seen.insert(&module.package),
                "{} mapped twice",
                module.package
            );
        }
        let mut packages = std::collections::BTreeSet::new();
        for fw in &node.frameworks {
            for package in &fw.packages {
                assert!(packages.insert(package), "{package} selects two frameworks");
            }
            let server = fw.kind == FrameworkKind::Server;
            assert!(
                fw.entry.is_none() || server,
                "{}: entry on a static site",
                fw.name
            );
            assert!(
                !fw.self_contained || fw.output.is_some(),
                "{}: self_contained needs output",
                fw.name
            );
            match fw.kind {
                FrameworkKind::Static => assert!(fw.output.is_some(), "{} needs output", fw.name),
                FrameworkKind::Server => assert!(fw.port.is_some(), "{} needs a port", fw.name),
            }
        }
        for pm in &node.package_managers {
            assert!(
                pm.corepack || pm.setup.is_some() || ["npm", "yarn"].contains(&pm.name.as_str())
            );
        }
        for image in node.images() {
            assert!(image.contains(':'), "{image} must carry an explicit tag");
            assert!(!image.ends_with(":latest"), "{image} must not float");
        }
    }
}
