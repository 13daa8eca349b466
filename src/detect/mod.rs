//! Detection: which language a project is, and every decision that follows, as a `Plan`.
//!
//! Detectors report facts; they never render. Each reads the disk only through `Project`.

mod node;
pub mod safe;

use crate::error::Error;
use crate::plan::{Evidence, Plan};
use crate::project::Project;
use crate::rules::Rules;

/// What one detector concluded.
pub enum Detection {
    Found(Box<Plan>),
    /// Not this language, and why (shown when nothing at all is detected).
    Skipped(String),
}

/// Values supplied on the command line; each replaces the detected one.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub entrypoint: Option<Vec<String>>,
    pub port: Option<u16>,
    pub version: Option<String>,
    /// The workspace folder or package name to containerize in a monorepo.
    pub workspace: Option<String>,
}

type Detector = fn(&Project, &Rules, &Overrides) -> Result<Detection, Error>;

/// Runs the detectors in order and returns the first plan, with overrides applied.
pub fn detect(project: &Project, rules: &Rules, overrides: &Overrides) -> Result<Plan, Error> {
    let mut reasons = Vec::new();
    let detectors: [(&str, Detector); 1] = [("Node.js", |p, r, o| node::detect(p, &r.node, o))];
    for (name, detector) in detectors {
        match detector(project, rules, overrides)? {
            Detection::Found(plan) => return apply(*plan, overrides),
            Detection::Skipped(why) => reasons.push(format!("{name}: {why}")),
        }
    }
    Err(Error::NothingDetected {
        path: project.root().to_path_buf(),
        reason: reasons.join("; "),
    })
}

fn apply(mut plan: Plan, overrides: &Overrides) -> Result<Plan, Error> {
    if let Some(argv) = &overrides.entrypoint {
        let argv: Vec<String> = argv
            .iter()
            .map(|a| safe::safe_arg("--entrypoint", "value", a))
            .collect::<Result<_, _>>()?;
        if argv.is_empty() {
            return Err(Error::InvalidFlag {
                flag: "--entrypoint".into(),
                reason: "the command is empty".into(),
            });
        }
        plan.entrypoint = Some(argv);
        plan.evidence
            .insert("entrypoint".into(), Evidence::flag("--entrypoint"));
        plan.warnings.retain(|w| !w.contains("--entrypoint"));
    }
    if let Some(port) = overrides.port {
        if port == 0 {
            return Err(Error::InvalidFlag {
                flag: "--port".into(),
                reason: "0 is not a port".into(),
            });
        }
        plan.port = Some(port);
        plan.evidence
            .insert("port".into(), Evidence::flag("--port"));
    }
    Ok(plan)
}
