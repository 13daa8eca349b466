//! Thin glue between parsed arguments and the library.

pub mod detect;
pub mod init;

use crate::cli::Answers;
use crate::detect::Overrides;
use crate::error::Error;

/// Turns answer flags into plan overrides, validating them.
pub fn overrides(answers: &Answers) -> Result<Overrides, Error> {
    let entrypoint = answers
        .entrypoint
        .as_deref()
        .map(parse_command)
        .transpose()?;
    Ok(Overrides {
        entrypoint,
        port: answers.port,
        version: answers.runtime_version.clone(),
        workspace: answers.workspace.clone(),
    })
}

/// A command given as a JSON array or as shell-style words.
pub fn parse_command(text: &str) -> Result<Vec<String>, Error> {
    let invalid = |reason: String| Error::InvalidFlag {
        flag: "--entrypoint".into(),
        reason,
    };
    let argv: Vec<String> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text)
            .map_err(|e| invalid(format!("not a JSON array of strings: {e}")))?
    } else {
        shell_words::split(text).map_err(|e| invalid(e.to_string()))?
    };
    if argv.is_empty() {
        return Err(invalid("the command is empty".into()));
    }
    Ok(argv)
}

/// `dockgen images`: the base-image names the offline build check must provide stand-ins for.
pub fn images() -> Result<(), Error> {
    for image in crate::rules::rules()?.node.images() {
        println!("{image}");
    }
    Ok(())
}
