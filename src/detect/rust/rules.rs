//! Typed view of `detectors/rust.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::version::Line;
use crate::error::Error;

pub const DATA: (&str, &str) = ("rust.toml", include_str!("../../../detectors/rust.toml"));

/// Rust knowledge (`detectors/rust.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RustRules {
    pub versions: Versions,
    pub images: ImageRules,
    pub apps: AppRules,
    pub frameworks: Vec<Framework>,
    pub source: SourceRules,
    pub tls: TlsRules,
    pub native: Vec<Native>,
    pub build_env: Vec<BuildEnv>,
    pub dockerignore: DockerignoreRules,
}

/// Build environment a crate needs when a file is present (`SQLX_OFFLINE` with `.sqlx/`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildEnv {
    #[serde(rename = "crate")]
    pub name: String,
    pub when: String,
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versions {
    pub default: String,
    pub oldest: String,
    pub base: Vec<Base>,
    pub edition: Vec<EditionRule>,
}

/// The OS releases the official image carries from one Rust line on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Base {
    pub from: String,
    pub alpine: String,
    pub debian: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionRule {
    pub edition: String,
    pub rust: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRules {
    pub musl_builder: String,
    pub glibc_builder: String,
    pub glibc_runtime: String,
    pub glibc_runtime_libs: String,
    pub init: String,
    pub musl_init: String,
    pub musl_init_package: String,
    pub glibc_init: String,
    pub glibc_init_package: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppRules {
    pub skip: Vec<String>,
    pub name_suffixes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub name: String,
    pub crates: Vec<String>,
    #[serde(default)]
    pub port: Option<u16>,
    pub markers: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub config_files: Vec<String>,
    #[serde(default)]
    pub port_config: Option<PortConfig>,
}

/// A config file table key that holds the port (`Rocket.toml` `[release] port`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortConfig {
    pub file: String,
    pub tables: Vec<String>,
    pub key: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRules {
    pub server_markers: Vec<String>,
    pub server_subcommands: Vec<String>,
    pub runtime_dirs: Vec<String>,
    pub max_files: usize,
    pub default_port: u16,
    pub client_ports: Vec<String>,
    pub config_extensions: Vec<String>,
    pub config_dirs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsRules {
    pub crates: Vec<String>,
}

/// A crate that compiles or links C code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Native {
    #[serde(rename = "crate")]
    pub name: String,
    #[serde(default)]
    pub alpine: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub static_features: Vec<String>,
    #[serde(default)]
    pub vendored: Vec<String>,
    #[serde(default = "crate::rules::yes")]
    pub musl: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub debian: Vec<String>,
    #[serde(default)]
    pub runtime: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerignoreRules {
    pub lines: Vec<String>,
}

impl RustRules {
    /// The OS releases for `line`: the last `base` entry it reaches (the first one for
    /// lines older than every entry).
    pub fn base(&self, line: Line) -> &Base {
        self.versions
            .base
            .iter()
            .rev()
            .find(|b| Line::parse(&b.from).is_some_and(|from| line >= from))
            .unwrap_or(&self.versions.base[0])
    }

    pub fn default_line(&self) -> Line {
        Line::parse(&self.versions.default).unwrap_or(Line(1, 0))
    }

    /// Every line from `oldest` to `default`.
    pub fn lines(&self) -> Vec<Line> {
        let (Some(oldest), Some(newest)) = (
            Line::parse(&self.versions.oldest),
            Line::parse(&self.versions.default),
        ) else {
            return Vec::new();
        };
        (oldest.1..=newest.1).map(|minor| Line(1, minor)).collect()
    }

    /// The builder image for `line` and libc.
    pub fn builder(&self, line: Line, musl: bool) -> String {
        let base = self.base(line);
        let template = if musl {
            &self.images.musl_builder
        } else {
            &self.images.glibc_builder
        };
        fill(template, line, base)
    }

    /// The glibc runtime that has apt, for `line`'s Debian.
    pub fn runtime_with_libs(&self, line: Line) -> String {
        fill(&self.images.glibc_runtime_libs, line, self.base(line))
    }

    /// Every base image these rules can put in a `FROM` line.
    pub fn images(&self) -> Vec<String> {
        let mut images = Vec::new();
        for line in self.lines() {
            images.push(self.builder(line, true));
            images.push(self.builder(line, false));
            images.push(self.runtime_with_libs(line));
        }
        images.push(self.images.glibc_runtime.clone());
        images.sort_unstable();
        images.dedup();
        images
    }

    /// The first Rust line that accepts `edition`, when the data knows it.
    pub fn edition_minimum(&self, edition: &str) -> Option<Line> {
        self.versions
            .edition
            .iter()
            .find(|e| e.edition == edition)
            .and_then(|e| Line::parse(&e.rust))
    }

    /// Cross-references the data must satisfy; a unit test runs this.
    pub fn check(&self) -> Result<(), String> {
        for version in [&self.versions.default, &self.versions.oldest] {
            if Line::parse(version).is_none() {
                return Err(format!("`{version}` is not a Rust line (1.N)"));
            }
        }
        if self.versions.base.is_empty() {
            return Err("versions.base is empty".into());
        }
        if self.lines().is_empty() {
            return Err("oldest is newer than default".into());
        }
        let mut previous = None;
        for base in &self.versions.base {
            let from = Line::parse(&base.from)
                .ok_or_else(|| format!("base from `{}` is not a Rust line", base.from))?;
            if previous.is_some_and(|p| from <= p) {
                return Err(format!("base entries out of order at {}", base.from));
            }
            previous = Some(from);
        }
        let mut seen = std::collections::BTreeSet::new();
        for native in &self.native {
            if !seen.insert(&native.name) {
                return Err(format!("native crate {} is mapped twice", native.name));
            }
            if !native.musl && native.reason.is_none() {
                return Err(format!("{}: musl = false needs a reason", native.name));
            }
        }
        let mut crates = std::collections::BTreeSet::new();
        for fw in &self.frameworks {
            for name in &fw.crates {
                if !crates.insert(name) {
                    return Err(format!("{name} selects two frameworks"));
                }
            }
            if let Some(config) = &fw.port_config {
                if !fw.config_files.contains(&config.file) {
                    return Err(format!(
                        "{}: port_config file is not a config file",
                        fw.name
                    ));
                }
            }
        }
        for image in self.images() {
            if !image.contains(':') || image.ends_with(":latest") || image.contains('{') {
                return Err(format!("{image} must carry an explicit, fixed tag"));
            }
        }
        Ok(())
    }
}

fn fill(template: &str, line: Line, base: &Base) -> String {
    template
        .replace("{version}", &line.to_string())
        .replace("{alpine}", &base.alpine)
        .replace("{debian}", &base.debian)
}

/// The embedded Rust rules, parsed once.
pub fn rules() -> Result<&'static RustRules, Error> {
    static RULES: OnceLock<Result<RustRules, String>> = OnceLock::new();
    crate::rules::cached(&RULES, DATA)
}

/// Loads the data strictly and checks it (the registry's `check`).
pub fn check() -> Result<(), String> {
    let rules: RustRules = crate::rules::parse(DATA.0, DATA.1)?;
    rules.check()
}
