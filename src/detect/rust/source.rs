//! What a binary's Rust sources say: whether it serves the network, its port, and the folders
//! it reads at run time (clap subcommands: `clap.rs`). Read through `Project`, bounded in files.

use std::sync::OnceLock;

use regex::Regex;

use super::workspace::{Package, Target};
use crate::error::Error;
use crate::project::Project;

/// One source file, root-relative, and its text.
pub struct File {
    pub name: String,
    pub text: String,
}

/// The binary's own files: its root file and the folder it owns (`src/` without `src/bin/`
/// for `src/main.rs`; `src/bin/<name>/` for a binary kept in a folder).
pub fn own_files(
    repo: &Project,
    package: &Package,
    bin: &Target,
    limit: usize,
) -> Result<Vec<File>, Error> {
    let rel = bin
        .path
        .strip_prefix(&package.dir)
        .map_or(bin.path.as_str(), |r| r.trim_start_matches('/'));
    let member = repo.at(&package.dir);
    let mut names = vec![rel.to_string()];
    let folder = rel.rsplit_once('/').map(|(dir, _)| dir.to_string());
    let nested = rel
        .strip_suffix(".rs")
        .filter(|stem| stem.starts_with("src/bin/"))
        .map(str::to_string);
    let mut skip = Vec::new();
    match (folder, nested) {
        (_, Some(own)) => walk(&member, &own, &skip, &mut names, limit),
        (Some(folder), None) => {
            if !folder.starts_with("src/bin") {
                skip.push(format!("{folder}/bin"));
            }
            walk(&member, &folder, &skip, &mut names, limit);
        }
        (None, None) => {}
    }
    read_all(&member, names)
}

/// Every Rust file under each package's `src/` (the libraries a binary calls into).
pub fn package_files(
    repo: &Project,
    packages: &[&Package],
    limit: usize,
) -> Result<Vec<File>, Error> {
    let mut out = Vec::new();
    for package in packages {
        let member = repo.at(&package.dir);
        let mut names = Vec::new();
        walk(
            &member,
            "src",
            &["src/bin".to_string()],
            &mut names,
            limit.saturating_sub(out.len()),
        );
        out.extend(read_all(&member, names)?);
    }
    Ok(out)
}

fn read_all(member: &Project, names: Vec<String>) -> Result<Vec<File>, Error> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for name in names {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(text) = member.read(&name)? {
            out.push(File {
                name: member.name(&name),
                text: without_tests(text),
            });
        }
    }
    Ok(out)
}

/// The source up to its `#[cfg(test)]` module: tests bind ports and parse arguments too, and
/// Rust keeps them at the end of the file by convention.
fn without_tests(mut text: String) -> String {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == "#[cfg(test)]" {
            let rest = text[offset + line.len()..].trim_start();
            if rest.starts_with("mod ") || rest.starts_with("pub mod ") {
                text.truncate(offset);
                return text;
            }
        }
        offset += line.len();
    }
    text
}

/// `.rs` files under `dir`, depth-first in name order, at most `limit`.
fn walk(member: &Project, dir: &str, skip: &[String], out: &mut Vec<String>, limit: usize) {
    let mut stack = vec![(dir.to_string(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        if skip.contains(&dir) || depth > 8 {
            continue;
        }
        for file in member.list(&dir, false) {
            if out.len() >= limit {
                return;
            }
            if file.ends_with(".rs") {
                out.push(format!("{dir}/{file}"));
            }
        }
        for sub in member.list(&dir, true).into_iter().rev() {
            stack.push((format!("{dir}/{sub}"), depth + 1));
        }
    }
}

/// True when any file contains any marker (outside `//` comments).
pub fn mentions(files: &[File], markers: &[&str]) -> bool {
    files.iter().any(|f| {
        f.text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .any(|l| markers.iter().any(|m| l.contains(m)))
    })
}

/// A port found in the sources.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    /// `None` when a variable is read with no default (the image must set it).
    pub port: Option<u16>,
    pub file: String,
    pub line: usize,
    pub what: String,
    /// The environment variable the program reads it from.
    pub env: Option<String>,
    /// It binds the loopback address only: unreachable from outside the container.
    pub loopback: bool,
}

struct Pattern {
    re: Regex,
    what: &'static str,
    loopback: bool,
}

/// Binds and constants in order of trust. An environment variable with a default is
/// checked apart (it spans lines).
fn patterns() -> &'static [Pattern] {
    static PATTERNS: OnceLock<Vec<Pattern>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            (
                r#""(?:0\.0\.0\.0|\[::\]|::):(\d{2,5})""#,
                "a bind to all addresses",
                false,
            ),
            (
                r#"\(\s*"(?:0\.0\.0\.0|::)"\s*,\s*(\d{2,5})\s*\)"#,
                "a bind to all addresses",
                false,
            ),
            (
                r"\[\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*\]\s*,\s*(\d{2,5})\b",
                "a bind to all addresses",
                false,
            ),
            (
                r"Ipv[46]Addr::UNSPECIFIED\s*\)?\s*,\s*(\d{2,5})\b",
                "a bind to all addresses",
                false,
            ),
            (
                r#"env\s*=\s*"[A-Z_]*PORT"[^\n]*default_value(?:_t)?\s*=\s*"?(\d{2,5})"#,
                "a command-line default",
                false,
            ),
            (
                r"(?i)\bconst\s+\w*PORT\w*\s*:\s*u16\s*=\s*(\d{2,5})\b",
                "a PORT constant",
                false,
            ),
            (
                r"\blet\s+(?:mut\s+)?port\s*(?::\s*u16\s*)?=\s*(\d{2,5})\b",
                "a port variable",
                false,
            ),
            (
                r#""(?:127\.0\.0\.1|localhost):(\d{2,5})""#,
                "a bind to the loopback address",
                true,
            ),
            (
                r#"\(\s*"(?:127\.0\.0\.1|localhost)"\s*,\s*(\d{2,5})\s*\)"#,
                "a bind to the loopback address",
                true,
            ),
            (
                r"\[\s*127\s*,\s*0\s*,\s*0\s*,\s*1\s*\]\s*,\s*(\d{2,5})\b",
                "a bind to the loopback address",
                true,
            ),
        ]
        .into_iter()
        .map(|(re, what, loopback)| Pattern {
            re: Regex::new(re).expect("static regex"),
            what,
            loopback,
        })
        .collect()
    })
}

fn env_read() -> &'static (Regex, Regex) {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    RE.get_or_init(|| {
        (
            Regex::new(r#"(?:env::)?var(?:_os)?\(\s*"([A-Z0-9_]*PORT)"\s*\)"#).expect("static regex"),
            Regex::new(r#"(?:unwrap_or(?:_else)?|map_or(?:_else)?)\(\s*(?:\|[^|]*\|\s*)?(?:String::from\()?"?(\d{2,5})\b"#)
                .expect("static regex"),
        )
    })
}

/// The best port the files name, in order of trust: a `PORT` variable's default, a bind to
/// all addresses, a command-line default, a constant; then a variable read with no default;
/// then, with `loopback`, a loopback bind.
pub fn port(files: &[File], loopback: bool, clients: &[String]) -> Option<Found> {
    let allow_loopback = loopback;
    // `POSTGRES_PORT = 5432` is where the program connects, not where it listens.
    let client = |text: &str| {
        let upper = text.to_ascii_uppercase();
        upper
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .flat_map(|word| word.split('_'))
            .any(|word| {
                clients
                    .iter()
                    .any(|c| word == c || word.strip_prefix(c.as_str()) == Some("PORT"))
            })
    };
    let (read, default) = env_read();
    let mut unset = None;
    for file in files {
        let lines: Vec<&str> = file.text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let Some(caps) = read.captures(line).filter(|c| !client(&c[1])) else {
                continue;
            };
            let var = caps[1].to_string();
            let window = lines[i..lines.len().min(i + 4)].join(" ");
            let after = &window[window.find(&caps[0]).unwrap_or(0)..];
            if let Some(port) = default
                .captures(after)
                .and_then(|c| c[1].parse::<u16>().ok())
                .filter(|p| *p > 0)
            {
                return Some(Found {
                    port: Some(port),
                    file: file.name.clone(),
                    line: i + 1,
                    what: format!("reads `{var}`, default {port}"),
                    env: Some(var),
                    loopback: false,
                });
            }
            unset.get_or_insert(Found {
                port: None,
                file: file.name.clone(),
                line: i + 1,
                what: format!("reads `{var}` with no default"),
                env: Some(var),
                loopback: false,
            });
        }
    }
    let mut loopback = None;
    for pattern in patterns() {
        for file in files {
            for (i, line) in file.text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                let Some(port) = pattern
                    .re
                    .captures(line)
                    .filter(|c| !client(&c[0]))
                    .and_then(|c| c[1].parse::<u16>().ok())
                    .filter(|p| *p > 0)
                else {
                    continue;
                };
                let found = Found {
                    port: Some(port),
                    file: file.name.clone(),
                    line: i + 1,
                    what: pattern.what.to_string(),
                    env: None,
                    loopback: pattern.loopback,
                };
                if !pattern.loopback {
                    return Some(found);
                }
                if allow_loopback {
                    loopback.get_or_insert(found);
                }
            }
        }
    }
    unset.or(loopback)
}

/// Configuration files a server may read its listen address from: by extension, beside the
/// package's manifest, at the root, and in the configuration folders of either.
pub fn config_files(
    repo: &Project,
    package: &Package,
    extensions: &[String],
    dirs: &[String],
) -> Result<Vec<File>, Error> {
    const NOT_CONFIG: [&str; 4] = [
        "Cargo.toml",
        "rust-toolchain.toml",
        "package.json",
        "package-lock.json",
    ];
    let mut out = Vec::new();
    let mut bases = vec![repo.at(&package.dir)];
    if !package.dir.is_empty() {
        bases.push(repo.repo());
    }
    for base in bases {
        let folders = std::iter::once(String::new()).chain(dirs.iter().cloned());
        for folder in folders {
            let listed = base.list(if folder.is_empty() { "." } else { &folder }, false);
            for name in listed {
                let is_config = name
                    .rsplit_once('.')
                    .is_some_and(|(_, ext)| extensions.iter().any(|e| e == ext));
                if !is_config || NOT_CONFIG.contains(&name.as_str()) || out.len() >= 40 {
                    continue;
                }
                let rel = if folder.is_empty() {
                    name
                } else {
                    format!("{folder}/{name}")
                };
                if let Some(text) = base.read(&rel)? {
                    out.push(File {
                        name: base.name(&rel),
                        text,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// A bind to all addresses in configuration files (`listen = "0.0.0.0:8071"`, `[::]:80`).
pub fn config_port(files: &[File]) -> Option<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"(?:\b0\.0\.0\.0|\[::\]):(\d{2,5})\b").expect("static regex"));
    for file in files {
        for (i, line) in file.text.lines().enumerate() {
            let comment = line.trim_start();
            if comment.starts_with('#') || comment.starts_with("//") {
                continue;
            }
            if let Some(port) = re
                .captures(line)
                .and_then(|c| c[1].parse::<u16>().ok())
                .filter(|p| *p > 0)
            {
                return Some(Found {
                    port: Some(port),
                    file: file.name.clone(),
                    line: i + 1,
                    what: "a bind to all addresses in configuration".into(),
                    env: None,
                    loopback: false,
                });
            }
        }
    }
    None
}

/// The folders of `candidates` the sources name as a string (`"static"`, `"./static/…"`).
pub fn runtime_dirs(files: &[File], candidates: &[String]) -> Vec<String> {
    candidates
        .iter()
        .filter(|dir| {
            let bare = format!("\"{dir}");
            let dotted = format!("\"./{dir}");
            files.iter().any(|f| {
                [&bare, &dotted].iter().any(|needle| {
                    f.text.match_indices(needle.as_str()).any(|(at, m)| {
                        matches!(f.text[at + m.len()..].chars().next(), Some('"' | '/'))
                    })
                })
            })
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Vec<File> {
        vec![File {
            name: "src/main.rs".into(),
            text: text.into(),
        }]
    }

    fn found(text: &str) -> Option<(Option<u16>, bool, Option<String>)> {
        let clients = ["POSTGRES".to_string(), "PG".to_string(), "DB".to_string()];
        port(&file(text), true, &clients).map(|p| (p.port, p.loopback, p.env))
    }

    #[test]
    fn ports_in_the_usual_spellings() {
        assert_eq!(
            found(r#"let l = TcpListener::bind("0.0.0.0:3000").await?;"#),
            Some((Some(3000), false, None))
        );
        assert_eq!(
            found(r#"HttpServer::new(f).bind(("0.0.0.0", 8080))?"#),
            Some((Some(8080), false, None))
        );
        assert_eq!(
            found("let addr = SocketAddr::from(([0, 0, 0, 0], 4000));"),
            Some((Some(4000), false, None))
        );
        assert_eq!(
            found("SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 5000)"),
            Some((Some(5000), false, None))
        );
        assert_eq!(
            found("const PORT: u16 = 7000;"),
            Some((Some(7000), false, None))
        );
        assert_eq!(found("const POSTGRES_PORT: u16 = 5432;"), None);
        assert_eq!(
            found(r#"let p = env::var("PGPORT").unwrap_or("5432".into());"#),
            None
        );
        assert_eq!(
            found(r#"let p = env::var("DB_PORT").unwrap_or("5432".into());"#),
            None
        );
        assert_eq!(
            found("warp::serve(r).run(([127, 0, 0, 1], 3030))"),
            Some((Some(3030), true, None))
        );
        assert_eq!(found(r#"// bind("0.0.0.0:1234")"#), None);
        assert_eq!(found(r#"bind("0.0.0.0:99999")"#), None);
    }

    #[test]
    fn a_port_variable_beats_a_literal_and_may_have_no_default() {
        let text = "let port = std::env::var(\"PORT\")\n    .ok()\n    .and_then(|p| p.parse().ok())\n    .unwrap_or(8081);\nlet l = bind(\"0.0.0.0:3000\");";
        assert_eq!(found(text), Some((Some(8081), false, Some("PORT".into()))));
        assert_eq!(
            found(r#"let port = env::var("APP_PORT").unwrap_or_else(|_| "9000".to_string());"#),
            Some((Some(9000), false, Some("APP_PORT".into())))
        );
        assert_eq!(
            found(r#"let port: u16 = env::var("PORT").expect("PORT").parse()?;"#),
            Some((None, false, Some("PORT".into())))
        );
        assert_eq!(
            found(r#"#[arg(long, env = "PORT", default_value_t = 8088)]"#),
            Some((Some(8088), false, None))
        );
    }

    #[test]
    fn configuration_files_name_a_listen_address() {
        let files = vec![File {
            name: "config.default.toml".into(),
            text: "# listen_address = \"0.0.0.0:1\"\nlisten_address = \"0.0.0.0:8071\"\n".into(),
        }];
        let found = config_port(&files).unwrap();
        assert_eq!((found.port, found.line), (Some(8071), 2));
        assert!(config_port(&file("db = \"postgres://127.0.0.1:5432\"")).is_none());
    }

    #[test]
    fn test_modules_are_not_read() {
        let text =
            "fn main() {}\n#[cfg(test)]\nmod tests {\n    const X: &str = \"127.0.0.1:8000\";\n}\n";
        assert_eq!(without_tests(text.into()), "fn main() {}\n");
        let kept = "#[cfg(test)]\nfn helper() {}\nfn main() {}\n";
        assert_eq!(without_tests(kept.into()), kept);
    }

    #[test]
    fn runtime_folders_are_named_as_strings() {
        let files =
            file(r#"let s = ServeDir::new("static"); let t = Tera::new("./templates/**/*");"#);
        let dirs = [
            "static".to_string(),
            "templates".to_string(),
            "assets".to_string(),
        ];
        assert_eq!(runtime_dirs(&files, &dirs), ["static", "templates"]);
        assert!(runtime_dirs(&file(r#""statics""#), &dirs).is_empty());
    }
}
