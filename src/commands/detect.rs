//! `dockgen detect`: the plan, for a human or as JSON.

use std::fmt::Write as _;

use crate::cli::{DetectArgs, Format};
use crate::error::Error;
use crate::plan::Plan;

pub fn run(args: &DetectArgs) -> Result<(), Error> {
    let plan = crate::plan(&args.path, &super::overrides(&args.answers)?)?;
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

/// One line per decision: the value, then where it came from.
pub fn report(plan: &Plan) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(" ")
        }
    };
    let rows = [
        ("language", "language", plan.language.clone()),
        (
            "workspace",
            "workspace",
            plan.node
                .as_ref()
                .and_then(|n| n.workspace.clone())
                .unwrap_or_else(|| "none".into()),
        ),
        ("version", "version", plan.version.clone()),
        (
            "package manager",
            "package_manager",
            plan.package_manager.clone(),
        ),
        (
            "framework",
            "framework",
            plan.framework.clone().unwrap_or_else(|| "none".into()),
        ),
        (
            "build",
            "build_command",
            plan.build_command
                .as_ref()
                .map_or("none".into(), |c| c.join(" ")),
        ),
        (
            "entrypoint",
            "entrypoint",
            plan.entrypoint
                .as_ref()
                .map_or("unknown".into(), |c| c.join(" ")),
        ),
        (
            "port",
            "port",
            plan.port.map_or("unknown".into(), |p| p.to_string()),
        ),
        (
            "build packages",
            "build_packages",
            list(&plan.build_packages),
        ),
        (
            "runtime packages",
            "runtime_packages",
            list(&plan.runtime_packages),
        ),
        ("builder image", "", plan.images.builder.clone()),
        ("runtime image", "", plan.images.runtime.clone()),
    ];
    let mut out = String::new();
    for (label, key, value) in rows {
        let _ = write!(out, "{label:<17} {value}");
        if let Some(ev) = plan.evidence.get(key) {
            let at = ev.key.as_ref().map_or(String::new(), |k| format!(" {k}"));
            let _ = write!(out, "  ({}{at}: {})", ev.source, ev.note);
        }
        out.push('\n');
    }
    for warning in &plan.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    out
}
