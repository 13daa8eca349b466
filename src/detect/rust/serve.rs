//! What the binary serves: its web framework, port, server subcommand, and the files and
//! environment it needs at run time.

use std::collections::{BTreeMap, BTreeSet};

use super::native::Member;
use super::rules::{Framework, RustRules};
use super::workspace::{join, DepKind, Package, Target, Workspace};
use super::{build, clap, native, source, Ctx};
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::plan::{Evidence, Field, WarningKind};

/// The serving side of the plan.
pub struct Served {
    pub framework: Option<String>,
    pub port: Option<u16>,
    pub subcommand: Option<String>,
    /// Root-relative files and folders copied next to the binary.
    pub files: Vec<String>,
    pub env: BTreeMap<String, String>,
}

pub fn detect(ctx: &mut Ctx, members: &[Member]) -> Result<Served, Error> {
    let rules = ctx.rules;
    let limit = rules.source.max_files;
    let framework = framework(ctx, members);
    let mut files = source::own_files(ctx.project, ctx.package, ctx.bin, limit)?;
    let own = files.len();
    let serves = framework.is_some()
        || source::mentions(&files, &markers(ctx.workspace, ctx.package, ctx.bin, rules));
    let seen: BTreeSet<String> = files.iter().map(|f| f.name.clone()).collect();
    files.extend(
        source::package_files(
            ctx.project,
            &members.iter().map(|m| m.package).collect::<Vec<_>>(),
            limit,
        )?
        .into_iter()
        .filter(|f| !seen.contains(&f.name)),
    );
    let mut env = framework.map(|f| f.env.clone()).unwrap_or_default();
    let port = port(ctx, framework, files.split_at(own), &mut env)?;
    if port.is_none() && serves {
        ctx.warn(
            WarningKind::Framework,
            "no port found in the sources: pass `--port` so the image EXPOSEs it",
        );
    }
    let subcommand = serves
        .then(|| clap::server_subcommand(&files, &rules.source.server_subcommands))
        .flatten();
    let evidence = build::entry_evidence(ctx, subcommand.as_ref());
    ctx.note(Field::Entrypoint, evidence);
    Ok(Served {
        framework: framework.map(|f| f.name.clone()),
        port,
        subcommand: subcommand.map(|(name, _, _)| name),
        files: runtime_files(ctx, framework, &files)?,
        env,
    })
}

/// Text in a binary's sources that says it serves the network: the markers of the frameworks
/// its package uses, and the generic ones.
pub fn markers<'a>(
    workspace: &Workspace,
    package: &Package,
    bin: &Target,
    rules: &'a RustRules,
) -> Vec<&'a str> {
    let members = native::members(workspace, package, &bin.required_features);
    let mut out: Vec<&str> = rules
        .source
        .server_markers
        .iter()
        .map(String::as_str)
        .collect();
    for fw in &rules.frameworks {
        if members.iter().any(|m| declares(m, &fw.crates).is_some()) {
            out.extend(fw.markers.iter().map(String::as_str));
        }
    }
    out
}

/// The first of `crates` the member's build compiles as a normal dependency.
fn declares<'a>(member: &Member<'a>, crates: &[String]) -> Option<&'a str> {
    member
        .deps()
        .into_iter()
        .find(|d| d.kind == DepKind::Normal && crates.contains(&d.name))
        .map(|d| d.name.as_str())
}

/// The web framework the binary's package (or a member it depends on) declares.
fn framework<'a>(ctx: &mut Ctx<'a>, members: &[Member]) -> Option<&'a Framework> {
    for fw in &ctx.rules.frameworks {
        for member in members {
            if let Some(name) = declares(member, &fw.crates) {
                let evidence = ctx.project.evidence(
                    &member.package.manifest(),
                    Some(&format!("dependencies.{name}")),
                    format!("depends on `{name}`"),
                );
                ctx.note(Field::Framework, evidence);
                return Some(fw);
            }
        }
    }
    None
}

/// The framework's config file, then the sources (a `PORT` default, a bind, a constant; a
/// variable with no default is set in the image), then the framework's own default.
/// The binary's own files are read first; a loopback bind counts only there (in a library it
/// is more likely an internal or test listener).
fn port(
    ctx: &mut Ctx,
    framework: Option<&Framework>,
    (own, libraries): (&[source::File], &[source::File]),
    env: &mut BTreeMap<String, String>,
) -> Result<Option<u16>, Error> {
    if let Some(config) = framework.and_then(|f| f.port_config.as_ref()) {
        for base in [ctx.project.at(&ctx.package.dir), ctx.project.repo()] {
            let Some(table) = base.read_toml(&config.file)? else {
                continue;
            };
            let found = config.tables.iter().find_map(|name| {
                let port = table.get(name)?.get(&config.key)?.as_integer()?;
                let port = u16::try_from(port).ok().filter(|p| *p > 0)?;
                Some((name, port))
            });
            if let Some((name, port)) = found {
                let key = format!("{name}.{}", config.key);
                ctx.note(
                    Field::Port,
                    base.evidence(&config.file, Some(&key), "the configured port"),
                );
                return Ok(Some(port));
            }
        }
    }
    let source = &ctx.rules.source;
    let clients = &source.client_ports;
    let mut found =
        source::port(own, true, clients).or_else(|| source::port(libraries, false, clients));
    if found.is_none() {
        let files = source::config_files(
            ctx.project,
            ctx.package,
            &source.config_extensions,
            &source.config_dirs,
        )?;
        found = source::config_port(&files);
    }
    if let Some(found) = found {
        let default = ctx.rules.source.default_port;
        let (port, note) = match (found.port, &found.env) {
            (Some(port), _) => (port, found.what.clone()),
            (None, Some(var)) => {
                env.insert(var.clone(), default.to_string());
                (
                    default,
                    format!("{}; the image sets `{var}={default}`", found.what),
                )
            }
            (None, None) => return Ok(None),
        };
        if found.loopback {
            ctx.warn(
                WarningKind::Framework,
                format!(
                    "`{}` line {} binds the loopback address, which is unreachable from outside the container: bind 0.0.0.0",
                    found.file, found.line
                ),
            );
        }
        let key = format!("line {}", found.line);
        ctx.note(Field::Port, Evidence::file(&found.file, Some(&key), note));
        return Ok(Some(port));
    }
    if let Some((fw, port)) = framework.and_then(|f| f.port.map(|p| (f, p))) {
        ctx.note(
            Field::Port,
            Evidence::default(format!("{}'s default port", fw.name)),
        );
        return Ok(Some(port));
    }
    Ok(None)
}

/// Config files the framework reads from the working directory (from the package folder, else
/// the root) and folders the sources name, root-relative.
fn runtime_files(
    ctx: &Ctx,
    framework: Option<&Framework>,
    files: &[source::File],
) -> Result<Vec<String>, Error> {
    let (project, package) = (ctx.project, ctx.package);
    let member = project.at(&package.dir);
    let manifest = package.manifest();
    let mut out = Vec::new();
    for config in framework
        .map(|f| f.config_files.as_slice())
        .unwrap_or_default()
    {
        if member.is_file(config) {
            out.push(safe_path(&manifest, "config", &join(&package.dir, config))?);
        } else if project.is_file(config) {
            out.push(safe_path("Cargo.toml", "config", config)?);
        }
    }
    let dirs: Vec<String> = ctx
        .rules
        .source
        .runtime_dirs
        .iter()
        .filter(|d| member.is_dir(d))
        .cloned()
        .collect();
    for dir in source::runtime_dirs(files, &dirs) {
        out.push(safe_path(&manifest, "folder", &join(&package.dir, &dir))?);
    }
    Ok(out)
}
