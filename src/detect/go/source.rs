//! Reading Go source files the way the go command decides what to build: the package clause,
//! the imports, build constraints (`//go:build` lines and `_linux.go`-style file names), and
//! the code with comments blanked out (so a commented-out `ListenAndServe` is not a server).

use std::sync::OnceLock;

use regex::Regex;

use super::rules::Sources;

/// One Go file as the build sees it.
#[derive(Debug, Clone)]
pub struct GoFile {
    /// Root-relative name.
    pub name: String,
    pub package: String,
    pub imports: Vec<String>,
    /// `import "C"`: the file needs cgo.
    pub cgo: bool,
    /// The source with comments replaced by spaces; strings and line breaks kept.
    pub code: String,
}

/// True when the file name says it builds for the target (`x_windows.go` does not).
pub fn name_matches(name: &str, rules: &Sources) -> bool {
    let Some(stem) = name.strip_suffix(".go") else {
        return false;
    };
    if name.starts_with(['.', '_']) || stem.ends_with("_test") {
        return false;
    }
    let parts: Vec<&str> = stem.split('_').collect();
    let known_os = |p: &str| rules.goos.iter().any(|o| o == p);
    let known_arch = |p: &str| rules.goarch.iter().any(|a| a == p);
    let on = |p: &str| rules.tags.iter().any(|t| t == p);
    let n = parts.len();
    if n >= 3 && known_os(parts[n - 2]) && known_arch(parts[n - 1]) {
        return on(parts[n - 2]) && on(parts[n - 1]);
    }
    if n >= 2 && (known_os(parts[n - 1]) || known_arch(parts[n - 1])) {
        return on(parts[n - 1]);
    }
    true
}

/// Reads `text`; `None` when its build constraint excludes it from the target's build, or it
/// has no package clause.
pub fn read(name: &str, text: &str, rules: &Sources) -> Option<GoFile> {
    let code = strip_comments(text);
    let package = package_re().captures(&code)?.get(1)?.as_str().to_string();
    let header_end = package_re().find(&code).map_or(0, |m| m.start());
    for line in text[..header_end.min(text.len())].lines() {
        if let Some(expr) = line.trim().strip_prefix("//go:build ") {
            if !constraint(expr, &rules.tags) {
                return None;
            }
        }
    }
    let imports = imports(&code[header_end..]);
    Some(GoFile {
        name: name.to_string(),
        cgo: imports.iter().any(|i| i == "C"),
        imports: imports.into_iter().filter(|i| i != "C").collect(),
        package,
        code,
    })
}

fn package_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?m)^[ \t]*package[ \t]+([A-Za-z_]\w*)").expect("static regex"))
}

/// Import paths of the file (its code with comments already blanked).
fn imports(code: &str) -> Vec<String> {
    static BLOCK: OnceLock<Regex> = OnceLock::new();
    static SINGLE: OnceLock<Regex> = OnceLock::new();
    static PATH: OnceLock<Regex> = OnceLock::new();
    let block = BLOCK
        .get_or_init(|| Regex::new(r"(?m)^[ \t]*import[ \t]*\(([^)]*)\)").expect("static regex"));
    let single = SINGLE.get_or_init(|| {
        Regex::new(r#"(?m)^[ \t]*import[ \t]+(?:[\w.]+[ \t]+)?["`]([^"`]+)["`]"#)
            .expect("static regex")
    });
    let path = PATH.get_or_init(|| Regex::new(r#"["`]([^"`]+)["`]"#).expect("static regex"));
    let mut out = Vec::new();
    for caps in block.captures_iter(code) {
        out.extend(path.captures_iter(&caps[1]).map(|c| c[1].to_string()));
    }
    out.extend(single.captures_iter(code).map(|c| c[1].to_string()));
    out
}

/// Comments replaced by spaces (newlines kept, so line numbers stay), strings and runes kept.
pub fn strip_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out.push(b' ');
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                out.extend_from_slice(b"  ");
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    out.push(if bytes[i] == b'\n' { b'\n' } else { b' ' });
                    i += 1;
                }
                if i < bytes.len() {
                    out.extend_from_slice(b"  ");
                    i += 2;
                }
            }
            quote @ (b'"' | b'\'' | b'`') => {
                out.push(quote);
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if bytes[i] == b'\n' && quote != b'`' {
                        break;
                    }
                    if bytes[i] == b'\\' && quote != b'`' && i + 1 < bytes.len() {
                        out.push(bytes[i]);
                        i += 1;
                    }
                    out.push(bytes[i]);
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == quote {
                    out.push(quote);
                    i += 1;
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced, by ASCII bytes, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Evaluates a `//go:build` expression with `tags` true and every other tag false.
/// A malformed expression counts as true (the go command would refuse the file; dockgen
/// still reads it).
pub fn constraint(expr: &str, tags: &[String]) -> bool {
    let tokens = tokenize(expr);
    let mut pos = 0;
    let value = or(&tokens, &mut pos, tags);
    if pos != tokens.len() {
        return true;
    }
    value.unwrap_or(true)
}

fn tokenize(expr: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {}
            '(' | ')' | '!' => tokens.push(c.to_string()),
            '&' | '|' => {
                if chars.peek() == Some(&c) {
                    chars.next();
                }
                tokens.push(format!("{c}{c}"));
            }
            _ => {
                let mut word = c.to_string();
                while let Some(&d) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '.' {
                        word.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(word);
            }
        }
    }
    tokens
}

fn or(tokens: &[String], pos: &mut usize, tags: &[String]) -> Option<bool> {
    let mut value = and(tokens, pos, tags)?;
    while tokens.get(*pos).is_some_and(|t| t == "||") {
        *pos += 1;
        value |= and(tokens, pos, tags)?;
    }
    Some(value)
}

fn and(tokens: &[String], pos: &mut usize, tags: &[String]) -> Option<bool> {
    let mut value = not(tokens, pos, tags)?;
    while tokens.get(*pos).is_some_and(|t| t == "&&") {
        *pos += 1;
        value &= not(tokens, pos, tags)?;
    }
    Some(value)
}

fn not(tokens: &[String], pos: &mut usize, tags: &[String]) -> Option<bool> {
    let token = tokens.get(*pos)?;
    *pos += 1;
    match token.as_str() {
        "!" => not(tokens, pos, tags).map(|v| !v),
        "(" => {
            let value = or(tokens, pos, tags)?;
            (tokens.get(*pos)? == ")").then(|| {
                *pos += 1;
                value
            })
        }
        ")" | "&&" | "||" => None,
        // go1.N release tags: every line dockgen builds with is newer than any in use.
        tag => Some(tag.starts_with("go1.") || tags.iter().any(|t| t == tag)),
    }
}

/// The 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let rules = super::super::rules::rules().unwrap();
        Sources {
            tags: rules.sources.tags.clone(),
            goos: rules.sources.goos.clone(),
            goarch: rules.sources.goarch.clone(),
            never: Vec::new(),
            commands: String::new(),
            max_files: 1,
            max_packages: 1,
            max_program_files: 1,
            max_depth: 1,
        }
    }

    #[test]
    fn file_names_follow_goos_and_goarch() {
        let s = sources();
        for yes in [
            "main.go",
            "server_linux.go",
            "x_amd64.go",
            "x_linux_amd64.go",
            "linux.go",
        ] {
            assert!(name_matches(yes, &s), "{yes}");
        }
        for no in [
            "main_test.go",
            "x_windows.go",
            "x_arm64.go",
            "x_linux_arm64.go",
            "_x.go",
            ".x.go",
            "x.c",
        ] {
            assert!(!name_matches(no, &s), "{no}");
        }
    }

    #[test]
    fn build_constraints_evaluate_for_linux_without_cgo() {
        let tags = sources().tags;
        assert!(constraint("linux && amd64", &tags));
        assert!(constraint("!windows", &tags));
        assert!(constraint("go1.21 && (linux || darwin)", &tags));
        assert!(!constraint("ignore", &tags));
        assert!(!constraint("tools", &tags));
        assert!(!constraint("cgo", &tags));
        assert!(constraint("!cgo", &tags));
        assert!(!constraint("windows || (darwin && arm64)", &tags));
        assert!(constraint("linux &&", &tags), "malformed counts as true");
    }

    #[test]
    fn reads_package_imports_and_cgo() {
        let text = "// Copyright\n//go:build linux\n\npackage main\n\nimport (\n\t\"fmt\"\n\tlog \"github.com/sirupsen/logrus\" // logging\n\t_ \"time/tzdata\"\n)\nimport \"net/http\"\n\nfunc main() { fmt.Println(\"// not a comment\") }\n";
        let f = read("main.go", text, &sources()).unwrap();
        assert_eq!(f.package, "main");
        assert_eq!(
            f.imports,
            [
                "fmt",
                "github.com/sirupsen/logrus",
                "time/tzdata",
                "net/http"
            ]
        );
        assert!(f.code.contains("\"// not a comment\""));
        assert!(!f.code.contains("logging"));
        let ignored = "//go:build ignore\n\npackage main\n";
        assert!(read("gen.go", ignored, &sources()).is_none());
        let cgo = "package db\n\n// #include <sqlite3.h>\nimport \"C\"\n";
        assert!(read("db.go", cgo, &sources()).unwrap().cgo);
    }
}
