//! Servers: which one serves the app, the command that starts it bound to 0.0.0.0, what its
//! config files say (gunicorn's `bind`, uWSGI's ini), and Procfile commands.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use super::deps::Deps;
use super::rules::{FrameworkRule, PythonRules, ServerRule, Worker};
use crate::error::Error;
use crate::project::Project;

/// What a server is asked to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `module:attribute`.
    App(String),
    /// A factory function: `module` and function name.
    Factory(String, String),
    /// The server's config file names the app.
    Config,
}

/// The chosen server and how it came to be chosen.
pub struct Choice<'r> {
    pub rule: &'r ServerRule,
    /// The project does not install it: the image adds `rule.add`.
    pub added: bool,
    /// gunicorn's ASGI worker, for an ASGI app.
    pub worker: Option<&'r Worker>,
    /// Why (the distribution that declares it, or "added").
    pub why: String,
}

/// The server for an app speaking `interface`: one the project installs (python.toml's order),
/// one its framework's extras bring, else the default, added.
pub fn choose<'r>(
    rules: &'r PythonRules,
    deps: &Deps,
    framework: Option<&FrameworkRule>,
    interface: &str,
) -> Option<Choice<'r>> {
    let implied: Vec<&str> = framework
        .into_iter()
        .flat_map(|fw| {
            fw.packages
                .iter()
                .filter_map(|p| deps.declares(p))
                .flat_map(|req| {
                    fw.implies
                        .iter()
                        .filter(|i| req.extras.contains(&i.extra))
                        .flat_map(|i| i.servers.iter().map(String::as_str))
                })
        })
        .collect();
    let installed = |s: &ServerRule| {
        s.packages.iter().any(|p| deps.installs(p)) || implied.contains(&s.name.as_str())
    };
    for server in rules.servers.iter().filter(|s| installed(s)) {
        let package = server
            .packages
            .iter()
            .find(|p| deps.installs(p))
            .map_or_else(
                || format!("{}'s extras", framework.map_or("", |f| f.name.as_str())),
                |p| format!("`{p}`"),
            );
        if server.serves(interface) {
            return Some(Choice {
                rule: server,
                added: false,
                worker: None,
                why: format!("the project installs {package}"),
            });
        }
        if interface == "asgi" {
            if let Some(worker) = server.workers.iter().find(|w| deps.installs(&w.package)) {
                return Some(Choice {
                    rule: server,
                    added: false,
                    worker: Some(worker),
                    why: format!("the project installs {package} and `{}`", worker.package),
                });
            }
        }
    }
    let default = match interface {
        "asgi" => &rules.defaults.asgi,
        _ => &rules.defaults.wsgi,
    };
    rules.server(default).map(|rule| Choice {
        rule,
        added: true,
        worker: None,
        why: format!(
            "the project declares no {} server",
            interface.to_ascii_uppercase()
        ),
    })
}

/// The server's command for `target` on `port`.
/// What a server command is built from besides the server and the app.
pub struct Launch<'a> {
    pub port: u16,
    pub interface: &'a str,
    /// The server version the image installs, when known.
    pub version: Option<&'a str>,
    /// The Python line, for the version pip picks when none is known.
    pub line: &'a str,
    /// A config file to pass with the server's flag.
    pub config: Option<&'a str>,
}

pub fn argv(choice: &Choice, target: &Target, launch: &Launch) -> Vec<String> {
    let Launch {
        port,
        interface,
        version,
        line,
        config,
    } = *launch;
    let rule = choice.rule;
    let mut out = Vec::new();
    let fill = |a: &str, target: &str| {
        a.replace("{target}", target)
            .replace("{port}", &port.to_string())
            .replace("{interface}", interface)
    };
    let target_text = match target {
        Target::App(t) => Some(t.clone()),
        Target::Factory(module, name) => Some(
            rule.factory
                .replace("{module}", module)
                .replace("{name}", name),
        ),
        Target::Config => None,
    };
    for arg in &rule.argv {
        match (&target_text, arg.contains("{target}")) {
            (None, true) => {
                // The config names the app; uWSGI's `--module {target}` pair goes too.
                if out.last().is_some_and(|prev: &String| {
                    prev.starts_with("--")
                        && !prev.contains('=')
                        && rule.bind_flags.iter().all(|f| f != prev)
                }) {
                    out.pop();
                }
            }
            (Some(t), true) => out.push(fill(arg, t)),
            (_, false) => out.push(fill(arg, "")),
        }
    }
    if let Target::Factory(..) = target {
        let at = out.len().min(1);
        for (i, flag) in rule.factory_args.iter().enumerate() {
            out.insert(at + i, flag.clone());
        }
    }
    if let Some(worker) = choice.worker {
        out.extend(["--worker-class".to_string(), worker.class.clone()]);
    }
    if let (Some(file), Some(flag)) = (config, &rule.config_flag) {
        out.extend([flag.clone(), file.to_string()]);
    }
    out.extend(versioned(rule, version, line));
    out
}

/// Arguments the installed version takes (the one `add` names for the line when unknown:
/// pip installs the newest the line allows).
fn versioned(rule: &ServerRule, version: Option<&str>, line: &str) -> Vec<String> {
    let newest = rule.add_for(line).and_then(|a| a.split("==").nth(1));
    let Some(version) = version.or(newest).and_then(|v| Version::from_str(v).ok()) else {
        return Vec::new();
    };
    rule.versioned_args
        .iter()
        .filter(|v| {
            VersionSpecifiers::from_str(&v.versions).is_ok_and(|range| range.contains(&version))
        })
        .flat_map(|v| v.args.iter().cloned())
        .collect()
}

/// A config file the server reads (by itself, or passed with its flag), and what it says.
pub struct Config {
    /// Root-relative name for evidence.
    pub file: String,
    /// Relative to the app folder; `Some` when it must be passed with the config flag.
    pub pass: Option<String>,
    pub port: Option<u16>,
    /// The config names the app (`wsgi_app`, uWSGI's `module`).
    pub names_app: bool,
    /// It already makes SIGTERM stop the server (uWSGI's `die-on-term`).
    pub stops: bool,
}

/// The first config file of `rule` in `project`.
pub fn config(project: &Project, rule: &ServerRule) -> Result<Option<Config>, Error> {
    let files = rule
        .config_files
        .iter()
        .map(|f| (f, false))
        .chain(rule.config_options.iter().map(|f| (f, true)));
    for (file, pass) in files {
        let Some(text) = project.read(file)? else {
            continue;
        };
        let value = |key: &str| setting(&text, key);
        let port = rule
            .config_bind
            .as_deref()
            .and_then(value)
            .and_then(|bind| port_of(&bind));
        let names_app = rule.config_app.as_deref().and_then(value).is_some()
            || ["module", "wsgi-file", "wsgi"]
                .iter()
                .any(|k| ini_value(&text, k).is_some());
        let stops = ini_value(&text, "die-on-term").is_some_and(|v| v == "true" || v == "1");
        let port = port.or_else(|| {
            ["http", "http-socket"]
                .iter()
                .find_map(|k| ini_value(&text, k))
                .and_then(|b| port_of(&b))
        });
        return Ok(Some(Config {
            file: project.name(file),
            pass: pass.then(|| file.clone()),
            port,
            names_app,
            stops,
        }));
    }
    Ok(None)
}

/// `key = "value"` or `key = ["value"]` in a Python or TOML config.
fn setting(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line
            .trim_start()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?;
        let rest = rest.trim().trim_start_matches('[').trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = &rest[1..];
        inner.find(quote).map(|end| inner[..end].to_string())
    })
}

/// `key = value` in an ini file's lines.
fn ini_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The port of a bind address: `0.0.0.0:8000`, `:8000`, `[::]:8000`.
pub fn port_of(bind: &str) -> Option<u16> {
    if bind.starts_with("unix:") {
        return None;
    }
    bind.rsplit(':')
        .next()?
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
}

/// A Procfile command ready for exec form: `$PORT` forms replaced by the port, the server's
/// bind added when missing. `None` (with the reason) when it needs a shell.
pub struct ProcfileCommand<'r> {
    pub argv: Vec<String>,
    pub port: Option<u16>,
    /// The server the command runs, when python.toml knows it.
    pub server: Option<&'r ServerRule>,
    pub line: usize,
}

/// `ports`: the port asked for (`--port`), and the port when nothing else says.
pub fn procfile<'r>(
    text: &str,
    types: &[String],
    rules: &'r PythonRules,
    (forced, default_port): (Option<u16>, u16),
) -> Result<Option<ProcfileCommand<'r>>, String> {
    let Some((line, command)) = types.iter().find_map(|t| {
        text.lines().enumerate().find_map(|(i, l)| {
            let (name, cmd) = l.split_once(':')?;
            (name.trim() == t).then(|| (i + 1, cmd.trim().to_string()))
        })
    }) else {
        return Ok(None);
    };
    if command.contains("&&")
        || command.contains(';')
        || command.contains('|')
        || command.contains('`')
        || command.contains("$(")
        || command.contains('>')
    {
        return Err(format!("Procfile line {line} (`{command}`) needs a shell, which an exec-form command does not run"));
    }
    let mut words =
        shell_words::split(&command).map_err(|e| format!("Procfile line {line}: {e}"))?;
    if words.first().is_some_and(|w| w == "exec") {
        words.remove(0);
    }
    let mut port_default: Option<u16> = None;
    for word in &mut words {
        for form in ["${PORT}", "$PORT"] {
            if word.contains(form) {
                *word = word.replace(form, "{port}");
            }
        }
        if let Some(start) = word.find("${PORT:-") {
            if let Some(end) = word[start..].find('}') {
                let inner = &word[start + 8..start + end];
                port_default = port_default.or_else(|| inner.parse().ok());
                *word = format!("{}{{port}}{}", &word[..start], &word[start + end + 1..]);
            }
        }
        if word.contains('$') {
            return Err(format!(
                "Procfile line {line} (`{command}`) uses variables other than `$PORT`"
            ));
        }
    }
    let program = words.first().cloned().unwrap_or_default();
    let server = rules
        .servers
        .iter()
        .find(|s| s.argv.first().is_some_and(|p| *p == program));
    // The port: a literal bind in the command, else $PORT's default, else the server's.
    let literal = words.iter().enumerate().find_map(|(i, w)| {
        let value = w.split_once('=').map(|(_, v)| v).or_else(|| {
            server
                .is_some_and(|s| s.bind_flags.iter().any(|f| f == w))
                .then(|| words.get(i + 1).map(String::as_str))
                .flatten()
        })?;
        (!value.contains("{port}"))
            .then(|| port_of(value))
            .flatten()
    });
    let port = literal
        .or(forced)
        .or(port_default)
        .or_else(|| server.map(|s| s.port))
        .unwrap_or(default_port);
    let binds = words.iter().any(|w| {
        server.is_some_and(|s| {
            s.bind_flags
                .iter()
                .any(|f| w == f || w.starts_with(&format!("{f}=")))
        })
    });
    let mut argv: Vec<String> = words
        .iter()
        .map(|w| w.replace("{port}", &port.to_string()))
        .collect();
    if let (Some(server), false) = (server, binds) {
        argv.extend(
            server
                .bind_args
                .iter()
                .map(|a| a.replace("{port}", &port.to_string())),
        );
    }
    // A server that reloads on SIGTERM unless told otherwise (uWSGI) is told.
    for arg in server.map(|s| s.stop_args.as_slice()).unwrap_or_default() {
        if !argv.contains(arg) {
            argv.push(arg.clone());
        }
    }
    let port = (server.is_some() || words.iter().any(|w| w.contains("{port}"))).then_some(port);
    Ok(Some(ProcfileCommand {
        argv,
        port,
        server,
        line,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(version: Option<&str>) -> Launch<'_> {
        Launch {
            port: 8000,
            interface: "wsgi",
            version,
            line: "3.13",
            config: None,
        }
    }

    fn rules() -> PythonRules {
        crate::rules::parse(super::super::rules::DATA.0, super::super::rules::DATA.1).unwrap()
    }

    #[test]
    fn procfile_commands_get_the_port_and_a_bind() {
        let rules = rules();
        let types = vec!["web".to_string()];
        let cmd = procfile(
            "release: x\nweb: gunicorn app:app --bind 0.0.0.0:$PORT\n",
            &types,
            &rules,
            (None, 8000),
        )
        .unwrap()
        .unwrap();
        assert_eq!(cmd.argv, ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]);
        assert_eq!(cmd.line, 2);
        let cmd = procfile("web: uvicorn main:app", &types, &rules, (None, 8000))
            .unwrap()
            .unwrap();
        assert_eq!(
            cmd.argv,
            ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
        );
        let cmd = procfile("web: gunicorn -b :5000 x:y", &types, &rules, (None, 8000))
            .unwrap()
            .unwrap();
        assert_eq!(cmd.port, Some(5000));
        assert!(procfile("web: cd src && gunicorn x", &types, &rules, (None, 8000)).is_err());
        assert!(procfile("worker: celery", &types, &rules, (None, 8000))
            .unwrap()
            .is_none());
        let cmd = procfile(
            "web: uwsgi etc/uwsgi.ini --http :$PORT",
            &types,
            &rules,
            (None, 8000),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            cmd.argv,
            ["uwsgi", "etc/uwsgi.ini", "--http", ":8000", "--die-on-term"]
        );
    }

    #[test]
    fn server_commands_fill_targets_factories_and_workers() {
        let rules = rules();
        let gunicorn = rules.server("gunicorn").unwrap();
        let choice = Choice {
            rule: gunicorn,
            added: false,
            worker: None,
            why: String::new(),
        };
        assert_eq!(
            argv(
                &choice,
                &Target::Factory("app".into(), "create_app".into()),
                &launch(Some("23.0.0"))
            ),
            [
                "gunicorn",
                "app:create_app()",
                "--bind",
                "0.0.0.0:8000",
                "--worker-tmp-dir",
                "/dev/shm"
            ]
        );
        assert!(argv(&choice, &Target::App("a:b".into()), &launch(None))
            .contains(&"--no-control-socket".to_string()));
        let uvicorn = rules.server("uvicorn").unwrap();
        let choice = Choice {
            rule: uvicorn,
            added: false,
            worker: None,
            why: String::new(),
        };
        assert_eq!(
            argv(
                &choice,
                &Target::Factory("m".into(), "f".into()),
                &launch(None)
            ),
            [
                "uvicorn",
                "--factory",
                "m:f",
                "--host",
                "0.0.0.0",
                "--port",
                "8000"
            ]
        );
        let uwsgi = rules.server("uwsgi").unwrap();
        let choice = Choice {
            rule: uwsgi,
            added: false,
            worker: None,
            why: String::new(),
        };
        assert_eq!(
            argv(&choice, &Target::Config, &launch(None)),
            [
                "uwsgi",
                "--http",
                "0.0.0.0:8000",
                "--master",
                "--die-on-term"
            ]
        );
        assert_eq!(port_of("0.0.0.0:8000"), Some(8000));
        assert_eq!(port_of("[::]:9000"), Some(9000));
        assert_eq!(port_of("unix:/tmp/x.sock"), None);
        assert_eq!(
            setting("bind = ['0.0.0.0:5000']", "bind").as_deref(),
            Some("0.0.0.0:5000")
        );
    }
}
