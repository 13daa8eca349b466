//! The Rust template's typed context.

use serde::Serialize;

use super::{context, exec_form, Common, Rendering};
use crate::error::Error;
use crate::plan::{Details, Libc, Plan, RustPlan};

pub const TEMPLATES: &[(&str, &str)] = &[(
    "rust.Dockerfile",
    include_str!("../../templates/rust.Dockerfile.tera"),
)];

/// One `COPY` of several sources into one folder.
#[derive(Serialize)]
struct Copy {
    from: String,
    to: String,
}

/// Everything `rust.Dockerfile.tera` reads.
#[derive(Serialize)]
struct RustContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    rust: &'a RustPlan,
    musl: bool,
    /// The manifests, grouped by the folder they are copied to.
    manifests: Vec<Copy>,
    /// Folders the stubs live in, space-separated (empty when all are at the root).
    stub_dirs: String,
    /// Stub files, space-separated.
    stubs: String,
    /// `cargo fetch …` and `cargo build …`, with the target triple.
    fetch: String,
    build: String,
    /// The build output, relative to the build folder.
    output: String,
    /// Where the build stage leaves the binary, and where the final image has it.
    built: String,
    binary: String,
    runtime_files: Vec<Copy>,
    entrypoint: String,
    cmd: String,
    uid: &'a str,
}

pub fn render(plan: &Plan) -> Result<Rendering, Error> {
    let Details::Rust(rust) = &plan.details else {
        return Err(Error::Template {
            name: "rust.Dockerfile".into(),
            reason: format!("a {} plan", plan.language()),
        });
    };
    let common = Common::new(plan)?;
    let musl = rust.libc == Libc::Musl;
    let triple = format!(
        "\"$(uname -m)-unknown-linux-{}\"",
        if musl { "musl" } else { "gnu" }
    );
    let argv = plan.build_command.clone().unwrap_or_default();
    let build = format!("{} --target {triple}", argv.join(" "));
    let fetch = format!(
        "cargo fetch{} --target {triple}",
        if rust.locked { " --locked" } else { "" }
    );
    let mut dirs: Vec<String> = rust
        .stubs
        .iter()
        .filter_map(|s| s.rsplit_once('/').map(|(d, _)| d.to_string()))
        .collect();
    dirs.sort();
    dirs.dedup();
    let entry = plan.entrypoint.clone().unwrap_or_default();
    let mut entrypoint = vec![rust.init.clone(), "--".into()];
    entrypoint.extend(entry.first().cloned());
    let runtime_files = rust
        .runtime_files
        .iter()
        .map(|path| Copy {
            from: path.clone(),
            to: format!("./{}", path.rsplit('/').next().unwrap_or(path)),
        })
        .collect();
    let value = RustContext {
        common,
        rust,
        musl,
        manifests: group(&rust.manifests),
        stub_dirs: dirs.join(" "),
        stubs: rust.stubs.join(" "),
        fetch,
        build,
        output: format!(
            "target/$(uname -m)-unknown-linux-{}/release/{}",
            if musl { "musl" } else { "gnu" },
            rust.bin
        ),
        built: format!("/usr/local/bin/{}", rust.bin),
        binary: format!("{}/{}", crate::rules::common()?.image.workdir, rust.bin),
        runtime_files,
        entrypoint: exec_form(&entrypoint),
        cmd: if entry.len() > 1 {
            exec_form(&entry[1..])
        } else {
            String::new()
        },
        uid: plan.images.user.split(':').next().unwrap_or(""),
    };
    let rules = crate::detect::rust::rules()?;
    let mut ignore = rules.dockerignore.lines.clone();
    ignore.extend(rust.ignored.iter().cloned());
    Ok(Rendering {
        template: "rust.Dockerfile",
        context: context("rust.Dockerfile", &value)?,
        ignore,
    })
}

/// Files grouped by their folder, in first-seen order: `COPY a b ./`, `COPY x/Cargo.toml x/`.
fn group(files: &[String]) -> Vec<Copy> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for file in files {
        let to = file
            .rsplit_once('/')
            .map_or_else(|| "./".to_string(), |(dir, _)| format!("{dir}/"));
        match out.iter_mut().find(|(t, _)| *t == to) {
            Some((_, from)) => from.push(file.clone()),
            None => out.push((to, vec![file.clone()])),
        }
    }
    out.into_iter()
        .map(|(to, from)| Copy {
            from: from.join(" "),
            to,
        })
        .collect()
}
