//! Typed view of `detectors/java.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::Error;

pub const DATA: (&str, &str) = ("java.toml", include_str!("../../../detectors/java.toml"));

/// Java knowledge (`detectors/java.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JavaRules {
    pub versions: Versions,
    pub runtime: RuntimeRules,
    pub maven: MavenRules,
    pub gradle: GradleRules,
    pub frameworks: Vec<FrameworkRule>,
    pub spring_boot: Vec<BootMode>,
    pub maven_mains: Vec<MavenMain>,
    pub maven_main_properties: MainProperties,
    pub gradle_apps: GradleApps,
    pub version_files: VersionFiles,
    pub recognize: Recognize,
    pub dockerignore: Dockerignore,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versions {
    pub default: u32,
    pub line: Vec<Line>,
}

/// One Java line and its images.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub version: u32,
    pub jdk: String,
    pub maven: String,
    pub gradle: String,
    /// The JRE image, for a line without jlink.
    #[serde(default)]
    pub jre: Option<String>,
    /// jlink's `--compress` value; `None` when the line has no jlink.
    #[serde(default)]
    pub jlink_compress: Option<String>,
    pub extra_modules: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeRules {
    pub image: String,
    pub java_home: String,
    pub jvm_flags: Vec<String>,
    pub jre_user: String,
    pub fallback_modules: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MavenRules {
    pub program: String,
    pub wrapper: String,
    pub wrapper_files: Vec<String>,
    pub config_dirs: Vec<String>,
    pub cache: String,
    pub flags: Vec<String>,
    pub resolve: Vec<String>,
    pub package: Vec<String>,
    pub copy_dependencies: Vec<String>,
    pub dependency_dir: String,
    pub output: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradleRules {
    pub program: String,
    pub wrapper: String,
    pub wrapper_files: Vec<String>,
    pub config_files: Vec<String>,
    pub config_dirs: Vec<String>,
    pub cache: String,
    pub env: BTreeMap<String, String>,
    pub flags: Vec<String>,
    pub resolve: String,
    pub output: String,
    pub install_task: String,
    pub install_dir: String,
    pub libs_dir: String,
}

/// How a framework's build output becomes the image's app folder.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum LayoutKind {
    SpringBoot,
    Folder,
    Jar,
    Application,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultJava {
    pub since: String,
    pub java: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRule {
    pub name: String,
    pub markers: Vec<String>,
    pub maven_plugins: Vec<String>,
    pub gradle_plugins: Vec<String>,
    pub layout: LayoutKind,
    /// The layout on Gradle, when it differs (Micronaut's Gradle plugin applies `application`).
    #[serde(default)]
    pub gradle_layout: Option<LayoutKind>,
    #[serde(default)]
    pub task: Option<String>,
    #[serde(default)]
    pub output: Option<String>,
    #[serde(default)]
    pub layers: Vec<String>,
    #[serde(default)]
    pub jdeps_class_path: Vec<String>,
    #[serde(default)]
    pub jdeps_roots: Vec<String>,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub jvm_args: Vec<String>,
    pub port: u16,
    pub config_files: Vec<String>,
    pub port_keys: Vec<String>,
    #[serde(default)]
    pub profile_key: Option<String>,
    #[serde(default)]
    pub default_java: Vec<DefaultJava>,
}

/// One Spring Boot version range's way of extracting and starting its executable jar.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootMode {
    pub since: String,
    pub extract: Vec<String>,
    pub layers: Vec<String>,
    pub jdeps_class_path: Vec<String>,
    pub jdeps_roots: Vec<String>,
    pub command: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MavenMain {
    pub plugin: String,
    pub main_class: Vec<String>,
    #[serde(default)]
    pub fat: bool,
    #[serde(default)]
    pub fat_key: Option<String>,
    #[serde(default)]
    pub fat_value: Option<String>,
    #[serde(default)]
    pub classifier_when: Option<String>,
    #[serde(default)]
    pub classifier_unless: Option<String>,
    #[serde(default)]
    pub classifier_key: Option<String>,
    #[serde(default)]
    pub classifier_default: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MainProperties {
    pub names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradleApps {
    pub application: Vec<String>,
    pub shadow: Vec<String>,
    pub shadow_task: String,
    pub shadow_classifier: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionFiles {
    pub java_version: String,
    pub sdkmanrc: String,
    pub tool_versions: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognize {
    pub build_files: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dockerignore {
    pub lines: Vec<String>,
}

impl JavaRules {
    /// The line for `version`: itself, else the next one up.
    pub fn line(&self, version: u32) -> Option<&Line> {
        self.versions
            .line
            .iter()
            .filter(|l| l.version >= version)
            .min_by_key(|l| l.version)
    }

    /// The newest line dockgen has images for (`check` makes sure there is one).
    pub fn newest(&self) -> &Line {
        let mut newest = &self.versions.line[0];
        for line in &self.versions.line {
            if line.version > newest.version {
                newest = line;
            }
        }
        newest
    }

    /// The Spring Boot mode for `version` (`3.4.1`); `None` below the lowest (a plain jar).
    pub fn boot_mode(&self, version: &str) -> Option<&BootMode> {
        let version = parse_version(version)?;
        self.spring_boot
            .iter()
            .filter(|m| parse_version(&m.since).is_some_and(|since| since <= version))
            .max_by_key(|m| parse_version(&m.since))
    }

    /// Every base image these rules can put in a `FROM` line.
    pub fn images(&self) -> Vec<String> {
        let mut images: Vec<String> = self
            .versions
            .line
            .iter()
            .flat_map(|l| {
                [l.jdk.clone(), l.maven.clone(), l.gradle.clone()]
                    .into_iter()
                    .chain(l.jre.clone())
            })
            .collect();
        images.push(self.runtime.image.clone());
        images.sort_unstable();
        images.dedup();
        images
    }

    /// Cross-references the data must satisfy; a unit test runs this.
    pub fn check(&self) -> Result<(), String> {
        if self.versions.line.is_empty() {
            return Err("no Java lines".into());
        }
        if self
            .line(self.versions.default)
            .is_none_or(|l| l.version != self.versions.default)
        {
            return Err("the default line has no images".into());
        }
        for line in &self.versions.line {
            if line.jlink_compress.is_none() == line.jre.is_none() {
                return Err(format!(
                    "Java {}: exactly one of `jlink_compress` and `jre`",
                    line.version
                ));
            }
        }
        for fw in &self.frameworks {
            let folder = fw.layout == LayoutKind::Folder;
            if folder && (fw.output.is_none() || fw.layers.is_empty() || fw.command.is_empty()) {
                return Err(format!(
                    "{}: a folder layout needs output, layers, command",
                    fw.name
                ));
            }
            if fw.layout == LayoutKind::SpringBoot && fw.task.is_none() {
                return Err(format!("{}: spring-boot layout needs a task", fw.name));
            }
            for d in &fw.default_java {
                parse_version(&d.since).ok_or(format!("{}: bad since {}", fw.name, d.since))?;
            }
        }
        for mode in &self.spring_boot {
            parse_version(&mode.since).ok_or(format!("bad spring_boot since {}", mode.since))?;
            if !mode.extract.iter().any(|a| a == "{jar}")
                || !mode.extract.iter().any(|a| a == "{dir}")
            {
                return Err(format!(
                    "spring_boot {}: extract needs {{jar}} and {{dir}}",
                    mode.since
                ));
            }
        }
        for image in self.images() {
            if !image.contains(':') || image.ends_with(":latest") {
                return Err(format!("{image} must carry an explicit, fixed tag"));
            }
        }
        Ok(())
    }
}

/// `3.4.1` → `[3, 4, 1]`; leading numeric parts only (`3.4.0-SNAPSHOT` → `[3, 4, 0]`).
pub fn parse_version(text: &str) -> Option<Vec<u32>> {
    let parts: Vec<u32> = text
        .trim()
        .split(['.', '-'])
        .map_while(|p| p.parse().ok())
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// The embedded Java rules, parsed once.
pub fn rules() -> Result<&'static JavaRules, Error> {
    static RULES: OnceLock<Result<JavaRules, String>> = OnceLock::new();
    crate::rules::cached(&RULES, DATA)
}

pub fn check() -> Result<(), String> {
    crate::rules::parse::<JavaRules>(DATA.0, DATA.1)?.check()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        assert_eq!(parse_version("3.4.0-SNAPSHOT"), Some(vec![3, 4, 0]));
        assert!(parse_version("3.10") > parse_version("3.3"));
        assert_eq!(parse_version("${x}"), None);
    }

    #[test]
    fn spring_boot_modes_by_version() {
        let rules = rules().unwrap();
        assert_eq!(rules.boot_mode("3.4.1").unwrap().since, "3.3");
        assert_eq!(rules.boot_mode("3.2.5").unwrap().since, "3.2");
        assert_eq!(rules.boot_mode("2.7.18").unwrap().since, "2.4");
        assert!(rules.boot_mode("2.1.0.RELEASE").is_none());
        assert_eq!(rules.line(23).unwrap().version, 25);
        assert_eq!(rules.line(1).unwrap().version, 8);
        assert!(rules.line(26).is_none());
    }
}
