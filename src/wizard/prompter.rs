//! The seam between the wizard and a terminal: `InquirePrompter` asks a person, and
//! `ScriptedPrompter` answers from a script and records a transcript for tests.

use crate::error::Error;

/// What the wizard can ask.
pub trait Prompter {
    /// One of `options`; returns its index.
    fn select(
        &mut self,
        prompt: &str,
        help: &str,
        options: &[String],
        default: usize,
    ) -> Result<usize, Error>;
    /// Free text, pre-filled with `default`.
    fn text(&mut self, prompt: &str, help: &str, default: &str) -> Result<String, Error>;
    /// Shows text the person should read (a summary, a diff).
    fn show(&mut self, text: &str);
}

/// Asks on the terminal (stderr), through inquire.
pub struct InquirePrompter;

impl Prompter for InquirePrompter {
    fn select(
        &mut self,
        prompt: &str,
        help: &str,
        options: &[String],
        default: usize,
    ) -> Result<usize, Error> {
        let chosen = inquire::Select::new(prompt, options.to_vec())
            .with_starting_cursor(default)
            .with_help_message(help)
            .raw_prompt()
            .map_err(cancelled)?;
        Ok(chosen.index)
    }

    fn text(&mut self, prompt: &str, help: &str, default: &str) -> Result<String, Error> {
        inquire::Text::new(prompt)
            .with_initial_value(default)
            .with_help_message(help)
            .prompt()
            .map_err(cancelled)
    }

    fn show(&mut self, text: &str) {
        eprint!("{text}");
    }
}

/// Esc and Ctrl-C cancel (exit 130); any other failure is a terminal that cannot prompt.
fn cancelled(error: inquire::InquireError) -> Error {
    match error {
        inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted => {
            Error::Cancelled
        }
        other => Error::InvalidFlag {
            flag: "--non-interactive".into(),
            reason: format!("cannot prompt on this terminal: {other}"),
        },
    }
}

/// One scripted reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Accept what is offered (Enter).
    Enter,
    /// Pick the option with this label.
    Pick(&'static str),
    /// Type this text.
    Type(&'static str),
    /// Press Esc.
    Esc,
}

/// Answers from a script, in order, and records every question and answer.
pub struct ScriptedPrompter {
    replies: std::collections::VecDeque<Reply>,
    pub transcript: String,
}

impl ScriptedPrompter {
    pub fn new(replies: &[Reply]) -> Self {
        ScriptedPrompter {
            replies: replies.iter().cloned().collect(),
            transcript: String::new(),
        }
    }

    /// True when every reply was used.
    pub fn finished(&self) -> bool {
        self.replies.is_empty()
    }

    fn next(&mut self, prompt: &str) -> Result<Reply, Error> {
        self.replies.pop_front().ok_or_else(|| Error::InvalidFlag {
            flag: "script".into(),
            reason: format!("the script has no reply for `{prompt}`"),
        })
    }
}

impl Prompter for ScriptedPrompter {
    fn select(
        &mut self,
        prompt: &str,
        help: &str,
        options: &[String],
        default: usize,
    ) -> Result<usize, Error> {
        use std::fmt::Write as _;
        let _ = writeln!(self.transcript, "? {prompt}  [{help}]");
        for (i, option) in options.iter().enumerate() {
            let mark = if i == default { ">" } else { " " };
            let _ = writeln!(self.transcript, "  {mark} {option}");
        }
        let chosen = match self.next(prompt)? {
            Reply::Enter => default,
            Reply::Pick(label) => {
                options
                    .iter()
                    .position(|o| o == label)
                    .ok_or_else(|| Error::InvalidFlag {
                        flag: "script".into(),
                        reason: format!("`{prompt}` offers no `{label}`"),
                    })?
            }
            Reply::Esc => {
                self.transcript.push_str("  (Esc)\n");
                return Err(Error::Cancelled);
            }
            Reply::Type(text) => {
                return Err(Error::InvalidFlag {
                    flag: "script".into(),
                    reason: format!("`{prompt}` is a choice, not text (`{text}`)"),
                })
            }
        };
        let _ = writeln!(self.transcript, "  = {}", options[chosen]);
        Ok(chosen)
    }

    fn text(&mut self, prompt: &str, help: &str, default: &str) -> Result<String, Error> {
        use std::fmt::Write as _;
        let _ = writeln!(
            self.transcript,
            "? {prompt}  [{help}]  (default: {default})"
        );
        let answer = match self.next(prompt)? {
            Reply::Enter => default.to_string(),
            Reply::Type(text) => text.to_string(),
            Reply::Esc => {
                self.transcript.push_str("  (Esc)\n");
                return Err(Error::Cancelled);
            }
            Reply::Pick(label) => {
                return Err(Error::InvalidFlag {
                    flag: "script".into(),
                    reason: format!("`{prompt}` is text, not a choice (`{label}`)"),
                })
            }
        };
        let _ = writeln!(self.transcript, "  = {answer}");
        Ok(answer)
    }

    fn show(&mut self, text: &str) {
        for line in text.lines() {
            self.transcript.push_str("| ");
            self.transcript.push_str(line);
            self.transcript.push('\n');
        }
    }
}
