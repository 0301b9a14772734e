//! The `why-missing` tables: nodes that need attention grouped by verdict, one line of reason
//! each, then the hints (each once, with the nodes it applies to) and a summary line.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::as_of_suffix;
use super::hints;
use super::safe::safe_writeln;
use super::style;
use super::table::{Cell, Table};
use crate::analysis::why_missing::{NodeReport, Summary, WhyMissingReport};
use crate::analysis::{Reason, Verdict};

/// How much to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Only what needs attention.
    Attention,
    /// Every row, every reason code.
    Wide,
}

/// Options for the human views.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Attention or wide.
    pub detail: Detail,
    /// Print the header row.
    pub headers: bool,
    /// Colour verdict words.
    pub color: bool,
    /// Terminal width to fit tables to (`None` in a pipe).
    pub width: Option<usize>,
}

/// How many lines a wrapped reason may take on a terminal; `-o wide` shows all of it.
pub const REASON_LINES: usize = 3;

/// The width to fit the reason column to: the terminal's, except with `-o wide`, which asks
/// for everything (as `list -o wide` and kubectl's wide output: whole lines).
fn fit(view: View) -> Option<usize> {
    view.width.filter(|_| view.detail != Detail::Wide)
}

/// A reason column: the first reason (and how many more), or every reason when `wide`.
pub(crate) fn reason_cell(reasons: &[Reason], wide: bool) -> String {
    match reasons {
        [] => String::new(),
        [only] => format!("{}: {}", only.code(), only.message),
        [first, rest @ ..] if !wide => {
            format!("{}: {} (+{} more)", first.code(), first.message, rest.len())
        }
        all => all
            .iter()
            .map(|r| format!("{}: {}", r.code(), r.message))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "{} node{}: {} healthy, {} excluded, {} need{} attention",
        s.nodes,
        if s.nodes == 1 { "" } else { "s" },
        s.healthy,
        s.excluded,
        s.problems,
        if s.problems == 1 { "s" } else { "" }
    );
    let parts: Vec<String> = Verdict::ALL
        .iter()
        .filter(|v| v.needs_attention())
        .filter_map(|v| s.by_verdict.get(v).map(|n| format!("{n} {v}")))
        .collect();
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line
}

/// Writes a [`WhyMissingReport`] for people: title, table, hints, summary; with `--no-headers`
/// the table's rows alone. Warnings are the caller's to print, on stderr.
///
/// # Errors
/// On write failure.
pub fn write_report<W: Write + ?Sized>(
    out: &mut W,
    report: &WhyMissingReport,
    view: View,
) -> io::Result<()> {
    let ds = &report.daemon_set;
    let wide = view.detail == Detail::Wide;
    let mut rows: Vec<_> = report
        .nodes
        .iter()
        .filter(|n| wide || n.verdict.needs_attention())
        .collect();
    rows.sort_by_key(|n| {
        (
            Verdict::ALL.iter().position(|v| *v == n.verdict),
            n.name.clone(),
        )
    });
    let mut table =
        Table::new(&["node", "verdict", "pod", "reason"]).wrap_to(fit(view), REASON_LINES);
    for n in &rows {
        table.row_cells(vec![
            Cell::from(n.name.as_str()),
            Cell::Ours(style::verdict(n.verdict, view.color)),
            Cell::from(n.pod.as_deref().unwrap_or("<none>")),
            Cell::from(reason_cell(&n.reasons, wide)),
        ]);
    }
    if !view.headers {
        // `--no-headers`: the rows alone, as kubectl prints them, for `| awk`.
        return table.write(out, false);
    }
    let title = format!(
        "DaemonSet {}/{} (strategy {}, revision {}){}",
        ds.namespace,
        ds.name,
        ds.update_strategy,
        ds.current_revision.as_deref().unwrap_or("unknown"),
        as_of_suffix(report.as_of)
    );
    hints::write_wrapped(out, &title, view.width, "  ")?;
    writeln!(out)?;
    if rows.is_empty() {
        let running = report.summary.healthy;
        safe_writeln!(
            out,
            "Every node that should run {} has a healthy pod ({running} of {running}).",
            ds.name
        )?;
    } else {
        table.write(out, view.headers)?;
        let list = hints::collect(
            rows.iter().map(|n| (n.name.as_str(), n.reasons.as_slice())),
            |_| true,
        );
        hints::write(out, &[], &list, view.width)?;
    }
    writeln!(out)?;
    hints::write_wrapped(out, &summary_line(&report.summary), view.width, "  ")
}

/// Writes a [`NodeReport`] for people (with `--no-headers`, the rows alone; warnings are the
/// caller's to print, on stderr).
///
/// # Errors
/// On write failure.
pub fn write_node_report<W: Write + ?Sized>(
    out: &mut W,
    report: &NodeReport,
    view: View,
) -> io::Result<()> {
    let wide = view.detail == Detail::Wide;
    let mut rows: Vec<_> = report
        .daemon_sets
        .iter()
        .filter(|d| wide || d.verdict.needs_attention())
        .collect();
    rows.sort_by_key(|d| {
        (
            Verdict::ALL.iter().position(|v| *v == d.verdict),
            d.namespace.clone(),
            d.name.clone(),
        )
    });
    let mut table = Table::new(&["namespace", "daemonset", "verdict", "pod", "reason"])
        .wrap_to(fit(view), REASON_LINES);
    for d in &rows {
        table.row_cells(vec![
            Cell::from(d.namespace.as_str()),
            Cell::from(d.name.as_str()),
            Cell::Ours(style::verdict(d.verdict, view.color)),
            Cell::from(d.pod.as_deref().unwrap_or("<none>")),
            Cell::from(reason_cell(&d.reasons, wide)),
        ]);
    }
    if !view.headers {
        // `--no-headers`: the rows alone, as kubectl prints them, for `| awk`.
        return table.write(out, false);
    }
    safe_writeln!(out, "Node {}{}", report.node, as_of_suffix(report.as_of))?;
    writeln!(out)?;
    let keys: Vec<String> = rows
        .iter()
        .map(|d| format!("{}/{}", d.namespace, d.name))
        .collect();
    if rows.is_empty() {
        safe_writeln!(
            out,
            "Every DaemonSet that should run on {} has a healthy pod there.",
            report.node
        )?;
    } else {
        table.write(out, view.headers)?;
        let list = hints::collect(
            rows.iter()
                .zip(&keys)
                .map(|(d, k)| (k.as_str(), d.reasons.as_slice())),
            |_| true,
        );
        hints::write(out, &[], &list, view.width)?;
    }
    let mut counts: BTreeMap<Verdict, usize> = BTreeMap::new();
    for d in &report.daemon_sets {
        *counts.entry(d.verdict).or_default() += 1;
    }
    let parts: Vec<String> = Verdict::ALL
        .iter()
        .filter_map(|v| counts.get(v).map(|n| format!("{n} {v}")))
        .collect();
    writeln!(out)?;
    writeln!(
        out,
        "{} DaemonSet{}: {}",
        report.daemon_sets.len(),
        if report.daemon_sets.len() == 1 {
            ""
        } else {
            "s"
        },
        parts.join(", ")
    )
}
