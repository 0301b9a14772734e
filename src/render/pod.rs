//! `kubectl ds pod`: the node → pod table and `-o name` lines.

use std::io::{self, Write};

use super::safe::Safe;
use super::table::Table;
use crate::analysis::pods::PodRow;

/// The columns left out first when the table is wider than the terminal (`-o wide` keeps all).
const DROP_ORDER: [&str; 3] = ["age", "restarts", "ready"];

/// Writes the node → pod table; `wide` adds the verdict and the other pods on the node. On a
/// terminal (`width`) narrower than the table, AGE, RESTARTS and READY are left out in that
/// order until it fits (never with `wide`); returns the headers left out, for the caller to say
/// so on stderr.
///
/// # Errors
/// On write failure.
pub fn write_table<W: Write + ?Sized>(
    out: &mut W,
    rows: &[PodRow],
    wide: bool,
    headers: bool,
    width: Option<usize>,
) -> io::Result<Vec<String>> {
    let mut columns = vec![
        "node", "pod", "status", "ready", "restarts", "age", "revision",
    ];
    if wide {
        columns.extend(["verdict", "other pods"]);
    }
    let mut table = Table::new(&columns);
    for r in rows {
        let none = || "<none>".to_owned();
        let mut cells = vec![
            r.node.clone(),
            r.pod.clone().unwrap_or_else(none),
            r.status.clone(),
            if r.pod.is_some() {
                r.ready.clone()
            } else {
                none()
            },
            if r.pod.is_some() {
                r.restarts.to_string()
            } else {
                none()
            },
            if r.pod.is_some() {
                r.age.clone()
            } else {
                none()
            },
            r.revision.clone().unwrap_or_else(none),
        ];
        if wide {
            cells.push(r.verdict.clone());
            cells.push(if r.others.is_empty() {
                none()
            } else {
                r.others.join(",")
            });
        }
        table.row(cells);
    }
    let dropped = match width {
        Some(width) if !wide => table.drop_to_fit(width, headers, &DROP_ORDER),
        _ => Vec::new(),
    };
    table.write(out, headers)?;
    Ok(dropped)
}

/// The stderr note for columns left out to fit a terminal: `note: AGE, RESTARTS left out to fit
/// 80 columns; -o wide or a wider terminal shows them`.
pub fn dropped_note(dropped: &[impl AsRef<str>], width: usize) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    let names: Vec<&str> = dropped.iter().map(AsRef::as_ref).collect();
    Some(format!(
        "note: {} left out to fit {width} columns; -o wide or a wider terminal shows {}",
        names.join(", "),
        if names.len() == 1 { "it" } else { "them" }
    ))
}

/// Writes `pod/NAME` for every row with a pod (escaped: names come from the cluster).
///
/// # Errors
/// On write failure.
pub fn write_names<W: Write + ?Sized>(out: &mut W, rows: &[PodRow]) -> io::Result<()> {
    for name in rows.iter().filter_map(|r| r.pod.as_deref()) {
        writeln!(out, "pod/{}", Safe(name))?;
    }
    Ok(())
}
