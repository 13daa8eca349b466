//! Configuration the build reads from the environment: a check-env script, a framework config
//! that reads `process.env.X`, Prisma's config, the public variables a front-end build inlines
//! (`NEXT_PUBLIC_*`, listed in `.env.example`). Without them the build fails or bakes in
//! nothing.
//!
//! Each variable becomes a build `ARG` (its default only where `.env.example` documents a plain,
//! non-secret value) or, when its name says it is a secret, a `BuildKit` secret the build step
//! reads from a file that never enters a layer. Each is named in a warning saying how to pass
//! it. Names and defaults are checked by shape, so a project file cannot add an instruction.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::script::{Command, Syntax};
use super::sources;
use super::Ctx;
use crate::detect::safe::shown;
use crate::plan::{BuildVar, WarningKind};

/// The most variables one build declares; more are a sign of a misreading.
const MAX_VARS: usize = 20;

fn env_reads() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"process\.env\.([A-Za-z_][A-Za-z0-9_]{0,100})\b|process\.env\[\s*['"]([A-Za-z_][A-Za-z0-9_]{0,100})['"]\s*\]|\benv\(\s*['"]([A-Za-z_][A-Za-z0-9_]{0,100})['"]|import\.meta\.env\.([A-Za-z_][A-Za-z0-9_]{0,100})\b"#,
        )
        .expect("static regex")
    })
}

/// Where a variable was found, for its warning.
struct Reader {
    file: String,
    /// Read during the dependency install (a `postinstall` script), not only the build.
    install: bool,
}

/// Every variable read so far, by name.
#[derive(Default)]
struct Found(BTreeMap<String, Reader>);

impl Found {
    fn note(&mut self, name: &str, file: String, install: bool) {
        let entry = self.0.entry(name.to_string()).or_insert(Reader {
            file,
            install: false,
        });
        entry.install |= install;
    }

    fn read(&mut self, ctx: &Ctx, file: &str, install: bool) {
        if let Ok(Some(text)) = ctx.project.read(file) {
            for name in reads(&text) {
                self.note(&name, ctx.project.name(file), install);
            }
        }
    }
}

/// The variables the build reads, as build arguments and secrets; warnings on `ctx`.
pub fn detect(ctx: &mut Ctx) -> Vec<BuildVar> {
    let rules = &ctx.rules.build_env;
    let builds = ctx.builds;
    let mut found = Found::default();
    if builds {
        // Framework configs and the local modules they import (`import './src/env.js'`).
        let configs: Vec<String> = rules
            .config_files
            .iter()
            .filter(|f| ctx.project.is_file(f))
            .cloned()
            .collect();
        for source in sources::walk(ctx.project, &configs) {
            for name in reads(&source.text) {
                found.note(&name, ctx.project.name(&source.file), false);
            }
        }
    }
    from_scripts(ctx, &mut found);
    from_prisma(ctx, &mut found);
    // Public variables a front-end build inlines, as the project documents them.
    let documented = documented(ctx);
    for (name, (file, _)) in documented.iter().filter(|_| builds) {
        if public(name, &rules.public_prefixes) {
            found.note(name, file.clone(), false);
        }
    }

    let mut vars = Vec::new();
    for (name, reader) in found.0 {
        if vars.len() == MAX_VARS {
            break;
        }
        if rules.ignore.contains(&name) || !valid_name(&name) {
            continue;
        }
        let is_public = public(&name, &rules.public_prefixes);
        let secret = !is_public && secret(&name, &rules.secret_words);
        let default = documented
            .get(&name)
            .map(|(_, value)| value.clone())
            .filter(|v| !secret && valid_default(v));
        ctx.warn(
            WarningKind::BuildConfig,
            message(&name, &reader, secret, default.as_deref()),
        );
        vars.push(BuildVar {
            name,
            default,
            secret,
            install: reader.install,
        });
    }
    vars
}

/// Files the build's scripts run with node (`node scripts/check-env.js && next build`); a
/// `postinstall` script runs during the install.
fn from_scripts(ctx: &Ctx, found: &mut Found) {
    let syntax = Syntax::new(ctx.rules);
    for script in &ctx.rules.build_env.scripts {
        let install = script.contains("install");
        let Some(line) = ctx.script(script).filter(|_| ctx.builds || install) else {
            continue;
        };
        for command in syntax.commands(line) {
            let file = match command {
                Command::Node(args) => args.into_iter().find(|a| !a.starts_with('-')),
                Command::TsRunner(file) => Some(file),
                _ => None,
            };
            if let Some(file) = file.filter(|f| !f.starts_with('/') && !f.contains("..")) {
                found.read(ctx, &file, install);
            }
        }
    }
}

/// Prisma's config when a build script runs prisma, and its schema when one connects
/// (`prisma migrate deploy`, `prisma db push`).
fn from_prisma(ctx: &Ctx, found: &mut Found) {
    let rules = &ctx.rules.build_env;
    if !ctx.all.iter().any(|d| rules.prisma_packages.contains(d)) {
        return;
    }
    let lines: Vec<(&str, bool)> = rules
        .scripts
        .iter()
        .filter_map(|s| Some((ctx.script(s)?, s.contains("install"))))
        .filter(|(_, install)| ctx.builds || *install)
        .filter(|(line, _)| line.contains("prisma"))
        .collect();
    if lines.is_empty() {
        return;
    }
    let install = lines.iter().any(|(_, i)| *i);
    let connects = lines.iter().any(|(line, _)| {
        rules
            .schema_commands
            .iter()
            .any(|c| line.contains(c.as_str()))
    });
    let mut files: Vec<&String> = rules.prisma_configs.iter().collect();
    if connects {
        files.extend(rules.prisma_schemas.iter());
    }
    for file in files {
        found.read(ctx, file, install);
    }
}

/// The warning that names a variable and how to pass it.
fn message(name: &str, reader: &Reader, secret: bool, default: Option<&str>) -> String {
    if secret {
        return format!(
            "the build reads `{name}` ({}), a secret: it reaches the build step as a BuildKit secret and never a layer; build with `docker build --secret id={name},env={name} .`",
            reader.file
        );
    }
    let with = default.map_or(String::new(), |v| {
        format!(" (default `{}` from the project's env example)", shown(v))
    });
    format!(
        "the build reads `{name}` ({}): it is a build argument{with}; build with `docker build --build-arg {name}=<value> .`",
        reader.file
    )
}

/// The variable names a source reads.
fn reads(text: &str) -> Vec<String> {
    env_reads()
        .captures_iter(text)
        .filter_map(|c| {
            c.iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| m.as_str().to_string())
        })
        .collect()
}

/// `NAME=value` lines of the first env example file, with the file's name.
fn documented(ctx: &Ctx) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for file in &ctx.rules.build_env.env_examples {
        let Ok(Some(text)) = ctx.project.read(file) else {
            continue;
        };
        for line in text.lines().take(500) {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if line.starts_with('#') || !valid_name(name) {
                continue;
            }
            let value = value.trim().trim_matches(['"', '\'']);
            out.insert(
                name.to_string(),
                (ctx.project.name(file), value.to_string()),
            );
        }
        break;
    }
    out
}

fn public(name: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| name.starts_with(p.as_str()))
}

fn secret(name: &str, words: &[String]) -> bool {
    let upper = name.to_ascii_uppercase();
    words.iter().any(|w| upper.contains(w.as_str()))
}

/// A name a Dockerfile `ARG` and a shell variable both accept.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 100
}

/// A default dockgen writes after `ARG NAME=`: plain characters only, nothing a Dockerfile or
/// a shell would read as syntax.
fn valid_default(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 200
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:/@%+,=-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_spelling() {
        let text = "const a = process.env.API_URL; const b = process.env['NEXT_PUBLIC_X'];\nurl = env(\"DATABASE_URL\")\nimport.meta.env.VITE_Y; process.env['A;B']";
        assert_eq!(
            reads(text),
            ["API_URL", "NEXT_PUBLIC_X", "DATABASE_URL", "VITE_Y"]
        );
    }

    #[test]
    fn names_and_defaults_have_a_shape() {
        assert!(valid_name("NEXT_PUBLIC_API_URL") && valid_name("_x1"));
        assert!(!valid_name("1X") && !valid_name("A-B") && !valid_name("A B") && !valid_name(""));
        assert!(valid_default("http://localhost:3000/api"));
        assert!(!valid_default("a b") && !valid_default("$(id)") && !valid_default("x\"y"));
        assert!(!valid_default("a\nRUN x"));
    }
}
