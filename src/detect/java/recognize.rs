//! Does the Maven or Gradle build make an application? The same reading the detector does,
//! so both agree: a framework's plugin, a runnable jar or a main class is an application, a
//! build without one is a library (tooling), a build file that does not parse is unreadable.

use super::{build, rules};
use crate::error::Error;
use crate::plan::{Candidate, Language, Strength};
use crate::project::Project;

/// The Java candidate, if the project has a Maven or Gradle build at its root.
pub fn recognize(project: &Project) -> Result<Option<Candidate>, Error> {
    let rules = rules()?;
    let Some(root) = rules
        .recognize
        .build_files
        .iter()
        .find(|f| project.is_file(f))
    else {
        return Ok(None);
    };
    let candidate = |strength, source: String, reason: String| {
        Ok(Some(Candidate {
            language: Language::Java,
            strength,
            source,
            reason,
        }))
    };
    let build = match build(project, rules) {
        Ok(build) => build,
        Err(error @ Error::InvalidRule { .. }) => return Err(error),
        Err(error) => {
            return candidate(
                Strength::Unreadable,
                project.name(root),
                format!("cannot be read: {error}"),
            )
        }
    };
    if let Some(app) = build.modules.iter().find(|m| m.runnable.is_some()) {
        let why = app.runnable.as_ref().map_or("", |(_, e)| e.note.as_str());
        return candidate(
            Strength::Application,
            app.build_file.clone(),
            format!("builds an application ({why})"),
        );
    }
    candidate(
        Strength::Tooling,
        project.name(&build.file),
        "builds a library (no framework plugin, application plugin or main class)".into(),
    )
}
