//! The port a Node.js server listens on, read from its entry source.

use std::sync::OnceLock;

use regex::Regex;

/// A port found in source, with the 1-based line it was found on.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    pub port: u16,
    pub line: usize,
    pub pattern: &'static str,
}

/// Patterns in order of trust: an explicit `PORT` fallback says what the app expects when the
/// platform sets nothing; a literal `listen` is next; `port:` / `PORT =` are weaker hints.
fn patterns() -> &'static [(Regex, &'static str)] {
    static PATTERNS: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            (
                r#"(?-u)process\.env(?:\.PORT|\[['"]PORT['"]\])\)?\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})"#,
                "the PORT fallback",
            ),
            (r"(?-u)\.listen\(\s*(\d{2,5})\b", "a literal listen()"),
            (r"(?-u)\bport\s*:\s*(\d{2,5})\b", "a `port:` option"),
            (r"(?i-u)\bport\s*=\s*(\d{2,5})\b", "a PORT constant"),
        ]
        .into_iter()
        .map(|(re, what)| (Regex::new(re).expect("static regex"), what))
        .collect()
    })
}

/// The best port found in `source`, if any.
pub fn scan(source: &str) -> Option<Found> {
    for (re, pattern) in patterns() {
        for (i, line) in source.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            if let Some(port) = re
                .captures(line)
                .and_then(|c| c[1].parse::<u16>().ok())
                .filter(|p| *p > 0)
            {
                return Some(Found {
                    port,
                    line: i + 1,
                    pattern,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(src: &str) -> Option<u16> {
        scan(src).map(|f| f.port)
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
        assert_eq!(port("app.listen(5000, () => {})"), Some(5000));
        assert_eq!(
            port("fastify.listen({ port: 3000, host: '0.0.0.0' })"),
            Some(3000)
        );
        assert_eq!(port("const PORT = 7000;\napp.listen(PORT)"), Some(7000));
        assert_eq!(port("// app.listen(9999)\napp.listen(port)"), None);
        assert_eq!(port("app.listen(99999)"), None, "not a port");
    }

    #[test]
    fn the_env_fallback_beats_other_hints() {
        let src = "const x = { port: 1234 };\nconst port = process.env.PORT || 8080;";
        assert_eq!(
            scan(src),
            Some(Found {
                port: 8080,
                line: 2,
                pattern: "the PORT fallback"
            })
        );
    }
}
