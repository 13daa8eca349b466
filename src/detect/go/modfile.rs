//! A small, strict parser for go.mod and go.work.
//!
//! Why not a crate: the maintained one on crates.io (`gomod-parser`) does not read go.work,
//! keeps a trailing `// comment` as part of the `module` path, and does not unquote quoted
//! paths; `gomod-rs` has had one release. Both files share one grammar (the go command's
//! `modfile` package reads them with the same lexer), and dockgen needs only a few directives
//! from it, so this reads that grammar — lines of tokens, `verb ( … )` blocks, `//` comments,
//! quoted strings — and checks the directives dockgen uses the way the go command does. Every
//! error names the file, line and column.

use crate::error::Error;

/// Which of the two files is being read (they allow different directives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mod,
    Work,
}

/// A value and the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub value: String,
    pub line: usize,
}

/// The directives dockgen reads.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ModFile {
    pub module: Option<At>,
    pub go: Option<At>,
    pub toolchain: Option<At>,
    /// Required modules (`// indirect` ones too).
    pub requires: Vec<Require>,
    /// go.work `use` folders.
    pub uses: Vec<At>,
    /// `replace` targets that are folders (`=> ../lib`), which must be in the build context.
    pub replace_dirs: Vec<At>,
    /// Module paths a `replace` applies to.
    pub replaced: Vec<String>,
}

/// One required module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    pub path: String,
    pub version: String,
    /// Marked `// indirect`: only a dependency needs it.
    pub indirect: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Open,
    Close,
    Newline,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
    column: usize,
}

/// Parses `text`, the contents of `file` (root-relative, for errors).
pub fn parse(text: &str, file: &str, kind: Kind) -> Result<ModFile, Error> {
    let (tokens, indirect) = lex(text, file)?;
    let mut out = ModFile::default();
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match &token.tok {
            Tok::Newline => i += 1,
            Tok::Open | Tok::Close => return Err(error(file, token, "unexpected parenthesis")),
            Tok::Word(verb) => {
                let verb_token = token.clone();
                let verb = verb.clone();
                if matches!(tokens.get(i + 1).map(|t| &t.tok), Some(Tok::Open)) {
                    // `verb (` then one entry per line, then `)` on a line of its own.
                    let open = &tokens[i + 1];
                    if !matches!(tokens.get(i + 2).map(|t| &t.tok), Some(Tok::Newline) | None) {
                        return Err(error(file, open, "`(` must end its line"));
                    }
                    i += 3;
                    loop {
                        let Some(token) = tokens.get(i) else {
                            return Err(error(file, open, "unterminated block: no `)`"));
                        };
                        match &token.tok {
                            Tok::Newline => i += 1,
                            Tok::Close => {
                                i += 1;
                                break;
                            }
                            _ => {
                                let (args, next) = line_args(&tokens, i, file)?;
                                directive(&mut out, kind, &verb, &verb_token, &args, file)?;
                                mark_indirect(&mut out, &verb, &args, &indirect);
                                i = next;
                            }
                        }
                    }
                } else {
                    let (args, next) = line_args(&tokens, i + 1, file)?;
                    directive(&mut out, kind, &verb, &verb_token, &args, file)?;
                    mark_indirect(&mut out, &verb, &args, &indirect);
                    i = next;
                }
            }
        }
    }
    if kind == Kind::Mod && out.module.is_none() {
        return Err(Error::Parse {
            file: file.into(),
            line: 1,
            column: 1,
            message: "no `module` directive".into(),
        });
    }
    Ok(out)
}

/// Marks the requirement just read `// indirect` when its line carries that comment.
fn mark_indirect(out: &mut ModFile, verb: &str, args: &[Token], indirect: &[usize]) {
    if verb == "require" {
        if let (Some(first), Some(last)) = (args.first(), out.requires.last_mut()) {
            last.indirect = indirect.contains(&first.line);
        }
    }
}

/// The words from `start` to the end of the line, and the index after it.
fn line_args(tokens: &[Token], start: usize, file: &str) -> Result<(Vec<Token>, usize), Error> {
    let mut args = Vec::new();
    let mut i = start;
    while let Some(token) = tokens.get(i) {
        match token.tok {
            Tok::Newline => return Ok((args, i + 1)),
            Tok::Word(_) => args.push(token.clone()),
            Tok::Open | Tok::Close => return Err(error(file, token, "unexpected parenthesis")),
        }
        i += 1;
    }
    Ok((args, i))
}

fn word(token: &Token) -> &str {
    match &token.tok {
        Tok::Word(w) => w,
        _ => "",
    }
}

fn directive(
    out: &mut ModFile,
    kind: Kind,
    verb: &str,
    at: &Token,
    args: &[Token],
    file: &str,
) -> Result<(), Error> {
    let allowed: &[&str] = match kind {
        Kind::Mod => &[
            "module",
            "go",
            "toolchain",
            "godebug",
            "require",
            "exclude",
            "replace",
            "retract",
            "tool",
            "ignore",
        ],
        Kind::Work => &["go", "toolchain", "godebug", "use", "replace"],
    };
    if !allowed.contains(&verb) {
        return Err(error(file, at, &format!("unknown directive: {verb}")));
    }
    let one = |what: &str| -> Result<At, Error> {
        match args {
            [only] => Ok(At {
                value: word(only).to_string(),
                line: only.line,
            }),
            [] => Err(error(file, at, &format!("`{verb}` needs {what}"))),
            [_, extra, ..] => Err(error(file, extra, &format!("`{verb}` takes only {what}"))),
        }
    };
    match verb {
        "module" | "go" | "toolchain" => single(out, verb, at, args, file, one)?,
        "require" => match args {
            [path, version, ..] => out.requires.push(Require {
                path: word(path).to_string(),
                version: word(version).to_string(),
                indirect: false,
            }),
            _ => return Err(error(file, at, "usage: require module/path v1.2.3")),
        },
        "use" => out.uses.push(one("a folder")?),
        "replace" => replace(out, at, args, file)?,
        _ => {}
    }
    Ok(())
}

/// `module`, `go` and `toolchain`: one value each, once, of the right shape.
fn single(
    out: &mut ModFile,
    verb: &str,
    at: &Token,
    args: &[Token],
    file: &str,
    one: impl Fn(&str) -> Result<At, Error>,
) -> Result<(), Error> {
    let (slot, what) = match verb {
        "module" => (&mut out.module, "a module path"),
        "go" => (&mut out.go, "a version"),
        _ => (&mut out.toolchain, "a toolchain name"),
    };
    if slot.is_some() {
        return Err(error(file, at, &format!("repeated {verb} statement")));
    }
    let value = one(what)?;
    let v = value.value.as_str();
    let problem = match verb {
        "module" => {
            (!super::version::is_module_path(v)).then(|| format!("invalid module path `{v}`"))
        }
        "go" => super::version::parse_go(v)
            .is_none()
            .then(|| format!("invalid go version `{v}`: must match format 1.23.0")),
        _ => (v != "default"
            && v.strip_prefix("go")
                .and_then(super::version::parse_go)
                .is_none())
        .then(|| format!("invalid toolchain `{v}`: must be like go1.23.0 or default")),
    };
    if let Some(problem) = problem {
        return Err(error(file, &args[0], &problem));
    }
    *slot = Some(value);
    Ok(())
}

/// `replace old [version] => new version` or `=> ./folder`.
fn replace(out: &mut ModFile, at: &Token, args: &[Token], file: &str) -> Result<(), Error> {
    let usage = || {
        error(
            file,
            at,
            "usage: replace module/path [v1.2.3] => other/module v1.4.5 or => ../folder",
        )
    };
    let target = match args.iter().position(|a| word(a) == "=>") {
        Some(pos) if pos == 1 || pos == 2 => &args[pos + 1..],
        _ => return Err(usage()),
    };
    out.replaced.push(word(&args[0]).to_string());
    match target {
        [dir] if is_local(word(dir)) => out.replace_dirs.push(At {
            value: word(dir).to_string(),
            line: dir.line,
        }),
        [_path, _version] => {}
        _ => return Err(usage()),
    }
    Ok(())
}

/// A replacement that is a folder rather than a module (the go command's rule).
fn is_local(path: &str) -> bool {
    path.starts_with("./")
        || path.starts_with("../")
        || path.starts_with('/')
        || path == "."
        || path == ".."
}

fn error(file: &str, at: &Token, message: &str) -> Error {
    Error::Parse {
        file: file.into(),
        line: at.line,
        column: at.column,
        message: message.into(),
    }
}

/// Splits `text` into words, parentheses and newlines; comments are dropped, except that the
/// lines whose comment is `// indirect` are returned too.
fn lex(text: &str, file: &str) -> Result<(Vec<Token>, Vec<usize>), Error> {
    let mut tokens = Vec::new();
    let mut indirect = Vec::new();
    let (mut line, mut column) = (1, 1);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let fail = |line, column, message: &str| Error::Parse {
        file: file.into(),
        line,
        column,
        message: message.into(),
    };
    while i < chars.len() {
        let c = chars[i];
        let at = (line, column);
        let push = |tokens: &mut Vec<Token>, tok| {
            tokens.push(Token {
                tok,
                line: at.0,
                column: at.1,
            });
        };
        match c {
            '\n' => {
                push(&mut tokens, Tok::Newline);
                i += 1;
                line += 1;
                column = 1;
                continue;
            }
            ' ' | '\t' | '\r' => {}
            '/' if chars.get(i + 1) == Some(&'/') => {
                let start = i + 2;
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                let comment: String = chars[start..i].iter().collect();
                if comment.trim() == "indirect" || comment.trim().starts_with("indirect;") {
                    indirect.push(line);
                }
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                return Err(fail(line, column, "`/*` comments are not allowed"));
            }
            '(' => push(&mut tokens, Tok::Open),
            ')' => push(&mut tokens, Tok::Close),
            '"' | '`' => {
                let quote = c;
                let mut value = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None | Some('\n') => {
                            return Err(fail(line, column, "unterminated quoted string"))
                        }
                        Some('\\') if quote == '"' => {
                            match chars.get(j + 1) {
                                Some(&e @ ('"' | '\\')) => value.push(e),
                                _ => {
                                    return Err(fail(
                                        line,
                                        column + (j - i),
                                        "unsupported escape in quoted string",
                                    ))
                                }
                            }
                            j += 2;
                        }
                        Some(&q) if q == quote => break,
                        Some(&other) => {
                            value.push(other);
                            j += 1;
                        }
                    }
                }
                push(&mut tokens, Tok::Word(value));
                column += j + 1 - i;
                i = j + 1;
                continue;
            }
            _ => {
                let mut j = i;
                while j < chars.len() {
                    let d = chars[j];
                    // Only the separators the arms above consume end a word, so a word always
                    // advances (a form feed once made an empty word, forever).
                    if matches!(d, ' ' | '\t' | '\r' | '\n') || "()\"`".contains(d) {
                        break;
                    }
                    if d == '/' && chars.get(j + 1) == Some(&'/') {
                        break;
                    }
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                push(&mut tokens, Tok::Word(word));
                column += j - i;
                i = j;
                continue;
            }
        }
        i += 1;
        column += 1;
    }
    Ok((tokens, indirect))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> ModFile {
        parse(text, "go.mod", Kind::Mod).unwrap()
    }

    fn err(text: &str, kind: Kind) -> String {
        parse(text, "x/go.mod", kind).unwrap_err().to_string()
    }

    #[test]
    fn reads_the_directives_dockgen_uses() {
        let m = ok("// a comment\nmodule \"example.com/svc\" // trailing\n\ngo 1.23.0\ntoolchain go1.24.2\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgithub.com/mattn/go-sqlite3 v1.14.22 // indirect\n)\nrequire golang.org/x/net v0.30.0\nreplace example.com/lib => ../lib\nreplace example.com/a v1.0.0 => example.com/b v1.1.0\nretract [v1.0.0, v1.0.5]\nexclude (\n  a.b/c v1.0.0\n)\n");
        assert_eq!(m.module.unwrap().value, "example.com/svc");
        assert_eq!(
            m.go,
            Some(At {
                value: "1.23.0".into(),
                line: 4
            })
        );
        assert_eq!(m.toolchain.unwrap().value, "go1.24.2");
        let requires: Vec<(&str, bool)> = m
            .requires
            .iter()
            .map(|r| (r.path.as_str(), r.indirect))
            .collect();
        assert_eq!(
            requires,
            [
                ("github.com/gin-gonic/gin", false),
                ("github.com/mattn/go-sqlite3", true),
                ("golang.org/x/net", false)
            ]
        );
        assert_eq!(m.replace_dirs[0].value, "../lib");
    }

    #[test]
    fn odd_whitespace_ends_instead_of_looping() {
        // Found by the detect_render fuzz target: a form feed once made an endless empty word.
        for text in [
            "module example.com/\x0c",
            "module a\u{a0}b\ngo 1.24\n",
            "\x0b",
        ] {
            let _ = parse(text, "go.mod", Kind::Mod);
        }
    }

    #[test]
    fn reads_go_work() {
        let w = parse(
            "go 1.24\n\nuse (\n\t./api\n\t./lib // shared\n)\nuse ./tools\n",
            "go.work",
            Kind::Work,
        )
        .unwrap();
        let uses: Vec<&str> = w.uses.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(uses, ["./api", "./lib", "./tools"]);
        assert_eq!(w.uses[1].line, 5);
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        assert_eq!(
            err(
                "module example.com/x\ngo 1.22\nrequire (\n  a.b/c v1.0.0\n",
                Kind::Mod
            ),
            "failed to parse `x/go.mod` at line 3, column 9: unterminated block: no `)`"
        );
        assert_eq!(
            err("module example.com/x\n\ngo one.two\n", Kind::Mod),
            "failed to parse `x/go.mod` at line 3, column 4: invalid go version `one.two`: must match format 1.23.0"
        );
        assert_eq!(
            err("module example.com/x\nfoo bar\n", Kind::Mod),
            "failed to parse `x/go.mod` at line 2, column 1: unknown directive: foo"
        );
        assert_eq!(
            err("go 1.22\nmodule x\n", Kind::Work),
            "failed to parse `x/go.mod` at line 2, column 1: unknown directive: module"
        );
        assert_eq!(
            err("module \"example.com/x\n", Kind::Mod),
            "failed to parse `x/go.mod` at line 1, column 8: unterminated quoted string"
        );
        assert!(err("go 1.22\n", Kind::Mod).contains("no `module` directive"));
        assert!(err("module a b\n", Kind::Mod).contains("takes only a module path"));
        assert!(err("module x\nmodule y\n", Kind::Mod).contains("repeated module"));
        assert!(err("module x\ntoolchain 1.2\n", Kind::Mod).contains("invalid toolchain"));
        assert!(err("module x\n)\n", Kind::Mod).contains("line 2, column 1: unexpected"));
        assert!(err("module x\nrequire a.b/c\n", Kind::Mod).contains("usage: require"));
        assert!(err("module x /* c */\n", Kind::Mod).contains("`/*` comments"));
        assert!(err("module x\nrequire ( a.b v1 )\n", Kind::Mod).contains("`(` must end"));
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "",
            "(",
            ")",
            "\"",
            "`",
            "module",
            "module (\n",
            "module (\n)\n",
            "go\n",
            "replace =>",
            "replace a => ",
            "use (\n\"\n)",
            "\u{feff}module x",
            "module é\n",
        ] {
            let _ = parse(text, "go.mod", Kind::Mod);
            let _ = parse(text, "go.work", Kind::Work);
        }
    }
}
