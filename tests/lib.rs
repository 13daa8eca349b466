//! The single integration-test binary: fixtures, CLI, examples.

mod cli;
mod examples;
mod generate;
mod rust;
mod support;
