//! The single integration-test binary: fixtures, CLI, examples.

mod bad_input;
mod cli;
mod examples;
mod generate;
mod pty;
mod rust;
mod support;
mod wizard;
