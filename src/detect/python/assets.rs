//! Front-end assets of a Python app (django-vite, tailwind): a package.json with a build
//! script is built in a Node.js stage, and what it writes is copied into the Python build
//! before `collectstatic`, at the path the project's own config writes it to.

use super::rules::AssetsRules;
use crate::detect::{node, safe};
use crate::error::Error;
use crate::plan::{Evidence, PythonAssets, Warning};
use crate::project::Project;

pub struct Assets {
    pub stage: PythonAssets,
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

/// The asset build of `project`'s package.json, if it has one of the build scripts.
pub fn detect(project: &Project, rules: &AssetsRules) -> Result<Option<Assets>, Error> {
    let Some(build) = node::assets::asset_build(project, &rules.scripts)? else {
        return Ok(None);
    };
    let manifest = project.read_json("package.json")?.unwrap_or_default();
    let has = |name: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|s| manifest.get(s).and_then(|d| d.get(name)).is_some())
    };
    let script = build.build.rsplit(' ').next().unwrap_or("build");
    let script_text = manifest
        .get("scripts")
        .and_then(|s| s.get(script))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let mut outputs = flag_outputs(script_text, &rules.output_flags);
    if outputs.is_empty() {
        for out in rules.outputs.iter().filter(|o| has(&o.package)) {
            let configured = out
                .config_files
                .iter()
                .find_map(|f| project.read(f).ok().flatten())
                .and_then(|text| config_value(&text, &out.key));
            outputs.push(configured.unwrap_or_else(|| out.dir.clone()));
        }
    }
    let outputs = outputs
        .iter()
        .map(|o| safe::safe_path(&project.name("package.json"), "build output", o))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Assets {
        stage: PythonAssets {
            image: build.image,
            manifests: build.manifests,
            env: build.env,
            setup: build.setup,
            install: build.install,
            cache: build.cache,
            build: build.build,
            outputs,
        },
        evidence: build.evidence,
        warnings: build.warnings,
    }))
}

/// Files named after an output flag in the build script (`tailwindcss -o static/app.css`).
fn flag_outputs(script: &str, flags: &[String]) -> Vec<String> {
    let words = shell_words::split(script).unwrap_or_default();
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for flag in flags {
            if word == flag {
                out.extend(words.get(i + 1).cloned());
            } else if let Some(v) = word.strip_prefix(&format!("{flag}=")) {
                out.push(v.to_string());
            }
        }
    }
    out.retain(|o| !o.is_empty() && !o.starts_with('-'));
    out
}

/// The last string literal in the value of `key: …` (`outDir: resolve(__dirname, "static/dist")`),
/// read up to the `,` or `}` that ends it.
fn config_value(text: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = text[from..].find(key).map(|i| i + from) {
        from = at + key.len();
        let boundary = text[..at].chars().next_back();
        if boundary.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(rest) = text[from..].trim_start().strip_prefix(':') else {
            continue;
        };
        let mut depth = 0usize;
        let mut literals = Vec::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                ',' | '}' | '\n' if depth == 0 => break,
                '"' | '\'' | '`' => {
                    let after = &rest[i + 1..];
                    let end = after.find(c)?;
                    literals.push(after[..end].to_string());
                    for _ in 0..=after[..end].chars().count() {
                        chars.next();
                    }
                }
                _ => {}
            }
        }
        if let Some(last) = literals.pop() {
            return Some(last.trim_start_matches("./").to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_come_from_flags_or_the_bundler_config() {
        let flags = vec!["-o".to_string(), "--outfile".to_string()];
        assert_eq!(
            flag_outputs(
                "tailwindcss -i ./static/src/in.css -o ./static/css/out.css --minify",
                &flags
            ),
            ["./static/css/out.css"]
        );
        assert_eq!(
            flag_outputs("esbuild a.js --outfile=static/app.js", &flags),
            ["static/app.js"]
        );
        assert_eq!(
            config_value(
                "  build: {\n    outDir: resolve(__dirname, './static/dist'),\n",
                "outDir"
            )
            .as_deref(),
            Some("static/dist")
        );
        assert_eq!(
            config_value("outDir: \"assets/build\",", "outDir").as_deref(),
            Some("assets/build")
        );
        assert_eq!(
            config_value(
                "export default { build: { manifest: true, outDir: \"static/dist\" } };",
                "outDir"
            )
            .as_deref(),
            Some("static/dist")
        );
    }
}
