//! What the container runs, in the order of evidence the issue sets: a Procfile `web:` line;
//! a server the project declares, serving its framework's app (Django's WSGI/ASGI application,
//! a FastAPI/Flask/… instance or factory); `[project.scripts]`; `python -m package`; a
//! script with a `__main__` guard.

use std::collections::BTreeMap;

use super::deps::Deps;
use super::django::Django;
use super::rules::{FrameworkRule, PythonRules, Reader, ServerRule};
use super::server::{self, Target};
use super::source::{self, PyFile};
use crate::error::Error;
use crate::plan::{Evidence, Field, Warning, WarningKind};
use crate::project::Project;

/// What runs, and what that asks of the image.
#[derive(Default)]
pub struct Run<'r> {
    pub argv: Option<Vec<String>>,
    pub port: Option<u16>,
    pub framework: Option<&'r FrameworkRule>,
    /// A requirement the image adds because the project lacks the server it needs.
    pub added_server: Option<String>,
    /// The command does not stop on SIGTERM as PID 1: an init must run it.
    pub init: bool,
    /// The project itself must be installed into the venv (console scripts, src packages).
    pub install_project: bool,
    /// A src/ module imported without installing the project: `src` goes on `PYTHONPATH`.
    pub src_path: bool,
    pub django: Option<Django>,
    /// `--port`: the port server commands bind (`apply` records it as the plan's port).
    port_flag: Option<u16>,
    pub evidence: BTreeMap<Field, Evidence>,
    pub warnings: Vec<Warning>,
}

impl Run<'_> {
    fn note(&mut self, field: Field, evidence: Evidence) {
        self.evidence.insert(field, evidence);
    }

    fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }
}

/// Decides what runs in `project` (the app folder).
pub fn decide<'r>(
    project: &Project,
    rules: &'r PythonRules,
    deps: &Deps,
    pyproject: Option<&toml::Table>,
    installable: bool,
    line: &str,
    port_flag: Option<u16>,
) -> Result<Run<'r>, Error> {
    let mut run = Run {
        framework: framework(rules, deps),
        port_flag,
        ..Run::default()
    };
    if let Some(fw) = run.framework {
        let source = deps
            .declares(fw.packages.first().map_or("", String::as_str))
            .or_else(|| fw.packages.iter().find_map(|p| deps.declares(p)));
        let evidence = source.map_or_else(
            || {
                Evidence::file(
                    &project.name("."),
                    None,
                    format!("the lockfile installs {}", fw.name),
                )
            },
            |req| Evidence::file(&req.file, None, format!("declares `{}`", req.name)),
        );
        run.note(Field::Framework, evidence);
    }
    let django = super::django::read(project, &rules.django)?;
    if let Some(django) = &django {
        run.framework = rules
            .frameworks
            .iter()
            .find(|f| f.reader == Some(Reader::Django))
            .or(run.framework);
        run.note(Field::Framework, django.evidence.clone());
    }
    run.django = django;

    if procfile(project, rules, deps, line, &mut run)? {
        return Ok(run);
    }
    if framework_server(project, rules, deps, (installable, line), &mut run)? {
        return Ok(run);
    }
    if let Some((argv, port, evidence, sigterm)) = server_config_only(project, rules, deps, line)? {
        run.argv = Some(argv);
        run.port = port;
        run.init = !sigterm;
        run.note(Field::Entrypoint, evidence);
        return Ok(run);
    }
    if console_script(project, pyproject, installable, &mut run) {
        return Ok(run);
    }
    if module_main(project, rules, installable, &mut run) {
        return Ok(run);
    }
    script(project, rules, &mut run)?;
    Ok(run)
}

/// The first framework whose distribution the project installs (python.toml's order).
fn framework<'r>(rules: &'r PythonRules, deps: &Deps) -> Option<&'r FrameworkRule> {
    rules
        .frameworks
        .iter()
        .find(|f| f.packages.iter().any(|p| deps.declares(p).is_some()))
        .or_else(|| {
            rules
                .frameworks
                .iter()
                .find(|f| f.packages.iter().any(|p| deps.installs(p)))
        })
}

fn procfile(
    project: &Project,
    rules: &PythonRules,
    deps: &Deps,
    line: &str,
    run: &mut Run,
) -> Result<bool, Error> {
    let Some(text) = project.read("Procfile")? else {
        return Ok(false);
    };
    let default_port = run.django.as_ref().map_or(
        rules.server(&rules.defaults.wsgi).map_or(8000, |s| s.port),
        |_| rules.django.port,
    );
    match server::procfile(
        &text,
        &rules.entry.procfile_types,
        rules,
        (run.port_flag, default_port),
    ) {
        Ok(None) => Ok(false),
        Err(reason) => {
            run.warn(
                WarningKind::Entrypoint,
                format!("{reason}; dockgen looks for the app instead"),
            );
            Ok(false)
        }
        Ok(Some(cmd)) => {
            for arg in &cmd.argv {
                crate::detect::safe::safe_arg(
                    &project.name("Procfile"),
                    &format!("line {}", cmd.line),
                    arg,
                )?;
            }
            let key = format!("line {}", cmd.line);
            run.note(
                Field::Entrypoint,
                project.evidence("Procfile", Some(&key), "the `web` process"),
            );
            if let Some(port) = cmd.port {
                run.port = Some(port);
                run.note(
                    Field::Port,
                    project.evidence("Procfile", Some(&key), "the web process's bind"),
                );
            }
            match cmd.server {
                Some(server) => {
                    run.init = !server.sigterm;
                    if !server.packages.iter().any(|p| deps.installs(p)) {
                        if let Some(add) = server.add_for(line) {
                            run.added_server = Some(add.to_string());
                            run.warn(
                                WarningKind::Framework,
                                format!("the Procfile runs {} but the project does not install it: the image adds `{add}`; add it to your dependencies", server.name),
                            );
                        }
                    }
                }
                None => run.init = true,
            }
            run.argv = Some(cmd.argv);
            Ok(true)
        }
    }
}

/// What a server is asked to serve, in which protocol, and where that was found.
struct App {
    target: Target,
    interface: &'static str,
    evidence: Evidence,
    under_src: bool,
}

/// The framework's app served by a server (or the framework's own command).
fn framework_server(
    project: &Project,
    rules: &PythonRules,
    deps: &Deps,
    (installable, line): (bool, &str),
    run: &mut Run,
) -> Result<bool, Error> {
    let Some(fw) = run.framework else {
        return Ok(false);
    };
    if fw.reader == Some(Reader::Django) && run.django.is_none() {
        run.warn(
            WarningKind::MissingEntrypoint,
            format!(
                "{} is installed but no manage.py is in the folders dockgen looks in",
                fw.name
            ),
        );
        return Ok(false);
    }
    let files = source::candidates(project, &rules.entry);
    if !fw.server.is_empty() {
        return own_server(project, fw, &files, run);
    }
    let app = match &run.django {
        Some(django) => django_app(django, rules, deps),
        None => source_app(project, fw, &files)?,
    };
    let app = match app {
        Ok(app) => app,
        Err(reason) => {
            run.warn(WarningKind::MissingEntrypoint, reason);
            return Ok(false);
        }
    };
    let Some(choice) = server::choose(rules, deps, Some(fw), app.interface) else {
        return Ok(false);
    };
    serve(project, rules, deps, (&choice, &app, line), run)?;
    // A src/ package imports once the project is installed; otherwise src goes on the path.
    run.install_project = app.under_src && installable;
    run.src_path = app.under_src && !installable;
    Ok(true)
}

/// Django's WSGI application, or its ASGI one when the settings configure it (Channels) or
/// only ASGI servers are installed.
fn django_app(django: &Django, rules: &PythonRules, deps: &Deps) -> Result<App, String> {
    let installed = |interface: &str| {
        rules
            .servers
            .iter()
            .any(|s| s.serves(interface) && s.packages.iter().any(|p| deps.installs(p)))
    };
    let asgi_only = !installed("wsgi") && installed("asgi");
    let use_asgi =
        (django.asgi_configured || asgi_only || django.wsgi.is_none()) && django.asgi.is_some();
    let (app, found) = if use_asgi {
        (&django.asgi, &django.asgi_evidence)
    } else {
        (&django.wsgi, &django.wsgi_evidence)
    };
    let Some(app) = app.clone() else {
        return Err("the Django settings name no WSGI_APPLICATION and no wsgi.py was found".into());
    };
    let mut evidence = found.clone().unwrap_or_else(|| django.evidence.clone());
    if use_asgi && !django.asgi_configured {
        evidence.note = format!("{} (only ASGI servers are installed)", evidence.note);
    }
    Ok(App {
        target: Target::App(app),
        interface: if use_asgi { "asgi" } else { "wsgi" },
        evidence,
        under_src: false,
    })
}

/// The app object the framework's constructor or factory makes, found in the source.
fn source_app(
    project: &Project,
    fw: &FrameworkRule,
    files: &[PyFile],
) -> Result<Result<App, String>, Error> {
    let import = fw
        .packages
        .first()
        .map_or("", |p| p.as_str())
        .replace('-', "_");
    let Some(found) = source::find_app(project, files, &import, &fw.constructors, &fw.factories)?
    else {
        return Ok(Err(format!(
            "{} is installed but no file creates the app (`app = {}(…)` or a factory) in the places dockgen looks",
            fw.name,
            fw.constructors.first().map_or("App", String::as_str)
        )));
    };
    let module = found.file.module.clone().unwrap_or_default();
    let target = if found.factory {
        Target::Factory(module, found.name.clone())
    } else {
        Target::App(format!("{module}:{}", found.name))
    };
    let interface = if fw.interface == "asgi" {
        "asgi"
    } else {
        "wsgi"
    };
    Ok(Ok(App {
        target,
        interface,
        evidence: project.evidence(
            &found.file.path,
            Some(&format!("line {}", found.line)),
            found.what.clone(),
        ),
        under_src: found.file.under_src,
    }))
}

/// The server's command for `app`, its port and what it adds to the image.
fn serve(
    project: &Project,
    rules: &PythonRules,
    deps: &Deps,
    (choice, app, line): (&server::Choice, &App, &str),
    run: &mut Run,
) -> Result<(), Error> {
    let rule = choice.rule;
    let mut config = server::config(project, rule)?;
    // A config the added server would read by itself belongs to no server the project runs.
    if config
        .as_ref()
        .is_some_and(|c| c.pass.is_none() && choice.added)
    {
        config = None;
    }
    let port = run
        .port_flag
        .or(config.as_ref().and_then(|c| c.port))
        .or(run.django.as_ref().map(|_| rules.django.port))
        .unwrap_or(rule.port);
    let version = rule.packages.iter().find_map(|p| deps.version(p));
    let argv = match &config {
        Some(cfg) if !rule.config_argv.is_empty() => config_command(rule, cfg, Some(port)),
        _ => server::argv(
            choice,
            &app.target,
            &server::Launch {
                port,
                interface: app.interface,
                version,
                line,
                config: config.as_ref().and_then(|c| c.pass.as_deref()),
            },
        ),
    };
    run.note(Field::Entrypoint, app.evidence.clone());
    let port_note = match &config {
        Some(cfg) if cfg.port.is_some() => {
            Evidence::file(&cfg.file, None, format!("{}'s bind", rule.name))
        }
        _ if run.django.is_some() => {
            Evidence::default("Django's port (runserver's and gunicorn's)")
        }
        _ => Evidence::default(format!("{}'s default port", rule.name)),
    };
    run.note(Field::Port, port_note);
    if choice.added {
        let add = rule.add_for(line).unwrap_or_default().to_string();
        run.warn(
            WarningKind::Framework,
            format!("{}: the image adds `{add}` to serve the app; add it to your dependencies to control its version", choice.why),
        );
        run.added_server = Some(add);
    }
    run.init = !rule.sigterm;
    run.port = Some(port);
    run.argv = Some(argv);
    Ok(())
}

/// A server whose config file holds everything (uWSGI's ini): the config, the arguments that
/// make SIGTERM stop it, and a bind when the config has none.
fn config_command(rule: &ServerRule, cfg: &server::Config, port: Option<u16>) -> Vec<String> {
    let file = cfg.pass.clone().unwrap_or_default();
    let mut argv: Vec<String> = rule
        .config_argv
        .iter()
        .map(|a| a.replace("{config}", &file))
        .collect();
    if !cfg.stops {
        argv.extend(rule.stop_args.iter().cloned());
    }
    if let (None, Some(port)) = (cfg.port, port) {
        argv.extend(
            rule.bind_args
                .iter()
                .map(|a| a.replace("{port}", &port.to_string())),
        );
    }
    argv
}

/// A framework that runs its own server (`streamlit run app.py`).
fn own_server(
    project: &Project,
    fw: &FrameworkRule,
    files: &[PyFile],
    run: &mut Run,
) -> Result<bool, Error> {
    let import = fw
        .packages
        .first()
        .map_or("", |p| p.as_str())
        .replace('-', "_");
    for file in files {
        let Some(text) = project.read(&file.path)? else {
            continue;
        };
        if !source::imports(&text, &import) {
            continue;
        }
        let port = run.port_flag.or(fw.port).unwrap_or(8000);
        let path = crate::detect::safe::safe_path(&project.name(&file.path), "path", &file.path)?;
        let argv = fw
            .server
            .iter()
            .map(|a| {
                a.replace("{file}", &path)
                    .replace("{port}", &port.to_string())
            })
            .collect();
        run.note(
            Field::Entrypoint,
            project.evidence(&file.path, None, format!("imports {}", fw.name)),
        );
        run.note(
            Field::Port,
            Evidence::default(format!("{}'s default port", fw.name)),
        );
        run.argv = Some(argv);
        run.port = Some(port);
        run.init = true;
        return Ok(true);
    }
    Ok(false)
}

/// A command found in a server's config, its port, where it came from, and whether it stops on
/// SIGTERM by itself.
type ConfigRun = (Vec<String>, Option<u16>, Evidence, bool);

/// A declared server whose config names the app (gunicorn's `wsgi_app`, uWSGI's `module`), for
/// apps of no framework dockgen knows.
fn server_config_only(
    project: &Project,
    rules: &PythonRules,
    deps: &Deps,
    line: &str,
) -> Result<Option<ConfigRun>, Error> {
    for rule in rules
        .servers
        .iter()
        .filter(|s| s.packages.iter().any(|p| deps.installs(p)))
    {
        let Some(cfg) = server::config(project, rule)? else {
            continue;
        };
        if !cfg.names_app {
            continue;
        }
        let port = cfg.port.unwrap_or(rule.port);
        let argv = if rule.config_argv.is_empty() {
            let choice = server::Choice {
                rule,
                added: false,
                worker: None,
                why: String::new(),
            };
            let version = rule.packages.iter().find_map(|p| deps.version(p));
            let interface = rule.interfaces.first().map_or("wsgi", String::as_str);
            let launch = server::Launch {
                port,
                interface,
                version,
                line,
                config: cfg.pass.as_deref(),
            };
            server::argv(&choice, &Target::Config, &launch)
        } else {
            config_command(rule, &cfg, Some(port))
        };
        let evidence = Evidence::file(
            &cfg.file,
            None,
            format!("{}'s config names the app", rule.name),
        );
        return Ok(Some((argv, Some(port), evidence, rule.sigterm)));
    }
    Ok(None)
}

/// `[project.scripts]` (or Poetry's `[tool.poetry.scripts]`): the console script to run.
fn console_script(
    project: &Project,
    pyproject: Option<&toml::Table>,
    installable: bool,
    run: &mut Run,
) -> bool {
    let Some(pyproject) = pyproject else {
        return false;
    };
    let (table, key) = match pyproject
        .get("project")
        .and_then(|p| p.get("scripts"))
        .and_then(toml::Value::as_table)
    {
        Some(t) => (t, "project.scripts"),
        None => match pyproject
            .get("tool")
            .and_then(|t| t.get("poetry")?.get("scripts")?.as_table())
        {
            Some(t) => (t, "tool.poetry.scripts"),
            None => return false,
        },
    };
    let names: Vec<&String> = table.keys().filter(|k| safe_name(k)).collect();
    if names.is_empty() {
        return false;
    }
    if !installable {
        run.warn(
            WarningKind::Entrypoint,
            "pyproject.toml declares console scripts but no [build-system] to install them with",
        );
        return false;
    }
    let project_name = pyproject
        .get("project")
        .and_then(|p| p.get("name"))
        .or_else(|| pyproject.get("tool")?.get("poetry")?.get("name"))
        .and_then(toml::Value::as_str)
        .map(super::deps::normalize);
    let chosen = if names.len() == 1 {
        names[0]
    } else if let Some(n) = names
        .iter()
        .find(|n| Some(super::deps::normalize(n)) == project_name)
    {
        n
    } else {
        run.warn(
            WarningKind::MissingEntrypoint,
            format!("pyproject.toml declares several console scripts ({}); pass `--entrypoint` with the one to run", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
        );
        return true;
    };
    run.note(
        Field::Entrypoint,
        project.evidence(
            "pyproject.toml",
            Some(&format!("{key}.{chosen}")),
            "the console script",
        ),
    );
    run.argv = Some(vec![chosen.clone()]);
    run.install_project = true;
    run.init = true;
    true
}

/// A script name that is safe as a program name in exec form.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// `python -m package` for a package with `__main__.py` (at the root or under src/).
fn module_main(project: &Project, rules: &PythonRules, installable: bool, run: &mut Run) -> bool {
    let mut dirs: Vec<(String, bool)> = project
        .list("", true)
        .into_iter()
        .filter(|d| !rules.entry.skip_dirs.contains(d) && d != "src")
        .map(|d| (d, false))
        .collect();
    dirs.extend(
        project
            .list("src", true)
            .into_iter()
            .map(|d| (format!("src/{d}"), true)),
    );
    for (dir, under_src) in dirs {
        let main = format!("{dir}/__main__.py");
        if !project.is_file(&main) {
            continue;
        }
        let Some(module) = source::module_of(&format!("{dir}/__init__.py"), under_src) else {
            continue;
        };
        let text = project.read(&main).ok().flatten().unwrap_or_default();
        if let Some((port, line, what)) = source::port_hint(&text) {
            run.port = Some(port);
            run.note(
                Field::Port,
                project.evidence(&main, Some(&format!("line {line}")), what),
            );
        }
        run.note(
            Field::Entrypoint,
            project.evidence(&main, None, "the package's `__main__`"),
        );
        run.argv = Some(vec!["python".into(), "-m".into(), module]);
        run.install_project = under_src && installable;
        run.src_path = under_src && !installable;
        run.init = true;
        return true;
    }
    false
}

/// A script with a `__main__` guard at the root.
fn script(project: &Project, rules: &PythonRules, run: &mut Run) -> Result<(), Error> {
    for file in &rules.entry.script_files {
        let Some(text) = project.read(file)? else {
            continue;
        };
        let Some(line) = source::main_guard(&text) else {
            continue;
        };
        if let Some((port, at, what)) = source::port_hint(&text) {
            run.port = Some(port);
            run.note(
                Field::Port,
                project.evidence(file, Some(&format!("line {at}")), what),
            );
        }
        run.note(
            Field::Entrypoint,
            project.evidence(
                file,
                Some(&format!("line {line}")),
                "runs as a script (`__main__`)",
            ),
        );
        run.argv = Some(vec!["python".into(), file.clone()]);
        run.init = true;
        return Ok(());
    }
    if !run
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::MissingEntrypoint)
    {
        run.warn(
            WarningKind::MissingEntrypoint,
            "no Procfile web line, framework app, console script, package `__main__` or script with a `__main__` guard",
        );
    }
    Ok(())
}
