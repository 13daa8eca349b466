//! The `Plan`: every decision dockgen made about a project, as plain serialisable data.
//!
//! Detectors fill it, answers (flags) override it, templates read it. It knows no Dockerfile
//! syntax. The shape is the same for every language; what only one language needs lives in
//! its variant of [`Details`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the JSON shape `dockgen detect --format json` prints.
pub const SCHEMA: u32 = 1;

/// The languages dockgen knows, in the order their recognizers run.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Node,
    Python,
    Go,
    Rust,
    Java,
}

impl Language {
    /// Every language, in registry order.
    pub const ALL: [Language; 5] = [
        Language::Node,
        Language::Python,
        Language::Go,
        Language::Rust,
        Language::Java,
    ];

    /// The identifier used in flags and JSON (`node`).
    pub fn id(self) -> &'static str {
        match self {
            Language::Node => "node",
            Language::Python => "python",
            Language::Go => "go",
            Language::Rust => "rust",
            Language::Java => "java",
        }
    }

    /// The name people write (`Node.js`).
    pub fn title(self) -> &'static str {
        match self {
            Language::Node => "Node.js",
            Language::Python => "Python",
            Language::Go => "Go",
            Language::Rust => "Rust",
            Language::Java => "Java",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Language::ALL
            .into_iter()
            .find(|l| l.id() == text.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                let ids: Vec<&str> = Language::ALL.iter().map(|l| l.id()).collect();
                format!("`{text}` is not one of {}", ids.join(", "))
            })
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// The decisions a plan records evidence for; the keys of [`Plan::evidence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Language,
    App,
    Version,
    PackageManager,
    Framework,
    BuildCommand,
    Entrypoint,
    Port,
    BuildPackages,
    RuntimePackages,
    /// The folders the running app writes (`Plan::writable`).
    Writable,
    Variant,
    /// The final image's runtime when something other than the default decided it (a jlink'd
    /// runtime, a JRE image, Debian slim instead of Alpine) and why.
    Runtime,
}

/// Where a decided value came from, so dockgen can explain itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Project-relative file (relative to the project root, also for an app folder), or
    /// `default` / `flag`.
    pub source: String,
    /// Key or line inside the file (`engines.node`, `line 3`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Why the value follows from the source, in a few words.
    pub note: String,
}

impl Evidence {
    /// Evidence from a file. Detectors name files through `Project::evidence`, which makes the
    /// path root-relative; this constructor takes the name as given.
    pub fn file(source: &str, key: Option<&str>, note: impl Into<String>) -> Self {
        Evidence {
            source: source.to_string(),
            key: key.map(str::to_string),
            note: note.into(),
        }
    }

    pub fn default(note: impl Into<String>) -> Self {
        Evidence {
            source: "default".into(),
            key: None,
            note: note.into(),
        }
    }

    pub fn flag(flag: &str) -> Self {
        Evidence {
            source: "flag".into(),
            key: Some(flag.into()),
            note: "given on the command line".into(),
        }
    }
}

/// What a warning is about, so code can act on a kind instead of searching message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// No command to run was found; `--entrypoint` supplies it.
    MissingEntrypoint,
    /// The package manager or its lockfile: several lockfiles, none, an unknown field.
    PackageManager,
    /// The runtime version asked for is unknown, unsupported or contradicted.
    Version,
    /// Something about the framework the user should change for a better image.
    Framework,
    /// A script or command was adjusted or could not be used.
    Entrypoint,
    /// The final image is not the preferred one, and why.
    Runtime,
    /// Other candidates for the app were set aside.
    Candidates,
    /// A file with credentials is kept out of the image and mounted as a build secret.
    Secrets,
    /// Where the running app writes, and what the image cannot make writable.
    Writable,
    /// Configuration the build reads: build arguments and secrets to pass.
    BuildConfig,
}

/// Something the user should know or change, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Warning {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// How strongly a language's files say "this is the app".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Tooling, a library or scripts: never the app by itself.
    Tooling,
    /// Part of an app: builds front-end assets or a static site, or declares runtime
    /// dependencies without running anything. The app only when nothing stronger is there.
    Partial,
    /// The manifest could not be read; it may be the app, so it beats assets.
    Unreadable,
    /// An application: a server, a main package, a binary, manage.py.
    Application,
}

/// One language's claim to be the project's app, as its recognizer saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub language: Language,
    pub strength: Strength,
    /// The file that says so, root-relative.
    pub source: String,
    /// Why, in a few words ("only builds assets (vite)").
    pub reason: String,
}

/// What the final image runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppKind {
    /// A long-running process (usually an HTTP server) on the language runtime.
    Server,
    /// Built files served by a static web server; no language runtime at run time.
    Static,
}

/// The complete, serialisable description of the image to build.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// The JSON shape's version ([`SCHEMA`]).
    pub schema: u32,
    /// `language` and the language's own `details`.
    #[serde(flatten)]
    pub details: Details,
    /// The project-relative folder the app lives in (a workspace member); `None` at the root.
    pub app_dir: Option<String>,
    /// Runtime version line chosen for the image (`"24"`, `"3.12"`).
    pub version: String,
    pub package_manager: String,
    pub framework: Option<String>,
    pub kind: AppKind,
    /// Build command run after dependencies are installed (`["npm", "run", "build"]`).
    pub build_command: Option<Vec<String>>,
    /// The full argv the final container runs, interpreter included, relative to the app
    /// folder's path in the image; `None` when unknown.
    pub entrypoint: Option<Vec<String>>,
    pub port: Option<u16>,
    /// OS packages the build stage needs for native dependencies.
    pub build_packages: Vec<String>,
    /// OS packages the final image needs for native dependencies.
    pub runtime_packages: Vec<String>,
    pub images: Images,
    /// Folders (relative to the app folder) the running app writes: the image creates them
    /// owned by the runtime user and declares them volumes, so the root filesystem can be
    /// read-only.
    pub writable: Vec<String>,
    /// Evidence per decided field.
    pub evidence: BTreeMap<Field, Evidence>,
    /// Other languages whose files were found and set aside, and why.
    pub set_aside: Vec<Candidate>,
    /// Things the user should know or change.
    pub warnings: Vec<Warning>,
}

impl Plan {
    pub fn language(&self) -> Language {
        self.details.language()
    }

    pub fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }
}

/// The language and what only its template needs. Serialised as `"language": "node"` beside
/// `"details": {…}`.
// A plan is built once per run and never stored in bulk, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "language", content = "details", rename_all = "lowercase")]
pub enum Details {
    Node(NodePlan),
    Go(GoPlan),
    Java(JavaPlan),
    Rust(RustPlan),
    Python(PythonPlan),
}

impl Details {
    pub fn language(&self) -> Language {
        match self {
            Details::Node(_) => Language::Node,
            Details::Go(_) => Language::Go,
            Details::Java(_) => Language::Java,
            Details::Rust(_) => Language::Rust,
            Details::Python(_) => Language::Python,
        }
    }
}

/// Base images, fully qualified with a tag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Images {
    pub builder: String,
    pub runtime: String,
    /// True when the runtime image has no shell or package manager (distroless).
    pub runtime_distroless: bool,
    /// Numeric `uid:gid` the final stage runs as.
    pub user: String,
    /// The final image's variant (`distroless`, `slim`, `scratch`, …), answerable with
    /// `--variant` where the language offers a real choice.
    pub variant: String,
}

/// The JavaScript runtime the final image runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    Node,
    /// Bun runs the app (`bun src/index.ts`), on Bun's own images.
    Bun,
}

/// What the Node.js template needs beyond the common fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodePlan {
    /// Node.js, or Bun.
    pub runtime: Runtime,
    /// Files and folders copied before the dependency install, in order.
    pub manifests: Vec<String>,
    /// Folders copied before the install (`.yarn/releases`), each to its own path.
    pub manifest_dirs: Vec<String>,
    pub lockfile: Option<String>,
    pub install: String,
    pub install_prod: String,
    /// The app has production dependencies (`dependencies` or `optionalDependencies`), so a
    /// production install writes a `node_modules` to ship.
    pub production_dependencies: bool,
    /// Cache mount target for the package manager's download cache.
    pub cache: String,
    /// Environment for the build stages (`PNPM_HOME`, …).
    pub env: BTreeMap<String, String>,
    /// The package manager's major, when `packageManager` names it or dockgen pinned it.
    pub package_manager_major: Option<u32>,
    /// Commands that prepare the package manager in the builder (`corepack enable`).
    pub setup: Vec<String>,
    /// Registry credentials mounted as build secrets in the install steps, never copied.
    pub secrets: Vec<Secret>,
    /// Environment variables the build reads (build arguments and secrets).
    pub build_env: Vec<BuildVar>,
    /// Every workspace's package.json, copied before the install (the lockfile covers them
    /// all). Non-empty exactly when the project is a monorepo: the image then holds the whole
    /// tree and runs from the app folder.
    pub workspace_manifests: Vec<String>,
    /// A workspace app's folder and the workspace packages it depends on (root-relative, in
    /// dependency order): the only parts of the monorepo the final image ships. Empty when the
    /// image ships the whole tree (the root is the app) or the output is self-contained.
    pub members: Vec<String>,
    /// The package manager's deploy command (`pnpm deploy`): it writes the app, its production
    /// dependencies and its workspace packages to one folder, which is all the final image holds.
    pub deploy: Option<String>,
    /// Environment the framework needs at run time (`HOST=0.0.0.0`).
    pub runtime_env: BTreeMap<String, String>,
    /// The port is only the framework's usual one: the image sets `PORT` to it, which most
    /// apps read.
    pub port_env: bool,
    /// Folders that hold the app's local data (ignored by git; root-relative): kept out of the
    /// build context.
    pub local_data: Vec<String>,
    /// What ships, with paths relative to the app folder.
    pub output: NodeOutput,
    /// Extra project folders copied next to the build output (`public`, `views`).
    pub runtime_dirs: Vec<String>,
    /// Paths the image rebuilds (root-relative), so `.dockerignore` keeps local copies out.
    pub build_outputs: Vec<String>,
}

/// An environment variable the build reads: a build `ARG`, or a `BuildKit` secret when its name
/// says it is one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildVar {
    pub name: String,
    /// The documented, non-secret default, if any.
    pub default: Option<String>,
    /// Passed as a secret (`--secret id=<name>`), never an `ARG`.
    pub secret: bool,
    /// Read while dependencies install (a `postinstall` script), not only by the build.
    pub install: bool,
}

/// A file mounted as a build secret (`--mount=type=secret,id=…,target=…`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Secret {
    /// The id `docker build --secret id=<id>,src=<file>` supplies.
    pub id: String,
    /// Where the install step sees it, relative to the image's app folder.
    pub file: String,
}

/// What the final stage copies out of the build.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeOutput {
    /// No build step: the sources themselves, plus production dependencies.
    Source,
    /// A compiled folder (`dist`) plus production dependencies.
    Build { dir: String },
    /// A folder that bundles its own dependencies (Nuxt's `.output`): nothing else ships.
    Bundle { dir: String },
    /// Next.js `output: 'standalone'`: the traced server, static assets and `public/`.
    NextStandalone { public: bool },
    /// Next.js without standalone: `.next`, production dependencies and `next start`.
    NextServer {
        public: bool,
        config: Option<String>,
    },
    /// Built static files served by the static image.
    Static {
        dir: String,
        root: String,
        spa: bool,
    },
}

/// What the Go template needs beyond the common fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GoPlan {
    /// The module path of the app's module; `None` for a program without go.mod.
    pub module: Option<String>,
    /// Files copied before `go mod download`, grouped by the folder they are copied to.
    pub manifests: Vec<GoManifests>,
    /// `go mod download` runs in its own layer before the source is copied (not when the
    /// project vendors its modules or has no go.mod).
    pub download: bool,
    /// The build uses `vendor/` (`-mod=vendor`).
    pub vendor: bool,
    /// How the binary links C code.
    pub cgo: Cgo,
    /// The binary's file name.
    pub binary: String,
    /// Where the builder writes the binary (absolute).
    pub output: String,
    /// Cache mount targets: the module cache and the build cache.
    pub module_cache: String,
    pub build_cache: String,
}

/// Files copied to one folder before the module download.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GoManifests {
    /// Root-relative folder with a trailing `/`; `./` at the root.
    pub dir: String,
    /// Root-relative files.
    pub files: Vec<String>,
}

/// How a Go binary links C code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cgo {
    /// `CGO_ENABLED=0`: pure Go, static, cross-compiled.
    Off,
    /// cgo linked statically against musl on Alpine: still a static binary.
    Musl,
    /// cgo linked against glibc on Debian: runs on a glibc base.
    Glibc,
}

/// What the Java template needs beyond the common fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JavaPlan {
    /// The build program as the builder runs it: `mvn`, `./mvnw`, `gradle`, `./gradlew`.
    pub tool: String,
    /// The wrapper script, copied executable before anything runs; `None` without one.
    pub wrapper: Option<String>,
    /// Build files (root-relative), each copied to its own path before dependencies resolve.
    pub build_files: Vec<String>,
    /// Build folders copied the same way (`.mvn`, `gradle`, `buildSrc`).
    pub build_dirs: Vec<String>,
    /// Resolves dependencies into the cache from the build files alone.
    pub resolve: Vec<String>,
    /// Cache mount target for the build tool's downloads.
    pub cache: String,
    /// Environment for the build stages (`GRADLE_USER_HOME`).
    pub env: BTreeMap<String, String>,
    /// What the build makes, root-relative (`target/shop-1.0.jar`, `build/quarkus-app`); a `*`
    /// stands for a version set outside the build files.
    pub artifact: String,
    /// How the artifact becomes the image's app folder.
    pub layout: JavaLayout,
    /// How jlink cuts the runtime; `None` on a line without jlink (Java 8 runs on its JRE image).
    pub jlink: Option<Jlink>,
    /// Where the runtime lives in the final image.
    pub java_home: String,
    /// Paths the image rebuilds (root-relative), so `.dockerignore` keeps local copies out.
    pub build_outputs: Vec<String>,
}

/// How a Java build's output is laid out in the final image (under the app folder).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JavaLayout {
    /// An executable jar, extracted by its own jar mode (`java <extract>`) into `layers`, each
    /// copied onto the app folder in order: dependencies apart from the app's own classes.
    Layered {
        extract: Vec<String>,
        layers: Vec<String>,
    },
    /// A built folder whose `layers` are copied in order (Quarkus's fast-jar).
    Folder { layers: Vec<String> },
    /// One runnable jar, `app.jar`.
    Jar,
    /// The app's jar in `app/`, its dependencies in `lib/` (copied from the root-relative
    /// folder `dependencies`).
    ClassPath { dependencies: String },
    /// Gradle's installDist: `artifact` is its lib folder; the jars the project itself builds
    /// (root-relative folder `jars`) go to `app/`, the rest to `lib/`.
    Installed { jars: String },
}

/// What jdeps reads and jlink adds, paths relative to the laid-out app.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Jlink {
    /// jdeps `--class-path` entries.
    pub class_path: Vec<String>,
    /// What jdeps analyses; empty when it cannot see the classes (a nested-jar fat jar), and
    /// the fallback set is used.
    pub roots: Vec<String>,
    /// Modules used when jdeps cannot tell.
    pub fallback: Vec<String>,
    /// Modules added to what jdeps finds (service providers no class names).
    pub extra: Vec<String>,
    /// jlink's `--compress` value.
    pub compress: String,
}

/// What the Rust template needs beyond the common fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RustPlan {
    /// The binary target the image runs.
    pub bin: String,
    /// The package that owns it (`cargo build -p`).
    pub package: String,
    /// Features the binary's `required-features` asks for (`cargo build --features`).
    pub features: Vec<String>,
    /// How the targets were read: `cargo metadata`, or Cargo.toml when cargo could not run.
    pub metadata: TargetSource,
    /// The package's edition.
    pub edition: String,
    /// `musl` (static, on scratch) or `gnu` (glibc, for crates that cannot link statically).
    pub libc: Libc,
    /// Why the build is not static, naming the crate; `None` for musl.
    pub glibc_reason: Option<String>,
    /// Files copied before the dependency build, root-relative: Cargo.toml of the root and
    /// of every member, Cargo.lock, `.cargo/config.toml`.
    pub manifests: Vec<String>,
    /// Target sources (root-relative) the dependency build replaces with empty stubs, so it
    /// needs only the manifests; touched after the real sources arrive.
    pub stubs: Vec<String>,
    /// Cargo.lock is present (`--locked`).
    pub locked: bool,
    /// Environment for the build (`OPENSSL_STATIC=1`).
    pub build_env: BTreeMap<String, String>,
    /// A TLS stack is among the dependencies: the final image carries CA certificates.
    pub ca_certificates: bool,
    /// Files and folders the binary reads at run time (`Rocket.toml`, `static`), relative to
    /// the app folder; copied next to the binary.
    pub runtime_files: Vec<String>,
    /// Environment the framework needs at run time (`ROCKET_ADDRESS=0.0.0.0`, `PORT`).
    pub runtime_env: BTreeMap<String, String>,
    /// The static init in the final image, PID 1 (a Rust program as PID 1 ignores SIGTERM).
    pub init: String,
    /// Where the builder has it once `init_package` is installed.
    pub init_source: String,
    /// The builder's OS package that provides it.
    pub init_package: String,
    /// Toolchain files kept out of the build context: the builder tag already pins that release.
    pub ignored: Vec<String>,
}

/// Where a Rust project's targets were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSource {
    /// `cargo metadata --no-deps --offline`.
    CargoMetadata,
    /// Cargo.toml read directly (cargo not on PATH, or it failed).
    Manifest,
}

/// The C library a Rust binary links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Libc {
    /// musl, statically: the binary runs on `scratch`.
    Musl,
    /// glibc, dynamically: distroless/cc or Debian slim.
    Gnu,
}

/// What the Python template needs beyond the common fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PythonPlan {
    /// The virtual environment's path, the same in every stage.
    pub venv: String,
    /// The base image family: `alpine` (musl, apk) or `slim` (Debian, apt).
    pub family: String,
    /// Files copied before the dependency install (root-relative, in context order).
    pub manifests: Vec<String>,
    /// An image the package manager is copied from (uv's), and the files taken from it.
    pub tool_image: Option<String>,
    pub tool_files: Vec<String>,
    /// Commands that install the package manager in the builder.
    pub setup: Vec<String>,
    /// Environment for the build stages.
    pub env: BTreeMap<String, String>,
    /// The command that creates the venv; `None` when the package manager creates it.
    pub venv_command: Option<String>,
    /// Installs the dependencies before the source is copied; empty when nothing to install.
    pub install_deps: String,
    /// The dependency install needs the source (local path requirements, setup.py): it runs
    /// after the source is copied, so it is not cached apart from it.
    pub deps_need_source: bool,
    /// Installs the project itself once the source is there, when it must be installed.
    pub install_project: Option<String>,
    /// The download cache mounted into every install.
    pub cache: String,
    /// A server the project lacks, installed after its dependencies (`gunicorn==27.0.1`).
    pub added_server: Option<String>,
    /// Front-end assets built in a Node.js stage before the Python build.
    pub assets: Option<PythonAssets>,
    /// Environment for the build command only (collectstatic's placeholders).
    pub build_env: BTreeMap<String, String>,
    /// Environment the app needs at run time (`PYTHONPATH` for a src layout).
    pub runtime_env: BTreeMap<String, String>,
    /// The init the final stage runs as PID 1 (tini), when the command does not stop on
    /// SIGTERM by itself; `None` when it does.
    pub init: Option<Vec<String>>,
    /// The package providing the init, installed in the final stage.
    pub init_package: Option<String>,
}

/// A Node.js stage that builds a Python app's front-end assets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PythonAssets {
    pub image: String,
    /// package.json and its lockfile, copied before the install.
    pub manifests: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub setup: Vec<String>,
    pub install: String,
    pub cache: String,
    /// The build command, one shell line.
    pub build: String,
    /// What the build writes (relative to the app folder), copied into the Python build;
    /// empty when unknown: then the whole built tree is copied.
    pub outputs: Vec<String>,
}
