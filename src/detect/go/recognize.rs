//! Does the project look like a Go app? A main package is an application; go.mod or go.work
//! without one is a library (tooling); a go.mod or go.work that does not parse is unreadable.

use super::layout::Layout;
use super::packages;
use super::rules::rules;
use crate::error::Error;
use crate::plan::{Candidate, Language, Strength};
use crate::project::Project;

/// The Go candidate, if the project has go.mod, go.work or a main package at its root.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let rules = rules()?;
    let has_mod = project.is_file("go.mod");
    let has_work = project.is_file("go.work");
    let root_main = packages::is_main(project, "", rules);
    if !has_mod && !has_work && !root_main {
        return Ok(None);
    }
    let source = if has_work {
        "go.work".to_string()
    } else if has_mod {
        "go.mod".to_string()
    } else {
        packages::read(project, "", rules)
            .and_then(|p| p.files.first().map(|f| f.name.clone()))
            .unwrap_or_else(|| "main.go".into())
    };
    let candidate = |strength, reason: String| {
        Ok(Some(Candidate {
            language: Language::Go,
            strength,
            source: project.name(&source),
            reason,
        }))
    };
    let layout = match Layout::read(project) {
        Ok(layout) => layout,
        Err(error @ Error::Parse { .. }) => {
            return candidate(Strength::Unreadable, format!("cannot be read: {error}"));
        }
        // A replace or workspace folder outside the project: still Go; detection says what
        // is wrong.
        Err(_) => Layout::default(),
    };
    if layout.modules.is_empty() && root_main {
        return candidate(
            Strength::Application,
            "a main package at the root (no go.mod)".into(),
        );
    }
    for module in &layout.modules {
        if let Some(dir) = packages::mains(project, &module.dir, rules).first() {
            let reason = if dir.is_empty() {
                "a main package at the root".to_string()
            } else {
                format!("a main package in `{dir}`")
            };
            return candidate(Strength::Application, reason);
        }
    }
    candidate(
        Strength::Tooling,
        format!(
            "has no main package at the root, in {}/ or a few folders down (a library)",
            rules.sources.commands
        ),
    )
}
