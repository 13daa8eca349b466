//! `dockgen init`: layer the answers, detect (asking on a terminal), render, then write, print,
//! preview or check.

use std::io::IsTerminal as _;

use crate::cli::InitArgs;
use crate::config;
use crate::detect::safe::terminal;
use crate::error::Error;
use crate::project::Project;
use crate::wizard::{self, InquirePrompter};
use crate::write::{Transaction, Written};

pub fn run(args: &InitArgs) -> Result<(), Error> {
    let project = Project::open(&args.path)?;
    let layered = config::layer(
        &project,
        args.sources.answers_file.as_deref(),
        &args.sources.set,
        &args.answers,
    )?;
    let prints = args.stdout || args.dry_run || args.check;
    let interactive = !args.yes
        && !args.non_interactive
        && !prints
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal();
    let mut prompter = InquirePrompter;
    let (plan, answers) = if interactive {
        let settled = wizard::run(&mut prompter, &project, &layered)?;
        (settled.plan, settled.answers)
    } else {
        let mut plan = crate::detect::detect(&project, &layered.answers)?;
        config::relabel(&mut plan, &layered.origins);
        (plan, layered.answers.clone())
    };
    let rendered = crate::render::render(&plan)?;
    if !interactive {
        for warning in &plan.warnings {
            eprintln!("warning: {}", terminal(&warning.message, 1000));
        }
    }
    if args.stdout {
        print!("{}", rendered.dockerfile);
        return Ok(());
    }
    // The answers worth keeping are those detection alone would not give.
    let detected = crate::detect::detect(&project, &crate::Answers::default()).ok();
    let saved = config::saved_text(&answers, &plan, detected.as_ref());
    let mut transaction = Transaction::prepare(
        &args.path,
        &rendered.dockerfile,
        &rendered.dockerignore,
        saved.as_deref(),
    )?;
    if args.check {
        return check(&transaction);
    }
    if args.dry_run {
        for (name, outcome, shown) in transaction.preview() {
            match outcome {
                Written::Unchanged => println!("=== {name}: unchanged"),
                Written::Created => print!("=== {name}: would be created\n{shown}"),
                _ => print!("=== {name}: would change\n{shown}"),
            }
        }
        return Ok(());
    }
    if interactive {
        let choices = wizard::files(&mut prompter, &transaction.existing())?;
        transaction.choose(&choices);
    } else {
        transaction.require_force(&args.path, args.force)?;
    }
    for (name, outcome) in transaction.commit()? {
        let path = args.path.join(name);
        match outcome {
            Written::Created => eprintln!("Wrote {}", path.display()),
            Written::Overwritten => eprintln!("Overwrote {}", path.display()),
            Written::Merged(n) => eprintln!("Added {n} line(s) to {}", path.display()),
            Written::Unchanged => eprintln!("Kept {} (already up to date)", path.display()),
            Written::Skipped => eprintln!("Skipped {} (kept yours)", path.display()),
        }
    }
    Ok(())
}

/// `--check`: the diffs go to stdout; drift is an error.
fn check(transaction: &Transaction) -> Result<(), Error> {
    let drift = transaction.drift();
    if drift.is_empty() {
        eprintln!("Dockerfile and .dockerignore are up to date");
        return Ok(());
    }
    for (_, diff) in &drift {
        print!("{diff}");
    }
    Err(Error::Drift {
        files: drift.iter().map(|(name, _)| (*name).to_string()).collect(),
    })
}
