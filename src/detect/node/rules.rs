//! Typed view of `detectors/node.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::Error;
use crate::plan::AppKind;

pub const DATA: (&str, &str) = ("node.toml", include_str!("../../../detectors/node.toml"));

/// Node.js knowledge (`detectors/node.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeRules {
    pub versions: NodeVersions,
    pub images: NodeImages,
    pub tools: Tools,
    pub package_managers: Vec<PackageManagerRule>,
    pub credentials: Vec<CredentialRule>,
    pub frameworks: Vec<FrameworkRule>,
    pub recognize: RecognizeRules,
    pub native: NativeRules,
    pub entry: EntryRules,
    pub dockerignore: DockerignoreRules,
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
    /// Tools the official image ships (`corepack`, `yarn`).
    pub bundles: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeImages {
    pub r#static: String,
    pub static_user: String,
    pub static_port: u16,
    pub static_root: String,
    pub slim_user: String,
    pub distroless_node: String,
    pub init_package: String,
    pub init_file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tools {
    pub corepack: String,
}

/// A file that may hold registry credentials (`.npmrc`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialRule {
    pub file: String,
    /// The build secret id it is mounted as.
    pub id: String,
    /// Keys whose literal value is a credential.
    pub markers: Vec<String>,
    /// Mount it as a secret at install time (else refuse and say how to fix the file).
    pub mount: bool,
}

/// What tells a package manager's variants apart (Yarn 2+ from Yarn 1).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Markers {
    #[serde(default)]
    pub files: Vec<String>,
    /// A line the lockfile starts with, in its first lines.
    #[serde(default)]
    pub lockfile_line: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageManagerRule {
    pub name: String,
    #[serde(default)]
    pub variant: Option<String>,
    /// The `packageManager` versions this variant covers (a semver range).
    #[serde(default)]
    pub versions: Option<String>,
    #[serde(default)]
    pub markers: Option<Markers>,
    pub lockfiles: Vec<String>,
    pub install: String,
    pub install_prod: String,
    pub install_unlocked: String,
    pub install_prod_unlocked: String,
    pub run: String,
    /// `yarn start` runs the start script (no `run` needed).
    #[serde(default)]
    pub run_shorthand: bool,
    /// Scripts the manager runs without `run` (`npm start`).
    #[serde(default)]
    pub run_lifecycle: Vec<String>,
    /// Runs one workspace's build script; `{dir}` and `{name}` are filled in.
    pub build_workspace: String,
    pub cache: String,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub corepack: bool,
    #[serde(default)]
    pub setup: Option<String>,
    /// Installed with npm on Node majors whose image does not bundle it.
    #[serde(default)]
    pub bundled_tool: Option<String>,
    /// `node_modules/.bin/<name>` entries are links plain `node` can run.
    #[serde(default = "yes")]
    pub bin_links: bool,
    #[serde(default)]
    pub extra_files: Vec<String>,
}

/// What kind of image a framework makes.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Server,
    Static,
    Next,
}

impl Family {
    pub fn kind(self) -> AppKind {
        match self {
            Family::Static => AppKind::Static,
            Family::Server | Family::Next => AppKind::Server,
        }
    }
}

/// A framework configuration that builds nothing a container can run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incomplete {
    pub problem: String,
    pub fix: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    pub files: Vec<String>,
    pub key: String,
}

/// A JSON file whose `key` renames a framework's entry (`nest-cli.json` `entryFile`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryConfig {
    pub file: String,
    pub key: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRule {
    pub name: String,
    pub packages: Vec<String>,
    pub family: Family,
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
    #[serde(default)]
    pub incomplete: Option<Incomplete>,
    #[serde(default)]
    pub config_files: Vec<String>,
    #[serde(default)]
    pub output_config: Option<OutputConfig>,
    #[serde(default)]
    pub project_file: Option<String>,
    #[serde(default)]
    pub start_command: Option<String>,
    #[serde(default)]
    pub entry_config: Option<EntryConfig>,
    /// A single-page app: unknown paths get index.html (client-side routes). Static only.
    #[serde(default = "yes")]
    pub spa: bool,
}

impl FrameworkRule {
    pub fn kind(&self) -> AppKind {
        self.family.kind()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecognizeRules {
    pub asset_packages: Vec<String>,
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
    pub ts_runners: Vec<String>,
    pub env_prefixes: Vec<String>,
    pub dashdash_prefixes: Vec<String>,
    pub exec_prefixes: Vec<String>,
    pub pm_subcommands: Vec<String>,
    pub programs: BTreeMap<String, String>,
    pub runtime_dirs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerignoreRules {
    pub lines: Vec<String>,
}

impl NodeRules {
    /// The rules for a supported major, if any.
    pub fn major(&self, major: u32) -> Option<&NodeMajor> {
        self.versions.major.iter().find(|m| m.major == major)
    }

    /// Every base image these rules can put in a `FROM` line.
    pub fn images(&self) -> Vec<String> {
        let mut images: Vec<String> = self
            .versions
            .major
            .iter()
            .flat_map(|m| [m.builder.clone(), m.runtime.clone()])
            .collect();
        images.push(self.images.r#static.clone());
        images.sort_unstable();
        images.dedup();
        images
    }

    /// Cross-references the data must satisfy; a unit test runs this.
    pub fn check(&self) -> Result<(), String> {
        let fail = |what: String| Err(what);
        if self.major(self.versions.default).is_none() {
            return fail("the default major has no images".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for module in &self.native.modules {
            if !seen.insert(&module.package) {
                return fail(format!("native module {} is mapped twice", module.package));
            }
        }
        let mut packages = std::collections::BTreeSet::new();
        for fw in &self.frameworks {
            for package in &fw.packages {
                if !packages.insert(package) {
                    return fail(format!("{package} selects two frameworks"));
                }
            }
            let server = fw.kind() == AppKind::Server;
            if fw.entry.is_some() && !server {
                return fail(format!("{}: entry on a static site", fw.name));
            }
            if fw.self_contained && fw.output.is_none() {
                return fail(format!("{}: self_contained needs output", fw.name));
            }
            if !server && fw.output.is_none() {
                return fail(format!("{}: a static site needs output", fw.name));
            }
            if server && fw.port.is_none() {
                return fail(format!("{}: a server needs a port", fw.name));
            }
        }
        for pm in &self.package_managers {
            let variants = self
                .package_managers
                .iter()
                .filter(|other| other.name == pm.name)
                .count();
            if variants > 1 && (pm.variant.is_none() || pm.versions.is_none()) {
                return fail(format!(
                    "{}: variants need `variant` and `versions`",
                    pm.name
                ));
            }
        }
        for image in self.images() {
            if !image.contains(':') || image.ends_with(":latest") {
                return fail(format!("{image} must carry an explicit, fixed tag"));
            }
        }
        Ok(())
    }
}

/// The embedded Node.js rules, parsed once.
pub fn rules() -> Result<&'static NodeRules, Error> {
    static RULES: OnceLock<Result<NodeRules, String>> = OnceLock::new();
    RULES
        .get_or_init(|| crate::rules::parse(DATA.0, DATA.1))
        .as_ref()
        .map_err(|reason| Error::InvalidRule {
            reason: reason.clone(),
        })
}
