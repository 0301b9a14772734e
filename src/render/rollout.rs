//! `rollout status|history|undo` for people: kubectl's lines first, then per-node progress,
//! revision tables, pod templates and template diffs.

use std::io::{self, Write};

use jiff::Timestamp;
use owo_colors::OwoColorize;

use super::hints;
use super::safe::{Safe, escape, escape_lines, safe_writeln};
use super::table::{Cell, Table};
use super::why_missing::REASON_LINES;
use crate::analysis::age::human_duration;
use crate::analysis::rollout::{
    HistoryEntry, NodeProgress, NodeState, RolloutHistory, RolloutStatus, without_nulls,
};

/// Options for the status views.
#[derive(Debug, Clone, Copy)]
pub struct StatusView {
    /// Every node (`-o wide`), not just those still to finish.
    pub wide: bool,
    /// Print the header row.
    pub headers: bool,
    /// Colour state words.
    pub color: bool,
    /// Terminal width to fit the table and hints to (`None` in a pipe).
    pub width: Option<usize>,
}

/// A state word, coloured when `color` is on.
pub fn state_word(state: NodeState, color: bool) -> String {
    let word = state.as_str();
    if !color {
        return word.to_owned();
    }
    match state {
        NodeState::Blocked => word.red().bold().to_string(),
        NodeState::Waiting => word.yellow().to_string(),
        NodeState::Updated => word.cyan().to_string(),
        NodeState::Available => word.green().to_string(),
    }
}

/// The reason column of a node: its first reason (and how many more), or what an `Updated`
/// node without a reason waits for.
pub fn reason_cell(node: &NodeProgress, wide: bool) -> String {
    if node.reasons.is_empty() && node.state == NodeState::Updated {
        return "the pod is Ready; available once minReadySeconds have passed".to_owned();
    }
    super::why_missing::reason_cell(&node.reasons, wide)
}

/// One line for a node whose state changed (the watch's output in a pipe); names and reasons
/// escaped, only the state word coloured.
pub fn node_line(node: &NodeProgress, color: bool) -> String {
    let reason = reason_cell(node, false);
    let pod = node
        .pod
        .as_deref()
        .map(|p| format!(" ({})", Safe(p)))
        .unwrap_or_default();
    if reason.is_empty() {
        format!(
            "  {}{pod}: {}",
            Safe(&node.name),
            state_word(node.state, color)
        )
    } else {
        format!(
            "  {}{pod}: {}: {}",
            Safe(&node.name),
            state_word(node.state, color),
            Safe(&reason)
        )
    }
}

/// `4 nodes: 1 available, 0 updated, 1 waiting, 2 blocked`.
pub fn summary_line(status: &RolloutStatus) -> String {
    let count = |s| status.nodes_in(s).count();
    let n = status.nodes.len();
    format!(
        "{n} node{}: {} available, {} updated, {} waiting, {} blocked",
        if n == 1 { "" } else { "s" },
        count(NodeState::Available),
        count(NodeState::Updated),
        count(NodeState::Waiting),
        count(NodeState::Blocked),
    )
}

fn sorted_rows(status: &RolloutStatus, wide: bool) -> Vec<&NodeProgress> {
    let mut rows: Vec<&NodeProgress> = status
        .nodes
        .iter()
        .filter(|n| wide || n.state != NodeState::Available)
        .collect();
    rows.sort_by(|a, b| a.state.cmp(&b.state).then_with(|| a.name.cmp(&b.name)));
    rows
}

fn node_table(rows: &[&NodeProgress], view: StatusView, max_reason: Option<usize>) -> Table {
    // `-o wide` asks for everything: whole lines, as `list -o wide`.
    let fit = view.width.filter(|_| !view.wide);
    let mut table =
        Table::new(&["node", "state", "pod", "revision", "reason"]).wrap_to(fit, REASON_LINES);
    for n in rows {
        let mut reason = reason_cell(n, view.wide);
        if let Some(max) = max_reason
            && reason.chars().count() > max
        {
            reason = reason
                .chars()
                .take(max.saturating_sub(1))
                .collect::<String>()
                + "…";
        }
        table.row_cells(vec![
            Cell::from(n.name.as_str()),
            Cell::Ours(state_word(n.state, view.color)),
            Cell::from(n.pod.as_deref().unwrap_or("<none>")),
            Cell::from(n.revision.as_deref().unwrap_or("<none>")),
            Cell::from(reason),
        ]);
    }
    table
}

/// Writes one evaluation of a rollout: kubectl's line, and unless the rollout is complete (or
/// with `wide`) the nodes still to finish, their hints and a summary. With `--no-headers`, the
/// table's rows alone (nothing when complete). Warnings are the caller's to print, on stderr.
///
/// # Errors
/// On write failure.
pub fn write_status<W: Write + ?Sized>(
    out: &mut W,
    status: &RolloutStatus,
    view: StatusView,
) -> io::Result<()> {
    if !view.headers {
        if status.complete && !view.wide {
            return Ok(());
        }
        let rows = sorted_rows(status, view.wide);
        return node_table(&rows, view, None).write(out, false);
    }
    safe_writeln!(out, "{}", status.message)?;
    if status.complete && !view.wide {
        return Ok(());
    }
    let rows = sorted_rows(status, view.wide);
    if !rows.is_empty() {
        writeln!(out)?;
        node_table(&rows, view, None).write(out, view.headers)?;
    }
    // An old revision's hint (wait for the rolling update, or replace the pod) is left to the
    // status's own hint.
    let list = hints::collect(
        rows.iter().map(|n| (n.name.as_str(), n.reasons.as_slice())),
        |r| r.code() != "OldRevision",
    );
    let general: Vec<&str> = status.hint.as_deref().into_iter().collect();
    hints::write(out, &general, &list, view.width)?;
    writeln!(out)?;
    hints::write_wrapped(out, &summary_line(status), view.width, "  ")
}

/// The live view of a terminal: kubectl's line, every node (worst first, at most `max_rows`),
/// the summary and the hint. Reasons are cut to fit one line.
pub fn status_frame(status: &RolloutStatus, color: bool, max_rows: usize) -> Vec<String> {
    let mut lines = vec![escape(&status.message).into_owned(), String::new()];
    let view = StatusView {
        wide: true,
        headers: true,
        color,
        width: None,
    };
    let rows = sorted_rows(status, true);
    let shown = &rows[..rows.len().min(max_rows)];
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = node_table(shown, view, Some(72)).write(&mut buf, true);
    lines.extend(String::from_utf8_lossy(&buf).lines().map(str::to_owned));
    if rows.len() > shown.len() {
        lines.push(format!("… and {} more", rows.len() - shown.len()));
    }
    lines.push(String::new());
    lines.push(summary_line(status));
    if let Some(h) = &status.hint {
        lines.extend(escape_lines(h).lines().map(str::to_owned));
    }
    lines
}

/// Writes the revision table, after kubectl's `daemonset.apps/NAME` line.
///
/// # Errors
/// On write failure.
pub fn write_history<W: Write + ?Sized>(
    out: &mut W,
    history: &RolloutHistory,
    headers: bool,
    now: Timestamp,
) -> io::Result<()> {
    safe_writeln!(out, "daemonset.apps/{}", history.daemon_set.name)?;
    if history.revisions.is_empty() {
        return writeln!(out, "No rollout history found.");
    }
    let mut table = Table::new(&[
        "revision",
        "change-cause",
        "age",
        "images",
        "pods",
        "current",
    ]);
    for r in &history.revisions {
        table.row(vec![
            r.revision.to_string(),
            r.change_cause
                .clone()
                .unwrap_or_else(|| "<none>".to_owned()),
            age(r.created, now),
            if r.images.is_empty() {
                "<none>".to_owned()
            } else {
                r.images.join(",")
            },
            r.pods.to_string(),
            if r.current { "*" } else { "" }.to_owned(),
        ]);
    }
    table.write(out, headers)
}

fn age(created: Option<Timestamp>, now: Timestamp) -> String {
    created.map_or_else(
        || "<unknown>".to_owned(),
        |t| human_duration(now.duration_since(t)),
    )
}

/// A pod template as YAML (without `null` members such as `creationTimestamp: null`).
///
/// # Errors
/// When the template cannot be written as YAML.
pub fn template_yaml(template: &serde_json::Value) -> io::Result<String> {
    let mut text = serde_saphyr::to_string(&without_nulls(template)).map_err(io::Error::other)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Writes one revision: kubectl's header, what the table shows, and the pod template as YAML.
///
/// # Errors
/// On write failure.
pub fn write_revision<W: Write + ?Sized>(
    out: &mut W,
    name: &str,
    entry: &HistoryEntry,
    template: &serde_json::Value,
    now: Timestamp,
) -> io::Result<()> {
    safe_writeln!(
        out,
        "daemonset.apps/{name} with revision #{}",
        entry.revision
    )?;
    let current = if entry.current { " (current)" } else { "" };
    safe_writeln!(out, "Revision:      {}{current}", entry.revision)?;
    safe_writeln!(out, "Name:          {}", entry.name)?;
    safe_writeln!(out, "Hash:          {}", entry.hash)?;
    safe_writeln!(
        out,
        "Change-Cause:  {}",
        entry.change_cause.as_deref().unwrap_or("<none>")
    )?;
    safe_writeln!(out, "Age:           {}", age(entry.created, now))?;
    safe_writeln!(out, "Pods:          {}", entry.pods)?;
    safe_writeln!(out, "Pod Template:")?;
    for line in template_yaml(template)?.lines() {
        safe_writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// Writes a unified diff (three lines of context) of two pod templates rendered as YAML, or a
/// line saying they are equal.
///
/// # Errors
/// On write failure.
pub fn write_template_diff<W: Write + ?Sized>(
    out: &mut W,
    (old_label, old): (&str, &serde_json::Value),
    (new_label, new): (&str, &serde_json::Value),
    color: bool,
) -> io::Result<()> {
    let (a, b) = (template_yaml(old)?, template_yaml(new)?);
    if a == b {
        return safe_writeln!(
            out,
            "{old_label} and {new_label} have the same pod template"
        );
    }
    let diff = similar::TextDiff::from_lines(&a, &b);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string();
    for line in text.lines() {
        // Pod templates quote names, images and annotations: escaped before our colour.
        let line = escape(line);
        let line = line.as_ref();
        if !color {
            writeln!(out, "{line}")?;
        } else if line.starts_with("---") || line.starts_with("+++") {
            writeln!(out, "{}", line.bold())?;
        } else if line.starts_with("@@") {
            writeln!(out, "{}", line.cyan())?;
        } else if line.starts_with('-') {
            writeln!(out, "{}", line.red())?;
        } else if line.starts_with('+') {
            writeln!(out, "{}", line.green())?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
