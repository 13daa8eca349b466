//! TypeScript's compiler settings, and how a source file maps to the file tsc writes.

use serde_json::Value;

use super::script::swap_extension;
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::project::Project;

/// TypeScript compiler settings that move files between source and output.
#[derive(Debug, Default, Clone)]
pub struct TsConfig {
    pub out_dir: Option<String>,
    pub root_dir: Option<String>,
}

/// tsconfig.json, overlaid by tsconfig.build.json (what `nest build` and many `tsc -p` builds use).
pub fn read_tsconfig(project: &Project) -> Result<TsConfig, Error> {
    let mut ts = TsConfig::default();
    for file in ["tsconfig.json", "tsconfig.build.json"] {
        let Some(config) = project.read_jsonc(file)? else {
            continue;
        };
        let name = project.name(file);
        let option = |key: &str| -> Result<Option<String>, Error> {
            match config
                .pointer(&format!("/compilerOptions/{key}"))
                .and_then(Value::as_str)
            {
                // "." (or "./") is the project root itself; ".." is refused below.
                Some(v) if matches!(v.trim_end_matches('/'), "." | "") => Ok(Some(String::new())),
                Some(v) => safe_path(&name, &format!("compilerOptions.{key}"), v).map(Some),
                None => Ok(None),
            }
        };
        if let Some(out) = option("outDir")? {
            ts.out_dir = Some(out).filter(|o| !o.is_empty());
        }
        if let Some(root) = option("rootDir")? {
            ts.root_dir = Some(root);
        }
    }
    Ok(ts)
}

/// The JavaScript file tsc writes for `source` under `ts`.
pub fn compiled(ts: &TsConfig, source: &str) -> String {
    let root = ts
        .root_dir
        .clone()
        .or_else(|| source.starts_with("src/").then(|| "src".to_string()));
    let mut rel = source;
    if let Some(root) = root.as_deref().filter(|r| !r.is_empty()) {
        rel = rel.strip_prefix(&format!("{root}/")).unwrap_or(rel);
    }
    let rel = swap_extension(rel);
    match &ts.out_dir {
        Some(out) => format!("{out}/{rel}"),
        None => match root.filter(|r| !r.is_empty()) {
            Some(root) => format!("{root}/{rel}"),
            None => rel,
        },
    }
}

/// The TypeScript sources a compiled file may come from (`dist/index.js` → `src/index.ts`).
pub fn sources_of(ts: &TsConfig, file: &str) -> Vec<String> {
    let Some(rel) = ts
        .out_dir
        .as_ref()
        .and_then(|out| file.strip_prefix(&format!("{out}/")))
    else {
        return Vec::new();
    };
    let root = ts.root_dir.as_deref().unwrap_or("src");
    let stem = rel
        .trim_end_matches(".js")
        .trim_end_matches(".mjs")
        .trim_end_matches(".cjs");
    let prefix = if root.is_empty() {
        String::new()
    } else {
        format!("{root}/")
    };
    ["ts", "mts", "cts", "tsx"]
        .iter()
        .map(|ext| format!("{prefix}{stem}.{ext}"))
        .collect()
}
