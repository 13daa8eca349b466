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
    pub bun: BunRules,
    pub tools: Tools,
    pub package_managers: Vec<PackageManagerRule>,
    pub credentials: Vec<CredentialRule>,
    pub frameworks: Vec<FrameworkRule>,
    pub recognize: RecognizeRules,
    pub native: NativeRules,
    pub entry: EntryRules,
    pub port: PortRules,
    pub writable: WritableRules,
    pub build_env: BuildEnvRules,
    pub workspaces: WorkspaceRules,
    pub dockerignore: DockerignoreRules,
}

/// Monorepo images.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceRules {
    /// Where a package manager's deploy command writes the app in the build stage.
    pub deploy_dir: String,
}

/// Where the build reads its configuration, and how a variable is classed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildEnvRules {
    /// Framework and bundler configs the build evaluates.
    pub config_files: Vec<String>,
    /// Scripts the build runs (`prebuild`, `build`, `postinstall`): the files they run are read.
    pub scripts: Vec<String>,
    /// Env example files: the variables a project documents, with their defaults.
    pub env_examples: Vec<String>,
    /// Prefixes of variables a front-end build inlines (`NEXT_PUBLIC_`): never secret.
    pub public_prefixes: Vec<String>,
    /// Words that make a variable a secret (`SECRET`, `TOKEN`).
    pub secret_words: Vec<String>,
    /// Variables never passed in (the image sets them, or the platform does).
    pub ignore: Vec<String>,
    /// Packages that make a project a Prisma one.
    pub prisma_packages: Vec<String>,
    /// Prisma's config files (read when a build script runs prisma).
    pub prisma_configs: Vec<String>,
    /// Prisma schemas (read when a script runs a command in `schema_commands`).
    pub prisma_schemas: Vec<String>,
    /// Prisma commands that connect to the database.
    pub schema_commands: Vec<String>,
}

/// What tells a folder the running app writes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WritableRules {
    /// Folder names that hold an app's data when .gitignore lists them or a path names them.
    pub dirs: Vec<String>,
    /// Words in an environment variable's name that say it holds a data location.
    pub env_words: Vec<String>,
    /// Endings of such a name (`_DIR`, `_PATH`).
    pub env_suffixes: Vec<String>,
    /// Endings that say the value is a file (`DB_FILENAME`): its folder is the one written.
    pub file_suffixes: Vec<String>,
    /// Folders a created directory is never (they hold code or build output).
    pub never: Vec<String>,
    /// Container working directories Compose volumes are made app-relative against.
    pub compose_workdirs: Vec<String>,
}

/// Where a port may be written besides the entry, and what is another service's port.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortRules {
    /// Config, defaults and env-example files read for a port, in order.
    pub files: Vec<String>,
    /// Compose files read for the app's service.
    pub compose_files: Vec<String>,
    /// Well-known ports of other services (databases, caches, brokers).
    pub other_services: Vec<u16>,
    /// Words that make a `port: N` line another service's (`db`, `redis`).
    pub other_words: Vec<String>,
    /// Text in a Dockerfile dockgen wrote, whose `EXPOSE` is not evidence.
    pub generated_marker: String,
    /// Where an app that reads PORT listens instead of a port below 1024.
    pub unprivileged: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeVersions {
    pub lts_codenames: BTreeMap<String, u32>,
    pub major: Vec<NodeMajor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeMajor {
    pub major: u32,
    /// Where the line is in Node's release schedule.
    pub status: Status,
    pub builder: String,
    pub runtime: String,
    /// Tools the official image ships (`corepack`, `yarn`).
    pub bundles: Vec<String>,
}

/// A release line's support status: long-term support (active or maintenance), current (not
/// yet LTS), or past end of life.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Lts,
    Current,
    Eol,
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

/// Bun as the runtime: the start script runs `bun <file>`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BunRules {
    /// The program a script names (`bun`).
    pub program: String,
    /// The release line the images carry.
    pub version: String,
    pub builder: String,
    pub runtime: String,
    /// Where the runtime image keeps bun (its entrypoint).
    pub binary: String,
    /// The final image's user on the distroless image, and on the slim one.
    pub user: String,
    pub slim_user: String,
    /// The init copied into the final stage (static: the runtime's libc is older).
    pub init_file: String,
    /// Flags of a development run (`--watch`), dropped from the command.
    pub dev_flags: Vec<String>,
    /// Bun's own commands (`bun install`), which run no file.
    pub subcommands: Vec<String>,
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
    #[serde(default = "crate::rules::yes")]
    pub bin_links: bool,
    #[serde(default)]
    pub extra_files: Vec<String>,
    /// How to pin the major when package.json has no `packageManager` field.
    #[serde(default)]
    pub pin: Option<PinRule>,
    /// Installs one workspace's production dependencies only (`{dir}`, `{name}` filled in).
    #[serde(default)]
    pub prune_prod: Option<String>,
    #[serde(default)]
    pub prune_prod_unlocked: Option<String>,
    /// Writes one workspace, its production dependencies and its workspace packages to a
    /// folder (`pnpm deploy`); the first entry whose `versions` allow the major wins.
    #[serde(default)]
    pub deploy: Vec<DeployRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployRule {
    /// The package manager majors it works with (a semver range).
    pub versions: String,
    /// `{name}` (the package name) and `{out}` are filled in.
    pub command: String,
}

/// Which major of a Corepack-managed package manager a project was written for, read from its
/// lockfile format and settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinRule {
    /// Installs the pinned major as Corepack's default (`{major}` is filled in).
    pub command: String,
    /// The lockfile's top-level key that holds its format version (`lockfileVersion`;
    /// `version` under Yarn's `__metadata`).
    pub lockfile_key: String,
    /// Files whose top-level keys are settings (`pnpm-workspace.yaml`).
    #[serde(default)]
    pub settings_files: Vec<String>,
    /// A package.json object whose keys are settings too (`pnpm`).
    #[serde(default)]
    pub settings_manifest_key: Option<String>,
    /// Settings only some majors read: setting → the majors' range.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// Candidate majors in order of preference, each with the lockfile formats it writes.
    pub lines: Vec<PinLine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinLine {
    pub major: u32,
    pub lockfile: Vec<String>,
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
    #[serde(default = "crate::rules::yes")]
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
    #[serde(default = "crate::rules::yes")]
    pub toolchain: bool,
    #[serde(default)]
    pub build: Vec<String>,
    #[serde(default)]
    pub runtime: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRules {
    /// Scripts that start the app in production, tried in order.
    pub start_scripts: Vec<String>,
    pub conventional: Vec<String>,
    pub dev_tools: Vec<String>,
    pub ts_runners: Vec<String>,
    pub env_prefixes: Vec<String>,
    pub dashdash_prefixes: Vec<String>,
    pub exec_prefixes: Vec<String>,
    pub pm_subcommands: Vec<String>,
    /// Process managers a start script may run the app under (`pm2`).
    pub process_managers: Vec<String>,
    /// Their commands that start what follows (`start`).
    pub process_manager_commands: Vec<String>,
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
        images.push(self.bun.builder.clone());
        images.push(self.bun.runtime.clone());
        images.sort_unstable();
        images.dedup();
        images
    }

    /// Cross-references the data must satisfy; a unit test runs this.
    pub fn check(&self) -> Result<(), String> {
        let fail = |what: String| Err(what);
        if !self.versions.major.iter().any(|m| m.status == Status::Lts) {
            return fail("no major has status `lts`".into());
        }
        for m in &self.versions.major {
            if m.status == Status::Eol && m.runtime != m.builder {
                return fail(format!(
                    "Node {}: an end-of-life line runs on its builder image",
                    m.major
                ));
            }
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
    crate::rules::cached(&RULES, DATA)
}
