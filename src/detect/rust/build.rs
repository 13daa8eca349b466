//! The build stage's commands and files: `cargo build` for the chosen binary, the manifests
//! the dependency layer copies, the target sources it stubs, and the command the image runs.

use std::collections::BTreeSet;

use super::manifest;
use super::workspace::{Kind, Package, Target, Workspace};
use super::Ctx;
use crate::detect::safe::safe_path;
use crate::error::Error;
use crate::plan::{Evidence, Field};
use crate::project::Project;

/// `cargo build --release [--locked] [-p PACKAGE] --bin BIN [--features …]`.
pub fn command(ctx: &mut Ctx, locked: bool) -> Result<Vec<String>, Error> {
    let (package, bin) = (ctx.package, ctx.bin);
    let manifest = package.manifest();
    let mut argv: Vec<String> = ["cargo", "build", "--release"].map(String::from).to_vec();
    if locked {
        argv.push("--locked".into());
    }
    if ctx.workspace.packages.len() > 1 {
        argv.extend(["-p".into(), name(&manifest, "package.name", &package.name)?]);
    }
    argv.extend(["--bin".into(), name(&manifest, "bin.name", &bin.name)?]);
    let features = features(package, bin)?;
    if !features.is_empty() {
        argv.extend(["--features".into(), features.join(",")]);
    }
    let evidence = ctx.project.evidence(
        &manifest,
        None,
        format!("binary `{}` of package `{}`", bin.name, package.name),
    );
    ctx.note(Field::BuildCommand, evidence);
    Ok(argv)
}

/// The features the binary's `required-features` asks for.
pub fn features(package: &Package, bin: &Target) -> Result<Vec<String>, Error> {
    let manifest = package.manifest();
    bin.required_features
        .iter()
        .map(|f| safe_path(&manifest, "required-features", f))
        .collect()
}

/// The binary by its absolute path in the image, with the server subcommand when there is one.
pub fn entrypoint(ctx: &Ctx, subcommand: Option<&str>) -> Result<Vec<String>, Error> {
    let workdir = &crate::rules::common()?.image.workdir;
    let bin = name(&ctx.package.manifest(), "bin.name", &ctx.bin.name)?;
    let mut argv = vec![format!("{workdir}/{bin}")];
    argv.extend(subcommand.map(str::to_string));
    Ok(argv)
}

/// A package or binary name as cargo allows them (no path, no shell syntax).
fn name(file: &str, key: &str, value: &str) -> Result<String, Error> {
    let name = safe_path(file, key, value)?;
    if name.contains('/') {
        return Err(Error::UnsafeValue {
            file: file.into(),
            key: key.into(),
            reason: format!("`{value}` is not a name"),
        });
    }
    Ok(name)
}

/// The files the dependency build needs: every manifest, the lockfile and cargo's config.
pub fn manifests(project: &Project, workspace: &Workspace) -> Result<Vec<String>, Error> {
    let mut out = vec!["Cargo.toml".to_string()];
    if project.is_file("Cargo.lock") {
        out.push("Cargo.lock".into());
    }
    if let Some(config) = [".cargo/config.toml", ".cargo/config"]
        .into_iter()
        .find(|c| project.is_file(c))
    {
        out.push(config.into());
    }
    for package in workspace.packages.iter().filter(|p| !p.dir.is_empty()) {
        out.push(safe_path(
            "Cargo.toml",
            "workspace.members",
            &package.manifest(),
        )?);
    }
    Ok(out)
}

/// Every library, binary and build script source, plus declared examples, tests and benches:
/// what cargo needs present to load the workspace and build the dependencies.
pub fn stubs(project: &Project, workspace: &Workspace) -> Result<Vec<String>, Error> {
    let mut out = BTreeSet::new();
    for package in &workspace.packages {
        let file = package.manifest();
        for target in &package.targets {
            if matches!(target.kind, Kind::Lib | Kind::Bin | Kind::Build) {
                out.insert(safe_path(&file, "target path", &target.path)?);
            }
        }
        for path in manifest::declared_stubs(project, &package.dir)? {
            out.insert(safe_path(&file, "target path", &path)?);
        }
    }
    Ok(out.into_iter().collect())
}

/// Evidence for the entrypoint: the binary's source, or the subcommand's line.
pub fn entry_evidence(ctx: &Ctx, subcommand: Option<&(String, String, usize)>) -> Evidence {
    match subcommand {
        Some((sub, file, line)) => Evidence::file(
            file,
            Some(&format!("line {line}")),
            format!("the binary `{}` with its `{sub}` subcommand", ctx.bin.name),
        ),
        None => ctx.project.evidence(
            &ctx.bin.path,
            None,
            format!("the binary `{}`", ctx.bin.name),
        ),
    }
}
