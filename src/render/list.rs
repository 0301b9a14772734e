//! The `list` table: kubectl's `get ds` columns, then MISSCHEDULED, STRATEGY and PROBLEMS; `-o
//! wide` adds kubectl's CONTAINERS, IMAGES and SELECTOR. On a terminal too narrow for every
//! column, the least useful ones are left out so NAME and PROBLEMS stay whole.

use std::io::{self, Write};

use super::safe::{Safe, escape};
use super::style;
use super::table::{Cell, Table, visible_width};
use crate::analysis::overview::{DaemonSetSummary, DaemonSetSummaryList, Problems, format_labels};

/// Options for the table.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Add kubectl's wide columns.
    pub wide: bool,
    /// Add the NAMESPACE column (`-A`, or a snapshot listed across namespaces).
    pub namespaces: bool,
    /// Print the header row.
    pub headers: bool,
    /// Colour the problem verdicts.
    pub color: bool,
    /// Terminal width (`None` in a pipe: every column, whole lines).
    pub width: Option<usize>,
}

/// One column: header, cells, and when it may be left out on a narrow terminal (lower first;
/// `None` = always shown).
struct Column {
    header: &'static str,
    cells: Vec<String>,
    drop_rank: Option<u8>,
    /// Cells this program wrote (counts, coloured verdicts): not escaped.
    ours: bool,
}

impl Column {
    fn new(
        header: &'static str,
        drop_rank: Option<u8>,
        items: &[DaemonSetSummary],
        cell: impl Fn(&DaemonSetSummary) -> String,
    ) -> Column {
        // Widths are measured on what will be printed: foreign text escaped.
        Column {
            header,
            cells: items
                .iter()
                .map(|i| escape(&cell(i)).into_owned())
                .collect(),
            drop_rank,
            ours: false,
        }
    }

    /// Marks the cells as this program's own (they may hold our colour codes).
    fn ours(mut self, cells: Vec<String>) -> Column {
        self.cells = cells;
        self.ours = true;
        self
    }

    fn width(&self, headers: bool) -> usize {
        self.cells
            .iter()
            .map(|c| visible_width(c))
            .chain(headers.then_some(self.header.len()))
            .max()
            .unwrap_or(0)
    }
}

/// The PROBLEMS cell: `0`, `2 Missing`, or `3 (1 Missing, 2 Failing)`; verdicts coloured when
/// `color`.
pub fn problems_cell(problems: &Problems, color: bool) -> String {
    let parts: Vec<String> = problems
        .by_verdict
        .iter()
        .map(|(v, n)| format!("{n} {}", style::verdict(*v, color)))
        .collect();
    match parts.as_slice() {
        [] => problems.total.to_string(),
        [one] => one.clone(),
        several => format!("{} ({})", problems.total, several.join(", ")),
    }
}

/// Writes the table (nothing at all when the list is empty: the caller says so on stderr, as
/// kubectl does). Returns the headers of the columns left out to fit the terminal, for the
/// caller to say so on stderr (see [`super::pod::dropped_note`]).
///
/// # Errors
/// On write failure.
pub fn write_table<W: Write + ?Sized>(
    out: &mut W,
    list: &DaemonSetSummaryList,
    view: View,
) -> io::Result<Vec<&'static str>> {
    if list.items.is_empty() {
        return Ok(Vec::new());
    }
    let items = list.items.as_slice();
    let num = |f: fn(&DaemonSetSummary) -> i64| move |s: &DaemonSetSummary| f(s).to_string();
    let mut columns = Vec::new();
    if view.namespaces {
        columns.push(Column::new("NAMESPACE", None, items, |s| {
            s.namespace.clone()
        }));
    }
    columns.extend([
        Column::new("NAME", None, items, |s| s.name.clone()),
        Column::new("DESIRED", Some(8), items, num(|s| s.desired)),
        Column::new("CURRENT", Some(4), items, num(|s| s.current)),
        Column::new("READY", Some(7), items, num(|s| s.ready)),
        Column::new("UP-TO-DATE", Some(5), items, num(|s| s.up_to_date)),
        Column::new("AVAILABLE", Some(6), items, num(|s| s.available)),
        Column::new("NODE SELECTOR", Some(0), items, |s| {
            format_labels(&s.node_selector)
        }),
        Column::new("AGE", Some(3), items, |s| s.age.clone()),
        Column::new("MISSCHEDULED", Some(2), items, num(|s| s.misscheduled)),
        Column::new("STRATEGY", Some(1), items, |s| s.update_strategy.clone()),
        Column::new("PROBLEMS", None, items, |_| String::new()).ours(
            items
                .iter()
                .map(|s| problems_cell(&s.problems, view.color))
                .collect(),
        ),
    ]);
    if view.wide {
        // Asked for explicitly: never left out (the last one is cut to the width instead).
        columns.extend([
            Column::new("CONTAINERS", None, items, |s| s.containers.join(",")),
            Column::new("IMAGES", None, items, |s| s.images.join(",")),
            Column::new("SELECTOR", None, items, |s| s.selector.clone()),
        ]);
    }
    let dropped = match (view.width, view.wide) {
        (Some(width), false) => drop_to_fit(&mut columns, width, view.headers),
        _ => Vec::new(),
    };
    let headers: Vec<&str> = columns.iter().map(|c| c.header).collect();
    // Cutting the line is only for the last column (a free-text one): when the columns before
    // it do not fit either, lines stay whole and the terminal wraps them, as kubectl's do.
    let before_last: usize = columns
        .iter()
        .rev()
        .skip(1)
        .map(|c| c.width(view.headers) + 3)
        .sum();
    let fit = view.width.filter(|w| before_last < *w);
    let mut table = Table::new(&headers).fit_to(fit);
    for i in 0..items.len() {
        table.row_cells(
            columns
                .iter()
                .map(|c| {
                    let text = c.cells[i].clone();
                    if c.ours {
                        Cell::Ours(text)
                    } else {
                        Cell::Foreign(text)
                    }
                })
                .collect(),
        );
    }
    table.write(out, view.headers)?;
    // In the table's order, not the order they were left out in.
    Ok(dropped)
}

/// Leaves out droppable columns, lowest rank first, until the table fits `width`: NODE
/// SELECTOR, STRATEGY, MISSCHEDULED, AGE, CURRENT, UP-TO-DATE, AVAILABLE, READY, DESIRED. What
/// is always left (NAMESPACE, NAME, PROBLEMS) still answers "which DaemonSet lacks a healthy
/// pod on how many nodes"; the controller's counts go before it because PROBLEMS says more.
/// Returns the headers left out, in the table's order.
fn drop_to_fit(columns: &mut Vec<Column>, width: usize, headers: bool) -> Vec<&'static str> {
    let all: Vec<&'static str> = columns.iter().map(|c| c.header).collect();
    loop {
        let total: usize = columns.iter().map(|c| c.width(headers)).sum::<usize>()
            + 3 * columns.len().saturating_sub(1);
        if total <= width {
            break;
        }
        let victim = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.drop_rank.map(|r| (r, i)))
            .min();
        match victim {
            Some((_, i)) => {
                columns.remove(i);
            }
            None => break,
        }
    }
    all.into_iter()
        .filter(|h| !columns.iter().any(|c| c.header == *h))
        .collect()
}

/// Writes `daemonset.apps/NAME` per DaemonSet, as `kubectl get ds -o name`.
///
/// # Errors
/// On write failure.
pub fn write_names<W: Write + ?Sized>(out: &mut W, list: &DaemonSetSummaryList) -> io::Result<()> {
    for item in &list.items {
        writeln!(out, "daemonset.apps/{}", Safe(&item.name))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Verdict;
    use std::collections::BTreeMap;

    fn item(name: &str, problems: &[(Verdict, usize)]) -> DaemonSetSummary {
        DaemonSetSummary {
            namespace: "kube-system".into(),
            name: name.into(),
            desired: 3,
            current: 3,
            ready: 2,
            up_to_date: 3,
            available: 2,
            misscheduled: 0,
            node_selector: BTreeMap::from([("kubernetes.io/os".into(), "linux".into())]),
            update_strategy: "RollingUpdate".into(),
            creation_timestamp: None,
            age: "5d".into(),
            containers: vec!["agent".into()],
            images: vec!["agent:1".into()],
            selector: format!("app={name}"),
            current_revision: None,
            problems: Problems {
                total: problems.iter().map(|(_, n)| n).sum(),
                by_verdict: problems.iter().copied().collect(),
            },
            warnings: Vec::new(),
        }
    }

    fn list(items: Vec<DaemonSetSummary>) -> DaemonSetSummaryList {
        DaemonSetSummaryList {
            api_version: "kubectl-ds/v1alpha1",
            kind: "DaemonSetSummaryList",
            items,
        }
    }

    fn render(list: &DaemonSetSummaryList, view: View) -> String {
        let mut out = Vec::new();
        write_table(&mut out, list, view).unwrap();
        String::from_utf8(out).unwrap()
    }

    const PIPE: View = View {
        wide: false,
        namespaces: false,
        headers: true,
        color: false,
        width: None,
    };

    #[test]
    fn problems_read_short() {
        let p = |v: &[(Verdict, usize)]| problems_cell(&item("x", v).problems, false);
        assert_eq!(p(&[]), "0");
        assert_eq!(p(&[(Verdict::Missing, 2)]), "2 Missing");
        assert_eq!(
            p(&[(Verdict::Failing, 2), (Verdict::Missing, 1)]),
            "3 (1 Missing, 2 Failing)"
        );
        let coloured = problems_cell(&item("x", &[(Verdict::Failing, 1)]).problems, true);
        assert!(coloured.starts_with("1 \u{1b}["), "{coloured:?}");
        assert_eq!(visible_width(&coloured), "1 Failing".len());
    }

    #[test]
    fn a_pipe_gets_every_column_in_kubectls_order_then_ours() {
        let text = render(
            &list(vec![item("calico-node", &[(Verdict::Missing, 1)])]),
            PIPE,
        );
        assert_eq!(
            text,
            "NAME          DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE   MISSCHEDULED   STRATEGY        PROBLEMS\n\
             calico-node   3         3         2       3            2           kubernetes.io/os=linux   5d    0              RollingUpdate   1 Missing\n"
        );
        let wide = render(
            &list(vec![item("calico-node", &[])]),
            View {
                wide: true,
                namespaces: true,
                ..PIPE
            },
        );
        let header = wide.lines().next().unwrap();
        assert!(header.starts_with("NAMESPACE     NAME"), "{header}");
        assert!(
            header.ends_with("PROBLEMS   CONTAINERS   IMAGES    SELECTOR"),
            "{header}"
        );
    }

    #[test]
    fn a_narrow_terminal_loses_optional_columns_never_name_or_problems() {
        let problems = [(Verdict::Missing, 1), (Verdict::Failing, 2)];
        let l = list(vec![item("calico-node", &problems)]);
        let text = render(
            &l,
            View {
                width: Some(80),
                namespaces: true,
                ..PIPE
            },
        );
        let header = text.lines().next().unwrap();
        assert_eq!(
            header,
            "NAMESPACE     NAME          DESIRED   READY   PROBLEMS"
        );
        assert!(text.contains("3 (1 Missing, 2 Failing)"), "{text}");
        // A longer name: READY and DESIRED go too, PROBLEMS stays whole.
        let long = "calico-node-with-a-rather-long-name";
        let text = render(
            &list(vec![item(long, &problems)]),
            View {
                width: Some(80),
                namespaces: true,
                ..PIPE
            },
        );
        assert_eq!(
            text,
            format!(
                "NAMESPACE     NAME{}PROBLEMS\nkube-system   {long}   3 (1 Missing, 2 Failing)\n",
                " ".repeat(long.len() - 1)
            )
        );
        // Longer still: the end of the line is cut, never the name.
        let longer = "calico-node-with-a-name-so-long-that-nothing-else-fits";
        let text = render(
            &list(vec![item(longer, &problems)]),
            View {
                width: Some(80),
                namespaces: true,
                ..PIPE
            },
        );
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{line:?}");
        }
        assert!(
            text.contains(&format!("kube-system   {longer}   3 (1 Mis…")),
            "{text}"
        );
        let roomy = render(
            &l,
            View {
                width: Some(200),
                ..PIPE
            },
        );
        assert_eq!(
            roomy,
            render(&l, PIPE),
            "a wide terminal shows every column"
        );
        let wide = render(
            &l,
            View {
                width: Some(80),
                wide: true,
                ..PIPE
            },
        );
        assert_eq!(
            wide,
            render(&l, View { wide: true, ..PIPE }),
            "-o wide keeps every column, lines whole when they cannot be cut at the last column"
        );
        let wide = render(
            &l,
            View {
                width: Some(190),
                wide: true,
                ..PIPE
            },
        );
        assert!(
            wide.lines().all(|l| l.chars().count() <= 190) && wide.contains("app=calico…"),
            "else the last column is cut: {wide}"
        );
    }

    #[test]
    fn empty_lists_print_nothing_and_names_are_kubectls() {
        assert_eq!(render(&list(vec![]), PIPE), "");
        let mut out = Vec::new();
        write_names(&mut out, &list(vec![item("a", &[]), item("b", &[])])).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "daemonset.apps/a\ndaemonset.apps/b\n"
        );
    }

    #[test]
    fn the_columns_left_out_are_returned_in_table_order_and_a_note_names_them() {
        let l = list(vec![item("calico-node", &[(Verdict::Missing, 1)])]);
        let mut out = Vec::new();
        let view = View {
            width: Some(80),
            namespaces: true,
            ..PIPE
        };
        let dropped = write_table(&mut out, &l, view).unwrap();
        assert_eq!(
            dropped,
            [
                "CURRENT",
                "NODE SELECTOR",
                "AGE",
                "MISSCHEDULED",
                "STRATEGY"
            ]
        );
        assert_eq!(
            crate::render::pod::dropped_note(&dropped[..1], 80).as_deref(),
            Some("note: CURRENT left out to fit 80 columns; -o wide or a wider terminal shows it")
        );
        let none = write_table(&mut Vec::new(), &l, PIPE).unwrap();
        assert!(none.is_empty(), "a pipe gets every column: {none:?}");
    }

    #[test]
    fn foreign_names_are_escaped_and_widths_measure_the_escaped_text() {
        let l = list(vec![item("evil\u{1b}[2J\u{202e}", &[])]);
        let text = render(&l, PIPE);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1].find("3 "), lines[0].find("DESIRED"), "{text}");
        let mut out = Vec::new();
        write_names(&mut out, &l).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "daemonset.apps/evil\\x1b[2J\\u{202e}\n"
        );
    }
}
