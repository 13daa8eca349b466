//! `dockgen init`: detect, ask what is open on a terminal, render, write.

use std::io::IsTerminal as _;

use crate::answers::Argv;
use crate::cli::InitArgs;
use crate::detect::safe::terminal;
use crate::error::Error;
use crate::questions::{unanswered, Question};
use crate::write::{self, Written};

pub fn run(args: &InitArgs) -> Result<(), Error> {
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut answers = args.answers.clone();
    // On a terminal an open question is asked, then detection runs again with the answer.
    let plan = loop {
        let question = match crate::plan(&args.path, &answers) {
            Err(Error::MissingAnswer {
                question, detail, ..
            }) if interactive => (question, detail),
            Err(error) => return Err(error),
            Ok(plan) => match unanswered(&plan).into_iter().next() {
                Some(open) if interactive => open,
                _ => break plan,
            },
        };
        let (question, detail) = question;
        let answer = prompt(
            inquire::Text::new(question.prompt())
                .with_help_message(&detail)
                .prompt(),
        )?;
        match question {
            Question::Language => {
                answers.language =
                    Some(answer.parse().map_err(|e: String| Error::InvalidFlag {
                        flag: question.flag().into(),
                        reason: e,
                    })?);
            }
            Question::App => answers.workspace = Some(answer),
            Question::Entrypoint => {
                answers.entrypoint =
                    Some(
                        answer
                            .parse::<Argv>()
                            .map_err(|reason| Error::InvalidFlag {
                                flag: question.flag().into(),
                                reason,
                            })?,
                    );
            }
        }
    };
    let rendered = crate::render::render(&plan)?;

    for warning in &plan.warnings {
        eprintln!("warning: {}", terminal(&warning.message, 1000));
    }
    if args.stdout {
        print!("{}", rendered.dockerfile);
        return Ok(());
    }
    // Everything is checked before the question, and nothing is written before the answer.
    let transaction = write::Transaction::prepare(
        &args.path,
        &rendered.dockerfile,
        &rendered.dockerignore,
        args.force,
    )?;
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
    let [dockerfile, ignore] = transaction.commit()?;
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
