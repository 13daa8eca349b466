//! The folders a running app writes inside its own folder (a data directory, uploads), which the
//! image creates owned by the runtime user and declares as volumes (`Plan.writable`), so the
//! code stays read-only and root-owned while the app can still write.
//!
//! Read from the app's sources (`DATA_DIR || './data'`, `mkdirSync('uploads')`,
//! `path.join(__dirname, 'data')`), the app's `.gitignore` (`/data`), and the volumes its
//! service mounts in the repository's Compose file. Every folder is checked as a plain relative
//! path; a folder outside the app (`/data`) cannot be a volume of the image and is a warning.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::rules::WritableRules;
use super::script::is_typescript;
use super::typescript::{compiled, TsConfig};
use super::Ctx;
use crate::detect::safe::{safe_path, shown};
use crate::plan::{Evidence, Field, WarningKind};

/// What writable detection found: folders (app-relative), where each came from, and the ones
/// that only hold local data (ignored by git), which stay out of the build context.
#[derive(Debug, Default)]
pub struct Writable {
    pub dirs: Vec<String>,
    pub local_only: Vec<String>,
}

/// The most folders one image declares; more are a sign of a misreading.
const MAX_DIRS: usize = 5;

fn env_default() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"process\.env(?:\.|\[['"])([A-Z][A-Z0-9_]{0,60})(?:['"]\])?\s*(?:\|\||\?\?)\s*(?:(__dirname|process\.cwd\(\))\s*\+\s*)?['"]([^'"\n]{1,200})['"]"#,
        )
        .expect("static regex")
    })
}

fn mkdir() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"\b(?:mkdirSync|mkdir|mkdirp|mkdirpSync|ensureDir|ensureDirSync)\s*\(\s*(?:path\.(?:join|resolve)\(\s*(__dirname|process\.cwd\(\))\s*,\s*)?['"]([^'"\n]{1,200})['"]"#,
        )
        .expect("static regex")
    })
}

/// `DATA_DIR: str({ default: './data' })`, `DATA_DIR: z.string().default('./data')`.
fn schema_default() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"\b([A-Z][A-Z0-9_]{0,60})['"]?\s*:\s*[^\n]*?(?:\.default\(\s*|\bdefault['"]?\s*:\s*)['"]([^'"\n]{1,200})['"]"#,
        )
        .expect("static regex")
    })
}

fn joined() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"\bpath\.(?:join|resolve)\(\s*(__dirname|process\.cwd\(\))\s*,\s*['"]([^'"\n]{1,200})['"]"#,
        )
        .expect("static regex")
    })
}

/// Folders found so far, in the order found, each with why.
#[derive(Default)]
struct Found {
    order: Vec<String>,
    why: BTreeMap<String, String>,
    /// The file that named the first folder, for the evidence.
    first: Option<String>,
    /// Absolute paths the app writes outside its folder, and where that was read.
    outside: Vec<(String, String)>,
}

impl Found {
    fn add(&mut self, dir: String, file: &str, why: String) {
        if let std::collections::btree_map::Entry::Vacant(slot) = self.why.entry(dir.clone()) {
            slot.insert(why);
            self.order.push(dir);
            self.first.get_or_insert_with(|| file.to_string());
        }
    }
}

/// Finds the folders; notes evidence and warnings on `ctx`.
pub fn detect(ctx: &mut Ctx, ts: &TsConfig) -> Writable {
    let mut found = Found::default();
    from_sources(ctx, ts, &mut found);
    from_compose(ctx, &mut found);
    let mut local_only = from_gitignore(ctx, &mut found);

    let Found {
        mut order,
        why,
        first,
        outside,
    } = found;
    order.truncate(MAX_DIRS);
    local_only.retain(|d| order.contains(d));
    if !order.is_empty() {
        let listed: Vec<String> = order
            .iter()
            .map(|d| format!("`{d}` ({})", why.get(d).map_or("", String::as_str)))
            .collect();
        let note = format!("the app writes {}", listed.join(", "));
        let evidence = match first {
            Some(file) => Evidence::file(&file, None, note),
            None => Evidence::default(note),
        };
        ctx.note(Field::Writable, evidence);
    }
    for (path, at) in outside {
        ctx.warn(
            WarningKind::Writable,
            format!(
                "the app writes `{}` ({at}), outside its folder: the image's root filesystem is read-only there. Point the setting at a folder under the app (a volume of the image) or mount a volume on `{}`",
                shown(&path),
                shown(&path)
            ),
        );
    }
    Writable {
        dirs: order,
        local_only,
    }
}

/// `DATA_DIR || './data'`, `mkdirSync('uploads')`, `path.join(__dirname, 'data')`.
fn from_sources(ctx: &Ctx, ts: &TsConfig, found: &mut Found) {
    let rules = &ctx.rules.writable;
    for source in &ctx.sources {
        let runtime_dir = runtime_dir(&source.file, ts);
        for (i, line) in source.text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") || trimmed.starts_with('*') {
                continue;
            }
            let file = ctx.project.name(&source.file);
            let at = format!("{file} line {}", i + 1);
            let defaults = env_default()
                .captures(line)
                .map(|c| {
                    (
                        c[1].to_string(),
                        c.get(2).map(|m| m.as_str()),
                        c[3].to_string(),
                    )
                })
                .or_else(|| {
                    schema_default()
                        .captures(line)
                        .map(|c| (c[1].to_string(), None, c[2].to_string()))
                });
            if let Some((name, base, value)) = defaults.filter(|(n, ..)| names_data(n, rules)) {
                let file_named = rules
                    .file_suffixes
                    .iter()
                    .any(|s| name.ends_with(s.as_str()));
                match place(&value, base, &runtime_dir, true, file_named) {
                    Place::Inside(dir) => {
                        found.add(dir, &file, format!("`{name}`'s default in {at}"));
                    }
                    Place::Outside(path) => found.outside.push((path, format!("by default, {at}"))),
                    Place::Nowhere => {}
                }
            }
            if let Some(c) = mkdir().captures(line) {
                let base = c.get(1).map(|m| m.as_str());
                if let Place::Inside(dir) = place(&c[2], base, &runtime_dir, false, false) {
                    if !rules.never.iter().any(|n| dir.split('/').next() == Some(n)) {
                        found.add(dir, &file, format!("created by {at}"));
                    }
                }
            }
            for c in joined().captures_iter(line) {
                let first = c[2]
                    .trim_start_matches("./")
                    .split('/')
                    .next()
                    .unwrap_or("");
                if rules.dirs.iter().any(|d| d == first) {
                    if let Place::Inside(dir) =
                        place(&c[2], Some(&c[1]), &runtime_dir, false, false)
                    {
                        found.add(dir, &file, format!("named in {at}"));
                    }
                }
            }
        }
    }
}

/// Volumes the app's service mounts in the repository's Compose file, inside its workdir.
fn from_compose(ctx: &Ctx, found: &mut Found) {
    let Some(service) = &ctx.compose else {
        return;
    };
    let rules = &ctx.rules.writable;
    let mut workdirs: Vec<&str> = rules.compose_workdirs.iter().map(String::as_str).collect();
    // The folder the project's own Dockerfile runs the app from, which Compose mounts under.
    let dockerfile = ctx
        .project
        .read("Dockerfile")
        .ok()
        .flatten()
        .unwrap_or_default();
    let own = dockerfile
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            words.next().filter(|w| w.eq_ignore_ascii_case("WORKDIR"))?;
            words.next().filter(|d| d.starts_with('/'))
        })
        .next_back();
    workdirs.extend(own);
    if let Some(w) = &service.working_dir {
        workdirs.insert(0, w.as_str());
    }
    for target in &service.volumes {
        let rel = workdirs.iter().find_map(|w| {
            target
                .strip_prefix(w.trim_end_matches('/'))
                .and_then(|r| r.strip_prefix('/'))
        });
        match rel {
            Some(rel) if !rel.split('/').any(|p| p == "node_modules") => {
                if let Ok(dir) = safe_path(&service.file, "volumes", rel) {
                    let why = format!("a volume of `{}` in {}", service.name, service.file);
                    found.add(dir, &service.file, why);
                }
            }
            Some(_) => {}
            None if workdirs.iter().any(|w| target.trim_end_matches('/') == *w) => {}
            None => found.outside.push((
                target.clone(),
                format!(
                    "`{}` mounts a volume there in {}",
                    service.name, service.file
                ),
            )),
        }
    }
}

/// Data folders the app's .gitignore lists (`/data`): local data, so also kept out of the
/// build context.
fn from_gitignore(ctx: &Ctx, found: &mut Found) -> Vec<String> {
    let mut local_only = Vec::new();
    if let Ok(Some(text)) = ctx.project.read(".gitignore") {
        for line in text.lines() {
            // `data/`, `/data`, and `db/*` or `db/**` (the folder's contents, its .gitkeep kept).
            let name = line.trim().trim_start_matches('/');
            let name = name
                .strip_suffix("/**")
                .or_else(|| name.strip_suffix("/*"))
                .unwrap_or(name)
                .trim_end_matches('/');
            if ctx.rules.writable.dirs.iter().any(|d| d == name) {
                local_only.push(name.to_string());
                let file = ctx.project.name(".gitignore");
                let why = format!("ignored by {file}");
                found.add(name.to_string(), &file, why);
            }
        }
    }
    local_only
}

/// Whether an environment variable's name says it holds the app's data location.
fn names_data(name: &str, rules: &WritableRules) -> bool {
    let has_word = name
        .split('_')
        .any(|part| rules.env_words.iter().any(|w| w == part));
    let suffixed = rules
        .env_suffixes
        .iter()
        .any(|s| name.ends_with(s.as_str()));
    has_word && (suffixed || rules.env_words.iter().any(|w| w == name))
}

/// The folder the running file sits in: a TypeScript source runs from where tsc writes it.
fn runtime_dir(file: &str, ts: &TsConfig) -> String {
    let running = if is_typescript(file) {
        compiled(ts, file)
    } else {
        file.to_string()
    };
    running
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string())
}

enum Place {
    /// A folder inside the app, app-relative.
    Inside(String),
    /// An absolute path outside the app.
    Outside(String),
    Nowhere,
}

/// Where `value` points at run time: relative to the working directory (the app folder), or to
/// the file's own folder when `base` is `__dirname`. A value that names a file (`./data/app.db`)
/// means its folder when `file_ok`.
fn place(value: &str, base: Option<&str>, runtime_dir: &str, file_ok: bool, file: bool) -> Place {
    if value.starts_with('/') {
        return if base.is_some() {
            // `path.join(__dirname, '/data')` joins; only a bare absolute value is outside.
            place(
                value.trim_start_matches('/'),
                base,
                runtime_dir,
                file_ok,
                file,
            )
        } else {
            Place::Outside(value.to_string())
        };
    }
    let mut path = match base {
        Some("__dirname") if !runtime_dir.is_empty() => format!("{runtime_dir}/{value}"),
        _ => value.to_string(),
    };
    if file_ok {
        let last = path.rsplit('/').next().unwrap_or("");
        if file || (last.contains('.') && !last.starts_with('.')) {
            path = path
                .rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string());
        }
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Place::Nowhere;
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Place::Nowhere;
    }
    match safe_path("source", "path", &parts.join("/")) {
        Ok(dir) => Place::Inside(dir),
        Err(_) => Place::Nowhere,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(value: &str, base: Option<&str>, dir: &str, file_ok: bool) -> Option<String> {
        match place(value, base, dir, file_ok, false) {
            Place::Inside(d) => Some(d),
            _ => None,
        }
    }

    #[test]
    fn values_become_app_relative_folders() {
        assert_eq!(inside("./data", None, "src", true).as_deref(), Some("data"));
        assert_eq!(
            inside("./data/app.db", None, "", true).as_deref(),
            Some("data")
        );
        assert_eq!(
            inside("data", Some("__dirname"), "dist", false).as_deref(),
            Some("dist/data")
        );
        assert_eq!(
            inside("../data", Some("__dirname"), "dist", false).as_deref(),
            Some("data")
        );
        assert_eq!(inside("../../etc", None, "", false), None);
        assert_eq!(inside("./app.db", None, "", true), None);
        assert_eq!(inside("da ta", None, "", false), None);
        assert!(matches!(
            place("/data", None, "", true, false),
            Place::Outside(_)
        ));
        assert!(matches!(place("db/data", None, "", true, true), Place::Inside(d) if d == "db"));
    }

    #[test]
    fn env_names_that_hold_data() {
        let rules = &crate::detect::node::rules::rules().unwrap().writable;
        assert!(names_data("DATA_DIR", rules));
        assert!(names_data("UPLOAD_PATH", rules));
        assert!(names_data("SQLITE_FILE", rules));
        assert!(names_data("DB_FILENAME", rules));
        assert!(!names_data("DB_NAME", rules));
        assert!(names_data("DATA", rules));
        assert!(!names_data("DATABASE_URL", rules));
        assert!(!names_data("PUBLIC_PATH", rules));
    }
}
