//! `Answers`: values a user supplies instead of what dockgen detects.
//!
//! One type for every way answers arrive — command-line flags (clap), `--set key=value`, an
//! answers file and the project's `dockgen.toml` (serde, strict, the same keys as the flags),
//! the wizard, and a test fixture's `[answers]` table — layered in one place (`config.rs`) and
//! applied to the plan in one place (`detect::apply`, and each detector for the choices it
//! consumes).

use std::str::FromStr;

use clap::Args;
use serde::{Deserialize, Deserializer};

use crate::detect::safe::{is_version, shown};
use crate::error::Error;
use crate::plan::Language;

/// Answers to the questions detection may leave open, each replacing the detected value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Answers {
    /// The language to containerize when the project holds more than one
    #[arg(long, value_enum, help_heading = "Detection")]
    pub language: Option<Language>,

    /// The app folder to containerize: a workspace or module folder, or its package name
    #[arg(
        long,
        visible_alias = "app",
        value_name = "FOLDER",
        help_heading = "Detection"
    )]
    #[serde(alias = "app")]
    pub workspace: Option<String>,

    /// The runtime's version line, e.g. 22
    #[arg(long, value_name = "VERSION", help_heading = "Detection")]
    pub runtime_version: Option<String>,

    /// The package manager that installs dependencies, e.g. pnpm
    #[arg(long, value_name = "NAME", help_heading = "Detection")]
    pub package_manager: Option<String>,

    /// The command the container runs, e.g. `node dist/server.js` or `["node","dist/server.js"]`
    #[arg(long, value_name = "COMMAND", help_heading = "Detection")]
    pub entrypoint: Option<Argv>,

    /// The port the app listens on
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..), help_heading = "Detection")]
    pub port: Option<u16>,

    /// The final image's variant where there is a real choice, e.g. distroless or slim
    #[arg(long, value_name = "NAME", help_heading = "Detection")]
    pub variant: Option<String>,
}

impl Answers {
    /// Checks each supplied value by its shape before anything uses it.
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |flag: &str, reason: String| Error::InvalidFlag {
            flag: flag.into(),
            reason,
        };
        if let Some(version) = &self.runtime_version {
            if !is_version(version) {
                return Err(invalid(
                    "--runtime-version",
                    format!(
                        "`{}` is not a version (digits and dots, e.g. 22 or 3.12)",
                        shown(version)
                    ),
                ));
            }
        }
        if let Some(folder) = &self.workspace {
            let clean = folder.trim_start_matches("./").trim_end_matches('/');
            if clean.is_empty()
                || clean.starts_with('/')
                || clean.split('/').any(|p| p == "..")
                || clean.chars().any(char::is_control)
            {
                return Err(invalid(
                    "--workspace",
                    format!(
                        "`{}` is not a folder inside the project or a package name",
                        shown(folder)
                    ),
                ));
            }
        }
        for (flag, value) in [
            ("--package-manager", &self.package_manager),
            ("--variant", &self.variant),
        ] {
            if let Some(value) = value {
                if value.is_empty()
                    || !value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                {
                    return Err(invalid(flag, format!("`{}` is not a name", shown(value))));
                }
            }
        }
        if self.port == Some(0) {
            return Err(invalid("--port", "0 is not a port".into()));
        }
        Ok(())
    }
}

impl Answers {
    /// These answers with every answer `higher` gives replacing this one's.
    #[must_use]
    pub fn overlaid(self, higher: Answers) -> Answers {
        Answers {
            language: higher.language.or(self.language),
            workspace: higher.workspace.or(self.workspace),
            runtime_version: higher.runtime_version.or(self.runtime_version),
            package_manager: higher.package_manager.or(self.package_manager),
            entrypoint: higher.entrypoint.or(self.entrypoint),
            port: higher.port.or(self.port),
            variant: higher.variant.or(self.variant),
        }
    }

    /// True when no question is answered.
    pub fn is_empty(&self) -> bool {
        *self == Answers::default()
    }
}

/// A command as the container runs it: given as a JSON array or as shell-style words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argv(pub Vec<String>);

impl FromStr for Argv {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let argv: Vec<String> = if text.trim_start().starts_with('[') {
            serde_json::from_str(text).map_err(|e| format!("not a JSON array of strings: {e}"))?
        } else {
            shell_words::split(text).map_err(|e| e.to_string())?
        };
        Argv::new(argv)
    }
}

impl Argv {
    fn new(argv: Vec<String>) -> Result<Self, String> {
        if argv.is_empty() {
            return Err("the command is empty".into());
        }
        Ok(Argv(argv))
    }
}

impl<'de> Deserialize<'de> for Argv {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Words(String),
            List(Vec<String>),
        }
        match Form::deserialize(deserializer)? {
            Form::Words(text) => text.parse(),
            Form::List(argv) => Argv::new(argv),
        }
        .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_as_words_or_json() {
        assert_eq!(
            "node dist/server.js".parse::<Argv>().unwrap().0,
            ["node", "dist/server.js"]
        );
        assert_eq!(
            r#"["node", "a b.js"]"#.parse::<Argv>().unwrap().0,
            ["node", "a b.js"]
        );
        assert!("".parse::<Argv>().is_err());
        assert!("[1]".parse::<Argv>().is_err());
    }

    #[test]
    fn answers_files_are_strict() {
        let ok: Answers =
            toml::from_str("workspace = \"api\"\nentrypoint = [\"node\", \"x.js\"]\nport = 80")
                .unwrap();
        assert_eq!(ok.workspace.as_deref(), Some("api"));
        assert_eq!(ok.entrypoint.unwrap().0, ["node", "x.js"]);
        let err = toml::from_str::<Answers>("wrokspace = \"api\"").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `wrokspace`"),
            "{err}"
        );
    }
}
