//! The repository's Compose file, read for the service that builds the app: the container port
//! it publishes and the folders it mounts volumes on. Evidence only; a value that is not a plain
//! port or path is passed over, never an error.

use serde_yaml_ng::Value;

use crate::error::Error;
use crate::project::Project;

/// What the app's service in a Compose file says.
#[derive(Debug, Default)]
pub struct Service {
    /// The file, root-relative.
    pub file: String,
    /// The service's name.
    pub name: String,
    /// Container ports (`ports:` targets, then `expose:`), in file order.
    pub ports: Vec<u16>,
    /// Absolute container paths that volumes are mounted on.
    pub volumes: Vec<String>,
    /// `working_dir`, when set.
    pub working_dir: Option<String>,
}

/// The app's service: in the first Compose file found in the app folder or at the root, the
/// service whose `build` context is the app folder (or the only service that builds).
pub fn app_service(project: &Project, files: &[String]) -> Result<Option<Service>, Error> {
    let here = project.dir().unwrap_or("");
    let views = if here.is_empty() {
        vec![project.clone()]
    } else {
        vec![project.clone(), project.repo()]
    };
    for view in &views {
        for file in files {
            let Some(yaml) = view.read_yaml(file)? else {
                continue;
            };
            let at = view.dir().unwrap_or("");
            let Some(services) = yaml.get("services").and_then(Value::as_mapping) else {
                continue;
            };
            let builds: Vec<(&Value, &Value)> = services
                .iter()
                .filter(|(_, s)| s.get("build").is_some())
                .collect();
            let pick = builds
                .iter()
                .find(|(_, s)| context_is(s, at, here))
                .or_else(|| (builds.len() == 1).then(|| &builds[0]));
            if let Some((name, service)) = pick {
                return Ok(Some(read_service(
                    &view.name(file),
                    name.as_str().unwrap_or(""),
                    service,
                )));
            }
        }
    }
    Ok(None)
}

/// True when the service's build context, relative to the Compose file's folder `at`, is the
/// app folder `here` (both root-relative).
fn context_is(service: &Value, at: &str, here: &str) -> bool {
    let context = match service.get("build") {
        Some(Value::String(s)) => s.as_str(),
        Some(b) => b.get("context").and_then(Value::as_str).unwrap_or("."),
        None => return false,
    };
    let joined = if at.is_empty() {
        context.to_string()
    } else {
        format!("{at}/{context}")
    };
    let clean: Vec<&str> = joined
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    clean.join("/") == here
}

fn read_service(file: &str, name: &str, service: &Value) -> Service {
    let mut ports = Vec::new();
    for entry in service
        .get("ports")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        let port = match entry {
            Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
            Value::String(s) => container_port(s),
            Value::Mapping(_) => entry.get("target").and_then(|t| match t {
                Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
                Value::String(s) => s.parse().ok(),
                _ => None,
            }),
            _ => None,
        };
        ports.extend(port.filter(|p| *p > 0));
    }
    for entry in service
        .get("expose")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        let port = match entry {
            Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
            Value::String(s) => container_port(s),
            _ => None,
        };
        ports.extend(port.filter(|p| *p > 0));
    }
    let mut volumes = Vec::new();
    for entry in service
        .get("volumes")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        // A bind mount of the project itself is a development setup, not data.
        let source_is_project = |src: &str| matches!(src, "." | "./" | "$PWD" | "${PWD}");
        let target = match entry {
            // `src:dst[:mode]`, or an anonymous volume's `dst`.
            Value::String(s) => {
                let sides: Vec<&str> = s.split(':').collect();
                match sides.len() {
                    1 => Some(sides[0]),
                    2 | 3 if !source_is_project(sides[0]) => Some(sides[1]),
                    _ => None,
                }
            }
            Value::Mapping(_) => entry.get("target").and_then(Value::as_str).filter(|_| {
                !entry
                    .get("source")
                    .and_then(Value::as_str)
                    .is_some_and(source_is_project)
            }),
            _ => None,
        };
        if let Some(target) = target.filter(|t| t.starts_with('/') && t.len() <= 4096) {
            volumes.push(target.to_string());
        }
    }
    Service {
        file: file.to_string(),
        name: name.chars().take(100).collect(),
        ports,
        volumes,
        working_dir: service
            .get("working_dir")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

/// The container side of a `ports:` string: `8080:3000`, `127.0.0.1:8080:3000/tcp`, `3000`.
/// Ranges and variables are not a port.
fn container_port(spec: &str) -> Option<u16> {
    let spec = spec.split('/').next()?;
    spec.rsplit(':').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_ports_are_the_right_hand_side() {
        assert_eq!(container_port("8080:3000"), Some(3000));
        assert_eq!(container_port("127.0.0.1:8080:3000/tcp"), Some(3000));
        assert_eq!(container_port("3000"), Some(3000));
        assert_eq!(container_port("3000-3005:3000-3005"), None);
        assert_eq!(container_port("${PORT}:${PORT}"), None);
        assert_eq!(container_port("99999"), None);
    }
}
