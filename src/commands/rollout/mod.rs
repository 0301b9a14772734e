//! `rollout status|history|undo|restart`.

pub mod history;
pub mod restart;
pub mod status;
pub mod undo;
