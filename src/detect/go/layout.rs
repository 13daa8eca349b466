//! The project's modules as the go command sees them: go.mod at the root, or the modules a
//! go.work workspace uses; vendor/; every required module path.

use std::collections::BTreeMap;

use super::modfile::{self, Kind, ModFile, Require};
use super::packages::join;
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::project::Project;

/// One module of the project.
#[derive(Debug, Clone)]
pub struct Module {
    /// Root-relative folder; empty at the root.
    pub dir: String,
    /// The module path (`github.com/acme/api`).
    pub path: String,
    pub modfile: ModFile,
}

impl Module {
    /// Its go.mod, relative to the folder the view it came from was opened at.
    pub fn file_name(&self) -> String {
        join(&self.dir, "go.mod")
    }

    /// The path's last element, without a major-version suffix (`/v2`): what `go build` names
    /// the binary of a main package at the module root.
    pub fn last_element(&self) -> &str {
        let mut parts = self.path.rsplit('/');
        let last = parts.next().unwrap_or("");
        let is_major = last.len() > 1
            && last.starts_with('v')
            && last[1..].chars().all(|c| c.is_ascii_digit());
        if is_major {
            parts.next().unwrap_or(last)
        } else {
            last
        }
    }
}

/// What the go command would read before building anything.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub modules: Vec<Module>,
    /// go.work, when the project is a workspace.
    pub work: Option<ModFile>,
    /// `vendor/modules.txt` at the root: the build uses vendor/ and downloads nothing.
    pub vendor: bool,
    /// Every required module (go.mod `require`, vendor/modules.txt).
    pub requires: Vec<Require>,
    /// A workspace module required by another without a `replace`: (the requiring go.mod,
    /// the required path). `go mod download` looks such a module up in the module proxy (the
    /// build itself takes it from the workspace), so the download cannot run on its own.
    pub unreplaced: Option<(String, String)>,
}

impl Layout {
    /// Reads go.work or go.mod at the root of `project`. Malformed files are errors naming the
    /// file and line; folders a workspace or a `replace` names outside the project are too.
    pub fn read(project: &Project) -> Result<Layout, Error> {
        let mut layout = Layout::default();
        if let Some(text) = project.read("go.work")? {
            let work = modfile::parse(&text, &project.name("go.work"), Kind::Work)?;
            for used in &work.uses {
                let key = format!("line {}", used.line);
                let dir = if matches!(used.value.as_str(), "." | "./") {
                    String::new()
                } else {
                    safe_path(&project.name("go.work"), &key, &used.value).map_err(|_| {
                        Error::UnsafeValue {
                            file: project.name("go.work"),
                            key: key.clone(),
                            reason: format!(
                                "`use {}` is not a plain folder inside the project, and the image is built from the project folder",
                                used.value
                            ),
                        }
                    })?
                };
                if let Some(module) = read_module(project, &dir)? {
                    layout.modules.push(module);
                }
            }
            layout.work = Some(work);
        } else if let Some(module) = read_module(project, "")? {
            layout.modules.push(module);
        }
        for module in &layout.modules {
            layout
                .requires
                .extend(module.modfile.requires.iter().cloned());
            for replaced in &module.modfile.replace_dirs {
                let target = join(&module.dir, &replaced.value);
                if leaves(&target) {
                    return Err(Error::Incomplete {
                        file: project.name(&module.file_name()),
                        problem: format!(
                            "line {} replaces a module with `{}`, a folder outside the project, so an image built from the project cannot see it",
                            replaced.line, replaced.value
                        ),
                        fix: "run dockgen in a folder that holds both (with a go.work), or vendor the module (`go mod vendor`)".into(),
                    });
                }
            }
        }
        if let Some(work) = &layout.work {
            let paths: Vec<&str> = layout.modules.iter().map(|m| m.path.as_str()).collect();
            layout.unreplaced = layout.modules.iter().find_map(|m| {
                m.modfile
                    .requires
                    .iter()
                    // A placeholder version (v0.0.0…) is never published: the proxy has nothing.
                    .find(|r| {
                        paths.contains(&r.path.as_str())
                            && r.version.starts_with("v0.0.0")
                            && !m.modfile.replaced.contains(&r.path)
                            && !work.replaced.contains(&r.path)
                    })
                    .map(|r| (project.name(&m.file_name()), r.path.clone()))
            });
        }
        if let Some(text) = project.read("vendor/modules.txt")? {
            layout.vendor = true;
            // `# path version` starts a module; `## explicit` under it marks a direct one.
            for line in text.lines() {
                if let Some(rest) = line.strip_prefix("# ") {
                    let mut words = rest.split_whitespace();
                    if let (Some(path), Some(version)) = (words.next(), words.next()) {
                        layout.requires.push(Require {
                            path: path.to_string(),
                            version: version.to_string(),
                            indirect: true,
                        });
                    }
                } else if line.starts_with("## explicit") {
                    if let Some(last) = layout.requires.last_mut() {
                        last.indirect = false;
                    }
                }
            }
        }
        layout
            .requires
            .sort_by(|a, b| a.path.cmp(&b.path).then(a.indirect.cmp(&b.indirect)));
        layout.requires.dedup_by(|a, b| a.path == b.path);
        Ok(layout)
    }

    /// Module path → root-relative folder, for following the project's own imports.
    pub fn module_paths(&self) -> BTreeMap<String, String> {
        self.modules
            .iter()
            .map(|m| (m.path.clone(), m.dir.clone()))
            .collect()
    }

    /// The module that holds root-relative folder `dir` (the deepest one).
    pub fn module_of(&self, dir: &str) -> Option<&Module> {
        self.modules
            .iter()
            .filter(|m| m.dir.is_empty() || dir == m.dir || dir.starts_with(&format!("{}/", m.dir)))
            .max_by_key(|m| m.dir.len())
    }
}

fn read_module(project: &Project, dir: &str) -> Result<Option<Module>, Error> {
    let file = join(dir, "go.mod");
    let Some(text) = project.read(&file)? else {
        return Ok(None);
    };
    let modfile = modfile::parse(&text, &project.name(&file), Kind::Mod)?;
    let path = modfile
        .module
        .as_ref()
        .map(|m| m.value.clone())
        .unwrap_or_default();
    Ok(Some(Module {
        dir: dir.to_string(),
        path,
        modfile,
    }))
}

/// True when the relative path `path` climbs out of the project.
fn leaves(path: &str) -> bool {
    if path.starts_with('/') {
        return true;
    }
    let mut depth: i32 = 0;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => depth -= 1,
            _ => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}
