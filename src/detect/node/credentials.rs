//! Registry credentials in `.npmrc` and `.yarnrc.yml`: kept out of the image, mounted as a
//! build secret where the install needs them, never an ARG, ENV or copied file.

use super::rules::NodeRules;
use crate::error::Error;
use crate::plan::{Secret, Warning, WarningKind};
use crate::project::Project;

/// The credential files found and what to do with them.
#[derive(Default)]
pub struct Credentials {
    pub secrets: Vec<Secret>,
    pub warnings: Vec<Warning>,
}

impl Credentials {
    /// True when `file` holds credentials and so must not be copied.
    pub fn holds(&self, file: &str) -> bool {
        self.secrets.iter().any(|s| s.file == file)
    }
}

/// Reads the toolchain root's credential files (`project` is the root).
pub fn find(project: &Project, rules: &NodeRules) -> Result<Credentials, Error> {
    let mut found = Credentials::default();
    for rule in &rules.credentials {
        let Some(text) = project.read(&rule.file)? else {
            continue;
        };
        let literal = text.lines().any(|line| {
            let line = line.trim();
            rule.markers.iter().any(|marker| {
                line.find(marker.as_str()).is_some_and(|at| {
                    let value = line[at + marker.len()..]
                        .trim_start_matches([' ', ':', '='])
                        .trim_matches(['"', '\'']);
                    !value.is_empty() && !value.starts_with("${")
                })
            })
        });
        if !literal {
            continue;
        }
        let name = project.name(&rule.file);
        if !rule.mount {
            return Err(Error::Incomplete {
                file: name,
                problem: "holds a registry credential, which must never be copied into an image"
                    .into(),
                fix: format!(
                    "read it from the environment instead (e.g. `npmAuthToken: \"${{NPM_AUTH_TOKEN}}\"` in {}) and run dockgen again",
                    rule.file
                ),
            });
        }
        found.warnings.push(Warning::new(
            WarningKind::Secrets,
            format!(
                "`{name}` holds registry credentials: it stays out of the build context and the install step mounts it as a build secret; build with `docker build --secret id={},src={name} .`",
                rule.id
            ),
        ));
        found.secrets.push(Secret {
            id: rule.id.clone(),
            file: rule.file.clone(),
        });
    }
    Ok(found)
}
