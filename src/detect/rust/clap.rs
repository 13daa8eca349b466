//! clap's subcommands in a binary's sources: which top-level subcommand runs the server
//! (`serve`, `server`, …), so the image runs it.

use std::sync::OnceLock;

use regex::Regex;

use super::source::File;

/// A clap subcommand that runs the server: its name, file and line. Only the top-level
/// subcommands count — the variants of the enum the `#[derive(Parser)]` type names with
/// `#[command(subcommand)]` (or an enum deriving `Parser` itself), with `flatten` variants
/// expanded — so `atuin daemon start` is not taken for `atuin start`.
pub fn server_subcommand(files: &[File], wanted: &[String]) -> Option<(String, String, usize)> {
    let enums: Vec<Enum> = files.iter().flat_map(enums).collect();
    let top = files.iter().find_map(top_level)?;
    let mut found = Vec::new();
    collect(&enums, &top, 0, &mut found);
    wanted
        .iter()
        .find_map(|w| found.iter().find(|(name, _, _)| name == w).cloned())
}

/// A `Subcommand` (or `Parser`) enum and where it is.
struct Enum {
    name: String,
    file: String,
    variants: Vec<Variant>,
}

struct Variant {
    name: String,
    line: usize,
    /// The type inside `Variant(Type)`, as written (`client::Cmd`).
    payload: Option<String>,
    flatten: bool,
}

/// A type path as the code names it (`Option<Command>` → `Command`), and the file naming it.
struct TypeRef {
    path: String,
    file: String,
}

fn collect(enums: &[Enum], at: &TypeRef, depth: usize, out: &mut Vec<(String, String, usize)>) {
    let Some(found) = resolve(enums, at) else {
        return;
    };
    for variant in &found.variants {
        match (&variant.payload, variant.flatten) {
            (Some(path), true) if depth < 4 => {
                let inner = TypeRef {
                    path: path.clone(),
                    file: found.file.clone(),
                };
                collect(enums, &inner, depth + 1, out);
            }
            _ => out.push((variant.name.clone(), found.file.clone(), variant.line)),
        }
    }
}

/// The enum a type path names: by its last segment, then by the module before it matching the
/// file's path, then the one in the file that names it.
fn resolve<'a>(enums: &'a [Enum], at: &TypeRef) -> Option<&'a Enum> {
    let mut segments = at.path.rsplit("::");
    let name = segments.next()?;
    let module = segments.next();
    let named: Vec<&Enum> = enums.iter().filter(|e| e.name == name).collect();
    if let [only] = named.as_slice() {
        return Some(only);
    }
    let by_module: Vec<&&Enum> = named
        .iter()
        .filter(|e| module.is_some_and(|m| e.file.split(['/', '.']).any(|part| part == m)))
        .collect();
    if let [only] = by_module.as_slice() {
        return Some(only);
    }
    named.into_iter().find(|e| e.file == at.file)
}

fn regexes() -> &'static [Regex; 4] {
    static RE: OnceLock<[Regex; 4]> = OnceLock::new();
    RE.get_or_init(|| {
        [
            Regex::new(r"\benum\s+(\w+)").expect("static regex"),
            Regex::new(r#"\bname\s*=\s*"([\w-]+)""#).expect("static regex"),
            Regex::new(r"#\[(?:command|clap)\([^)]*\bsubcommand\b").expect("static regex"),
            Regex::new(r"^\s*(?:pub(?:\([^)]*\))?\s+)?\w+\s*:\s*([\w:<>\s]+?)\s*,?\s*$")
                .expect("static regex"),
        ]
    })
}

/// The type of the top-level subcommands in `file`: the `#[command(subcommand)]` field's type,
/// or an enum that derives `Parser` itself.
fn top_level(file: &File) -> Option<TypeRef> {
    let [enum_re, _, subcommand_re, field_re] = regexes();
    let lines: Vec<&str> = file.text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.contains("derive(") && line.contains("Parser") {
            if let Some((_, name)) = item_enum(&lines, i + 1, enum_re) {
                return Some(TypeRef {
                    path: name,
                    file: file.name.clone(),
                });
            }
        }
        if !subcommand_re.is_match(line) {
            continue;
        }
        for next in &lines[i + 1..lines.len().min(i + 6)] {
            let next = next.trim();
            if next.starts_with("#[") || next.starts_with("//") {
                continue;
            }
            let ty = field_re.captures(next)?[1].to_string();
            let ty = ty
                .replace(char::is_whitespace, "")
                .trim_start_matches("Option<")
                .trim_start_matches("Box<")
                .trim_end_matches('>')
                .to_string();
            return Some(TypeRef {
                path: ty,
                file: file.name.clone(),
            });
        }
    }
    None
}

/// The item an attribute at `from` applies to, when it is an enum: its line and name.
fn item_enum(lines: &[&str], from: usize, enum_re: &Regex) -> Option<(usize, String)> {
    let (at, line) = lines.iter().enumerate().skip(from).take(8).find(|(_, l)| {
        let l = l.trim();
        !(l.is_empty() || l.starts_with("#[") || l.starts_with("//"))
    })?;
    enum_re.captures(line).map(|c| (at, c[1].to_string()))
}

/// The `Subcommand` and `Parser` enums in a file, with their variants as clap names them
/// (kebab-case, or an explicit `name = "…"`).
fn enums(file: &File) -> Vec<Enum> {
    let [enum_re, name_re, _, _] = regexes();
    let lines: Vec<&str> = file.text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let derive = lines[i].contains("derive(")
            && (lines[i].contains("Subcommand") || lines[i].contains("Parser"));
        i += 1;
        if !derive {
            continue;
        }
        let Some((start, name)) = item_enum(&lines, i, enum_re) else {
            continue;
        };
        let mut depth = 0usize;
        let (mut renamed, mut flatten) = (None, false);
        let mut variants = Vec::new();
        let mut j = start;
        while j < lines.len() {
            let line = lines[j].trim();
            if depth == 1 && line.starts_with("#[") {
                if let Some(c) = name_re.captures(line) {
                    renamed = Some(c[1].to_string());
                }
                flatten |= line.contains("flatten");
            } else if depth == 1 {
                if let Some(ident) = line
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next()
                    .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                {
                    let payload = line[ident.len()..]
                        .trim_start()
                        .strip_prefix('(')
                        .and_then(|rest| rest.split([')', ',']).next())
                        .map(|t| {
                            t.trim()
                                .trim_start_matches("Box<")
                                .trim_end_matches('>')
                                .to_string()
                        });
                    variants.push(Variant {
                        name: renamed.take().unwrap_or_else(|| kebab(ident)),
                        line: j + 1,
                        payload,
                        flatten: std::mem::take(&mut flatten),
                    });
                }
            }
            for c in line.chars() {
                match c {
                    '{' | '(' => depth += 1,
                    '}' | ')' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            j += 1;
            if depth == 0 && j > start + 1 && line.contains('}') {
                break;
            }
        }
        out.push(Enum {
            name,
            file: file.name.clone(),
            variants,
        });
        i = j;
    }
    out
}

/// `WebServer` → `web-server`, as clap derives subcommand names.
fn kebab(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
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

    #[test]
    fn server_subcommands_are_the_top_level_ones() {
        let main = "#[derive(Parser)]\nstruct Cli {\n    #[command(subcommand)]\n    command: Option<Command>,\n}\n\n#[derive(Subcommand)]\nenum Command {\n    /// Run migrations\n    Migrate { dry_run: bool },\n    #[command(name = \"web\")]\n    Http(Args),\n    #[command(flatten)]\n    Admin(admin::Cmd),\n    Daemon(daemon::Cmd),\n}\n";
        let admin =
            "#[derive(Subcommand)]\npub enum Cmd {\n    Serve {\n        port: u16,\n    },\n}\n";
        let daemon = "#[derive(Subcommand)]\npub enum Cmd {\n    Start,\n}\n";
        let files = vec![
            File {
                name: "src/main.rs".into(),
                text: main.into(),
            },
            File {
                name: "src/admin.rs".into(),
                text: admin.into(),
            },
            File {
                name: "src/daemon/mod.rs".into(),
                text: daemon.into(),
            },
        ];
        let wanted = ["serve".to_string(), "start".to_string(), "web".to_string()];
        assert_eq!(
            server_subcommand(&files, &wanted),
            Some(("serve".into(), "src/admin.rs".into(), 3))
        );
        let wanted = ["start".to_string(), "web".to_string()];
        assert_eq!(
            server_subcommand(&files, &wanted),
            Some(("web".into(), "src/main.rs".into(), 12)),
            "daemon's `start` is nested, not top-level"
        );
        let parser_enum = "#[derive(Parser)]\nenum Cli {\n    Serve,\n}\n";
        assert_eq!(server_subcommand(&file(parser_enum), &wanted[..1]), None);
        assert_eq!(
            server_subcommand(&file(parser_enum), &["serve".to_string()]),
            Some(("serve".into(), "src/main.rs".into(), 3))
        );
        assert_eq!(kebab("WebServer"), "web-server");
    }
}
