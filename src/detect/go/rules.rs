//! Typed view of `detectors/go.toml`.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::error::Error;

pub const DATA: (&str, &str) = ("go.toml", include_str!("../../../detectors/go.toml"));

/// Go knowledge (`detectors/go.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoRules {
    pub versions: Versions,
    pub images: GoImages,
    pub build: Build,
    pub sources: Sources,
    pub service: Service,
    pub subcommands: Subcommands,
    pub frameworks: Vec<Framework>,
    pub cgo: Vec<CgoModule>,
    pub shipping: Shipping,
    pub dockerignore: Dockerignore,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versions {
    pub default: String,
    pub line: Vec<Line>,
}

/// One supported Go line and its builder images.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub line: String,
    pub alpine: String,
    pub debian: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoImages {
    pub r#static: String,
    pub glibc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Build {
    pub flags: Vec<String>,
    pub ldflags: String,
    pub static_ldflags: String,
    pub module_cache: String,
    pub build_cache: String,
    pub musl_packages: Vec<String>,
    pub out: String,
    pub fallback_binary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    pub tags: Vec<String>,
    pub goos: Vec<String>,
    pub goarch: Vec<String>,
    pub never: Vec<String>,
    pub commands: String,
    pub max_files: usize,
    pub max_packages: usize,
    pub max_program_files: usize,
    pub max_depth: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub listen_calls: Vec<String>,
    pub server_imports: Vec<String>,
    pub ports: Vec<PortPattern>,
    pub privileged_below: u16,
    pub loopback_hosts: Vec<String>,
    pub tz_calls: Vec<String>,
    pub tz_embedded: String,
    pub tz_tag: String,
    pub tz_modules: Vec<String>,
}

/// A regex whose first group is a port, and what a match means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortPattern {
    pub regex: String,
    pub note: String,
    #[serde(default)]
    pub only_with: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subcommands {
    pub libraries: Vec<String>,
    pub names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub name: String,
    pub modules: Vec<String>,
    #[serde(default)]
    pub port: Option<u16>,
    pub listen: Vec<String>,
}

/// How a cgo module must be linked.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Link {
    Musl,
    Glibc,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CgoModule {
    pub module: String,
    pub link: Link,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub apk: Vec<String>,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shipping {
    pub goreleaser: Vec<String>,
    pub ko: Vec<String>,
    pub procfile: String,
    pub procfile_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dockerignore {
    pub lines: Vec<String>,
}

/// True when import path `path` is `module` or a package inside it.
pub fn within(path: &str, module: &str) -> bool {
    path == module
        || path
            .strip_prefix(module)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl GoRules {
    /// The supported line `line` ("1.27"), if any.
    pub fn line(&self, line: &str) -> Option<&Line> {
        self.versions.line.iter().find(|l| l.line == line)
    }

    /// Every base image these rules can put in a `FROM` line (`scratch` is no image).
    pub fn images(&self) -> Vec<String> {
        let mut images: Vec<String> = self
            .versions
            .line
            .iter()
            .flat_map(|l| [l.alpine.clone(), l.debian.clone()])
            .collect();
        images.push(self.images.glibc.clone());
        images.sort_unstable();
        images.dedup();
        images
    }

    /// The framework whose module `import` belongs to.
    pub fn framework(&self, import: &str) -> Option<&Framework> {
        self.frameworks
            .iter()
            .find(|f| f.modules.iter().any(|m| within(import, m)))
    }

    /// Cross-references the data must satisfy; a unit test runs this.
    pub fn check(&self) -> Result<(), String> {
        if self.line(&self.versions.default).is_none() {
            return Err("the default line has no images".into());
        }
        let mut last: Option<(u32, u32)> = None;
        for line in &self.versions.line {
            let parsed = super::version::parse_line(&line.line)
                .ok_or_else(|| format!("`{}` is not a Go line like 1.27", line.line))?;
            if last.is_some_and(|l| l <= parsed) {
                return Err("versions.line must be listed newest first".into());
            }
            last = Some(parsed);
        }
        for image in self.images() {
            if !image.contains(':') || image.ends_with(":latest") {
                return Err(format!("{image} must carry an explicit, fixed tag"));
            }
        }
        for pattern in &self.service.ports {
            let re = Regex::new(&pattern.regex)
                .map_err(|e| format!("port pattern {}: {e}", pattern.regex))?;
            if re.captures_len() < 2 {
                return Err(format!("port pattern {} has no group", pattern.regex));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for module in self
            .frameworks
            .iter()
            .flat_map(|f| &f.modules)
            .chain(self.cgo.iter().map(|c| &c.module))
        {
            if !seen.insert(module) {
                return Err(format!("{module} is listed twice"));
            }
        }
        if self.build.fallback_binary.is_empty() || !self.build.out.starts_with('/') {
            return Err("build.fallback_binary and an absolute build.out are required".into());
        }
        Ok(())
    }
}

/// The embedded Go rules, parsed once.
pub fn rules() -> Result<&'static GoRules, Error> {
    static RULES: OnceLock<Result<GoRules, String>> = OnceLock::new();
    crate::rules::cached(&RULES, DATA)
}

/// The compiled port patterns, each with its data (`check` proves every one compiles).
pub fn port_patterns() -> &'static [(Regex, &'static PortPattern)] {
    static PATTERNS: OnceLock<Vec<(Regex, &'static PortPattern)>> = OnceLock::new();
    let Ok(rules) = rules() else {
        return &[];
    };
    PATTERNS.get_or_init(|| {
        rules
            .service
            .ports
            .iter()
            .filter_map(|p| Regex::new(&p.regex).ok().map(|re| (re, p)))
            .collect()
    })
}

/// Loads the data strictly and checks it (the registry's `check`).
pub fn check() -> Result<(), String> {
    crate::rules::parse::<GoRules>(DATA.0, DATA.1)?.check()
}
