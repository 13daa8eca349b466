//! The port a Java app listens on: the framework's settings (application.properties / .yml,
//! and the file of the profile they activate), the main class's source for plain apps, then
//! the framework's default.

use std::sync::OnceLock;

use regex::Regex;
use serde_yaml_ng::Value;

use super::rules::FrameworkRule;
use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;

const RESOURCES: &str = "src/main/resources";

/// A port and where it came from.
pub struct Found {
    pub port: u16,
    pub evidence: Evidence,
}

/// The framework's port from its settings in `module`, else its default.
pub fn framework(module: &Project, fw: &FrameworkRule) -> Result<Found, Error> {
    let base = settings(module, fw, None)?;
    let profile = fw.profile_key.as_ref().and_then(|key| {
        base.iter()
            .find(|s| s.key == *key)
            .map(|s| s.value.split(',').next().unwrap_or("").trim().to_string())
            .filter(|p| !p.is_empty())
    });
    // The profile's file overrides the default one; within each, keys in the data's order.
    let first = |settings: &[Setting]| {
        fw.port_keys.iter().find_map(|key| {
            settings
                .iter()
                .filter(|s| s.key == *key)
                .find_map(|s| port_of(module, fw, s))
        })
    };
    let mut found = None;
    if let Some(profile) = &profile {
        found = first(&settings(module, fw, Some(profile))?);
    }
    if found.is_none() {
        found = first(&base);
    }
    Ok(found.unwrap_or_else(|| Found {
        port: fw.port,
        evidence: Evidence::default(format!("{}'s default port", fw.name)),
    }))
}

/// One setting read from a config file.
struct Setting {
    file: String,
    key: String,
    value: String,
}

fn port_of(module: &Project, fw: &FrameworkRule, s: &Setting) -> Option<Found> {
    if !fw.port_keys.contains(&s.key) {
        return None;
    }
    // `${PORT:8081}` runs on 8081 unless the platform sets PORT.
    let value = s
        .value
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .and_then(|v| v.split_once(':').map(|(_, d)| d))
        .unwrap_or(&s.value);
    let port = value.trim().parse::<u16>().ok().filter(|p| *p > 0)?;
    Some(Found {
        port,
        evidence: module.evidence(&s.file, Some(&s.key), format!("`{}`", s.value)),
    })
}

/// Port keys and the profile key from the framework's config files (of `profile`, when given),
/// in the files' order.
fn settings(
    module: &Project,
    fw: &FrameworkRule,
    profile: Option<&str>,
) -> Result<Vec<Setting>, Error> {
    let mut keys: Vec<&str> = fw.port_keys.iter().map(String::as_str).collect();
    keys.extend(fw.profile_key.as_deref());
    let mut out = Vec::new();
    for name in &fw.config_files {
        let name = match profile {
            Some(p) => match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}-{p}.{ext}"),
                None => continue,
            },
            None => name.clone(),
        };
        let rel = format!("{RESOURCES}/{name}");
        let Some(text) = module.read(&rel)? else {
            continue;
        };
        let pairs = if name.ends_with(".properties") {
            properties(&text)
        } else {
            yaml(module, &rel, &text, &keys)?
        };
        out.extend(
            pairs
                .into_iter()
                .filter(|(k, _)| keys.contains(&k.as_str()))
                .map(|(key, value)| Setting {
                    file: rel.clone(),
                    key,
                    value,
                }),
        );
    }
    Ok(out)
}

/// `key=value`, `key: value` and `key value` lines of a .properties file.
fn properties(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| {
            let i = l.find(['=', ':', ' '])?;
            Some((l[..i].trim().to_string(), l[i + 1..].trim().to_string()))
        })
        .collect()
}

/// The values at dotted `keys` in every document of a YAML file (nested or as flat keys).
fn yaml(
    module: &Project,
    rel: &str,
    text: &str,
    keys: &[&str],
) -> Result<Vec<(String, String)>, Error> {
    use serde::Deserialize;
    let mut out = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        let value = Value::deserialize(document).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            Error::Parse {
                file: module.name(rel),
                line,
                column,
                message: e.to_string(),
            }
        })?;
        // A document for one profile (`spring.config.activate.on-profile`) is not the default.
        if lookup(&value, "spring.config.activate.on-profile").is_some()
            || lookup(&value, "spring.profiles").is_some()
        {
            continue;
        }
        for key in keys {
            if let Some(v) = lookup(&value, key) {
                out.push(((*key).to_string(), v));
            }
        }
    }
    Ok(out)
}

fn lookup(value: &Value, key: &str) -> Option<String> {
    let flat = value.get(key);
    let nested = || key.split('.').try_fold(value, |v, part| v.get(part));
    match flat.or_else(nested)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A port in a plain app's main source file, with the 1-based line.
pub fn scan(source: &str) -> Option<(u16, usize, &'static str)> {
    static PATTERNS: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            (
                r#"getenv\(\s*"PORT"\s*\)[^;]*?(?:"|\s|\(|:)(\d{2,5})\b"#,
                "the PORT fallback",
            ),
            (
                r#"getOrDefault\(\s*"PORT"\s*,\s*"(\d{2,5})""#,
                "the PORT fallback",
            ),
            (
                r"new\s+InetSocketAddress\(\s*(\d{2,5})\s*\)",
                "a literal InetSocketAddress",
            ),
            (
                r"\.(?:port|start|listen)\(\s*(\d{2,5})\s*\)",
                "a literal port",
            ),
            (r"(?i)\bport\s*=\s*(\d{2,5})\b", "a PORT constant"),
        ]
        .into_iter()
        .map(|(re, what)| (Regex::new(re).expect("static regex"), what))
        .collect()
    });
    for (re, what) in patterns {
        for (i, line) in source.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            if let Some(port) = re
                .captures(line)
                .and_then(|c| c[1].parse::<u16>().ok())
                .filter(|p| *p > 0)
            {
                return Some((port, i + 1, what));
            }
        }
    }
    None
}

/// The port in the source of `main_class` under `module` (Java or Kotlin), if any.
pub fn from_main(module: &Project, main_class: &str) -> Result<Option<Found>, Error> {
    let path = main_class
        .split('$')
        .next()
        .unwrap_or(main_class)
        .replace('.', "/");
    for (dir, ext) in [("src/main/java", "java"), ("src/main/kotlin", "kt")] {
        let rel = format!("{dir}/{path}.{ext}");
        if let Some(text) = module.read(&rel)? {
            return Ok(scan(&text).map(|(port, line, what)| Found {
                port,
                evidence: module.evidence(&rel, Some(&format!("line {line}")), what),
            }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ports_in_java_source() {
        let port = |s: &str| scan(s).map(|f| f.0);
        assert_eq!(
            port(r#"int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));"#),
            Some(8080)
        );
        assert_eq!(
            port(r#"String p = Optional.ofNullable(System.getenv("PORT")).orElse("9000");"#),
            Some(9000)
        );
        assert_eq!(
            port("HttpServer.create(new InetSocketAddress(8000), 0);"),
            Some(8000)
        );
        assert_eq!(port("app.start(7070);"), Some(7070));
        assert_eq!(port("// server.start(1234)\nint x;"), None);
    }

    #[test]
    fn properties_lines() {
        let p = properties("# c\nserver.port=8081\nspring.profiles.active: prod\na b\n");
        assert_eq!(p[0], ("server.port".into(), "8081".into()));
        assert_eq!(p[1], ("spring.profiles.active".into(), "prod".into()));
    }

    #[test]
    fn yaml_lookup_nested_and_flat() {
        let v: Value =
            serde_yaml_ng::from_str("server:\n  port: 9090\nmicronaut.server.port: 1\n").unwrap();
        assert_eq!(lookup(&v, "server.port").as_deref(), Some("9090"));
        assert_eq!(lookup(&v, "micronaut.server.port").as_deref(), Some("1"));
    }
}
