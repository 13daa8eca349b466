//! Go detection: go.mod / go.work and the sources → a `Plan` for a static binary.

mod choose;
mod layout;
mod modfile;
mod packages;
mod recognize;
pub mod rules;
mod service;
mod source;
mod version;

use std::collections::BTreeMap;

pub use recognize::recognize;
pub use rules::rules;

use crate::answers::Answers;
use crate::error::Error;
use crate::plan::{
    AppKind, Cgo, Details, Evidence, Field, GoManifests, GoPlan, Images, Plan, Warning,
    WarningKind, SCHEMA,
};
use crate::project::Project;
use layout::Layout;
use packages::join;
use rules::{within, GoRules, Link};
use service::Facts;

/// Detects the Go program to containerize.
pub fn detect(project: &Project, answers: &Answers) -> Result<Plan, Error> {
    let rules = rules()?;
    let common = crate::rules::common()?;
    let layout = Layout::read(project)?;
    let mut warnings = Vec::new();
    let mut evidence = BTreeMap::new();

    let chosen = choose::choose(project, &layout, rules, answers, &mut warnings)?;
    if answers.workspace.is_some() || !chosen.dir.is_empty() || layout.work.is_some() {
        evidence.insert(Field::App, chosen.evidence.clone());
    }
    let module = layout.module_of(&chosen.dir);
    let program = packages::program(project, &chosen.dir, &layout.module_paths(), rules);
    let facts = service::facts(&program, &chosen.binary, &layout.requires, rules);

    let line = version(
        project,
        &layout,
        module,
        answers,
        rules,
        &mut evidence,
        &mut warnings,
    )?;
    if layout.modules.is_empty() {
        lone_program(project, &program, &mut warnings)?;
    }
    if let Some((file, path)) = &layout.unreplaced {
        warnings.push(Warning::new(
            WarningKind::PackageManager,
            format!(
                "`{file}` requires {path}, a module of this workspace, without a `replace`: `go mod download` would look it up in the module proxy, so modules download during the build instead of in their own layer; add `replace {path} => <its folder>` to cache them apart"
            ),
        ));
    }

    let cgo = cgo(project, &layout, &program, &facts, rules, &mut evidence);
    let go_mod = module.map(|m| project.name(&m.file_name()));
    let tags = tags(&cgo, &facts, go_mod.as_deref(), rules, &mut evidence);

    let output = format!("{}/{}", rules.build.out, chosen.binary);
    let build_command = build_command(
        project,
        &layout,
        &chosen.dir,
        &program,
        &cgo,
        &tags,
        &output,
        rules,
        &mut evidence,
    )?;

    let images = images(cgo.link, line, rules, common);

    let entrypoint = entrypoint(&chosen, &facts, &common.image.workdir, &mut evidence);
    let port = port(&chosen, &facts, &mut evidence, &mut warnings);
    if let Some(found) = &facts.framework {
        evidence.insert(
            Field::Framework,
            Evidence::file(
                &found.file,
                Some(&format!("line {}", found.line)),
                format!("imports {}", found.value.1),
            ),
        );
    }

    let go = GoPlan {
        module: module.map(|m| m.path.clone()),
        manifests: manifests(project, &layout),
        download: !layout.vendor && !layout.modules.is_empty() && layout.unreplaced.is_none(),
        vendor: layout.vendor,
        cgo: cgo.link,
        binary: chosen.binary.clone(),
        output,
        module_cache: rules.build.module_cache.clone(),
        build_cache: rules.build.build_cache.clone(),
    };
    Ok(Plan {
        schema: SCHEMA,
        details: Details::Go(go),
        app_dir: (!chosen.dir.is_empty()).then(|| chosen.dir.clone()),
        version: line.line.clone(),
        package_manager: "go".into(),
        framework: facts.framework.as_ref().map(|f| f.value.0.name.clone()),
        kind: AppKind::Server,
        build_command: Some(build_command),
        entrypoint: Some(entrypoint),
        port,
        build_packages: cgo.packages,
        runtime_packages: Vec::new(),
        images,
        writable: Vec::new(),
        evidence,
        set_aside: Vec::new(),
        warnings,
    })
}

/// The valid answers to `question` for a Go plan (empty: free text or not offered).
pub fn choices(plan: &Plan, question: crate::questions::Question) -> Result<Vec<String>, Error> {
    use crate::questions::Question;
    let rules = rules()?;
    Ok(match question {
        Question::RuntimeVersion => rules.versions.line.iter().map(|l| l.line.clone()).collect(),
        Question::PackageManager => vec!["go".into()],
        // The final image follows from how the binary links: scratch, or distroless cc for glibc.
        Question::Variant => vec![plan.images.variant.clone()],
        Question::Language | Question::App | Question::Entrypoint | Question::Port => Vec::new(),
    })
}

/// Build tags: the cgo modules' own, and `timetzdata` when the program loads time zones.
fn tags(
    cgo: &CgoChoice,
    facts: &Facts,
    go_mod: Option<&str>,
    rules: &GoRules,
    evidence: &mut BTreeMap<Field, Evidence>,
) -> Vec<String> {
    let mut tags: Vec<String> = cgo.tags.clone();
    if let Some(tz) = &facts.tz {
        tags.push(rules.service.tz_tag.clone());
        let note = format!(
            "{}: scratch has no zone database, so the build embeds one (`-tags {}`)",
            tz.value, rules.service.tz_tag
        );
        let found = if tz.file.is_empty() {
            Evidence::file(go_mod.unwrap_or("go.mod"), None, note)
        } else {
            Evidence::file(&tz.file, Some(&format!("line {}", tz.line)), note)
        };
        evidence.insert(Field::BuildCommand, found);
    }
    tags.sort();
    tags.dedup();
    tags
}

/// The Go line the builder image carries (go.work's or the module's `go`/`toolchain`, or the
/// flag), with its evidence and that of the package manager.
fn version<'r>(
    project: &Project,
    layout: &Layout,
    module: Option<&layout::Module>,
    answers: &Answers,
    rules: &'r GoRules,
    evidence: &mut BTreeMap<Field, Evidence>,
    warnings: &mut Vec<Warning>,
) -> Result<&'r rules::Line, Error> {
    let file = match (&layout.work, module) {
        (Some(work), _) => Some((work, project.name("go.work"))),
        (None, Some(m)) => Some((&m.modfile, project.name(&m.file_name()))),
        (None, None) => None,
    };
    let version = version::choose(
        file.as_ref().map(|(m, n)| (*m, n.as_str())),
        answers.runtime_version.as_deref(),
        rules,
    )?;
    evidence.insert(Field::Version, version.evidence);
    warnings.extend(version.warning);
    evidence.insert(
        Field::PackageManager,
        match &file {
            Some((_, name)) => Evidence::file(name, None, "Go modules"),
            None => Evidence::default("no go.mod: the go command builds the files directly"),
        },
    );
    Ok(version.line)
}

fn images(
    cgo: Cgo,
    go: &rules::Line,
    rules: &GoRules,
    common: &crate::rules::CommonRules,
) -> Images {
    let (builder, runtime) = match cgo {
        Cgo::Glibc => (&go.debian, &rules.images.glibc),
        Cgo::Off | Cgo::Musl => (&go.alpine, &rules.images.r#static),
    };
    Images {
        builder: builder.clone(),
        runtime: runtime.clone(),
        runtime_distroless: true,
        user: common.image.nonroot_user.clone(),
        variant: match cgo {
            Cgo::Glibc => "distroless",
            Cgo::Off | Cgo::Musl => "scratch",
        }
        .into(),
    }
}

/// How the binary links C code, and what the build needs for it.
struct CgoChoice {
    link: Cgo,
    tags: Vec<String>,
    packages: Vec<String>,
}

fn cgo(
    project: &Project,
    layout: &Layout,
    program: &packages::Program,
    facts: &Facts,
    rules: &GoRules,
    evidence: &mut BTreeMap<Field, Evidence>,
) -> CgoChoice {
    // A cgo module counts when the program imports it, or when go.mod lists it as indirect (a
    // dependency imports it: dockgen cannot see which). A direct requirement the program does
    // not import serves another binary or another OS (an `_openbsd.go` file).
    let modules: Vec<_> = rules
        .cgo
        .iter()
        .filter(|c| {
            program.imports.iter().any(|i| within(i, &c.module))
                || layout
                    .requires
                    .iter()
                    .any(|r| r.indirect && within(&r.path, &c.module))
        })
        .collect();
    let glibc = modules.iter().find(|m| m.link == Link::Glibc);
    // The file that requires `module`: a go.mod, or vendor/modules.txt.
    let source = |module: &str| {
        layout
            .modules
            .iter()
            .find(|m| m.modfile.requires.iter().any(|r| within(&r.path, module)))
            .map_or_else(
                || project.name("vendor/modules.txt"),
                |m| project.name(&m.file_name()),
            )
    };
    let mut choice = CgoChoice {
        link: Cgo::Off,
        tags: modules.iter().flat_map(|m| m.tags.clone()).collect(),
        packages: Vec::new(),
    };
    if let Some(m) = glibc {
        choice.link = Cgo::Glibc;
        evidence.insert(
            Field::RuntimePackages,
            Evidence::file(
                &source(&m.module),
                Some(&m.module),
                format!("{}: built on Debian, run on distroless cc (glibc)", m.note),
            ),
        );
        return choice;
    }
    let reason = match (modules.first(), &facts.cgo) {
        (Some(m), _) => Evidence::file(
            &source(&m.module),
            Some(&m.module),
            format!("{}: a static musl link", m.note),
        ),
        (None, Some(found)) => Evidence::file(
            &found.file,
            Some(&format!("line {}", found.line)),
            "`import \"C\"`: cgo, linked statically against musl",
        ),
        (None, None) => return choice,
    };
    choice.link = Cgo::Musl;
    choice.packages.clone_from(&rules.build.musl_packages);
    for m in &modules {
        for p in &m.apk {
            if !choice.packages.contains(p) {
                choice.packages.push(p.clone());
            }
        }
    }
    evidence.insert(Field::BuildPackages, reason);
    choice
}

#[allow(clippy::too_many_arguments)]
fn build_command(
    project: &Project,
    layout: &Layout,
    dir: &str,
    program: &packages::Program,
    cgo: &CgoChoice,
    tags: &[String],
    output: &str,
    rules: &GoRules,
    evidence: &mut BTreeMap<Field, Evidence>,
) -> Result<Vec<String>, Error> {
    let mut argv = vec!["go".to_string(), "build".to_string()];
    argv.extend(rules.build.flags.iter().cloned());
    if layout.vendor {
        argv.push("-mod=vendor".into());
    }
    if !tags.is_empty() {
        argv.push(format!("-tags={}", tags.join(",")));
    }
    let ldflags = match cgo.link {
        Cgo::Musl => format!("{} {}", rules.build.ldflags, rules.build.static_ldflags),
        Cgo::Off | Cgo::Glibc => rules.build.ldflags.clone(),
    };
    argv.push(format!("-ldflags={ldflags}"));
    evidence.entry(Field::BuildCommand).or_insert_with(|| {
        if layout.vendor {
            project.evidence(
                "vendor/modules.txt",
                None,
                "builds from vendor/ (`-mod=vendor`), nothing to download",
            )
        } else {
            Evidence::default("a static, stripped binary (-trimpath, -ldflags \"-s -w\")")
        }
    });
    argv.push("-o".into());
    argv.push(output.to_string());
    if layout.modules.is_empty() {
        // No go.mod: the go command builds the listed files as one package.
        for file in program.files.iter().filter(|f| !f.name.contains('/')) {
            argv.push(crate::detect::safe::safe_path(
                &file.name,
                "file name",
                &file.name,
            )?);
        }
    } else if dir.is_empty() {
        argv.push(".".into());
    } else {
        let dir = crate::detect::safe::safe_path(&project.name(dir), "folder", dir)?;
        argv.push(format!("./{dir}"));
    }
    Ok(argv)
}

/// The files `go mod download` reads: go.work and go.work.sum, then each module's go.mod and
/// go.sum (and those of folders a `replace` points into), grouped by folder.
fn manifests(project: &Project, layout: &Layout) -> Vec<GoManifests> {
    let mut dirs: Vec<String> = Vec::new();
    if layout.work.is_some() {
        dirs.push(String::new());
    }
    for module in &layout.modules {
        dirs.push(module.dir.clone());
        for replaced in &module.modfile.replace_dirs {
            dirs.push(normalise(&join(&module.dir, &replaced.value)));
        }
    }
    let mut out: Vec<GoManifests> = Vec::new();
    for dir in dirs {
        let names: &[&str] = if dir.is_empty() && layout.work.is_some() {
            &["go.work", "go.work.sum", "go.mod", "go.sum"]
        } else {
            &["go.mod", "go.sum"]
        };
        let files: Vec<String> = names
            .iter()
            .map(|n| join(&dir, n))
            .filter(|f| project.is_file(f) && crate::detect::safe::safe_path("", "", f).is_ok())
            .collect();
        let target = if dir.is_empty() {
            "./".to_string()
        } else {
            format!("{dir}/")
        };
        if files.is_empty() || out.iter().any(|m| m.dir == target) {
            continue;
        }
        out.push(GoManifests { dir: target, files });
    }
    out
}

/// `a/./b/../c` → `a/c` (the path is known not to leave the project).
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn entrypoint(
    chosen: &choose::Chosen,
    facts: &Facts,
    workdir: &str,
    evidence: &mut BTreeMap<Field, Evidence>,
) -> Vec<String> {
    let mut argv = vec![format!("{workdir}/{}", chosen.binary)];
    let shown = packages::describe(&chosen.dir);
    if let (false, Some(shipped)) = (chosen.args.is_empty(), &chosen.shipped) {
        argv.extend(chosen.args.iter().cloned());
        evidence.insert(Field::Entrypoint, shipped.clone());
    } else if let Some(sub) = &facts.subcommand {
        argv.push(sub.value.clone());
        evidence.insert(
            Field::Entrypoint,
            Evidence::file(
                &sub.file,
                Some(&format!("line {}", sub.line)),
                format!("the binary from {shown}, with the command that starts its server"),
            ),
        );
    } else {
        evidence.insert(
            Field::Entrypoint,
            chosen
                .shipped
                .clone()
                .unwrap_or_else(|| Evidence::default(format!("the binary built from {shown}"))),
        );
    }
    argv
}

fn port(
    chosen: &choose::Chosen,
    facts: &Facts,
    evidence: &mut BTreeMap<Field, Evidence>,
    warnings: &mut Vec<Warning>,
) -> Option<u16> {
    let port = read_port(chosen, facts, evidence, warnings);
    let rules = rules().ok()?;
    let user = crate::rules::common().ok()?.image.nonroot_user.clone();
    let below = rules.service.privileged_below;
    if let Some(p) = port.filter(|p| *p < below) {
        warnings.push(Warning::new(
            WarningKind::Framework,
            format!(
                "the app listens on port {p}: as uid {} it can bind a port below {below} only with CAP_NET_BIND_SERVICE or a lowered net.ipv4.ip_unprivileged_port_start; configure a port of {below} or more",
                user.split(':').next().unwrap_or("")
            ),
        ));
    }
    port
}

fn read_port(
    chosen: &choose::Chosen,
    facts: &Facts,
    evidence: &mut BTreeMap<Field, Evidence>,
    warnings: &mut Vec<Warning>,
) -> Option<u16> {
    let shown = packages::describe(&chosen.dir);
    if let Some(found) = &facts.loopback {
        warnings.push(Warning::new(
            WarningKind::Framework,
            format!(
                "`{}` line {} listens on {}, which cannot be reached from outside the container; listen on \":{}\" (all interfaces)",
                found.file,
                found.line,
                found.value,
                found.value.rsplit(':').next().unwrap_or("")
            ),
        ));
    }
    if let Some(found) = &facts.port {
        evidence.insert(
            Field::Port,
            Evidence::file(
                &found.file,
                Some(&format!("line {}", found.line)),
                found.value.1.clone(),
            ),
        );
        return Some(found.value.0);
    }
    if let Some(fw) = facts.framework.as_ref().filter(|_| facts.is_service()) {
        if let Some(p) = fw.value.0.port {
            evidence.insert(
                Field::Port,
                Evidence::default(format!(
                    "{}'s default port (no address is passed)",
                    fw.value.0.name
                )),
            );
            return Some(p);
        }
    }
    if facts.is_service() {
        warnings.push(Warning::new(
            WarningKind::Framework,
            format!("{shown} starts a server, but dockgen could not read its port; pass `--port`"),
        ));
    } else {
        warnings.push(Warning::new(
            WarningKind::Runtime,
            format!("{shown} starts no server that dockgen can see; the image runs it as a command, with no EXPOSE"),
        ));
    }
    None
}

/// A program without go.mod builds only when it imports nothing but the standard library.
fn lone_program(
    project: &Project,
    program: &packages::Program,
    warnings: &mut Vec<Warning>,
) -> Result<(), Error> {
    let file = program
        .files
        .first()
        .map_or_else(|| "main.go".to_string(), |f| f.name.clone());
    if let Some(import) = program
        .imports
        .iter()
        .find(|i| i.split('/').next().is_some_and(|first| first.contains('.')))
    {
        return Err(Error::Incomplete {
            file: project.name(&file),
            problem: format!(
                "imports `{import}`, and without go.mod the go command cannot fetch it"
            ),
            fix: "run `go mod init <module path> && go mod tidy` and commit go.mod and go.sum"
                .into(),
        });
    }
    warnings.push(Warning::new(
        WarningKind::PackageManager,
        "no go.mod: the image builds the root's Go files directly with the newest Go; run `go mod init` to pin the Go version",
    ));
    Ok(())
}
