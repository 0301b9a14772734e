//! `kubectl ds pod`: the node → pod table and `-o name` lines.

use std::io::{self, Write};

use super::table::Table;
use crate::analysis::pods::PodRow;

/// Writes the node → pod table; `wide` adds the verdict and the other pods on the node.
///
/// # Errors
/// On write failure.
pub fn write_table<W: Write + ?Sized>(
    out: &mut W,
    rows: &[PodRow],
    wide: bool,
    headers: bool,
) -> io::Result<()> {
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
    table.write(out, headers)
}

/// Writes `pod/NAME` for every row with a pod.
///
/// # Errors
/// On write failure.
pub fn write_names<W: Write + ?Sized>(out: &mut W, rows: &[PodRow]) -> io::Result<()> {
    for name in rows.iter().filter_map(|r| r.pod.as_deref()) {
        writeln!(out, "pod/{name}")?;
    }
    Ok(())
}
