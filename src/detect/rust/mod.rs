//! Rust detection: Cargo.toml, Cargo.lock and the sources → a `Plan` for a static musl binary
//! on `scratch` (or, when a crate cannot link statically, a glibc build).
//!
//! `workspace` reads the targets (`cargo metadata`, or Cargo.toml when cargo cannot run),
//! `choose` picks the binary, `version` the toolchain line, `native` what the C code in
//! Cargo.lock needs, `serve` what the binary serves (framework, port, files it reads),
//! `build` the commands and files of the build stage, `image` the base images.

mod build;
mod choose;
mod clap;
mod image;
mod manifest;
mod native;
mod recognize;
pub mod rules;
mod serve;
mod source;
mod version;
pub mod workspace;

use std::collections::BTreeMap;

pub use recognize::recognize;
pub use rules::rules;

use crate::answers::Answers;
use crate::error::Error;
use crate::plan::{
    AppKind, Details, Evidence, Field, Libc, Plan, RustPlan, TargetSource, Warning, WarningKind,
    SCHEMA,
};
use crate::project::Project;
use rules::RustRules;
use workspace::{Package, Target, Workspace};

/// What every step reads, and the evidence and warnings they add to.
pub struct Ctx<'a> {
    pub project: &'a Project,
    pub rules: &'a RustRules,
    pub workspace: &'a Workspace,
    /// The chosen binary and its package.
    pub package: &'a Package,
    pub bin: &'a Target,
    pub evidence: BTreeMap<Field, Evidence>,
    pub warnings: Vec<Warning>,
}

impl Ctx<'_> {
    pub fn note(&mut self, field: Field, evidence: Evidence) {
        self.evidence.insert(field, evidence);
    }

    pub fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }
}

/// Detects the Rust binary to containerize at the project root (a package or a workspace).
pub fn detect(project: &Project, answers: &Answers) -> Result<Plan, Error> {
    let rules = rules()?;
    let workspace = workspace::read(project)?;
    let choice = pick(project, &workspace, answers.workspace.as_deref(), rules)?;
    let mut ctx = Ctx {
        project,
        rules,
        workspace: &workspace,
        package: choice.package,
        bin: choice.bin,
        evidence: BTreeMap::from([(Field::App, choice.evidence)]),
        warnings: Vec::new(),
    };

    let lock = native::read_lock(project)?;
    targets_read(&mut ctx, lock.is_some());
    let version = version::choose(
        project,
        answers.runtime_version.as_deref(),
        ctx.package.rust_version.as_deref().map(|v| {
            let manifest = ctx.package.manifest();
            (
                v,
                project.evidence(&manifest, Some("package.rust-version"), ""),
            )
        }),
        &ctx.package.edition,
        rules,
    )?;
    ctx.note(Field::Version, version.evidence);
    ctx.warnings.extend(version.warnings);

    let members = native::members(&workspace, ctx.package, &ctx.bin.required_features);
    let crates = native::crates(&workspace, &members, lock.as_ref());
    let needs = native::needs(&crates, &native::features(&members), rules);
    if let Some(ev) = native::evidence(project, lock.is_some(), &needs) {
        ctx.note(Field::BuildPackages, ev);
    }

    let served = serve::detect(&mut ctx, &members)?;
    let images = image::choose(&mut ctx, version.line, &needs, lock.is_some())?;
    let entrypoint = build::entrypoint(&ctx, served.subcommand.as_deref())?;
    let build_command = build::command(&mut ctx, lock.is_some())?;
    let musl = needs.musl;
    let (init_source, init_package) = if musl {
        (&rules.images.musl_init, &rules.images.musl_init_package)
    } else {
        (&rules.images.glibc_init, &rules.images.glibc_init_package)
    };
    let details = RustPlan {
        bin: ctx.bin.name.clone(),
        package: ctx.package.name.clone(),
        features: build::features(ctx.package, ctx.bin)?,
        metadata: workspace.source,
        edition: ctx.package.edition.clone(),
        libc: if musl { Libc::Musl } else { Libc::Gnu },
        glibc_reason: needs.glibc_reason.clone(),
        manifests: build::manifests(project, &workspace)?,
        stubs: build::stubs(project, &workspace)?,
        locked: lock.is_some(),
        build_env: build_env(project, &crates, &needs, rules),
        ca_certificates: musl && needs.tls.is_some(),
        runtime_files: served.files,
        runtime_env: served.env,
        init: rules.images.init.clone(),
        init_source: init_source.clone(),
        init_package: init_package.clone(),
        ignored: version.ignored,
    };
    Ok(Plan {
        schema: SCHEMA,
        details: Details::Rust(details),
        app_dir: (!ctx.package.dir.is_empty()).then(|| ctx.package.dir.clone()),
        version: version.line.to_string(),
        package_manager: "cargo".into(),
        framework: served.framework,
        kind: AppKind::Server,
        build_command: Some(build_command),
        entrypoint: Some(entrypoint),
        port: served.port,
        build_packages: images.build_packages,
        runtime_packages: images.runtime_packages,
        images: images.images,
        writable: Vec::new(),
        evidence: ctx.evidence,
        set_aside: Vec::new(),
        warnings: ctx.warnings,
    })
}

/// The build's environment: what static linking needs on musl, and what crates need when
/// their files are present.
fn build_env(
    project: &Project,
    crates: &std::collections::BTreeSet<String>,
    needs: &native::NativeNeeds,
    rules: &RustRules,
) -> BTreeMap<String, String> {
    let mut env = if needs.musl {
        needs.env.clone()
    } else {
        BTreeMap::new()
    };
    for rule in &rules.build_env {
        if crates.contains(&rule.name) && project.exists(&rule.when) {
            env.extend(rule.env.clone());
        }
    }
    env
}

/// The binary to containerize (see `choose`): examples, tools and xtask are skipped, and a
/// binary serves the network when its own sources say so.
fn pick<'w>(
    project: &Project,
    workspace: &'w Workspace,
    wanted: Option<&str>,
    rules: &RustRules,
) -> Result<choose::Choice<'w>, Error> {
    let common = crate::rules::common()?;
    let limit = rules.source.max_files;
    let skip = |p: &Package, b: &Target| {
        common.apps.skips(&p.dir)
            || rules
                .apps
                .skip
                .iter()
                .any(|s| b.name == *s || p.name == *s || p.dir.split('/').any(|part| part == s))
    };
    let mut is_service = |p: &Package, b: &Target| -> Result<bool, Error> {
        let files = source::own_files(project, p, b, limit)?;
        Ok(source::mentions(
            &files,
            &serve::markers(workspace, p, b, rules),
        ))
    };
    choose::choose(
        project,
        workspace,
        wanted,
        &skip,
        &rules.apps.name_suffixes,
        &mut is_service,
    )
}

/// How the targets were read (the package manager's evidence), and what that reading warns of.
fn targets_read(ctx: &mut Ctx, locked: bool) {
    let how = match (ctx.workspace.source, &ctx.workspace.note) {
        (TargetSource::CargoMetadata, _) => "targets read with `cargo metadata`".to_string(),
        (TargetSource::Manifest, Some(why)) => format!("targets read from Cargo.toml ({why})"),
        (TargetSource::Manifest, None) => "targets read from Cargo.toml".to_string(),
    };
    let file = if locked { "Cargo.lock" } else { "Cargo.toml" };
    let evidence = ctx.project.evidence(file, None, how);
    ctx.note(Field::PackageManager, evidence);
    if !locked {
        ctx.warn(
            WarningKind::PackageManager,
            "no Cargo.lock: dependencies are resolved afresh in every build; commit Cargo.lock (binaries should) for reproducible images",
        );
    }
    if let (TargetSource::CargoMetadata, Some(note)) = (ctx.workspace.source, &ctx.workspace.note) {
        let message =
            format!("{note}; run dockgen at the workspace root so the image can build it");
        ctx.warn(WarningKind::PackageManager, message);
    }
}

/// What the wizard offers for `question` on a Rust plan.
pub fn choices(plan: &Plan, question: crate::questions::Question) -> Result<Vec<String>, Error> {
    use crate::questions::Question;
    Ok(match question {
        Question::RuntimeVersion => rules()?
            .lines()
            .iter()
            .rev()
            .map(ToString::to_string)
            .collect(),
        Question::PackageManager => vec!["cargo".into()],
        // The final image follows from how the binary links: scratch for musl, else glibc.
        Question::Variant => vec![plan.images.variant.clone()],
        Question::Language | Question::App | Question::Entrypoint | Question::Port => Vec::new(),
    })
}
