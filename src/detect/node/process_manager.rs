//! Process managers a start script may run the app under (`pm2 start ecosystem.config.json`):
//! in a container the image's init already supervises, so the app's own script runs directly.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::project::Project;

/// The script the process manager would start, and the file that names it (the config file,
/// or the command itself when the script is given directly).
pub struct Managed {
    pub script: String,
    pub config: Option<String>,
}

fn script_key() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"\bscript['"]?\s*:\s*['"]([^'"\n]{1,200})['"]"#).expect("static regex")
    })
}

/// What `args` (after the process manager's name) start: the first app of an ecosystem file
/// (JSON, or `script:` in a JavaScript one), or a script named directly.
pub fn managed(project: &Project, args: &[String], subcommands: &[String]) -> Option<Managed> {
    let target = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .find(|a| !subcommands.contains(a))?;
    let is_config = target.contains("ecosystem") || target.ends_with(".config.js");
    if !is_config {
        return Some(Managed {
            script: target.clone(),
            config: None,
        });
    }
    let text = project.read(target).ok()??;
    let script = if target.ends_with(".json") {
        let json: Value = serde_json::from_str(&text).ok()?;
        json.pointer("/apps/0/script")?.as_str()?.to_string()
    } else {
        script_key().captures(&text)?[1].to_string()
    };
    Some(Managed {
        script,
        config: Some(target.clone()),
    })
}
