//! The port a Node.js server listens on, and where that number was found.
//!
//! In order of trust: a `--port`/`-p` in the command the image runs; the entry's source and
//! the local modules it imports (a config module, a defaults file, the option parser of a bin
//! script); config and env-example files (`detectors/node.toml` `[port] files`); the service in
//! the repository's Compose file; an existing Dockerfile's `EXPOSE`. When none says, the
//! framework's usual port is used, and the image sets `PORT` to it (the caller's job).

use std::sync::OnceLock;

use regex::Regex;

use super::compose::Service;
use super::rules::PortRules;
use super::sources::Source;
use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;

/// A port found in source, with the 1-based line it was found on.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    pub port: u16,
    pub line: usize,
    pub pattern: &'static str,
    /// The pattern is a weak hint (`port: N` anywhere): skipped for ports and lines that look
    /// like another service's (a database's).
    pub weak: bool,
}

/// Patterns in order of trust: an explicit `PORT` fallback says what the app expects when the
/// platform sets nothing; a literal `listen` is next; an option parser's default for `--port`;
/// `port:` / `PORT =` are weaker hints.
fn patterns() -> &'static [(Regex, &'static str, bool)] {
    static PATTERNS: OnceLock<Vec<(Regex, &'static str, bool)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            (
                r#"process\.env(?:\.PORT|\[['"]PORT['"]\])!?\)?(?:\s*(?:\|\||\?\?)\s*process\.env\.\w+!?\)?)*\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})"#,
                "the PORT fallback",
                false,
            ),
            (
                r"process\.env\.PORT\s*,\s*(\d{2,5})\s*\]",
                "the PORT fallback",
                false,
            ),
            (
                r#"\bPORT['"]?\s*:\s*[^\n]*?(?:\.default\(\s*|\bdefault['"]?\s*:\s*)['"]?(\d{2,5})"#,
                "the PORT setting's default",
                false,
            ),
            (
                r"\{[^}]*\bPORT\s*=\s*['\x22]?(\d{2,5})[^}]*\}\s*=\s*process\.env",
                "the PORT fallback",
                false,
            ),
            (r"\.listen\(\s*(\d{2,5})\b", "a literal listen()", false),
            (
                r#"\.option\(\s*['"][^'"]*--port\b[^'"]*['"]\s*,\s*(?:['"][^'"]*['"]\s*,\s*)?(?:[\w.]+\s*,\s*)?['"]?(\d{2,5})"#,
                "the `--port` option's default",
                false,
            ),
            (
                r#"\bport['"]?\s*:\s*\{[^}]*\bdefault['"]?\s*:\s*['"]?(\d{2,5})"#,
                "the `--port` option's default",
                false,
            ),
            (
                r"\b(?:argv|args|options|opts|flags|cli)\.port\s*(?:\|\||\?\?)\s*['\x22]?(\d{2,5})",
                "the `--port` option's default",
                false,
            ),
            (r#"(?i)\bport['"]?\s*[:=]\s*['"]?(\d{2,5})\b"#, "a `port` setting", true),
            (
                r"(?im)^\s*(?:export\s+)?PORT\s*=\s*['\x22]?(\d{2,5})\b",
                "a PORT setting",
                false,
            ),
        ]
        .into_iter()
        .map(|(re, what, weak)| (Regex::new(re).expect("static regex"), what, weak))
        .collect()
    })
}

/// The best port found in `source`, if any, skipping what `rules` say is not the app's.
pub fn scan(source: &str, rules: &PortRules) -> Option<Found> {
    for (re, pattern, weak) in patterns() {
        for (i, line) in source.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") || trimmed.starts_with('#') || trimmed.starts_with('*') {
                continue;
            }
            let Some(port) = re
                .captures(line)
                .and_then(|c| c[1].parse::<u16>().ok())
                .filter(|p| *p > 0)
            else {
                continue;
            };
            if *weak && !app_port(line, port, rules) {
                continue;
            }
            return Some(Found {
                port,
                line: i + 1,
                pattern,
                weak: *weak,
            });
        }
    }
    None
}

/// A weak hint names the app's own port unless the port or the line belongs to another service.
fn app_port(line: &str, port: u16, rules: &PortRules) -> bool {
    let lower = line.to_ascii_lowercase();
    let mut words = lower.split(|c: char| !c.is_ascii_alphanumeric());
    !rules.other_services.contains(&port)
        && !words.any(|w| rules.other_words.iter().any(|o| w.starts_with(o.as_str())))
}

/// `--port 8080`, `--port=8080` or `-p 8080` among the arguments the image runs.
pub fn flag(args: &[String]) -> Option<u16> {
    args.iter().enumerate().find_map(|(i, a)| {
        if let Some(value) = a.strip_prefix("--port=") {
            return value.parse().ok();
        }
        if a == "--port" || a == "-p" {
            return args.get(i + 1)?.parse().ok();
        }
        None
    })
}

/// The port and its evidence from everything but the framework's default.
pub fn find(
    project: &Project,
    rules: &PortRules,
    sources: &[Source],
    entry_args: &[String],
    entry_key: Option<&str>,
    compose: Option<&Service>,
) -> Result<Option<(u16, Evidence)>, Error> {
    if let Some(port) = flag(entry_args).filter(|p| *p > 0) {
        let evidence =
            project.evidence("package.json", entry_key, "the `--port` the command passes");
        return Ok(Some((port, evidence)));
    }
    // A strong pattern anywhere in the app's own modules or config files beats Compose, which
    // beats an existing Dockerfile, which beats a weak hint (`port: N`) in either.
    let configs: Vec<(String, String)> = rules
        .files
        .iter()
        .filter_map(|f| Some((f.clone(), project.read(f).ok()??)))
        .collect();
    let in_code = |weak: bool| {
        sources.iter().find_map(|source| {
            let found = scan(&source.text, rules).filter(|f| f.weak == weak)?;
            Some(project.evidence(
                &source.file,
                Some(&format!("line {}", found.line)),
                found.pattern,
            ))
            .map(|ev| (found.port, ev))
        })
    };
    let in_configs = |weak: bool| {
        configs.iter().find_map(|(file, text)| {
            let found = scan(text, rules).filter(|f| f.weak == weak)?;
            Some((
                found.port,
                project.evidence(
                    file,
                    Some(&format!("line {}", found.line)),
                    format!("{} in a config file", found.pattern),
                ),
            ))
        })
    };
    if let Some(found) = in_code(false).or_else(|| in_configs(false)) {
        return Ok(Some(found));
    }
    if let Some(service) = compose {
        if let Some(&port) = service.ports.first() {
            let evidence = crate::plan::Evidence::file(
                &service.file,
                Some(&format!("services.{}.ports", service.name)),
                "the container port Compose publishes",
            );
            return Ok(Some((port, evidence)));
        }
    }
    if let Some(found) = expose(project, rules)? {
        return Ok(Some(found));
    }
    Ok(in_code(true).or_else(|| in_configs(true)))
}

/// The first `EXPOSE` of an existing Dockerfile that dockgen did not write.
fn expose(project: &Project, rules: &PortRules) -> Result<Option<(u16, Evidence)>, Error> {
    let Some(text) = project.read("Dockerfile")? else {
        return Ok(None);
    };
    if text.contains(&rules.generated_marker) {
        return Ok(None);
    }
    Ok(text.lines().enumerate().find_map(|(i, l)| {
        let mut words = l.split_whitespace();
        let port = words
            .next()
            .filter(|w| w.eq_ignore_ascii_case("EXPOSE"))
            .and(words.next())?
            .split('/')
            .next()?
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)?;
        Some((
            port,
            project.evidence(
                "Dockerfile",
                Some(&format!("line {}", i + 1)),
                "the existing Dockerfile's EXPOSE",
            ),
        ))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::node::rules::rules;

    fn port(src: &str) -> Option<u16> {
        scan(src, &rules().unwrap().port).map(|f| f.port)
    }

    #[test]
    fn finds_the_usual_spellings() {
        assert_eq!(port("const port = process.env.PORT || 8080;"), Some(8080));
        assert_eq!(
            port("const port = process.env['PORT'] || 4000;"),
            Some(4000)
        );
        assert_eq!(
            port("await app.listen(process.env.PORT ?? 3000);"),
            Some(3000)
        );
        assert_eq!(
            port("const p = Number(process.env.PORT) || '4000'"),
            Some(4000)
        );
        assert_eq!(port("const { PORT = 7070 } = process.env;"), Some(7070));
        assert_eq!(
            port("app.set('port', process.env.PORT || process.env.OPENSHIFT_NODEJS_PORT || 8081);"),
            Some(8081)
        );
        assert_eq!(
            port("const port = [args.port, process.env.APP_PORT, process.env.PORT, 3001]"),
            Some(3001)
        );
        assert_eq!(
            port("const port = parseInt(process.env.PORT!) || 5000"),
            Some(5000)
        );
        assert_eq!(port("    PORT: Joi.number().default(3002),"), Some(3002));
        assert_eq!(port("  PORT: num({ default: 3003 }),"), Some(3003));
        assert_eq!(port("  PORT: z.coerce.number().default(3004),"), Some(3004));
        assert_eq!(port("app.listen(5000, () => {})"), Some(5000));
        assert_eq!(
            port("fastify.listen({ port: 3000, host: '0.0.0.0' })"),
            Some(3000)
        );
        assert_eq!(port("const PORT = 7000;\napp.listen(PORT)"), Some(7000));
        assert_eq!(port("{ \"port\": 8081 }"), Some(8081));
        assert_eq!(port("PORT=4321\nHOST=0.0.0.0"), Some(4321));
        assert_eq!(port("// app.listen(9999)\napp.listen(port)"), None);
        assert_eq!(port("app.listen(99999)"), None, "not a port");
    }

    #[test]
    fn option_parsers_give_their_default() {
        assert_eq!(
            port(".option('-p, --port <port>', 'port to listen on', '8090')"),
            Some(8090)
        );
        assert_eq!(
            port(".option('--port <n>', 'port', parseInt, 8091)"),
            Some(8091)
        );
        assert_eq!(
            port("port: { alias: 'p', type: 'number', default: 8092 },"),
            Some(8092)
        );
        assert_eq!(port("const port = argv.port || 8093;"), Some(8093));
    }

    #[test]
    fn other_services_ports_are_not_the_apps() {
        assert_eq!(port("db: { host: 'localhost', port: 5432 }"), None);
        assert_eq!(port("const redis = { port: 6380 }"), None);
        assert_eq!(port("port: 8080"), Some(8080));
    }

    #[test]
    fn the_env_fallback_beats_other_hints() {
        let src = "const x = { port: 1234 };\nconst port = process.env.PORT || 8080;";
        let found = scan(src, &rules().unwrap().port).unwrap();
        assert_eq!((found.port, found.line), (8080, 2));
    }

    #[test]
    fn flags_in_the_command() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert_eq!(flag(&args(&["server.js", "--port", "8080"])), Some(8080));
        assert_eq!(flag(&args(&["server.js", "--port=8081"])), Some(8081));
        assert_eq!(flag(&args(&["cli.js", "serve", "-p", "8082"])), Some(8082));
        assert_eq!(flag(&args(&["server.js", "-p"])), None);
    }
}
