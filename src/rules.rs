//! Knowledge every language shares (`detectors/common.toml`), and the strict parsing all the
//! embedded `detectors/*.toml` files go through.
//!
//! Each language's own file is typed and loaded by its detector module and registered in
//! `crate::languages`; this module knows nothing about projects or Dockerfiles.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::Error;

pub const DATA: (&str, &str) = ("common.toml", include_str!("../detectors/common.toml"));

/// `detectors/common.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonRules {
    pub image: ImageRules,
    pub init: InitRules,
    pub apps: AppRules,
    pub dockerignore: CommonDockerignore,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRules {
    /// The app's folder in every image (`/app`).
    pub workdir: String,
    /// `uid:gid` of distroless's and scratch's non-root user.
    pub nonroot_user: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitRules {
    /// The init's path in the final image (`/usr/bin/tini`).
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppRules {
    /// Folder names that never hold the app (examples, tests, …).
    pub skip: Vec<String>,
    /// The most app folders read; more are cut, in order.
    pub limit: usize,
}

impl AppRules {
    /// True when `dir` (root-relative) lies under a folder that never holds the app.
    pub fn skips(&self, dir: &str) -> bool {
        dir.split('/')
            .any(|part| self.skip.iter().any(|s| s == part))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonDockerignore {
    pub always: Vec<String>,
}

/// The embedded common rules, parsed once.
pub fn common() -> Result<&'static CommonRules, Error> {
    static RULES: OnceLock<Result<CommonRules, String>> = OnceLock::new();
    cached(&RULES, DATA)
}

/// Parses the embedded data file `(name, text)` into `cell` on first use; later calls share it.
pub fn cached<T: for<'de> Deserialize<'de>>(
    cell: &'static OnceLock<Result<T, String>>,
    (name, text): (&str, &str),
) -> Result<&'static T, Error> {
    cell.get_or_init(|| parse(name, text))
        .as_ref()
        .map_err(|reason| Error::InvalidRule {
            reason: reason.clone(),
        })
}

/// serde's default for a flag that is on unless the data turns it off.
pub fn yes() -> bool {
    true
}

/// Parses one embedded data file strictly; the error names the file.
pub fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| format!("detectors/{name}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::languages::LANGUAGES;

    #[test]
    fn every_embedded_file_loads_strictly_and_is_consistent() {
        common().unwrap();
        for lang in &LANGUAGES {
            (lang.check)().unwrap_or_else(|e| panic!("{}: {e}", lang.language));
        }
    }

    /// Every key used in a data file is described in detectors/README.md, so the schema
    /// document cannot fall behind the data.
    #[test]
    fn the_schema_document_names_every_key() {
        let doc = include_str!("../detectors/README.md");
        let mut files = vec![DATA];
        files.extend(LANGUAGES.iter().filter_map(|l| l.data));
        for (name, text) in files {
            assert!(
                doc.contains(&format!("## {name}")),
                "detectors/README.md has no section for {name}"
            );
            let table: toml::Table = text.parse().unwrap();
            let mut keys = std::collections::BTreeSet::new();
            collect_keys(&toml::Value::Table(table), &mut keys);
            for key in keys {
                assert!(
                    doc.contains(&format!("`{key}`")) || doc.contains(&format!("{key}]")),
                    "detectors/README.md does not describe `{key}` (used in {name})"
                );
            }
        }
    }

    /// Table keys, skipping tables whose keys are data (`env`, `lts_codenames`, `programs`).
    fn collect_keys(value: &toml::Value, keys: &mut std::collections::BTreeSet<String>) {
        const MAPS: &[&str] = &["env", "lts_codenames", "programs"];
        match value {
            toml::Value::Table(table) => {
                for (key, inner) in table {
                    keys.insert(key.clone());
                    if !MAPS.contains(&key.as_str()) {
                        collect_keys(inner, keys);
                    }
                }
            }
            toml::Value::Array(items) => {
                for item in items {
                    collect_keys(item, keys);
                }
            }
            _ => {}
        }
    }
}
