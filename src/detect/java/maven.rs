//! Maven: the reactor (root pom and its modules, recursively) and, for each module, what it
//! builds — a framework's app, a runnable jar, an app with a main class, or a library.

use super::pom::{self, Effective, Poms};
use super::rules::{JavaRules, LayoutKind, MavenMain};
use super::{java_line, Module, Runnable};
use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;

/// The root pom, every module's pom in reactor order, and their in-repo parents.
pub struct Reactor {
    pub poms: Poms,
    /// Module poms (root-relative files), the root first.
    pub files: Vec<String>,
}

/// Reads the reactor rooted at `pom.xml`; `None` when there is no pom.xml.
pub fn load(project: &Project) -> Result<Option<Reactor>, Error> {
    let mut poms = Poms::default();
    if let Some(text) = project.read(".mvn/maven.config")? {
        poms.cli = pom::maven_config(&text);
    }
    if !poms.load_with_parents(project, "pom.xml")? {
        return Ok(None);
    }
    let limit = crate::rules::common()?.apps.limit;
    let mut files = vec!["pom.xml".to_string()];
    let mut i = 0;
    while i < files.len() && files.len() < limit {
        let pom = &poms.by_file[&files[i]];
        let dir = pom.dir.clone();
        let modules = pom.modules.clone();
        for module in modules {
            let Some(path) = pom::join(&dir, &module) else {
                continue;
            };
            let file = if path.ends_with(".xml") {
                path
            } else {
                format!(
                    "{}pom.xml",
                    if path.is_empty() {
                        String::new()
                    } else {
                        format!("{path}/")
                    }
                )
            };
            if files.contains(&file) {
                continue;
            }
            if poms.load_with_parents(project, &file)? {
                files.push(file);
            }
        }
        i += 1;
    }
    Ok(Some(Reactor { poms, files }))
}

impl Reactor {
    /// The root pom's parent when it looks like this project's own aggregator (same groupId)
    /// but lies outside the folder dockgen reads: the image's build cannot see it either.
    pub fn parent_outside(&self) -> Option<String> {
        let root = self.poms.by_file.get("pom.xml")?;
        let parent = root.parent.as_ref()?;
        let own_group = root.group_id.as_deref().unwrap_or(&parent.coord.group_id);
        if own_group != parent.coord.group_id || self.poms.effective("pom.xml")?.chain.len() > 1 {
            return None;
        }
        let rel = match parent.relative_path.as_deref() {
            Some("") => return None,
            Some(rel) => rel,
            None => "../pom.xml",
        };
        Some(format!(
            "`pom.xml`'s parent `{}:{}` is looked for at `{rel}`, outside this folder, so the image's build cannot find it unless a repository has it; if it is the repository's aggregator pom, run dockgen at the repository root with `--workspace <this folder>`",
            parent.coord.group_id, parent.coord.artifact_id
        ))
    }
}

impl Reactor {
    /// Every module that is not an aggregator (`pom` packaging), analysed.
    pub fn modules(&self, project: &Project, rules: &'static JavaRules) -> Vec<Module> {
        self.files
            .iter()
            .filter_map(|f| self.poms.effective(f))
            .filter(|eff| eff.packaging() != "pom")
            .map(|mut eff| {
                let module = project.at(&eff.pom().dir);
                eff.activate(|path| module.exists(path));
                analyse(&eff, rules)
            })
            .collect()
    }

    /// Every pom the build reads before its sources: reactor modules and in-repo parents.
    pub fn build_files(&self) -> Vec<String> {
        self.poms.by_file.keys().cloned().collect()
    }
}

fn analyse(eff: &Effective, rules: &'static JavaRules) -> Module {
    let pom = eff.pom();
    let markers = eff.markers();
    let framework = rules.frameworks.iter().find_map(|fw| {
        let plugin = fw
            .maven_plugins
            .iter()
            .find(|key| eff.plugin(key).is_some());
        if let Some(key) = plugin {
            let (file, at) = eff.declared_at(key).unwrap_or((&pom.file, "build.plugins"));
            return Some((
                fw,
                Evidence::file(file, Some(at), format!("declares `{key}`")),
            ));
        }
        markers
            .iter()
            .find(|(key, _)| fw.markers.iter().any(|m| key.starts_with(m.as_str())))
            .map(|(key, _)| (fw, Evidence::file(&pom.file, None, format!("uses `{key}`"))))
    });
    let boot_version = framework.as_ref().and_then(|(fw, _)| {
        if fw.layout != LayoutKind::SpringBoot {
            return None;
        }
        markers
            .iter()
            .filter(|(key, _)| fw.markers.iter().any(|m| key.starts_with(m.as_str())))
            .find_map(|(_, v)| v.clone())
            .or_else(|| fw.maven_plugins.iter().find_map(|k| eff.plugin_version(k)))
    });
    let fw_rule = framework.as_ref().map(|(fw, _)| *fw);
    let runnable = runnable(eff, rules, fw_rule);
    let java = declared_java(eff, fw_rule, boot_version.as_deref());
    let ext = if eff.packaging() == "war" {
        "war"
    } else {
        "jar"
    };
    let output = &rules.maven.output;
    let artifact = runnable.as_ref().map(|(r, _, classifier)| {
        if let Runnable::Folder(fw) = r {
            return format!("{output}/{}", fw.output.as_deref().unwrap_or(""));
        }
        let name = eff
            .chain
            .iter()
            .find_map(|p| p.final_name.as_deref())
            .map_or_else(
                || "${project.artifactId}-${project.version}".to_string(),
                str::to_string,
            );
        let name = eff.resolve(&name).unwrap_or_else(|| {
            // A version set outside the pom (`${revision}` on the command line): any version.
            format!("{}-*", eff.artifact_id().unwrap_or_default())
        });
        let classifier = classifier
            .as_deref()
            .map_or(String::new(), |c| format!("-{c}"));
        format!("{output}/{name}{classifier}.{ext}")
    });
    Module {
        dir: pom.dir.clone(),
        name: eff.artifact_id().unwrap_or_else(|| pom.dir.clone()),
        build_file: pom.file.clone(),
        framework,
        boot_version,
        runnable: runnable.map(|(r, e, _)| (r, e)),
        java,
        artifact,
        target: pom.dir.clone(),
    }
}

/// What makes the module runnable, why, and the classifier of its runnable jar.
fn runnable(
    eff: &Effective,
    rules: &'static JavaRules,
    framework: Option<&'static super::rules::FrameworkRule>,
) -> Option<(Runnable, Evidence, Option<String>)> {
    let file = &eff.pom().file;
    if let Some(fw) = framework {
        if let Some(key) = fw.maven_plugins.iter().find(|k| eff.plugin(k).is_some()) {
            let runnable = match fw.layout {
                LayoutKind::SpringBoot => Runnable::SpringBoot,
                LayoutKind::Folder => Runnable::Folder(fw),
                LayoutKind::Jar | LayoutKind::Application => Runnable::FatJar,
            };
            let classifier = eff.plugin_value(key, "classifier");
            let (file, at) = eff.declared_at(key).unwrap_or((file, "build.plugins"));
            let evidence = Evidence::file(
                file,
                Some(at),
                format!("`{}` builds the app", key.rsplit(':').next().unwrap_or(key)),
            );
            return Some((runnable, evidence, classifier));
        }
    }
    for main in &rules.maven_mains {
        if let Some(found) = plugin_main(eff, main) {
            return Some(found);
        }
    }
    rules.maven_main_properties.names.iter().find_map(|name| {
        let main = eff.property(name).and_then(|v| eff.resolve(&v))?;
        let main = main_class(&main)?;
        Some((
            Runnable::ClassPath {
                main_class: Some(main.clone()),
            },
            Evidence::file(
                file,
                Some(&format!("properties.{name}")),
                format!("main class `{main}`"),
            ),
            None,
        ))
    })
}

fn plugin_main(eff: &Effective, rule: &MavenMain) -> Option<(Runnable, Evidence, Option<String>)> {
    eff.plugin(&rule.plugin)?;
    let key = &rule.plugin;
    let (path, main) = rule
        .main_class
        .iter()
        .find_map(|p| eff.plugin_value(key, p).map(|m| (p, m)))?;
    let main = main_class(&main)?;
    let short = key.rsplit(':').next().unwrap_or(key);
    let evidence = Evidence::file(
        &eff.pom().file,
        Some(&format!("{short}.{}", path.replace('/', "."))),
        format!("main class `{main}`"),
    );
    if !rule.fat {
        return Some((
            Runnable::ClassPath {
                main_class: Some(main),
            },
            evidence,
            None,
        ));
    }
    if let (Some(k), Some(v)) = (&rule.fat_key, &rule.fat_value) {
        let plugin = eff.plugin(key)?;
        if !plugin.values(k).any(|x| x == v) {
            return None;
        }
    }
    let flag = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| eff.plugin_value(key, n))
            .map(|v| v.trim() == "true")
    };
    let attached = flag(&rule.classifier_when).unwrap_or(rule.classifier_when.is_none());
    let appended = flag(&rule.classifier_unless).unwrap_or(true);
    let classifier = (attached && appended)
        .then(|| {
            rule.classifier_key
                .as_ref()
                .and_then(|k| eff.plugin_value(key, k))
                .or_else(|| rule.classifier_default.clone())
        })
        .flatten();
    Some((Runnable::FatJar, evidence, classifier))
}

/// A main class is a dotted Java name; anything else is not put in a Dockerfile.
pub fn main_class(text: &str) -> Option<String> {
    let text = text.trim();
    let ok = !text.is_empty()
        && text.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        });
    ok.then(|| text.to_string())
}

/// The Java version the pom declares, and where.
fn declared_java(
    eff: &Effective,
    framework: Option<&super::rules::FrameworkRule>,
    boot_version: Option<&str>,
) -> Option<(u32, Evidence)> {
    const COMPILER: &str = "org.apache.maven.plugins:maven-compiler-plugin";
    let file = &eff.pom().file;
    // The compiler's release, then target, then source; each from the plugin, then its property.
    let steps = [
        (Some("release"), "maven.compiler.release"),
        (Some("target"), "maven.compiler.target"),
        (Some("source"), "maven.compiler.source"),
        (None, "java.version"),
    ];
    for (config, property) in steps {
        if let Some(name) = config {
            if let Some(v) = eff.plugin_value(COMPILER, name).and_then(|v| java_line(&v)) {
                let key = format!("maven-compiler-plugin.{name}");
                return Some((v, Evidence::file(file, Some(&key), format!("Java {v}"))));
            }
        }
        if let Some(v) = eff
            .property(property)
            .and_then(|v| eff.resolve(&v))
            .and_then(|v| java_line(&v))
        {
            let key = format!("properties.{property}");
            let source = eff
                .chain
                .iter()
                .find(|pom| pom.properties.contains_key(property))
                .map_or(file.as_str(), |pom| pom.file.as_str());
            return Some((v, Evidence::file(source, Some(&key), format!("Java {v}"))));
        }
    }
    let fw = framework?;
    let boot = rules::parse_version(boot_version?)?;
    let default = fw
        .default_java
        .iter()
        .filter(|d| rules::parse_version(&d.since).is_some_and(|s| s <= boot))
        .max_by_key(|d| rules::parse_version(&d.since))?;
    Some((
        default.java,
        Evidence::file(
            file,
            Some("parent"),
            format!(
                "no java.version: the {} {} default, Java {}",
                fw.name,
                boot_version.unwrap_or(""),
                default.java
            ),
        ),
    ))
}

use super::rules;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_classes_are_java_names() {
        assert_eq!(main_class(" demo.Main ").as_deref(), Some("demo.Main"));
        assert_eq!(main_class("a.b$C").as_deref(), Some("a.b$C"));
        assert_eq!(main_class("a..b"), None);
        assert_eq!(main_class("a b"), None);
        assert_eq!(main_class("x\"]\nUSER root"), None);
        assert_eq!(main_class("1a"), None);
    }
}
