//! Typed view of `detectors/python.toml`.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::OnceLock;

use pep440_rs::{Version, VersionSpecifiers};
use serde::Deserialize;

use crate::error::Error;

pub const DATA: (&str, &str) = (
    "python.toml",
    include_str!("../../../detectors/python.toml"),
);

/// Python knowledge (`detectors/python.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonRules {
    pub versions: Versions,
    pub images: ImageRules,
    pub package_managers: Vec<PackageManagerRule>,
    pub requirements: RequirementsRules,
    pub markers: MarkerRules,
    pub servers: Vec<ServerRule>,
    pub frameworks: Vec<FrameworkRule>,
    pub defaults: Defaults,
    pub django: DjangoRules,
    pub entry: EntryRules,
    pub native: NativeRules,
    pub assets: AssetsRules,
    pub recognize: Recognize,
    pub dockerignore: DockerignoreRules,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versions {
    pub default: String,
    pub sources: Vec<VersionSource>,
    pub line: Vec<VersionLine>,
}

/// How a version file is read.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Line,
    RuntimeTxt,
    ToolVersions,
    RequiresPython,
    Pipfile,
    Poetry,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionSource {
    pub file: String,
    pub kind: SourceKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionLine {
    pub version: String,
    pub alpine: String,
    pub slim: String,
    #[serde(default)]
    pub eol: bool,
}

impl VersionLine {
    /// The Alpine image, or the slim one when a dependency has no musl build.
    pub fn image(&self, alpine: bool) -> &String {
        if alpine {
            &self.alpine
        } else {
            &self.slim
        }
    }

    /// The line as a PEP 440 version (`3.13`).
    pub fn parsed(&self) -> Option<Version> {
        Version::from_str(&self.version).ok()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRules {
    pub venv: String,
    pub alpine_tini: Tini,
    pub slim_tini: Tini,
}

impl ImageRules {
    /// The base family's tini.
    pub fn tini(&self, alpine: bool) -> &Tini {
        if alpine {
            &self.alpine_tini
        } else {
            &self.slim_tini
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tini {
    pub package: String,
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageManagerRule {
    pub name: String,
    #[serde(default)]
    pub variant: Option<String>,
    /// A PEP 440 range over the lockfile's `lock-version`.
    #[serde(default)]
    pub lock_versions: Option<String>,
    pub lockfiles: Vec<String>,
    /// Files that select this manager when no lockfile does (a Pipfile).
    #[serde(default)]
    pub markers: Vec<String>,
    /// pyproject tables (dotted) whose entries select it when no lockfile does.
    #[serde(default)]
    pub tables: Vec<String>,
    pub manifests: Vec<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub tool_files: Vec<String>,
    #[serde(default)]
    pub setup: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub venv: Option<String>,
    pub install_deps: String,
    #[serde(default)]
    pub install_project: Option<String>,
    #[serde(default)]
    pub install_deps_member: Option<String>,
    #[serde(default)]
    pub install_project_member: Option<String>,
    #[serde(default)]
    pub install_pyproject_deps: Option<String>,
    #[serde(default)]
    pub install_with_source: Option<String>,
    #[serde(default)]
    pub unlocked: Option<String>,
    pub cache: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementsRules {
    pub files: Vec<String>,
    pub max_depth: usize,
    pub max_files: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerRules {
    pub sys_platform: String,
    pub platform_system: String,
    pub os_name: String,
    pub platform_machine: String,
    pub implementation_name: String,
    pub platform_python_implementation: String,
}

/// An ASGI worker class gunicorn can run, and the package providing it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Worker {
    pub package: String,
    pub class: String,
}

/// Arguments only some versions of a server take.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionedArgs {
    pub versions: String,
    pub args: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerRule {
    pub name: String,
    pub packages: Vec<String>,
    pub interfaces: Vec<String>,
    pub argv: Vec<String>,
    pub factory: String,
    #[serde(default)]
    pub factory_args: Vec<String>,
    pub port: u16,
    pub bind_flags: Vec<String>,
    pub bind_args: Vec<String>,
    #[serde(default)]
    pub config_files: Vec<String>,
    #[serde(default)]
    pub config_options: Vec<String>,
    #[serde(default)]
    pub config_flag: Option<String>,
    #[serde(default)]
    pub config_bind: Option<String>,
    #[serde(default)]
    pub config_app: Option<String>,
    #[serde(default)]
    pub config_argv: Vec<String>,
    #[serde(default)]
    pub stop_args: Vec<String>,
    pub sigterm: bool,
    #[serde(default)]
    pub add: Vec<AddRule>,
    #[serde(default)]
    pub workers: Vec<Worker>,
    #[serde(default)]
    pub versioned_args: Vec<VersionedArgs>,
}

/// The requirement added for a Python range.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddRule {
    pub python: String,
    pub requirement: String,
}

impl ServerRule {
    pub fn serves(&self, interface: &str) -> bool {
        self.interfaces.iter().any(|i| i == interface)
    }

    /// The pinned requirement added on Python `line` (`3.13`), if this server can be added.
    pub fn add_for(&self, line: &str) -> Option<&str> {
        let version = Version::from_str(line).ok()?;
        self.add
            .iter()
            .find(|a| {
                VersionSpecifiers::from_str(&a.python).is_ok_and(|range| range.contains(&version))
            })
            .map(|a| a.requirement.as_str())
    }
}

/// Servers an extra of a framework installs (`fastapi[standard]` → uvicorn).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implies {
    pub extra: String,
    pub servers: Vec<String>,
}

/// A framework whose app dockgen reads from its project files rather than from source.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Reader {
    /// manage.py and the settings module.
    Django,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRule {
    pub name: String,
    pub packages: Vec<String>,
    #[serde(default)]
    pub reader: Option<Reader>,
    /// `wsgi`, `asgi`, or `none` (the framework runs its own server).
    pub interface: String,
    #[serde(default)]
    pub constructors: Vec<String>,
    #[serde(default)]
    pub factories: Vec<String>,
    #[serde(default)]
    pub server: Vec<String>,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub implies: Vec<Implies>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub wsgi: String,
    pub asgi: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvReader {
    pub call: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildEnv {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DjangoRules {
    pub dirs: Vec<String>,
    pub settings_env: String,
    pub env_readers: Vec<EnvReader>,
    pub build_env: Vec<BuildEnv>,
    pub static_app: String,
    pub static_servers: Vec<String>,
    pub port: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRules {
    pub app_files: Vec<String>,
    pub script_files: Vec<String>,
    pub skip_dirs: Vec<String>,
    pub max_files: usize,
    pub procfile_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeModule {
    pub package: String,
    pub build: Vec<String>,
    pub runtime: Vec<String>,
    pub apt_build: Vec<String>,
    pub apt_runtime: Vec<String>,
    /// Companion distributions that make this one need nothing (`psycopg-binary`).
    #[serde(default)]
    pub unless: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlibcOnly {
    pub package: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeRules {
    pub modules: Vec<NativeModule>,
    pub glibc_only: Vec<GlibcOnly>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetOutput {
    pub package: String,
    pub dir: String,
    pub config_files: Vec<String>,
    pub key: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetsRules {
    pub scripts: Vec<String>,
    pub outputs: Vec<AssetOutput>,
    pub output_flags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognize {
    pub manifests: Vec<String>,
    pub app_packages: Vec<String>,
    pub entry_files: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerignoreRules {
    pub lines: Vec<String>,
}

impl PythonRules {
    /// The line `version` (`3.12`) names, if dockgen has images for it.
    pub fn line(&self, version: &str) -> Option<&VersionLine> {
        self.versions.line.iter().find(|l| l.version == version)
    }

    pub fn server(&self, name: &str) -> Option<&ServerRule> {
        self.servers.iter().find(|s| s.name == name)
    }

    /// Every base image these rules can put in a `FROM` line.
    pub fn images(&self) -> Vec<String> {
        let mut images: Vec<String> = self
            .versions
            .line
            .iter()
            .flat_map(|l| [l.alpine.clone(), l.slim.clone()])
            .chain(self.package_managers.iter().filter_map(|p| p.image.clone()))
            .collect();
        images.sort_unstable();
        images.dedup();
        images
    }

    /// Cross-references the data must satisfy; a unit test runs this.
    pub fn check(&self) -> Result<(), String> {
        if self.line(&self.versions.default).is_none() {
            return Err(format!("default {} has no images", self.versions.default));
        }
        for line in &self.versions.line {
            if line.parsed().is_none() {
                return Err(format!("{} is not a version", line.version));
            }
        }
        for image in self.images() {
            if !image.contains(':') || image.ends_with(":latest") {
                return Err(format!("{image} must carry an explicit, fixed tag"));
            }
        }
        for name in [&self.defaults.wsgi, &self.defaults.asgi] {
            if self.server(name).is_none() {
                return Err(format!("default server {name} is not in [[servers]]"));
            }
        }
        for (server, interface) in [(&self.defaults.wsgi, "wsgi"), (&self.defaults.asgi, "asgi")] {
            let rule = self.server(server).ok_or("checked above")?;
            if !rule.serves(interface) {
                return Err(format!(
                    "default {interface} server {server} must serve {interface}"
                ));
            }
            for line in &self.versions.line {
                if rule.add_for(&line.version).is_none() {
                    return Err(format!(
                        "default {interface} server {server} has no `add` for Python {}",
                        line.version
                    ));
                }
            }
        }
        for server in &self.servers {
            if !server.argv.iter().any(|a| a.contains("{target}")) {
                return Err(format!("{}: argv has no {{target}}", server.name));
            }
            for add in &server.add {
                VersionSpecifiers::from_str(&add.python)
                    .map_err(|e| format!("{}: {}", server.name, first_line(&e.to_string())))?;
            }
            for v in &server.versioned_args {
                VersionSpecifiers::from_str(&v.versions)
                    .map_err(|e| format!("{}: {}", server.name, first_line(&e.to_string())))?;
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for fw in &self.frameworks {
            for package in &fw.packages {
                if !seen.insert(package) {
                    return Err(format!("{package} selects two frameworks"));
                }
            }
            let known = ["wsgi", "asgi", "none"].contains(&fw.interface.as_str());
            if !known || (fw.interface == "none") == fw.server.is_empty() {
                return Err(format!("{}: `none` exactly when `server` is set", fw.name));
            }
            for implied in fw.implies.iter().flat_map(|i| &i.servers) {
                if self.server(implied).is_none() {
                    return Err(format!("{}: implies unknown server {implied}", fw.name));
                }
            }
        }
        let mut natives = std::collections::BTreeSet::new();
        for module in &self.native.modules {
            if !natives.insert(&module.package) {
                return Err(format!("native module {} is mapped twice", module.package));
            }
        }
        for pm in &self.package_managers {
            if let Some(range) = &pm.lock_versions {
                VersionSpecifiers::from_str(range)
                    .map_err(|e| format!("{}: {}", pm.name, first_line(&e.to_string())))?;
            }
        }
        if !self.package_managers.iter().any(|p| p.lockfiles.is_empty()) {
            return Err("one package manager must install projects without a lockfile".into());
        }
        Ok(())
    }
}

pub fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .trim_end_matches(':')
        .to_string()
}

/// The embedded Python rules, parsed once.
pub fn rules() -> Result<&'static PythonRules, Error> {
    static RULES: OnceLock<Result<PythonRules, String>> = OnceLock::new();
    crate::rules::cached(&RULES, DATA)
}

pub fn check() -> Result<(), String> {
    crate::rules::parse::<PythonRules>(DATA.0, DATA.1)?.check()
}
