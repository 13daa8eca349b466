//! The `Plan`: every decision dockgen made about a project, as plain serialisable data.
//!
//! Detectors fill it, flags override it, templates read it. It knows no Dockerfile syntax.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a decided value came from, so dockgen can explain itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Project-relative file, or `default` / `flag`.
    pub source: String,
    /// Key or line inside the file (`engines.node`, `line 3`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Why the value follows from the source, in a few words.
    pub note: String,
}

impl Evidence {
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
    pub language: String,
    /// Runtime version line chosen for the image (`"24"`).
    pub version: String,
    pub package_manager: String,
    pub framework: Option<String>,
    pub kind: AppKind,
    /// Build command run after dependencies are installed (`["npm", "run", "build"]`).
    pub build_command: Option<Vec<String>>,
    /// The full argv the final container runs, interpreter included; `None` when unknown.
    pub entrypoint: Option<Vec<String>>,
    pub port: Option<u16>,
    /// OS packages the build stage needs for native dependencies.
    pub build_packages: Vec<String>,
    /// OS packages the final image needs for native dependencies.
    pub runtime_packages: Vec<String>,
    pub images: Images,
    /// Language-specific details the template needs.
    pub node: Option<NodePlan>,
    /// Evidence per decided field, keyed by field name.
    pub evidence: BTreeMap<String, Evidence>,
    /// Things the user should know or change, in plain words.
    pub warnings: Vec<String>,
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
}

/// What the Node.js template needs beyond the common fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodePlan {
    /// Files and folders copied before the dependency install, in order.
    pub manifests: Vec<String>,
    /// Folders copied before the install (`.yarn/releases`), each to its own path.
    pub manifest_dirs: Vec<String>,
    pub lockfile: Option<String>,
    pub install: String,
    pub install_prod: String,
    /// Cache mount target for the package manager's download cache.
    pub cache: String,
    /// Environment for the build stages (`PNPM_HOME`, …).
    pub env: BTreeMap<String, String>,
    /// Commands that prepare the package manager in the builder (`corepack enable`).
    pub setup: Vec<String>,
    /// The workspace folder the app lives in, when the project is a monorepo; the image then
    /// holds the whole tree and runs from that folder.
    pub workspace: Option<String>,
    /// Every workspace's package.json, copied before the install (the lockfile covers them all).
    pub workspace_manifests: Vec<String>,
    /// Environment the framework needs at run time (`HOST=0.0.0.0`).
    pub runtime_env: BTreeMap<String, String>,
    pub output: NodeOutput,
    /// Extra project folders copied next to the build output (`public`, `views`).
    pub runtime_dirs: Vec<String>,
    /// Paths the image rebuilds, so `.dockerignore` keeps local copies out of the context.
    pub build_outputs: Vec<String>,
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
