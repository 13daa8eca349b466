//! `dockgen init`: detect, confirm on a terminal, render, write.

use std::io::IsTerminal as _;

use crate::cli::InitArgs;
use crate::error::Error;
use crate::plan::AppKind;
use crate::write::{self, Written};

pub fn run(args: &InitArgs) -> Result<(), Error> {
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut overrides = super::overrides(&args.answers)?;
    let mut plan = match crate::plan(&args.path, &overrides) {
        // On a terminal, an ambiguous monorepo is a question, not an error.
        Err(Error::MissingAnswer { flag, detail, .. }) if interactive && flag == "--workspace" => {
            let answer = prompt(
                inquire::Text::new("Which workspace should the image run?")
                    .with_help_message(&detail)
                    .prompt(),
            )?;
            overrides.workspace = Some(answer);
            crate::plan(&args.path, &overrides)?
        }
        other => other?,
    };
    if plan.kind == AppKind::Server && plan.entrypoint.is_none() && interactive {
        let answer = prompt(
            inquire::Text::new("What command starts the app?")
                .with_help_message("e.g. node dist/server.js")
                .prompt(),
        )?;
        overrides.entrypoint = Some(super::parse_command(&answer)?);
        plan = crate::plan(&args.path, &overrides)?;
    }
    let rendered = crate::render::render(&plan, crate::rules::rules()?)?;

    for warning in &plan.warnings {
        eprintln!("warning: {warning}");
    }
    if args.stdout {
        print!("{}", rendered.dockerfile);
        return Ok(());
    }
    if interactive {
        eprint!("{}", super::detect::report(&plan));
        let question = format!(
            "Write Dockerfile and .dockerignore to `{}`?",
            args.path.display()
        );
        if !prompt(inquire::Confirm::new(&question).with_default(true).prompt())? {
            return Err(Error::Cancelled);
        }
    }
    let dockerfile = write::write_dockerfile(&args.path, &rendered.dockerfile, args.force)?;
    let ignore = write::write_dockerignore(&args.path, &rendered.dockerignore)?;
    let dockerfile_path = args.path.join("Dockerfile");
    let ignore_path = args.path.join(".dockerignore");
    match dockerfile {
        Written::Overwritten => eprintln!("Overwrote {}", dockerfile_path.display()),
        _ => eprintln!("Wrote {}", dockerfile_path.display()),
    }
    match ignore {
        Written::Created => eprintln!("Wrote {}", ignore_path.display()),
        Written::Merged(n) => eprintln!("Added {n} line(s) to {}", ignore_path.display()),
        Written::Unchanged | Written::Overwritten => {
            eprintln!("Kept {} (already complete)", ignore_path.display());
        }
    }
    Ok(())
}

fn prompt<T>(result: Result<T, inquire::InquireError>) -> Result<T, Error> {
    use inquire::InquireError;
    match result {
        Ok(value) => Ok(value),
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => {
            Err(Error::Cancelled)
        }
        Err(e) => Err(Error::InvalidFlag {
            flag: "--yes".into(),
            reason: format!("cannot prompt: {e}"),
        }),
    }
}
