//! The app's own source files that say how it runs, found by following local imports from the
//! entry: a port or a data folder often lives in a config module the entry imports, not in the
//! entry itself.
//!
//! The walk is bounded (a few hops, a few dozen files, files of ordinary size) and reads only
//! through `Project`, so it stays inside the project and never enters `node_modules`. These are
//! hints: a file that cannot be read is skipped, never an error.

use std::collections::{BTreeSet, VecDeque};
use std::sync::OnceLock;

use regex::Regex;

use crate::project::Project;

/// One source file and its text.
pub struct Source {
    /// Relative to the app folder.
    pub file: String,
    pub text: String,
}

/// How many imports deep the walk goes from the entry.
const MAX_DEPTH: usize = 3;
/// The most files one walk reads.
const MAX_FILES: usize = 40;
/// Larger files are bundles or generated code, not where an app spells its settings.
const MAX_BYTES: usize = 512 * 1024;

/// Files an app imports for data that says nothing about how it runs.
const MANIFESTS: &[&str] = &["package.json", "package-lock.json", "npm-shrinkwrap.json"];

/// Extensions a local import may leave out, in the order Node and bundlers try them.
const EXTENSIONS: &[&str] = &["js", "ts", "mjs", "mts", "cjs", "cts", "jsx", "tsx", "json"];

fn imports() -> &'static Regex {
    static IMPORTS: OnceLock<Regex> = OnceLock::new();
    IMPORTS.get_or_init(|| {
        Regex::new(
            r#"(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s+|\bimport\s+)["'](\.{1,2}/[^"'\s]{1,200})["']"#,
        )
        .expect("static regex")
    })
}

/// `starts` (the first one that exists is the entry), then the files they import, breadth first.
pub fn walk(project: &Project, starts: &[String]) -> Vec<Source> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<(String, usize)> = starts.iter().map(|s| (s.clone(), 0)).collect();
    while let Some((file, depth)) = queue.pop_front() {
        if out.len() == MAX_FILES {
            break;
        }
        if !seen.insert(file.clone()) {
            continue;
        }
        // Manifests are imported for their version or name; their scripts are not settings.
        let base = file.rsplit('/').next().unwrap_or(&file);
        if MANIFESTS.contains(&base) {
            continue;
        }
        let Ok(Some(text)) = project.read(&file) else {
            continue;
        };
        if text.len() > MAX_BYTES {
            continue;
        }
        if depth < MAX_DEPTH {
            let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
            for spec in imports().captures_iter(&text).map(|c| c[1].to_string()) {
                if let Some(found) = resolve(project, dir, &spec) {
                    queue.push_back((found, depth + 1));
                }
            }
        }
        out.push(Source { file, text });
    }
    out
}

/// The file a relative import names, as Node or a bundler would find it; `None` when it leaves
/// the project or does not exist.
pub fn resolve(project: &Project, dir: &str, spec: &str) -> Option<String> {
    let joined = normalize(&format!("{dir}/{spec}"))?;
    let ext = std::path::Path::new(&joined)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| EXTENSIONS.contains(e));
    let mut candidates = Vec::new();
    if let Some(ext) = ext {
        candidates.push(joined.clone());
        // TypeScript's ESM imports name the compiled `.js` file.
        let stem = &joined[..joined.len() - ext.len() - 1];
        let ts = match ext {
            "js" => &["ts", "tsx"][..],
            "mjs" => &["mts"][..],
            "cjs" => &["cts"][..],
            _ => &[][..],
        };
        candidates.extend(ts.iter().map(|t| format!("{stem}.{t}")));
    } else {
        candidates.extend(EXTENSIONS.iter().map(|e| format!("{joined}.{e}")));
        candidates.extend(EXTENSIONS.iter().map(|e| format!("{joined}/index.{e}")));
    }
    candidates.into_iter().find(|c| project.is_file(c))
}

/// `a/./b/../c` → `a/c`; `None` when the path climbs above the app folder.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_inside_the_app_only() {
        assert_eq!(
            normalize("src/./config/../env.js").as_deref(),
            Some("src/env.js")
        );
        assert_eq!(normalize("/config").as_deref(), Some("config"));
        assert_eq!(normalize("../etc/passwd"), None);
        assert_eq!(normalize("src/../../x"), None);
    }

    #[test]
    fn imports_are_read_in_every_spelling() {
        let text = r#"
            const config = require('./config');
            import { port } from "../lib/settings.js";
            import './side-effect';
            export * from './reexport';
            const lazy = await import('./lazy.mjs');
            import express from 'express';
        "#;
        let found: Vec<&str> = imports()
            .captures_iter(text)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        assert_eq!(
            found,
            [
                "./config",
                "../lib/settings.js",
                "./side-effect",
                "./reexport",
                "./lazy.mjs"
            ]
        );
    }
}
