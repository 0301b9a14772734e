//! Pure decision logic: cluster objects in, plain data out. No IO, no async, no clock (`now` is a
//! parameter), no environment.

pub mod age;
pub mod check;
pub mod eligibility;
pub mod health;
pub mod input;
pub mod inventory;
pub mod label_query;
pub mod labels;
pub mod node_affinity;
pub mod operators;
pub mod overview;
pub mod pods;
pub mod replace;
pub mod resources;
pub mod revision;
pub mod rollout;
pub mod scheduling;
pub mod taints;
pub mod verdict;
pub mod why_missing;

pub use inventory::Inventory;
pub use verdict::{Detail, Reason, Verdict};
pub use why_missing::{NodeReport, WhyMissingReport, node_report, why_missing};
