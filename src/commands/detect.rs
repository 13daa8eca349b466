//! `dockgen detect`: the plan, for a human or as JSON.

use std::fmt::Write as _;

use crate::cli::{DetectArgs, Format};
use crate::detect::safe::terminal;
use crate::error::Error;
use crate::plan::{Field, Plan};

/// The longest line the text report prints; project values are shortened before this.
const MAX_LINE: usize = 1000;

pub fn run(args: &DetectArgs) -> Result<(), Error> {
    let project = crate::project::Project::open(&args.path)?;
    let layered = crate::config::layer(
        &project,
        args.sources.answers_file.as_deref(),
        &args.sources.set,
        &args.answers,
    )?;
    let mut plan = crate::detect::detect(&project, &layered.answers)?;
    crate::config::relabel(&mut plan, &layered.origins);
    match args.format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&plan).map_err(|e| Error::Template {
                name: "json".into(),
                reason: e.to_string(),
            })?;
            println!("{json}");
        }
        Format::Text => print!("{}", report(&plan)),
    }
    Ok(())
}

/// One line per decision: the value, then where it came from; then what was set aside.
pub fn report(plan: &Plan) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(" ")
        }
    };
    let rows = [
        (
            "language",
            Some(Field::Language),
            plan.language().to_string(),
        ),
        (
            "app folder",
            Some(Field::App),
            plan.app_dir.clone().unwrap_or_else(|| "none".into()),
        ),
        ("version", Some(Field::Version), plan.version.clone()),
        (
            "package manager",
            Some(Field::PackageManager),
            plan.package_manager.clone(),
        ),
        (
            "framework",
            Some(Field::Framework),
            plan.framework.clone().unwrap_or_else(|| "none".into()),
        ),
        (
            "build",
            Some(Field::BuildCommand),
            plan.build_command
                .as_ref()
                .map_or("none".into(), |c| c.join(" ")),
        ),
        (
            "entrypoint",
            Some(Field::Entrypoint),
            plan.entrypoint
                .as_ref()
                .map_or("unknown".into(), |c| c.join(" ")),
        ),
        (
            "port",
            Some(Field::Port),
            plan.port.map_or("unknown".into(), |p| p.to_string()),
        ),
        (
            "build packages",
            Some(Field::BuildPackages),
            list(&plan.build_packages),
        ),
        (
            "runtime packages",
            Some(Field::RuntimePackages),
            list(&plan.runtime_packages),
        ),
        ("writable", Some(Field::Writable), list(&plan.writable)),
        (
            "image variant",
            Some(Field::Variant),
            plan.images.variant.clone(),
        ),
        ("builder image", None, plan.images.builder.clone()),
        (
            "runtime image",
            Some(Field::Runtime),
            plan.images.runtime.clone(),
        ),
    ];
    let mut out = String::new();
    for (label, field, value) in rows {
        let mut line = format!("{label:<17} {value}");
        if let Some(ev) = field.and_then(|f| plan.evidence.get(&f)) {
            let at = ev.key.as_ref().map_or(String::new(), |k| format!(" {k}"));
            let _ = write!(line, "  ({}{at}: {})", ev.source, ev.note);
        }
        let _ = writeln!(out, "{}", terminal(&line, MAX_LINE));
    }
    for other in &plan.set_aside {
        let line = format!(
            "{:<17} {}  ({}: {})",
            "set aside", other.language, other.source, other.reason
        );
        let _ = writeln!(out, "{}", terminal(&line, MAX_LINE));
    }
    for warning in &plan.warnings {
        let _ = writeln!(out, "warning: {}", terminal(&warning.message, MAX_LINE));
    }
    out
}
