//! Shared test support.

pub mod builders;
pub mod cli;
