//! Framework families and what each means for the image: Next.js, static sites, servers.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::entry::{self, Resolver};
use super::rules::{Family, FrameworkRule};
use super::typescript::{self, TsConfig};
use super::{port, sources, Ctx, Shape};
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::plan::{AppKind, Evidence, Field, NodeOutput, WarningKind};

/// The first framework in data order the project uses. A `weak` one (a bundler) yields when a
/// server library is a production dependency or the start script runs node itself.
pub fn choose<'r>(ctx: &Ctx<'r>) -> Option<&'r FrameworkRule> {
    let frameworks = &ctx.rules.frameworks;
    let server_in_prod = frameworks
        .iter()
        .filter(|f| f.kind() == AppKind::Server)
        .any(|f| f.packages.iter().any(|p| ctx.deps.contains(p)));
    let start_runs_node = ctx.script("start").is_some_and(|s| {
        s.split_whitespace()
            .any(|w| w == "node" || w.ends_with(".js"))
    });
    frameworks
        .iter()
        .filter(|f| f.packages.iter().any(|p| declared(ctx, f, p)))
        .find(|f| !(f.weak && (server_in_prod || start_runs_node)))
}

/// Whether `package` of `fw` counts: a server library only from `dependencies` (one in
/// `devDependencies` serves tests or a dev tool, never the app); a build tool — a static-site
/// builder, Next.js, a framework whose build writes the server — from either list.
pub fn declared(ctx: &Ctx, fw: &FrameworkRule, package: &String) -> bool {
    let build_tool = fw.family != Family::Server || fw.output.is_some();
    ctx.deps.contains(package) || (build_tool && ctx.all.contains(package))
}

/// Decides kind, output, command and port for the chosen framework family.
pub fn shape(ctx: &mut Ctx, framework: Option<&FrameworkRule>) -> Result<Shape, Error> {
    if let Some(fw) = framework {
        let pkg = fw
            .packages
            .iter()
            .find(|p| declared(ctx, fw, p))
            .map_or("", String::as_str);
        let section = if ctx.deps.iter().any(|d| d == pkg) {
            "dependencies"
        } else {
            "devDependencies"
        };
        let evidence = ctx.from_file(
            "package.json",
            Some(&format!("{section}.{pkg}")),
            format!("lists `{pkg}`"),
        );
        ctx.note(Field::Framework, evidence);
        if let Some(incomplete) = &fw.incomplete {
            return Err(Error::Incomplete {
                file: ctx.manifest_name(),
                problem: incomplete.problem.clone(),
                fix: incomplete.fix.clone(),
            });
        }
    }
    if let Some(note) = framework.and_then(|f| f.note.as_ref()) {
        ctx.warn(WarningKind::Framework, note.clone());
    }
    match framework {
        Some(fw) if fw.family == Family::Next => next(ctx, fw),
        Some(fw) if fw.family == Family::Static => static_site(ctx, fw),
        _ => server(ctx, framework),
    }
}

fn next(ctx: &mut Ctx, fw: &FrameworkRule) -> Result<Shape, Error> {
    static STANDALONE: OnceLock<Regex> = OnceLock::new();
    let standalone_re = STANDALONE
        .get_or_init(|| Regex::new(r#"output\s*:\s*["'`]standalone["'`]"#).expect("static regex"));
    let public = ctx.project.is_dir("public");
    let mut config = None;
    let mut standalone = false;
    for file in &fw.config_files {
        if let Some(text) = ctx.project.read(file)? {
            standalone = standalone_re.is_match(&text);
            config = Some(file.clone());
            break;
        }
    }
    let flag_port = ctx
        .script("start")
        .and_then(|s| shell_words::split(s).ok())
        .and_then(|w| {
            w.windows(2)
                .find(|p| p[0] == "-p" || p[0] == "--port")
                .and_then(|p| p[1].parse::<u16>().ok())
        });
    let default_port = fw.port.unwrap_or_default();
    let evidence = match flag_port {
        Some(_) => ctx.from_file("package.json", Some("scripts.start"), "`next start --port`"),
        None => Evidence::default(format!("{} listens on {default_port}", fw.name)),
    };
    ctx.note(Field::Port, evidence);
    let port = Some(flag_port.unwrap_or(default_port));
    let source = config.clone().unwrap_or_else(|| "package.json".into());
    if standalone {
        let evidence = ctx.from_file(
            &source,
            Some("output"),
            "`standalone` builds a self-contained server.js",
        );
        ctx.note(Field::Entrypoint, evidence);
        let entrypoint = Some(vec!["node".to_string(), "server.js".into()]);
        return Ok(Shape {
            kind: AppKind::Server,
            output: NodeOutput::NextStandalone { public },
            entrypoint,
            port,
            port_env: false,
        });
    }
    ctx.warn(WarningKind::Framework, format!(
        "{} has no `output: 'standalone'`: the image carries all production node_modules. Add `output: 'standalone'` to the Next.js config for a much smaller image, then run dockgen again",
        config.as_deref().map_or("the project".to_string(), |c| format!("`{}`", ctx.project.name(c)))
    ));
    let evidence = ctx.from_file(&source, None, "no standalone output: `next start`");
    ctx.note(Field::Entrypoint, evidence);
    let entrypoint = Some(
        ["node", "node_modules/next/dist/bin/next", "start"]
            .map(str::to_string)
            .to_vec(),
    );
    Ok(Shape {
        kind: AppKind::Server,
        output: NodeOutput::NextServer { public, config },
        entrypoint,
        port,
        port_env: false,
    })
}

fn static_site(ctx: &mut Ctx, fw: &FrameworkRule) -> Result<Shape, Error> {
    let dir = static_output_dir(ctx, fw)?;
    if !ctx.builds {
        return Err(Error::Incomplete {
            file: ctx.manifest_name(),
            problem: format!("has no build script, and a {} site is served from what the build writes to `{dir}`", fw.name),
            fix: format!("add a `build` script to package.json (for example `\"build\": \"{} build\"`)", fw.name),
        });
    }
    ctx.note(
        Field::Port,
        Evidence::default("the static web server's port"),
    );
    ctx.note(
        Field::Entrypoint,
        Evidence::default("the static web server image's own command"),
    );
    let entrypoint = Some(vec!["nginx".to_string(), "-g".into(), "daemon off;".into()]);
    let root = ctx.rules.images.static_root.clone();
    Ok(Shape {
        kind: AppKind::Static,
        output: NodeOutput::Static {
            dir,
            root,
            spa: fw.spa,
        },
        entrypoint,
        port: Some(ctx.rules.images.static_port),
        port_env: false,
    })
}

fn static_output_dir(ctx: &Ctx, fw: &FrameworkRule) -> Result<String, Error> {
    if let Some(config) = &fw.output_config {
        let re = Regex::new(&format!(
            r#"{}\s*:\s*["'`]([^"'`]+)["'`]"#,
            regex::escape(&config.key)
        ))
        .map_err(|e| Error::InvalidRule {
            reason: format!("output_config key `{}`: {e}", config.key),
        })?;
        for file in &config.files {
            if let Some(text) = ctx.project.read(file)? {
                if let Some(c) = re.captures(&text) {
                    return safe_path(&ctx.project.name(file), &config.key, &c[1]);
                }
            }
        }
    }
    if let Some(file) = &fw.project_file {
        if let Some(dir) = angular_output(ctx, file)? {
            return Ok(dir);
        }
    }
    Ok(fw.output.clone().unwrap_or_else(|| "dist".into()))
}

/// Fills `{project}` (the default project of the framework's `project_file`, angular.json)
/// into a path from the data.
fn expand(ctx: &Ctx, fw: &FrameworkRule, template: &str) -> Result<String, Error> {
    let Some(file) = fw
        .project_file
        .as_deref()
        .filter(|_| template.contains("{project}"))
    else {
        return Ok(template.to_string());
    };
    let config = ctx.project.read_json(file)?.unwrap_or_default();
    let Some(project) = angular_project(&config) else {
        return Err(Error::Incomplete {
            file: ctx.project.name(file),
            problem: "names no project under `projects`".into(),
            fix: format!("add the app to `projects` in {file}, or pass `--entrypoint`"),
        });
    };
    safe_path(
        &ctx.project.name(file),
        "projects",
        &template.replace("{project}", project),
    )
}

fn angular_project(config: &Value) -> Option<&str> {
    let projects = config.get("projects").and_then(Value::as_object)?;
    config
        .get("defaultProject")
        .and_then(Value::as_str)
        .or_else(|| projects.keys().next().map(String::as_str))
}

/// angular.json's `outputPath` for the default project; the application builder (Angular 17+)
/// writes the browser files to its `browser` folder.
fn angular_output(ctx: &Ctx, file: &str) -> Result<Option<String>, Error> {
    let Some(config) = ctx.project.read_json(file)? else {
        return Ok(None);
    };
    let projects = config.get("projects").and_then(Value::as_object);
    let name = config
        .get("defaultProject")
        .and_then(Value::as_str)
        .or_else(|| projects?.keys().next().map(String::as_str));
    let Some(build) = name
        .and_then(|n| projects?.get(n))
        .and_then(|p| p.pointer("/architect/build"))
    else {
        return Ok(None);
    };
    let builder = build.get("builder").and_then(Value::as_str).unwrap_or("");
    let application = builder.ends_with(":application");
    let (path, browser) = match build.pointer("/options/outputPath") {
        Some(Value::String(path)) => (path.clone(), application.then(|| "browser".to_string())),
        Some(Value::Object(o)) => (
            o.get("base")
                .and_then(Value::as_str)
                .unwrap_or("dist")
                .to_string(),
            Some(
                o.get("browser")
                    .and_then(Value::as_str)
                    .unwrap_or("browser")
                    .to_string(),
            )
            .filter(|b| !b.is_empty()),
        ),
        _ => match name {
            Some(n) => (
                format!("dist/{n}"),
                application.then(|| "browser".to_string()),
            ),
            None => return Ok(None),
        },
    };
    let full = match browser {
        Some(b) => format!("{}/{b}", path.trim_end_matches('/')),
        None => path,
    };
    safe_path(&ctx.project.name(file), "outputPath", &full).map(Some)
}

fn server(ctx: &mut Ctx, framework: Option<&FrameworkRule>) -> Result<Shape, Error> {
    let ts = typescript::read_tsconfig(ctx.project)?;
    let fw_entry = framework
        .and_then(|f| Some((f, f.entry.as_deref()?)))
        .map(|(f, e)| expand(ctx, f, e))
        .transpose()?;
    let fw_output = framework
        .and_then(|f| Some((f, f.output.as_deref()?)))
        .map(|(f, o)| expand(ctx, f, o))
        .transpose()?;
    let mut resolver = Resolver {
        project: ctx.project,
        rules: ctx.rules,
        manifest: ctx.manifest,
        ts: &ts,
        builds: ctx.builds,
        framework,
        framework_entry: fw_entry.as_deref(),
        framework_builds: fw_output.is_some(),
        declared: &ctx.all,
        bins: entry::lock_bins(ctx.lock),
        bin_links: ctx.bin_links,
        warnings: Vec::new(),
    };
    let entry = resolver.resolve()?;
    ctx.warnings.append(&mut resolver.warnings);
    if let Some(e) = &entry {
        let mut starts = Vec::new();
        if let Some(file) = e.args.iter().find(|a| !a.starts_with('-')) {
            starts.extend(typescript::sources_of(&ts, file));
            starts.push(file.clone());
        }
        ctx.sources = sources::walk(ctx.project, &starts);
    }
    let found = match &entry {
        Some(e) => port::find(
            ctx.project,
            &ctx.rules.port,
            &ctx.sources,
            &e.args,
            e.evidence.key.as_deref(),
            ctx.compose.as_ref(),
        )?,
        None => None,
    };
    let mut port_env = false;
    let port = match (found, framework) {
        (Some((port, evidence)), _) => {
            ctx.note(Field::Port, evidence);
            Some(port)
        }
        (None, Some(fw)) => {
            let port = fw.port.unwrap_or_default();
            ctx.note(
                Field::Port,
                Evidence::default(format!(
                    "{}'s usual port; the app names none, so the image sets PORT={port}",
                    fw.name
                )),
            );
            port_env = true;
            Some(port)
        }
        (None, None) => None,
    };
    let port = unprivileged(ctx, port, &mut port_env);
    let output = match (framework, &entry) {
        (Some(fw), Some(_)) if fw_output.is_some() && fw_entry.is_some() => {
            let dir = fw_output.clone().unwrap_or_default();
            if fw.self_contained {
                NodeOutput::Bundle { dir }
            } else {
                NodeOutput::Build { dir }
            }
        }
        (_, Some(e)) => server_output(&e.args, &ts, ctx.builds),
        (_, None) => NodeOutput::Source,
    };
    let entrypoint = entry.map(|e| {
        ctx.note(Field::Entrypoint, e.evidence);
        let program = e.program.unwrap_or_else(|| "node".to_string());
        std::iter::once(program).chain(e.args).collect()
    });
    if entrypoint.is_none() {
        ctx.warn(
            WarningKind::MissingEntrypoint,
            "no start script that runs node, no `main`, and no server.js or index.js",
        );
    }
    Ok(Shape {
        kind: AppKind::Server,
        output,
        entrypoint,
        port,
        port_env,
    })
}

/// A port below 1024 needs a capability the non-root user does not have; an app that reads
/// PORT is moved above it (and `port_env` set), any other gets a warning.
fn unprivileged(ctx: &mut Ctx, port: Option<u16>, port_env: &mut bool) -> Option<u16> {
    let reads_port = ctx
        .sources
        .iter()
        .any(|s| s.text.contains("process.env.PORT"));
    match port {
        Some(p) if p < 1024 && reads_port => {
            let moved = ctx.rules.port.unprivileged;
            if let Some(ev) = ctx.evidence.get_mut(&Field::Port) {
                ev.note = format!(
                    "{}: {p}, below 1024; the app reads PORT, so {moved}",
                    ev.note
                );
            }
            ctx.warn(
                WarningKind::Framework,
                format!("the app listens on {p} by default, a port only root may open; it reads PORT, so the image sets PORT={moved} and exposes that"),
            );
            *port_env = true;
            Some(moved)
        }
        Some(p) if p < 1024 => {
            ctx.warn(
                WarningKind::Framework,
                format!("the app listens on {p}, a port only root may open, and the image runs as a non-root user: make the port configurable (read PORT) or grant the container CAP_NET_BIND_SERVICE"),
            );
            Some(p)
        }
        other => other,
    }
}

fn server_output(args: &[String], ts: &TsConfig, builds: bool) -> NodeOutput {
    let Some(file) = args.iter().find(|a| !a.starts_with('-')) else {
        return NodeOutput::Source;
    };
    let Some((top, _)) = file.split_once('/') else {
        return NodeOutput::Source;
    };
    let in_out_dir = ts
        .out_dir
        .as_deref()
        .filter(|out| file.starts_with(&format!("{out}/")));
    if !builds || (in_out_dir.is_none() && !["dist", "build", "out"].contains(&top)) {
        return NodeOutput::Source;
    }
    NodeOutput::Build {
        dir: in_out_dir.unwrap_or(top).to_string(),
    }
}
