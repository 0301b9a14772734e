//! `replace`: the final report (or the plan) as a table, and the progress lines.

use std::io::{self, Write};

use owo_colors::OwoColorize;

use super::safe::{Safe, escape, escape_lines, safe_writeln};
use super::table::{Cell, Table};
use crate::analysis::replace::{DryRun, Event, NodeEntry, NodeOutcome, ReplaceReport, RunStatus};

/// Options for the human view.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Print the header row.
    pub headers: bool,
    /// Colour outcome words.
    pub color: bool,
    /// Every reason, not just the first.
    pub wide: bool,
}

/// The order outcomes are summarised in.
const SUMMARY_ORDER: [NodeOutcome; 8] = [
    NodeOutcome::Replaced,
    NodeOutcome::Validated,
    NodeOutcome::Planned,
    NodeOutcome::Failed,
    NodeOutcome::Interrupted,
    NodeOutcome::Conflict,
    NodeOutcome::Untouched,
    NodeOutcome::Skipped,
];

/// An outcome word, coloured when `color` is on.
pub fn outcome(o: NodeOutcome, color: bool) -> String {
    let word = o.as_str();
    if !color {
        return word.to_owned();
    }
    match o {
        NodeOutcome::Replaced | NodeOutcome::Validated => word.green().to_string(),
        NodeOutcome::Failed | NodeOutcome::Conflict => word.red().bold().to_string(),
        NodeOutcome::Interrupted => word.yellow().to_string(),
        NodeOutcome::Planned => word.to_owned(),
        NodeOutcome::Untouched | NodeOutcome::Skipped => word.dimmed().to_string(),
    }
}

fn detail_cell(n: &NodeEntry, wide: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = &n.message {
        parts.push(m.clone());
    }
    let shown = if wide { n.reasons.len() } else { 1 };
    for r in n.reasons.iter().take(shown) {
        let text = format!("{}: {}", r.code(), r.message);
        if n.message.as_deref() != Some(text.as_str()) {
            parts.push(text);
        }
    }
    if !wide && n.reasons.len() > 1 {
        parts.push(format!("(+{} more)", n.reasons.len() - 1));
    }
    parts.join("; ")
}

fn dash(v: Option<&str>) -> String {
    v.map_or_else(|| "-".to_owned(), str::to_owned)
}

/// `12.3s`, `2m05s`.
pub fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        let s = seconds.round() as u64;
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

/// `4 replaced, 1 failed, 2 untouched`.
pub fn summary_text(report: &ReplaceReport) -> String {
    let parts: Vec<String> = SUMMARY_ORDER
        .iter()
        .filter_map(|o| report.summary.get(o).map(|n| format!("{n} {}", o.as_str())))
        .collect();
    if parts.is_empty() {
        "no nodes".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Writes the report (a run) or the plan (`--dry-run=client`) for people.
///
/// # Errors
/// On write failure.
pub fn write_report<W: Write + ?Sized>(
    out: &mut W,
    report: &ReplaceReport,
    view: View,
) -> io::Result<()> {
    let ds = &report.daemon_set;
    safe_writeln!(
        out,
        "DaemonSet {}/{} (strategy {}, revision {})",
        ds.namespace,
        ds.name,
        ds.update_strategy,
        ds.current_revision.as_deref().unwrap_or("unknown")
    )?;
    let budget = format!(
        "--max-unavailable {} = {} of {} desired node(s)",
        report.max_unavailable, report.budget, report.desired_number_scheduled
    );
    match report.dry_run {
        DryRun::Client => safe_writeln!(out, "Plan ({budget}): {}", report.message)?,
        DryRun::Server => safe_writeln!(
            out,
            "Server dry run ({budget}): {} [{}]",
            report.message,
            report.status.as_str()
        )?,
        DryRun::None => safe_writeln!(
            out,
            "Replace ({budget}): {} [{}]",
            report.message,
            report.status.as_str()
        )?,
    }
    writeln!(out)?;
    if report.nodes.is_empty() {
        writeln!(out, "No node to consider.")?;
    } else if report.dry_run == DryRun::Client {
        let mut table = Table::new(&["batch", "node", "outcome", "pod", "revision", "detail"]);
        for n in &report.nodes {
            table.row_cells(vec![
                Cell::from(dash(n.batch.map(|b| b.to_string()).as_deref())),
                Cell::from(n.name.as_str()),
                Cell::Ours(outcome(n.outcome, view.color)),
                Cell::from(dash(n.pod.as_deref())),
                Cell::from(dash(n.pod_revision.as_deref())),
                Cell::from(detail_cell(n, view.wide)),
            ]);
        }
        table.write(out, view.headers)?;
    } else {
        let mut table = Table::new(&[
            "batch", "node", "outcome", "pod", "new pod", "time", "detail",
        ]);
        for n in &report.nodes {
            table.row_cells(vec![
                Cell::from(dash(n.batch.map(|b| b.to_string()).as_deref())),
                Cell::from(n.name.as_str()),
                Cell::Ours(outcome(n.outcome, view.color)),
                Cell::from(dash(n.pod.as_deref())),
                Cell::from(dash(n.new_pod.as_deref())),
                Cell::from(dash(n.seconds.map(duration).as_deref())),
                Cell::from(detail_cell(n, view.wide)),
            ]);
        }
        table.write(out, view.headers)?;
    }
    let hints: Vec<(&str, &str)> = report
        .nodes
        .iter()
        .filter(|n| n.outcome == NodeOutcome::Failed)
        .flat_map(|n| {
            n.reasons
                .iter()
                .filter_map(move |r| r.hint.as_deref().map(|h| (n.name.as_str(), h)))
        })
        .collect();
    if !hints.is_empty() {
        writeln!(out)?;
        writeln!(out, "Hints:")?;
        for (node, hint) in hints {
            writeln!(out, "  {}: {}", Safe(node), escape_lines(hint))?;
        }
    }
    writeln!(out)?;
    let took = report
        .seconds
        .map(|s| format!(" in {}", duration(s)))
        .unwrap_or_default();
    writeln!(out, "{}{took}", summary_text(report))?;
    if report.dry_run == DryRun::Client {
        writeln!(out, "Nothing was changed (--dry-run=client).")?;
    } else if report.dry_run == DryRun::Server {
        writeln!(
            out,
            "Nothing was deleted (--dry-run=server): the API server validated each delete."
        )?;
    }
    if let Some(next) = &report.next {
        let lead = match report.status {
            RunStatus::CanaryCompleted => "To continue",
            RunStatus::Failed => "After fixing the failure, continue with",
            _ => "To continue",
        };
        safe_writeln!(out, "{lead}: {next}")?;
    }
    Ok(())
}

/// One progress line (without a time prefix), escaped: it quotes names and API messages.
pub fn event_line(e: &Event) -> String {
    escape(&event_text(e)).into_owned()
}

fn event_text(e: &Event) -> String {
    match e {
        Event::Started {
            targets,
            budget,
            skipped,
        } => format!("replacing {targets} node(s), at most {budget} at a time ({skipped} skipped)"),
        Event::Warning { message } => format!("warning: {message}"),
        Event::BatchStarted {
            number,
            nodes,
            remaining,
        } => format!(
            "batch {number}: {} ({} node(s); {remaining} left after it)",
            nodes.join(", "),
            nodes.len()
        ),
        Event::Deleted { node, pod, dry_run } => {
            if *dry_run {
                format!("{node}: delete of pod {pod} accepted (dryRun=All, nothing deleted)")
            } else {
                format!("{node}: deleted pod {pod}")
            }
        }
        Event::DeleteRefused { node, pod, message } => {
            format!("{node}: delete of pod {pod} refused: {message}")
        }
        Event::Waiting {
            node,
            pod,
            code,
            message,
        } => match pod {
            Some(p) => format!("{node}: new pod {p}: {code}: {message}"),
            None => format!("{node}: {code}: {message}"),
        },
        Event::Replaced { node, pod, seconds } => {
            format!("{node}: replaced by {pod} ({})", duration(*seconds))
        }
        Event::Failed { node, pod, message } => match pod {
            Some(p) => format!("{node}: FAILED: new pod {p}: {message}"),
            None => format!("{node}: FAILED: {message}"),
        },
        Event::Skipped { node, message } => format!("{node}: skipped: {message}"),
        Event::Pausing { seconds } => {
            format!("pausing {} before the next batch", duration(*seconds))
        }
        Event::InterruptRequested { in_flight } => format!(
            "interrupt: no new deletions; waiting for the {in_flight} node(s) in flight (Ctrl-C again to leave now)"
        ),
        Event::Stopping { message } => message.clone(),
    }
}

/// One node being waited for, for the live view.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveNode {
    /// Node name.
    pub node: String,
    /// The new pod, once there.
    pub pod: Option<String>,
    /// State code.
    pub code: String,
    /// Seconds since its pod was deleted.
    pub seconds: f64,
}

/// The live block: one line per node in flight.
pub fn live_lines(batch: usize, nodes: &[LiveNode]) -> Vec<String> {
    let mut table = Table::new(&["node", "new pod", "state", "waited"]);
    for n in nodes {
        table.row(vec![
            n.node.clone(),
            dash(n.pod.as_deref()),
            n.code.clone(),
            duration(n.seconds),
        ]);
    }
    let mut buf = Vec::new();
    let _ = table.write(&mut buf, true);
    let mut lines = vec![format!("batch {batch} in flight:")];
    lines.extend(
        String::from_utf8_lossy(&buf)
            .lines()
            .map(|l| format!("  {l}")),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(3.04), "3.0s");
        assert_eq!(duration(59.9), "59.9s");
        assert_eq!(duration(125.0), "2m05s");
    }

    #[test]
    fn events() {
        assert_eq!(
            event_line(&Event::Deleted {
                node: "w1".into(),
                pod: "agent-a".into(),
                dry_run: false
            }),
            "w1: deleted pod agent-a"
        );
        assert_eq!(
            event_line(&Event::Replaced {
                node: "w1".into(),
                pod: "agent-b".into(),
                seconds: 4.2
            }),
            "w1: replaced by agent-b (4.2s)"
        );
        let lines = live_lines(
            2,
            &[LiveNode {
                node: "w3".into(),
                pod: None,
                code: "Terminating".into(),
                seconds: 1.0,
            }],
        );
        assert_eq!(lines[0], "batch 2 in flight:");
        assert_eq!(lines[1], "  NODE   NEW POD   STATE         WAITED");
        assert_eq!(lines[2], "  w3     -         Terminating   1.0s");
    }
}
