//! What a program does, read from its sources: whether it is a network service and on which
//! port, its web framework, whether it loads time zones, needs cgo, or runs its server as a
//! subcommand.

use super::modfile::Require;
use super::packages::Program;
use super::rules::{within, Framework, GoRules};
use super::source::{line_of, GoFile};

/// A fact and where it was read: root-relative file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub value: T,
    pub file: String,
    pub line: usize,
}

/// Everything dockgen reads from a program's sources.
#[derive(Debug, Clone)]
pub struct Facts<'r> {
    /// The call that starts a server.
    pub listens: Option<Found<String>>,
    /// The framework and the import path that selects it.
    pub framework: Option<Found<(&'r Framework, String)>>,
    /// The port and what it was read from.
    pub port: Option<Found<(u16, String)>>,
    /// A listen address on a loopback host (unreachable from outside a container).
    pub loopback: Option<Found<String>>,
    /// Loads time zones at run time and embeds no zone database.
    pub tz: Option<Found<String>>,
    /// `import "C"` in the program's own packages.
    pub cgo: Option<Found<()>>,
    /// The subcommand that starts the server (`serve`).
    pub subcommand: Option<Found<String>>,
}

impl Facts<'_> {
    pub fn is_service(&self) -> bool {
        self.listens.is_some()
    }
}

fn first<'f>(files: &'f [GoFile], needle: &str) -> Option<(&'f GoFile, usize)> {
    files
        .iter()
        .find_map(|f| f.code.find(needle).map(|at| (f, line_of(&f.code, at))))
}

/// Reads the facts of `program`; `binary` is the name the program is built as (a CLI's root
/// command usually carries it, so it is never taken for a subcommand).
pub fn facts<'r>(
    program: &Program,
    binary: &str,
    requires: &[Require],
    rules: &'r GoRules,
) -> Facts<'r> {
    let files = &program.files;
    let imports_any = |paths: &[String]| {
        program
            .imports
            .iter()
            .any(|i| paths.iter().any(|p| within(i, p)))
    };
    let framework = files.iter().find_map(|f| {
        f.imports.iter().find_map(|import| {
            rules.framework(import).map(|fw| Found {
                value: (fw, import.clone()),
                file: f.name.clone(),
                line: f
                    .code
                    .find(import.as_str())
                    .map_or(1, |at| line_of(&f.code, at)),
            })
        })
    });

    let mut calls: Vec<&String> = Vec::new();
    if imports_any(&rules.service.server_imports) {
        calls.extend(&rules.service.listen_calls);
    }
    if let Some(fw) = &framework {
        calls.extend(&fw.value.0.listen);
    }
    let listens = calls.iter().find_map(|call| {
        first(files, call).map(|(f, line)| Found {
            value: call
                .trim_end_matches('(')
                .trim_start_matches('.')
                .to_string(),
            file: f.name.clone(),
            line,
        })
    });

    let (port, loopback) = if listens.is_some() || framework.is_some() {
        port(files, rules)
    } else {
        (None, None)
    };

    let tz = tz(program, requires, rules);

    let cgo = files.iter().find(|f| f.cgo).map(|f| Found {
        value: (),
        file: f.name.clone(),
        line: f.code.find("\"C\"").map_or(1, |at| line_of(&f.code, at)),
    });

    Facts {
        subcommand: listens
            .as_ref()
            .and_then(|_| subcommand(program, binary, rules)),
        listens,
        framework,
        port,
        loopback,
        tz,
        cgo,
    }
}

/// The port a program listens on, and the loopback address it listens on when it does.
#[allow(clippy::type_complexity)]
fn port(
    files: &[GoFile],
    rules: &GoRules,
) -> (Option<Found<(u16, String)>>, Option<Found<String>>) {
    for (re, pattern) in super::rules::port_patterns() {
        for f in files {
            if pattern
                .only_with
                .as_ref()
                .is_some_and(|t| !f.code.contains(t.as_str()))
            {
                continue;
            }
            let Some(caps) = re.captures(&f.code) else {
                continue;
            };
            let Some(p) = caps[1].parse::<u16>().ok().filter(|p| *p > 0) else {
                continue;
            };
            let whole = caps.get(0).map_or("", |m| m.as_str());
            let line = line_of(&f.code, caps.get(0).map_or(0, |m| m.start()));
            let loopback = rules
                .service
                .loopback_hosts
                .iter()
                .find(|h| whole.contains(&format!("\"{h}:")))
                .map(|host| Found {
                    value: format!("{host}:{p}"),
                    file: f.name.clone(),
                    line,
                });
            let port = Found {
                value: (p, pattern.note.clone()),
                file: f.name.clone(),
                line,
            };
            return (Some(port), loopback);
        }
    }
    (None, None)
}

/// Why the program needs a zone database: a call that loads one, or a module known to.
fn tz(program: &Program, requires: &[Require], rules: &GoRules) -> Option<Found<String>> {
    if program.imports.contains(&rules.service.tz_embedded) {
        return None;
    }
    rules
        .service
        .tz_calls
        .iter()
        .find_map(|call| {
            first(&program.files, call).map(|(f, line)| Found {
                value: format!("calls `{}`", call.trim_end_matches('(')),
                file: f.name.clone(),
                line,
            })
        })
        .or_else(|| {
            requires
                .iter()
                .find(|r| rules.service.tz_modules.iter().any(|m| within(&r.path, m)))
                .map(|m| Found {
                    value: format!("uses {}, which loads time zones", m.path),
                    file: String::new(),
                    line: 0,
                })
        })
}

/// The server subcommand of a CLI built with cobra, urfave/cli or kong: the first of the data's
/// names (`serve`, `server`, …) that a command declares, never the root command.
fn subcommand(program: &Program, binary: &str, rules: &GoRules) -> Option<Found<String>> {
    let uses_cli = program
        .imports
        .iter()
        .any(|i| rules.subcommands.libraries.iter().any(|l| within(i, l)));
    if !uses_cli {
        return None;
    }
    for name in rules.subcommands.names.iter().filter(|n| *n != binary) {
        for f in &program.files {
            for (i, line) in f.code.lines().enumerate() {
                let code = squash(line.trim());
                // Written as `squash` leaves them: no space after `:`.
                let declared = [
                    // cobra: Use: "serve [flags]"
                    format!("Use:\"{name}\""),
                    format!("Use:\"{name} "),
                    // urfave/cli: Name: "serve"
                    format!("Name:\"{name}\""),
                    // kong: `cmd:"" name:"serve"`
                    format!("name:\"{name}\""),
                ]
                .iter()
                .any(|d| code.contains(d.as_str()))
                    // kong: a `Serve ServeCmd \`cmd:""\`` field names the command.
                    || (code.contains("cmd:\"")
                        && code.split(' ').next().is_some_and(|field| field.eq_ignore_ascii_case(name)));
                let is_flag = code.contains("Flag");
                if declared && !is_flag {
                    return Some(Found {
                        value: name.clone(),
                        file: f.name.clone(),
                        line: i + 1,
                    });
                }
            }
        }
    }
    None
}

/// `Use:   "serve"` and `Use: "serve"` alike.
fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c == ' ' || c == '\t' {
            space = true;
            continue;
        }
        if space && !out.ends_with(':') && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::go::rules::rules;
    use crate::detect::go::source;

    fn program(files: &[(&str, &str)]) -> Program {
        let rules = rules().unwrap();
        let files: Vec<GoFile> = files
            .iter()
            .filter_map(|(name, text)| source::read(name, text, &rules.sources))
            .collect();
        let imports = files.iter().flat_map(|f| f.imports.clone()).collect();
        Program { files, imports }
    }

    fn port(code: &str) -> Option<u16> {
        let text = format!("package main\n\nimport \"net/http\"\n\nfunc main() {{\n{code}\n}}\n");
        let p = program(&[("main.go", &text)]);
        facts(&p, "app", &[], rules().unwrap())
            .port
            .map(|f| f.value.0)
    }

    #[test]
    fn ports_come_from_the_usual_places() {
        assert_eq!(port(r#"http.ListenAndServe(":8081", nil)"#), Some(8081));
        assert_eq!(
            port(r#"net.Listen("tcp", "0.0.0.0:9000"); http.Serve(l, nil)"#),
            Some(9000)
        );
        assert_eq!(
            port(r#"s := &http.Server{Addr: ":7000"}; s.ListenAndServe()"#),
            Some(7000)
        );
        assert_eq!(
            port("p := os.Getenv(\"PORT\")\nif p == \"\" {\n p = \"3001\"\n}\nhttp.ListenAndServe(\":\"+p, nil)"),
            None,
            "`p` is not named port"
        );
        assert_eq!(
            port("port := os.Getenv(\"PORT\")\nif port == \"\" {\n port = \"3001\"\n}\nhttp.ListenAndServe(\":\"+port, nil)"),
            Some(3001)
        );
        assert_eq!(
            port("addr := flag.String(\"listen-addr\", \":4000\", \"\")\nhttp.ListenAndServe(*addr, nil)"),
            Some(4000)
        );
        assert_eq!(
            port("// http.ListenAndServe(\":1234\", nil)\nhttp.ListenAndServe(addr, nil)"),
            None
        );
    }

    #[test]
    fn a_root_command_is_never_its_own_subcommand() {
        let root = "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/spf13/cobra\"\n)\n\nvar root = &cobra.Command{Use: \"server\"}\nvar run = &cobra.Command{\n\tUse:   \"run [flags]\",\n}\n\nfunc serve() { http.ListenAndServe(\":80\", nil) }\n";
        let p = program(&[("main.go", root)]);
        let found = facts(&p, "server", &[], rules().unwrap());
        assert_eq!(found.subcommand.map(|s| s.value), Some("run".into()));
        let flags = "package main\n\nimport \"github.com/urfave/cli/v2\"\n\nvar f = &cli.StringFlag{Name: \"server\"}\n";
        let p = program(&[("main.go", flags)]);
        assert!(facts(&p, "x", &[], rules().unwrap()).subcommand.is_none());
    }
}
