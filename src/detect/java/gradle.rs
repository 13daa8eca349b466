//! Gradle: settings and build files of both DSLs (Groovy and Kotlin), read as text and never
//! executed. What a build script computes at configuration time (a version from git, plugins
//! applied by convention plugins in buildSrc) is out of reach; the rest is read from the
//! declarations people write.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::rules::{FrameworkRule, GradleRules, JavaRules, LayoutKind};
use super::{java_line, maven::main_class, Module, Runnable};
use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;

const SETTINGS: [&str; 2] = ["settings.gradle.kts", "settings.gradle"];
const BUILD: [&str; 2] = ["build.gradle.kts", "build.gradle"];

/// One Gradle project of the build.
#[derive(Debug, Clone)]
pub struct GradleProject {
    /// Root-relative folder; empty at the root.
    pub dir: String,
    /// Gradle's project path (`:services:api`); empty at the root.
    pub path: String,
    /// The build file, root-relative, if the project has one.
    pub file: Option<String>,
    /// The build file with comments removed.
    pub text: String,
}

/// The whole build: settings, projects, version catalog.
pub struct Build {
    pub settings: Option<String>,
    pub root_name: Option<String>,
    pub projects: Vec<GradleProject>,
    /// Folders of included builds (`includeBuild("build-logic")`), root-relative.
    pub included: Vec<String>,
    /// `[plugins]` of gradle/libs.versions.toml: accessor (`spring.boot`) → (id, version).
    pub catalog: BTreeMap<String, (String, Option<String>)>,
    /// gradle.properties at the root.
    pub properties: BTreeMap<String, String>,
    /// buildSrc's build file (comments removed): convention plugins put plugin versions there.
    pub convention: String,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

macro_rules! regex {
    ($pattern:expr) => {{
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| re($pattern))
    }};
}

/// Reads the build at the project root; `None` when there is no Gradle file there.
pub fn load(project: &Project) -> Result<Option<Build>, Error> {
    let settings = SETTINGS.into_iter().find(|f| project.is_file(f));
    let root_file = BUILD.into_iter().find(|f| project.is_file(f));
    if settings.is_none() && root_file.is_none() {
        return Ok(None);
    }
    let settings_text = match settings {
        Some(f) => strip_comments(&project.read(f)?.unwrap_or_default()),
        None => String::new(),
    };
    let root_name = regex!(r#"rootProject\.name\s*=\s*["']([^"']+)["']"#)
        .captures(&settings_text)
        .map(|c| c[1].to_string());
    let mut dirs: BTreeMap<String, String> = BTreeMap::new();
    for c in regex!(
        r#"project\(\s*["'](:[^"']+)["']\s*\)\.projectDir\s*=\s*(?:file\(|new\s+File\(\s*(?:settingsDir|rootDir)\s*,\s*)\s*["']([^"']+)["']"#
    )
    .captures_iter(&settings_text)
    {
        dirs.insert(c[1].to_string(), c[2].trim_matches('/').to_string());
    }
    let limit = crate::rules::common()?.apps.limit;
    let mut projects = vec![read_project(project, String::new(), String::new())?];
    for path in includes(&settings_text).into_iter().take(limit) {
        let path = if path.starts_with(':') {
            path
        } else {
            format!(":{path}")
        };
        let dir = dirs
            .get(&path)
            .cloned()
            .unwrap_or_else(|| path.trim_start_matches(':').replace(':', "/"));
        if super::pom::join("", &dir).is_none_or(|d| d != dir)
            || projects.iter().any(|p| p.path == path)
        {
            continue;
        }
        projects.push(read_project(project, dir, path)?);
    }
    let included = regex!(r#"includeBuild\s*\(?\s*["']([^"']+)["']"#)
        .captures_iter(&settings_text)
        .filter_map(|c| super::pom::join("", &c[1]))
        .filter(|d| !d.is_empty() && project.is_dir(d))
        .collect();
    let catalog = catalog(project)?;
    let properties = project
        .read("gradle.properties")?
        .map(|t| properties(&t))
        .unwrap_or_default();
    let mut convention = String::new();
    for f in BUILD {
        if let Some(text) = project.read(&format!("buildSrc/{f}"))? {
            convention = strip_comments(&text);
        }
    }
    Ok(Some(Build {
        convention,
        settings: settings.map(str::to_string),
        root_name,
        projects,
        included,
        catalog,
        properties,
    }))
}

fn read_project(project: &Project, dir: String, path: String) -> Result<GradleProject, Error> {
    let view = project.at(&dir);
    let file = BUILD.into_iter().find(|f| view.is_file(f));
    let text = match file {
        Some(f) => strip_comments(&view.read(f)?.unwrap_or_default()),
        None => String::new(),
    };
    Ok(GradleProject {
        file: file.map(|f| view.name(f)),
        dir,
        path,
        text,
    })
}

/// Project paths named by `include` statements (`include 'a', ':b:c'`, `include("a", "b")`).
pub fn includes(settings: &str) -> Vec<String> {
    let mut out = Vec::new();
    for m in regex!(r"\binclude\b\s*(\()?").find_iter(settings) {
        let rest = &settings[m.end()..];
        let paren = m.as_str().ends_with('(');
        // A call runs to its `)`; a Groovy command to the end of its line, or further while a
        // line ends with a comma.
        let mut end = rest.len();
        if paren {
            end = rest.find(')').unwrap_or(rest.len());
        } else {
            let mut offset = 0;
            for line in rest.split_inclusive('\n') {
                offset += line.len();
                if !line.trim_end().ends_with(',') {
                    break;
                }
            }
            end = end.min(offset);
        }
        for c in regex!(r#"["']([^"'$]+)["']"#).captures_iter(&rest[..end]) {
            out.push(c[1].trim().to_string());
        }
    }
    out
}

/// `//` and `/* */` comments removed (a `//` right after `:` is a URL, not a comment).
pub fn strip_comments(text: &str) -> String {
    let no_blocks = regex!(r"(?s)/\*.*?\*/").replace_all(text, "");
    regex!(r"(?m)(^|[^:])//.*$")
        .replace_all(&no_blocks, "$1")
        .into_owned()
}

fn properties(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| l.split_once(['=', ':']))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// gradle/libs.versions.toml `[plugins]`, keyed by the accessor Gradle generates.
fn catalog(project: &Project) -> Result<BTreeMap<String, (String, Option<String>)>, Error> {
    let Some(table) = project.read_toml("gradle/libs.versions.toml")? else {
        return Ok(BTreeMap::new());
    };
    let versions = table.get("versions").and_then(toml::Value::as_table);
    let mut out = BTreeMap::new();
    for (alias, value) in table
        .get("plugins")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
    {
        let accessor = alias.replace(['-', '_'], ".");
        let (id, version) = match value {
            toml::Value::String(s) => match s.split_once(':') {
                Some((id, v)) => (id.to_string(), Some(v.to_string())),
                None => (s.clone(), None),
            },
            toml::Value::Table(t) => {
                let id = t
                    .get("id")
                    .and_then(toml::Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let version = match t.get("version") {
                    Some(toml::Value::String(v)) => Some(v.clone()),
                    Some(toml::Value::Table(v)) => v
                        .get("ref")
                        .and_then(toml::Value::as_str)
                        .and_then(|r| versions?.get(r)?.as_str())
                        .map(str::to_string),
                    _ => t
                        .get("version.ref")
                        .and_then(toml::Value::as_str)
                        .and_then(|r| versions?.get(r)?.as_str())
                        .map(str::to_string),
                };
                (id, version)
            }
            _ => continue,
        };
        out.insert(accessor, (id, version));
    }
    Ok(out)
}

impl Build {
    pub fn root(&self) -> &GradleProject {
        &self.projects[0]
    }

    /// Plugins a project applies, with versions where written.
    pub fn plugins(&self, p: &GradleProject) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for c in regex!(
            r#"\bid\s*\(?\s*["']([\w.\-]+)["']\s*\)?(?:\s*version\s*\(?\s*["']([^"']+)["'])?"#
        )
        .captures_iter(&p.text)
        {
            out.push((c[1].to_string(), c.get(2).map(|v| v.as_str().to_string())));
        }
        for c in
            regex!(r#"apply\s*\(?\s*plugin\s*(?::|=)\s*["']([\w.\-]+)["']"#).captures_iter(&p.text)
        {
            out.push((c[1].to_string(), None));
        }
        for c in regex!(r"alias\s*\(\s*libs\.plugins\.([\w.]+)\s*\)").captures_iter(&p.text) {
            if let Some((id, version)) = self.catalog.get(&c[1]) {
                out.push((id.clone(), version.clone()));
            }
        }
        // Core plugins in a Kotlin `plugins {}` block are bare words: `application`, `java`.
        if let Some(block) = block(&p.text, "plugins") {
            for c in regex!(r"(?m)^\s*`?([a-z][\w\-]*)`?\s*$").captures_iter(block) {
                out.push((c[1].to_string(), None));
            }
        }
        // `buildscript` classpath plugins of old builds (`apply plugin: 'org.springframework.boot'`)
        // carry their version in the classpath coordinates.
        let classpath = format!("{}\n{}", p.text, self.convention);
        for c in regex!(r#"["']([\w.\-]+):([\w.\-]+)-gradle-plugin:([^"']+)["']"#)
            .captures_iter(&classpath)
        {
            let version = self.variable(p, &c[3]);
            if let Some(v) = version {
                for (id, existing) in &mut out {
                    if id.starts_with(&c[1]) && existing.is_none() {
                        *existing = Some(v.clone());
                    }
                }
            }
        }
        out
    }

    /// A value that may be `${name}` / `$name` of an `ext` variable or gradle.properties.
    fn variable(&self, p: &GradleProject, value: &str) -> Option<String> {
        let name = value
            .strip_prefix("${")
            .and_then(|v| v.strip_suffix('}'))
            .or_else(|| value.strip_prefix('$'));
        let Some(name) = name else {
            return Some(value.to_string());
        };
        let assign = Regex::new(&format!(
            r#"\b{}\s*=\s*["']([^"'$]+)["']"#,
            regex::escape(name)
        ))
        .ok()?;
        [&p.text, &self.root().text]
            .iter()
            .find_map(|t| assign.captures(t).map(|c| c[1].to_string()))
            .or_else(|| self.properties.get(name).cloned())
    }

    /// The project's name as Gradle names it (the root's from settings, or the folder the
    /// build runs in: `workdir` in the image).
    pub fn name(&self, p: &GradleProject, workdir: &str) -> String {
        if p.path.is_empty() {
            return self
                .root_name
                .clone()
                .unwrap_or_else(|| workdir.rsplit('/').next().unwrap_or("app").to_string());
        }
        p.path.rsplit(':').next().unwrap_or(&p.path).to_string()
    }

    /// `version = '…'`: the project's, then the root's (`allprojects`), then gradle.properties.
    /// `Ok(None)`: no version (archives are named without one); `Err(())`: computed.
    pub fn version(&self, p: &GradleProject) -> Result<Option<String>, ()> {
        let assigned = regex!(r"(?m)^\s*(?:project\.)?version\s*=\s*(\S.*)$");
        for text in [&p.text, &self.root().text] {
            if let Some(c) = assigned.captures(text) {
                let value = c[1].trim().trim_end_matches(';');
                return match regex!(r#"^["']([^"'$]+)["']$"#).captures(value) {
                    Some(v) => Ok(Some(v[1].to_string())),
                    None => Err(()),
                };
            }
        }
        Ok(self.properties.get("version").cloned())
    }

    /// Every module of the build, analysed.
    pub fn modules(&self, rules: &'static JavaRules, workdir: &str) -> Vec<Module> {
        self.projects
            .iter()
            .filter(|p| p.file.is_some())
            .map(|p| self.analyse(p, rules, workdir))
            .collect()
    }

    fn analyse(&self, p: &GradleProject, rules: &'static JavaRules, workdir: &str) -> Module {
        let file = p.file.clone().unwrap_or_default();
        let plugins = self.plugins(p);
        let applies = |ids: &[String]| plugins.iter().find(|(id, _)| ids.contains(id)).cloned();
        let framework = rules.frameworks.iter().find_map(|fw| {
            if let Some((id, _)) = applies(&fw.gradle_plugins) {
                return Some((
                    fw,
                    Evidence::file(&file, Some("plugins"), format!("applies `{id}`")),
                ));
            }
            fw.markers
                .iter()
                .find(|m| p.text.contains(&format!("\"{m}")) || p.text.contains(&format!("'{m}")))
                .map(|m| {
                    (
                        fw,
                        Evidence::file(&file, Some("dependencies"), format!("uses `{m}`")),
                    )
                })
        });
        let boot_version = framework
            .as_ref()
            .filter(|(fw, _)| fw.layout == LayoutKind::SpringBoot)
            .and_then(|(fw, _)| applies(&fw.gradle_plugins).and_then(|(_, v)| v));
        let name = self.name(p, workdir);
        let builder = framework
            .as_ref()
            .map(|(fw, _)| *fw)
            .filter(|fw| applies(&fw.gradle_plugins).is_some());
        let found = match builder {
            Some(fw) => Some(self.framework_app(p, fw, rules, &name, &file)),
            None => self.plain(p, rules, &plugins, &name, &file),
        };
        Module {
            dir: p.dir.clone(),
            name: if p.path.is_empty() {
                name.clone()
            } else {
                p.path.clone()
            },
            build_file: file,
            framework,
            boot_version,
            artifact: found.as_ref().map(|f| f.artifact.clone()),
            target: format!(
                "{}:{}",
                p.path,
                found.as_ref().map_or("", |f| f.task.as_str())
            ),
            runnable: found.map(|f| (f.runnable, f.evidence)),
            java: self.declared_java(p),
        }
    }

    /// `build/libs/<base>[-<version>][-<classifier>].jar`; a `*` for a computed version.
    fn jar(&self, p: &GradleProject, g: &GradleRules, name: &str, classifier: &str) -> String {
        let base = field(&p.text, "archiveBaseName").unwrap_or_else(|| name.to_string());
        let classifier = if classifier.is_empty() {
            String::new()
        } else {
            format!("-{classifier}")
        };
        let version = match self.version(p) {
            Ok(Some(v)) => format!("-{v}"),
            Ok(None) => String::new(),
            Err(()) => "-*".into(),
        };
        format!(
            "{}/{}/{base}{version}{classifier}.jar",
            g.output, g.libs_dir
        )
    }

    /// What a framework's plugin builds, and the task that builds it.
    fn framework_app(
        &self,
        p: &GradleProject,
        fw: &'static FrameworkRule,
        rules: &JavaRules,
        name: &str,
        file: &str,
    ) -> Found {
        let g = &rules.gradle;
        let evidence = Evidence::file(
            file,
            Some("plugins"),
            format!("`{}` builds the app", fw.name),
        );
        let task = fw.task.clone().unwrap_or_default();
        match fw.gradle_layout.unwrap_or(fw.layout) {
            LayoutKind::SpringBoot => Found {
                runnable: Runnable::SpringBoot,
                evidence,
                task,
                artifact: field(&p.text, "archiveFileName").map_or_else(
                    || self.jar(p, g, name, ""),
                    |f| format!("{}/{}/{f}", g.output, g.libs_dir),
                ),
            },
            LayoutKind::Folder => Found {
                runnable: Runnable::Folder(fw),
                evidence,
                task,
                artifact: format!("{}/{}", g.output, fw.output.as_deref().unwrap_or("")),
            },
            LayoutKind::Jar | LayoutKind::Application => Found {
                runnable: Runnable::Installed {
                    main_class: main_class_of(p).map(|(m, _)| m),
                },
                evidence,
                task: g.install_task.clone(),
                artifact: format!(
                    "{}/{}/{}/lib",
                    g.output,
                    g.install_dir,
                    install_name(p, name)
                ),
            },
        }
    }

    /// The application plugin (installDist), or shadow with a Main-Class (shadowJar).
    fn plain(
        &self,
        p: &GradleProject,
        rules: &JavaRules,
        plugins: &[(String, Option<String>)],
        name: &str,
        file: &str,
    ) -> Option<Found> {
        let g: &GradleRules = &rules.gradle;
        let apps = &rules.gradle_apps;
        let has = |ids: &[String]| {
            plugins
                .iter()
                .find(|(id, _)| ids.contains(id))
                .map(|(id, _)| id.clone())
        };
        let main = main_class_of(p);
        if let Some(id) = has(&apps.application) {
            return Some(Found {
                runnable: Runnable::Installed {
                    main_class: main.map(|(m, _)| m),
                },
                evidence: Evidence::file(file, Some("plugins"), format!("applies `{id}`")),
                task: g.install_task.clone(),
                artifact: format!(
                    "{}/{}/{}/lib",
                    g.output,
                    g.install_dir,
                    install_name(p, name)
                ),
            });
        }
        let (id, (m, key)) = has(&apps.shadow).zip(main)?;
        Some(Found {
            runnable: Runnable::FatJar,
            evidence: Evidence::file(file, Some(&key), format!("`{id}` with main class `{m}`")),
            task: apps.shadow_task.clone(),
            artifact: self.jar(p, g, name, &apps.shadow_classifier),
        })
    }
    /// The Java version a project declares: toolchain, then release, then compatibility;
    /// its own build file first, then the root's (`allprojects`, `subprojects`).
    fn declared_java(&self, p: &GradleProject) -> Option<(u32, Evidence)> {
        let patterns: [(&Regex, &str); 4] = [
            (
                regex!(
                    r"languageVersion\s*(?:=|\.set\s*\()\s*JavaLanguageVersion\.of\(\s*(\d+)\s*\)"
                ),
                "java.toolchain.languageVersion",
            ),
            (regex!(r"jvmToolchain\s*\(\s*(\d+)\s*\)"), "jvmToolchain"),
            (
                regex!(r"options\.release\s*(?:=|\.set\s*\()\s*(\d+)"),
                "options.release",
            ),
            (
                regex!(
                    r#"(?:target|source)Compatibility\s*=\s*(?:JavaVersion\.(?:VERSION_|toVersion\(\s*)|["'])?\s*["']?([\d._]+)"#
                ),
                "sourceCompatibility",
            ),
        ];
        let root = self.root();
        for (re, key) in patterns {
            for project in [p, root] {
                let Some(file) = &project.file else { continue };
                if let Some(v) = re
                    .captures(&project.text)
                    .and_then(|c| java_line(&c[1].replace('_', ".")))
                {
                    return Some((v, Evidence::file(file, Some(key), format!("Java {v}"))));
                }
            }
        }
        None
    }

    /// Build files and folders to copy before dependencies resolve, root-relative.
    pub fn build_files(&self, project: &Project, g: &GradleRules) -> (Vec<String>, Vec<String>) {
        let mut files: Vec<String> = self.settings.iter().cloned().collect();
        for p in &self.projects {
            files.extend(p.file.clone());
            for f in &g.config_files {
                let view = project.at(&p.dir);
                if view.is_file(f) {
                    files.push(view.name(f));
                }
            }
        }
        let mut dirs: Vec<String> = g
            .config_dirs
            .iter()
            .filter(|d| project.is_dir(d))
            .cloned()
            .collect();
        dirs.extend(self.included.iter().cloned());
        files.sort();
        files.dedup();
        dirs.sort();
        dirs.dedup();
        (files, dirs)
    }
}

/// What a Gradle project builds that runs.
struct Found {
    runnable: Runnable,
    evidence: Evidence,
    task: String,
    artifact: String,
}

/// installDist's folder name: `applicationName`, else the project's name.
fn install_name(p: &GradleProject, name: &str) -> String {
    field(&p.text, "applicationName").unwrap_or_else(|| name.to_string())
}

/// `mainClass = '…'`, `mainClass.set("…")`, `mainClassName = '…'`, or a `Main-Class`
/// manifest attribute; with the key it was found under.
fn main_class_of(p: &GradleProject) -> Option<(String, String)> {
    for key in ["mainClass", "mainClassName"] {
        if let Some(v) = field(&p.text, key).and_then(|v| main_class(&v)) {
            return Some((v, key.to_string()));
        }
    }
    regex!(r#"["']Main-Class["']\s*(?::|to|,)\s*["']([\w.$]+)["']"#)
        .captures(&p.text)
        .and_then(|c| main_class(&c[1]))
        .map(|m| (m, "Main-Class".to_string()))
}

/// The body of the first `name { … }` block.
fn block<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let re = Regex::new(&format!(r"\b{name}\s*\{{")).ok()?;
    let start = re.find(text)?.end();
    let mut depth = 1;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// A string assigned to `key` (`key = '…'`, `key.set("…")`, `key '…'`).
fn field(text: &str, key: &str) -> Option<String> {
    let re = Regex::new(&format!(
        r#"\b{}\s*(?:=|\.set\s*\(|\s)\s*["']([^"'$]+)["']"#,
        regex::escape(key)
    ))
    .ok()?;
    re.captures(text).map(|c| c[1].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_of_both_dsls() {
        assert_eq!(
            includes("include 'app', ':lib:core'\ninclude(\"web\")\ninclude(\n  \"a\",\n  \"b\"\n)\nincludeBuild(\"x\")"),
            ["app", ":lib:core", "web", "a", "b"]
        );
        assert_eq!(
            includes("include 'a',\n        'b'\nrootProject.name = 'x'"),
            ["a", "b"]
        );
    }

    #[test]
    fn comments_go_but_urls_stay() {
        let text = strip_comments("id 'a' // x\n/* id 'b' */\nurl = 'https://x/y'\n");
        assert!(
            text.contains("id 'a'") && !text.contains("id 'b'") && text.contains("https://x/y")
        );
    }

    #[test]
    fn fields_of_both_dsls() {
        assert_eq!(
            field("mainClass = 'a.B'", "mainClass").as_deref(),
            Some("a.B")
        );
        assert_eq!(
            field("mainClass.set(\"a.B\")", "mainClass").as_deref(),
            Some("a.B")
        );
        assert_eq!(field("mainClassName = \"a.B\"", "mainClass"), None);
        assert_eq!(
            block(
                "plugins {\n  application\n  id(\"x\") { }\n}\nrest",
                "plugins"
            ),
            Some("\n  application\n  id(\"x\") { }\n")
        );
    }
}
