//! `replace`: which pods to replace, in which order and batches, and whether a replacement is
//! done. Pure: a snapshot in, plans, judgements and the report's data out; the clock is a
//! parameter.
//!
//! The budget follows the controller's rolling update (rules F1 and F3 in docs/semantics.md): a
//! percentage of `desiredNumberScheduled` is rounded **up**, and every desired node that already
//! lacks an available pod counts against it. Targets whose pod is already unavailable go first
//! (replacing them costs no availability, as the controller deletes such old pods first).

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;
use serde::Serialize;

use crate::analysis::inventory::Inventory;
use crate::analysis::revision::HASH_LABEL;
use crate::analysis::verdict::{Reason, Verdict};
use crate::analysis::why_missing::{API_VERSION, DaemonSetRef, DaemonSetState, NodeVerdict};
use crate::model::{DaemonSet, Node, Pod};

/// The `kind` of the report document.
pub const REPORT_KIND: &str = "ReplaceReport";

mod budget;
mod judge;
mod plan;
mod report;

pub use budget::*;
pub use judge::*;
pub use plan::*;
pub use report::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_round_up() {
        let p = |s| MaxUnavailable::parse(s).unwrap();
        assert_eq!(p("2").resolve(6), 2);
        assert_eq!(p("50%").resolve(3), 2);
        assert_eq!(p("50%").resolve(2), 1);
        assert_eq!(p("10%").resolve(6), 1);
        assert_eq!(p("34%").resolve(6), 3);
        assert_eq!(p("100%").resolve(6), 6);
        assert_eq!(p("1%").resolve(0), 1);
        assert_eq!(p("100%").resolve(usize::MAX), usize::MAX, "no overflow");
        assert_eq!(p("50%").resolve(usize::MAX), usize::MAX.div_ceil(2));
        assert_eq!(p("25%").to_string(), "25%");
        for bad in [
            "0",
            "0%",
            "101%",
            "-1",
            "x",
            "",
            "1.5",
            "%",
            "99999999999999999999999%",
            "18446744073709551616",
        ] {
            assert!(MaxUnavailable::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn batches_respect_the_budget() {
        let p = |u: bool| Pending { unavailable: u };
        // 2 slots, nothing down: two at a time.
        assert_eq!(
            next_batch(&[p(false), p(false), p(false)], 0, 2),
            vec![0, 1]
        );
        // One node elsewhere down: one slot left.
        assert_eq!(next_batch(&[p(false), p(false)], 1, 2), vec![0]);
        // Budget used up elsewhere: nothing.
        assert!(next_batch(&[p(false)], 2, 2).is_empty());
        // Unavailable targets go even when the budget is used up (they cost nothing) …
        assert_eq!(next_batch(&[p(true), p(false)], 2, 2), vec![0]);
        // … but never more than the budget at once.
        assert_eq!(next_batch(&[p(true), p(true), p(true)], 3, 2), vec![0, 1]);
        // Mixed: the unavailable one plus what the budget allows.
        assert_eq!(next_batch(&[p(true), p(false), p(false)], 1, 2), vec![0, 1]);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("zone=a,role"), "zone=a,role");
        assert_eq!(shell_quote("zone in (a)"), "'zone in (a)'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
