//! Go packages on disk: which folders hold a main package, and what a program is made of
//! (its main package plus the packages of its own modules that it imports).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::rules::{within, GoRules};
use super::source::{self, GoFile};
use crate::project::Project;

/// One package folder as the build for the target sees it.
#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub files: Vec<GoFile>,
}

/// `dir/rel`, or `rel` at the root.
pub fn join(dir: &str, rel: &str) -> String {
    match (dir.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (false, true) => dir.to_string(),
        (false, false) => format!("{dir}/{rel}"),
    }
}

/// A main package's folder as messages name it: `cmd/api`, or the module root.
pub fn describe(dir: &str) -> String {
    if dir.is_empty() {
        "the root package".to_string()
    } else {
        format!("`{dir}`")
    }
}

/// The package in root-relative folder `dir`, if it has Go files that build for the target.
/// Unreadable files are skipped: they cannot make a folder a main package.
pub fn read(project: &Project, dir: &str, rules: &GoRules) -> Option<Package> {
    let root = project.repo();
    let mut files = Vec::new();
    for name in root
        .list(dir, false)
        .into_iter()
        .filter(|n| source::name_matches(n, &rules.sources))
        .take(rules.sources.max_files)
    {
        let rel = join(dir, &name);
        if let Some(text) = root.read(&rel).ok().flatten() {
            files.extend(source::read(&rel, &text, &rules.sources));
        }
    }
    // A folder whose files disagree is broken for the go command too; `main` wins so that a
    // program is never missed.
    let name = if files.iter().any(|f| f.package == "main") {
        "main".to_string()
    } else {
        files.first()?.package.clone()
    };
    files.retain(|f| f.package == name);
    Some(Package { name, files })
}

/// True when `dir` holds a main package.
pub fn is_main(project: &Project, dir: &str, rules: &GoRules) -> bool {
    read(project, dir, rules).is_some_and(|p| p.name == "main")
}

/// True when a folder named `name` is one the go command never builds from, or one that never
/// holds "the" app (examples, tools, tests).
fn skipped(name: &str, rules: &GoRules, skip: &crate::rules::AppRules) -> bool {
    name.starts_with(['.', '_'])
        || rules.sources.never.iter().any(|n| n == name)
        || skip.skip.iter().any(|s| s == name)
}

/// Main packages of the module in root-relative folder `module_dir`: the module root and
/// `cmd/*` first (the Go convention), then, only when those hold none, any folder a few levels
/// down. Folders that never hold the app are skipped.
pub fn mains(project: &Project, module_dir: &str, rules: &GoRules) -> Vec<String> {
    let Ok(common) = crate::rules::common() else {
        return Vec::new();
    };
    let skip = &common.apps;
    let root = project.repo();
    let mut found = Vec::new();
    if is_main(project, module_dir, rules) {
        found.push(module_dir.to_string());
    }
    let commands = join(module_dir, &rules.sources.commands);
    for name in root.list(&commands, true) {
        if !skipped(&name, rules, skip) && is_main(project, &join(&commands, &name), rules) {
            found.push(join(&commands, &name));
        }
    }
    if !found.is_empty() {
        return found;
    }
    // Breadth-first, bounded: folders below the module that are not skipped.
    let mut queue: VecDeque<(String, usize)> = VecDeque::from([(module_dir.to_string(), 0)]);
    let mut visited = 0;
    while let Some((dir, depth)) = queue.pop_front() {
        if depth >= rules.sources.max_depth {
            continue;
        }
        for name in root.list(&dir, true) {
            visited += 1;
            if visited > common.apps.limit || skipped(&name, rules, skip) {
                continue;
            }
            let child = join(&dir, &name);
            // A nested module is its own project (go.work lists it if it belongs here).
            if root.is_file(&join(&child, "go.mod")) {
                continue;
            }
            if is_main(project, &child, rules) {
                found.push(child.clone());
            }
            queue.push_back((child, depth + 1));
        }
    }
    found.sort();
    found
}

/// A program: its main package and every package of the project's own modules it imports.
#[derive(Debug, Clone)]
pub struct Program {
    /// Every file of every package the program is built from, main package first.
    pub files: Vec<GoFile>,
    /// Imports from outside the project's modules (standard library and dependencies).
    pub imports: BTreeSet<String>,
}

/// Reads the program whose main package is in `dir`. `modules` maps each of the project's
/// module paths to its root-relative folder, so imports of the project's own packages are
/// followed (bounded).
pub fn program(
    project: &Project,
    dir: &str,
    modules: &BTreeMap<String, String>,
    rules: &GoRules,
) -> Program {
    let mut files = Vec::new();
    let mut imports = BTreeSet::new();
    let mut seen = BTreeSet::from([dir.to_string()]);
    let mut queue = VecDeque::from([dir.to_string()]);
    while let Some(next) = queue.pop_front() {
        if files.len() >= rules.sources.max_program_files {
            break;
        }
        let Some(package) = read(project, &next, rules) else {
            continue;
        };
        for file in &package.files {
            for import in &file.imports {
                let local = modules
                    .iter()
                    .filter(|(path, _)| within(import, path))
                    .max_by_key(|(path, _)| path.len());
                match local {
                    Some((path, folder)) => {
                        let rest = import[path.len()..].trim_start_matches('/');
                        let folder = join(folder, rest);
                        if seen.len() < rules.sources.max_packages && seen.insert(folder.clone()) {
                            queue.push_back(folder);
                        }
                    }
                    None => {
                        imports.insert(import.clone());
                    }
                }
            }
        }
        files.extend(package.files);
    }
    Program { files, imports }
}
