//! pom.xml as data: the parts dockgen reads (coordinates, parent, properties, modules, plugins,
//! dependencies), parsed with roxmltree, and `${…}` properties resolved within the pom and its
//! in-repo parents. Profiles are not read.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use roxmltree::{Document, Node, ParsingOptions};

use crate::error::Error;
use crate::project::Project;

/// Default groupId of a plugin that names none.
const PLUGINS_GROUP: &str = "org.apache.maven.plugins";
/// More nodes than any real pom has; a hostile file stops here.
const NODES_LIMIT: u32 = 1_000_000;
/// The deepest chain of in-repo parents followed.
const MAX_PARENTS: usize = 10;

/// groupId, artifactId and version as written (properties unresolved).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coord {
    pub group_id: String,
    pub artifact_id: String,
    pub version: Option<String>,
    pub scope: Option<String>,
}

/// `<parent>`; `relative_path` is `None` for the default `../pom.xml`, `Some("")` for none.
#[derive(Debug, Clone)]
pub struct Parent {
    pub coord: Coord,
    pub relative_path: Option<String>,
}

/// A plugin and its configuration, flattened: each leaf element's path below `configuration`
/// (of the plugin or one of its executions) with its text.
#[derive(Debug, Clone)]
pub struct Plugin {
    pub coord: Coord,
    pub config: Vec<(String, String)>,
}

impl Plugin {
    /// Every value configured at `path` (`archive/manifest/mainClass`).
    pub fn values<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.config
            .iter()
            .filter(move |(p, _)| p == path)
            .map(|(_, v)| v.as_str())
    }

    pub fn value(&self, path: &str) -> Option<&str> {
        self.config
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, v)| v.as_str())
    }
}

/// A profile that turns itself on (`activeByDefault`, or a file that exists or is missing),
/// with the plugins it adds. Profiles switched on by flags or the environment are not read.
#[derive(Debug, Clone)]
pub struct Profile {
    pub active_by_default: bool,
    /// `<file><exists>`: relative to the module being built (`${basedir}/` stripped).
    pub exists: Option<String>,
    pub missing: Option<String>,
    pub plugins: Vec<Plugin>,
}

/// One pom.xml.
#[derive(Debug, Clone)]
pub struct Pom {
    /// The file, named from the project root.
    pub file: String,
    /// Its folder, root-relative; empty at the root.
    pub dir: String,
    pub group_id: Option<String>,
    pub artifact_id: Option<String>,
    pub version: Option<String>,
    pub packaging: String,
    pub parent: Option<Parent>,
    pub properties: BTreeMap<String, String>,
    pub modules: Vec<String>,
    pub plugins: Vec<Plugin>,
    pub managed_plugins: Vec<Plugin>,
    pub dependencies: Vec<Coord>,
    /// `dependencyManagement` entries (BOM imports among them).
    pub managed: Vec<Coord>,
    pub final_name: Option<String>,
    /// Profiles that activate themselves (see [`Profile`]).
    pub profiles: Vec<Profile>,
}

/// Parses `text`, the contents of `file` (root-relative) in folder `dir`.
pub fn parse(text: &str, file: &str, dir: &str) -> Result<Pom, Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        Error::Parse {
            file: file.to_string(),
            line: pos.row as usize,
            column: pos.col as usize,
            message: strip_position(&e.to_string()),
        }
    })?;
    let project = doc.root_element();
    if project.tag_name().name() != "project" {
        let pos = doc.text_pos_at(project.range().start);
        return Err(Error::Parse {
            file: file.to_string(),
            line: pos.row as usize,
            column: pos.col as usize,
            message: format!(
                "expected a `<project>` element, found `<{}>`",
                project.tag_name().name()
            ),
        });
    }
    let build = child(project, "build");
    Ok(Pom {
        file: file.to_string(),
        dir: dir.to_string(),
        group_id: text_of(project, "groupId"),
        artifact_id: text_of(project, "artifactId"),
        version: text_of(project, "version"),
        packaging: text_of(project, "packaging").unwrap_or_else(|| "jar".into()),
        parent: child(project, "parent").map(|p| Parent {
            coord: coord(p, ""),
            relative_path: child(p, "relativePath")
                .map(|r| r.text().unwrap_or("").trim().to_string()),
        }),
        properties: child(project, "properties")
            .map(|props| {
                props
                    .children()
                    .filter(Node::is_element)
                    .map(|p| {
                        (
                            p.tag_name().name().to_string(),
                            p.text().unwrap_or("").trim().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        modules: children(child(project, "modules"), "module")
            .filter_map(|m| m.text().map(|t| t.trim().to_string()))
            .filter(|m| !m.is_empty())
            .collect(),
        plugins: plugins(build.and_then(|b| child(b, "plugins"))),
        managed_plugins: plugins(
            build
                .and_then(|b| child(b, "pluginManagement"))
                .and_then(|m| child(m, "plugins")),
        ),
        dependencies: children(child(project, "dependencies"), "dependency")
            .map(|d| coord(d, ""))
            .collect(),
        managed: children(
            child(project, "dependencyManagement").and_then(|m| child(m, "dependencies")),
            "dependency",
        )
        .map(|d| coord(d, ""))
        .collect(),
        final_name: build.and_then(|b| text_of(b, "finalName")),
        profiles: profiles(project),
    })
}

fn profiles(project: Node) -> Vec<Profile> {
    let file_rule = |activation: Option<Node>, name: &str| {
        activation
            .and_then(|a| child(a, "file"))
            .and_then(|f| text_of(f, name))
            .map(|p| {
                p.trim_start_matches("${basedir}/")
                    .trim_start_matches("${project.basedir}/")
                    .to_string()
            })
    };
    children(child(project, "profiles"), "profile")
        .filter_map(|profile| {
            let activation = child(profile, "activation");
            let found = Profile {
                active_by_default: activation
                    .and_then(|a| text_of(a, "activeByDefault"))
                    .is_some_and(|v| v == "true"),
                exists: file_rule(activation, "exists"),
                missing: file_rule(activation, "missing"),
                plugins: plugins(child(profile, "build").and_then(|b| child(b, "plugins"))),
            };
            let automatic =
                found.active_by_default || found.exists.is_some() || found.missing.is_some();
            (automatic && !found.plugins.is_empty()).then_some(found)
        })
        .collect()
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(
    node: Option<Node<'a, 'i>>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.into_iter()
        .flat_map(|n| n.children())
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn text_of(node: Node, name: &str) -> Option<String> {
    child(node, name)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn coord(node: Node, default_group: &str) -> Coord {
    Coord {
        group_id: text_of(node, "groupId").unwrap_or_else(|| default_group.to_string()),
        artifact_id: text_of(node, "artifactId").unwrap_or_default(),
        version: text_of(node, "version"),
        scope: text_of(node, "scope"),
    }
}

fn plugins(node: Option<Node>) -> Vec<Plugin> {
    children(node, "plugin")
        .map(|p| {
            let mut config = Vec::new();
            if let Some(c) = child(p, "configuration") {
                flatten(c, "", &mut config);
            }
            for execution in children(child(p, "executions"), "execution") {
                if let Some(c) = child(execution, "configuration") {
                    flatten(c, "", &mut config);
                }
            }
            Plugin {
                coord: coord(p, PLUGINS_GROUP),
                config,
            }
        })
        .collect()
}

fn flatten(node: Node, prefix: &str, out: &mut Vec<(String, String)>) {
    for c in node.children().filter(Node::is_element) {
        let path = if prefix.is_empty() {
            c.tag_name().name().to_string()
        } else {
            format!("{prefix}/{}", c.tag_name().name())
        };
        if c.children().any(|g| g.is_element()) {
            flatten(c, &path, out);
        } else if let Some(text) = c.text().map(str::trim).filter(|t| !t.is_empty()) {
            out.push((path, text.to_string()));
        }
    }
}

/// roxmltree puts " at L:C" inside its messages; the error carries both already.
fn strip_position(message: &str) -> String {
    static AT: OnceLock<Regex> = OnceLock::new();
    let re = AT.get_or_init(|| Regex::new(r"\s*at \d+:\d+").expect("static regex"));
    re.replace_all(message, "").into_owned()
}

/// `rel` joined onto folder `dir` (both root-relative), `..` resolved; `None` when it leaves
/// the project.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Reads and parses the pom at root-relative `file`; `None` when it does not exist.
pub fn load(project: &Project, file: &str) -> Result<Option<Pom>, Error> {
    let repo = project.repo();
    let Some(text) = repo.read(file)? else {
        return Ok(None);
    };
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    parse(&text, file, dir).map(Some)
}

/// A pom with its chain of in-repo parents (nearest first), and `.mvn/maven.config` values:
/// what `${…}` and inherited settings resolve against.
#[derive(Debug)]
pub struct Effective<'a> {
    pub chain: Vec<&'a Pom>,
    pub cli: &'a BTreeMap<String, String>,
    /// Plugins of the chain's self-activating profiles that are on for this module, with the
    /// pom declaring each.
    pub profile_plugins: Vec<(&'a Pom, &'a Plugin)>,
}

impl<'a> Effective<'a> {
    pub fn pom(&self) -> &'a Pom {
        self.chain[0]
    }

    /// The first parent outside the repository (a framework's parent pom), if any.
    pub fn external_parent(&self) -> Option<&'a Coord> {
        let last = self.chain.last()?;
        last.parent.as_ref().map(|p| &p.coord)
    }

    pub fn artifact_id(&self) -> Option<String> {
        self.pom().artifact_id.clone()
    }

    pub fn version(&self) -> Option<String> {
        let pom = self.pom();
        pom.version
            .clone()
            .or_else(|| pom.parent.as_ref().and_then(|p| p.coord.version.clone()))
    }

    fn group_id(&self) -> Option<String> {
        let pom = self.pom();
        pom.group_id
            .clone()
            .or_else(|| pom.parent.as_ref().map(|p| p.coord.group_id.clone()))
    }

    /// A property's raw value: `-D` in maven.config, then the pom, then its parents.
    pub fn property(&self, name: &str) -> Option<String> {
        if let Some(v) = self.cli.get(name) {
            return Some(v.clone());
        }
        match name
            .strip_prefix("project.")
            .or_else(|| name.strip_prefix("pom."))
        {
            Some("version") => return self.version(),
            Some("artifactId") => return self.artifact_id(),
            Some("groupId") => return self.group_id(),
            Some("parent.version") => {
                return self
                    .pom()
                    .parent
                    .as_ref()
                    .and_then(|p| p.coord.version.clone())
            }
            Some("build.directory") => return Some("target".into()),
            _ => {}
        }
        if name == "version" {
            return self.version();
        }
        self.chain
            .iter()
            .find_map(|pom| pom.properties.get(name).cloned())
    }

    /// `text` with every `${…}` resolved; `None` when one cannot be (an environment variable,
    /// a property set elsewhere).
    pub fn resolve(&self, text: &str) -> Option<String> {
        let mut out = text.to_string();
        for _ in 0..10 {
            let Some(start) = out.find("${") else {
                return Some(out);
            };
            let end = start + out[start..].find('}')?;
            let value = self.property(&out[start + 2..end])?;
            out.replace_range(start..=end, &value);
        }
        None
    }

    /// `groupId:artifactId` of `coord` with properties resolved (`${quarkus.platform.group-id}`).
    pub fn key(&self, coord: &Coord) -> String {
        let resolve = |t: &str| self.resolve(t).unwrap_or_else(|| t.to_string());
        format!(
            "{}:{}",
            resolve(&coord.group_id),
            resolve(&coord.artifact_id)
        )
    }

    /// The packaging, resolved (`${packaging}` in Micronaut's poms).
    pub fn packaging(&self) -> String {
        let raw = &self.pom().packaging;
        self.resolve(raw).unwrap_or_else(|| raw.clone())
    }

    /// Plugins the build runs: declared in the pom or a parent (nearest first), then those of
    /// profiles that are on.
    pub fn plugins(&self) -> impl Iterator<Item = &'a Plugin> + '_ {
        self.chain
            .iter()
            .flat_map(|p| p.plugins.iter())
            .chain(self.profile_plugins.iter().map(|(_, p)| *p))
    }

    /// Where plugin `key` is declared: the pom's file and `build.plugins`, or `profiles`.
    pub fn declared_at(&self, key: &str) -> Option<(&'a str, &'static str)> {
        self.chain
            .iter()
            .find(|pom| pom.plugins.iter().any(|p| self.key(&p.coord) == key))
            .map(|pom| (pom.file.as_str(), "build.plugins"))
            .or_else(|| {
                self.profile_plugins
                    .iter()
                    .find(|(_, p)| self.key(&p.coord) == key)
                    .map(|(pom, _)| (pom.file.as_str(), "profiles"))
            })
    }

    /// Turns on the profiles whose activation holds for this module: `exists(path)` says
    /// whether a file relative to the module folder exists.
    pub fn activate(&mut self, exists: impl Fn(&str) -> bool) {
        let chain = self.chain.clone();
        for pom in chain {
            for profile in &pom.profiles {
                let file_ok = profile.exists.as_deref().is_none_or(&exists)
                    && profile.missing.as_deref().is_none_or(|m| !exists(m));
                let by_file = profile.exists.is_some() || profile.missing.is_some();
                if (by_file && file_ok) || (!by_file && profile.active_by_default) {
                    self.profile_plugins
                        .extend(profile.plugins.iter().map(|plugin| (pom, plugin)));
                }
            }
        }
    }

    /// The build's plugin `key` (`groupId:artifactId`), if declared.
    pub fn plugin(&self, key: &str) -> Option<&'a Plugin> {
        self.plugins().find(|p| self.key(&p.coord) == key)
    }

    /// Configuration at `path` for plugin `key`: declared, then managed, nearest pom first.
    pub fn plugin_value(&self, key: &str, path: &str) -> Option<String> {
        self.chain
            .iter()
            .flat_map(|p| p.plugins.iter().chain(&p.managed_plugins))
            .chain(self.profile_plugins.iter().map(|(_, p)| *p))
            .filter(|p| self.key(&p.coord) == key)
            .find_map(|p| p.value(path))
            .and_then(|v| self.resolve(v))
    }

    /// The version of plugin `key`, declared or managed.
    pub fn plugin_version(&self, key: &str) -> Option<String> {
        self.chain
            .iter()
            .flat_map(|p| p.plugins.iter().chain(&p.managed_plugins))
            .filter(|p| self.key(&p.coord) == key)
            .find_map(|p| p.coord.version.as_deref())
            .and_then(|v| self.resolve(v))
    }

    /// Dependencies, managed entries and the external parent, as `groupId:artifactId` with
    /// their versions: what says which framework the module uses.
    pub fn markers(&self) -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = self
            .external_parent()
            .map(|c| {
                (
                    self.key(c),
                    c.version.as_deref().and_then(|v| self.resolve(v)),
                )
            })
            .into_iter()
            .collect();
        for pom in &self.chain {
            for c in pom.managed.iter().chain(&pom.dependencies) {
                let version = c.version.as_deref().and_then(|v| self.resolve(v));
                out.push((self.key(c), version));
            }
        }
        out
    }
}

/// Every pom the reactor reads: the root, its modules (recursively) and their in-repo parents.
#[derive(Debug, Default)]
pub struct Poms {
    pub by_file: BTreeMap<String, Pom>,
    /// `-Dname=value` from `.mvn/maven.config`.
    pub cli: BTreeMap<String, String>,
}

impl Poms {
    /// Loads `file` and its in-repo parents (each once).
    pub fn load_with_parents(&mut self, project: &Project, file: &str) -> Result<bool, Error> {
        let mut next = Some(file.to_string());
        let mut depth = 0;
        while let Some(file) = next.take() {
            if depth > MAX_PARENTS {
                break;
            }
            depth += 1;
            if !self.by_file.contains_key(&file) {
                match load(project, &file)? {
                    Some(pom) => {
                        self.by_file.insert(file.clone(), pom);
                    }
                    None if depth == 1 => return Ok(false),
                    None => break,
                }
            }
            next = Self::parent_file(&self.by_file[&file]);
        }
        Ok(true)
    }

    /// The root-relative file of `pom`'s parent when it is in the repository.
    fn parent_file(pom: &Pom) -> Option<String> {
        let parent = pom.parent.as_ref()?;
        let rel = match parent.relative_path.as_deref() {
            None => "../pom.xml",
            Some("") => return None,
            Some(rel) => rel,
        };
        let path = join(&pom.dir, rel)?;
        if path.ends_with(".xml") {
            Some(path)
        } else if path.is_empty() {
            Some("pom.xml".into())
        } else {
            Some(format!("{path}/pom.xml"))
        }
    }

    /// `file` and its in-repo parents whose coordinates match what the child names.
    pub fn effective(&self, file: &str) -> Option<Effective<'_>> {
        let mut chain = vec![self.by_file.get(file)?];
        while chain.len() <= MAX_PARENTS {
            let pom = chain[chain.len() - 1];
            let Some(parent) = pom.parent.as_ref() else {
                break;
            };
            let Some(found) = Self::parent_file(pom).and_then(|f| self.by_file.get(&f)) else {
                break;
            };
            // Maven uses the file only when it is the parent the child names.
            let group = found
                .group_id
                .as_deref()
                .or(found.parent.as_ref().map(|p| p.coord.group_id.as_str()));
            if found.artifact_id.as_deref() != Some(parent.coord.artifact_id.as_str())
                || group != Some(parent.coord.group_id.as_str())
                || chain.iter().any(|p| std::ptr::eq(*p, found))
            {
                break;
            }
            chain.push(found);
        }
        Some(Effective {
            chain,
            cli: &self.cli,
            profile_plugins: Vec::new(),
        })
    }
}

/// `-Dname=value` and `-D name=value` in `.mvn/maven.config`.
pub fn maven_config(text: &str) -> BTreeMap<String, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < words.len() {
        let define = match words[i] {
            "-D" => {
                i += 1;
                words.get(i).copied()
            }
            w => w.strip_prefix("-D"),
        };
        if let Some((k, v)) = define.and_then(|d| d.split_once('=')) {
            out.insert(k.to_string(), v.to_string());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POM: &str = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>g</groupId><artifactId>parent</artifactId><version>1.2</version></parent>
  <artifactId>app</artifactId>
  <properties><java.version>21</java.version><name>${project.artifactId}-x</name></properties>
  <build>
    <finalName>${name}</finalName>
    <plugins>
      <plugin>
        <artifactId>maven-shade-plugin</artifactId>
        <executions><execution><configuration>
          <transformers><transformer><mainClass>demo.Main</mainClass></transformer></transformers>
        </configuration></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>"#;

    #[test]
    fn reads_coordinates_plugins_and_properties() {
        let pom = parse(POM, "app/pom.xml", "app").unwrap();
        assert_eq!(pom.artifact_id.as_deref(), Some("app"));
        assert_eq!(pom.packaging, "jar");
        let shade = &pom.plugins[0];
        assert_eq!(shade.coord.artifact_id, "maven-shade-plugin");
        assert_eq!(shade.coord.group_id, "org.apache.maven.plugins");
        assert_eq!(
            shade.value("transformers/transformer/mainClass"),
            Some("demo.Main")
        );
        let cli = BTreeMap::new();
        let eff = Effective {
            chain: vec![&pom],
            cli: &cli,
            profile_plugins: Vec::new(),
        };
        assert_eq!(eff.version().as_deref(), Some("1.2"));
        assert_eq!(eff.resolve("${name}.jar").as_deref(), Some("app-x.jar"));
        assert_eq!(eff.resolve("${env.HOME}"), None);
    }

    #[test]
    fn a_broken_pom_names_line_and_column() {
        let err = parse(
            "<project>\n  <artifactId>x</artifact>\n</project>",
            "pom.xml",
            "",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("failed to parse `pom.xml` at line 2, column "),
            "{text}"
        );
        assert!(!text.contains(" at 2:"), "{text}");
    }

    #[test]
    fn self_referencing_properties_stop() {
        let pom = parse(
            "<project><properties><a>${a}</a></properties></project>",
            "pom.xml",
            "",
        )
        .unwrap();
        let cli = BTreeMap::new();
        let eff = Effective {
            chain: vec![&pom],
            cli: &cli,
            profile_plugins: Vec::new(),
        };
        assert_eq!(eff.resolve("${a}"), None);
    }

    #[test]
    fn paths_stay_in_the_project() {
        assert_eq!(join("a/b", "../pom.xml").as_deref(), Some("a/pom.xml"));
        assert_eq!(join("", "../pom.xml"), None);
        assert_eq!(join("a", "./b/"), Some("a/b".into()));
    }

    #[test]
    fn maven_config_defines() {
        let c = maven_config("-Drevision=1.0.0 -B\n-D changelist=-SNAPSHOT");
        assert_eq!(c["revision"], "1.0.0");
        assert_eq!(c["changelist"], "-SNAPSHOT");
    }
}
