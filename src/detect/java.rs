//! Java: recognized from Maven and Gradle build files so a polyglot repository picks the right
//! language. The full detector comes with Java support.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::Error;
use crate::plan::{Candidate, Language, Strength};
use crate::project::Project;

pub const DATA: (&str, &str) = ("java.toml", include_str!("../../detectors/java.toml"));

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JavaRules {
    pub recognize: Recognize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognize {
    pub build_files: Vec<String>,
    pub app_markers: Vec<String>,
}

pub fn rules() -> Result<&'static JavaRules, Error> {
    static RULES: OnceLock<Result<JavaRules, String>> = OnceLock::new();
    RULES
        .get_or_init(|| crate::rules::parse(DATA.0, DATA.1))
        .as_ref()
        .map_err(|reason| Error::InvalidRule {
            reason: reason.clone(),
        })
}

pub fn check() -> Result<(), String> {
    crate::rules::parse::<JavaRules>(DATA.0, DATA.1).map(|_| ())
}

/// The Java candidate, if the project has a Maven or Gradle build at its root.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let rules = &rules()?.recognize;
    let settings = ["settings.gradle", "settings.gradle.kts"]
        .into_iter()
        .find(|f| project.is_file(f));
    let Some(root) = rules
        .build_files
        .iter()
        .map(String::as_str)
        .find(|f| project.is_file(f))
        .or(settings)
    else {
        return Ok(None);
    };
    let mut files: Vec<String> = rules.build_files.clone();
    for dir in project
        .list("", true)
        .into_iter()
        .filter(|d| !d.starts_with('.') && d != "node_modules")
    {
        files.extend(rules.build_files.iter().map(|f| format!("{dir}/{f}")));
    }
    for file in files {
        let Some(text) = project.read(&file).ok().flatten() else {
            continue;
        };
        if let Some(marker) = rules.app_markers.iter().find(|m| text.contains(m.as_str())) {
            return Ok(Some(Candidate {
                language: Language::Java,
                strength: Strength::Application,
                source: project.name(&file),
                reason: format!("builds an application (`{marker}`)"),
            }));
        }
    }
    Ok(Some(Candidate {
        language: Language::Java,
        strength: Strength::Tooling,
        source: project.name(root),
        reason: "builds a library (no application plugin or main class)".into(),
    }))
}
