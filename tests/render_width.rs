//! On a terminal, the why-missing and rollout status views fit its width: the reason column is
//! cut, sentences wrap at spaces, and every command in a hint stays whole on one line so it can
//! be pasted. (Pipes keep whole lines: the CLI snapshots and tests/docs.rs pin those.)

use std::path::PathBuf;

use jiff::Timestamp;
use kubectl_ds::analysis::rollout::rollout_status;
use kubectl_ds::analysis::{Inventory, why_missing};
use kubectl_ds::model::Snapshot;
use kubectl_ds::render;
use kubectl_ds::render::rollout::StatusView;
use kubectl_ds::render::why_missing::{Detail, View};

fn demo() -> Snapshot {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo/cluster.yaml");
    kubectl_ds::snapshot::load_paths(&[path], &mut std::io::empty())
        .expect("the demo fixture loads")
        .snapshot
}

fn now() -> Timestamp {
    "2026-11-28T10:00:00Z".parse().unwrap()
}

/// Every `kubectl …` command of the hints: from `kubectl` to the end of the hint's first line,
/// a `;` / `,` or an opening parenthesis — what the wrapper keeps whole.
fn commands(hints: impl Iterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    for hint in hints {
        let first = hint.lines().next().unwrap_or_default().to_owned();
        let mut rest = first.as_str();
        while let Some(at) = rest.find("kubectl ") {
            let cmd = &rest[at..];
            let end = cmd.find([';', ',', '(']).unwrap_or(cmd.len());
            out.push(cmd[..end].trim_end().to_owned());
            rest = &cmd[end..];
        }
    }
    out
}

/// Lines longer than `width` must be a command alone (indented); every command is on a line.
fn check(text: &str, width: usize, commands: &[String]) {
    assert!(!commands.is_empty(), "the demo has hints with commands");
    for line in text.lines() {
        if line.chars().count() > width {
            let trimmed = line.trim_start();
            assert!(
                commands.iter().any(|c| c == trimmed),
                "line wider than {width} that is not a lone command:\n{line}\n---\n{text}"
            );
        }
    }
    for cmd in commands {
        assert!(
            text.lines().any(|l| l.contains(cmd.as_str())),
            "command broken across lines: {cmd}\n---\n{text}"
        );
    }
}

#[test]
fn why_missing_fits_80_columns_with_commands_whole() {
    let snap = demo();
    let inv = Inventory::new(&snap);
    let ds = snap
        .daemon_sets
        .iter()
        .find(|d| d.metadata.name == "log-collector")
        .unwrap();
    let report = why_missing(&inv, ds, None, now());
    let hints = report
        .nodes
        .iter()
        .flat_map(|n| n.reasons.iter().filter_map(|r| r.hint.clone()));
    let cmds = commands(hints);
    for width in [60, 80, 100] {
        let mut out = Vec::new();
        let view = View {
            detail: Detail::Attention,
            headers: true,
            color: false,
            width: Some(width),
        };
        render::why_missing::write_report(&mut out, &report, view).unwrap();
        let text = String::from_utf8(out).unwrap();
        check(&text, width, &cmds);
        if width == 80 {
            insta::assert_snapshot!("why_missing_demo_80_columns", text);
        }
    }
}

#[test]
fn rollout_status_fits_80_columns_with_commands_whole() {
    let snap = demo();
    let inv = Inventory::new(&snap);
    let ds = snap
        .daemon_sets
        .iter()
        .find(|d| d.metadata.name == "log-collector")
        .unwrap();
    let status = rollout_status(&inv, ds, now());
    let hints = status
        .nodes
        .iter()
        .flat_map(|n| {
            // The status's own hint stands for the old revisions' ones (see render::rollout).
            n.reasons
                .iter()
                .filter(|r| r.code() != "OldRevision")
                .filter_map(|r| r.hint.clone())
        })
        .chain(status.hint.clone());
    let cmds = commands(hints);
    let mut out = Vec::new();
    let view = StatusView {
        wide: false,
        headers: true,
        color: false,
        width: Some(80),
    };
    render::rollout::write_status(&mut out, &status, view).unwrap();
    let text = String::from_utf8(out).unwrap();
    // kubectl's own first line is kept whole, as kubectl prints it.
    let (kubectl_line, rest) = text.split_once('\n').unwrap();
    assert!(kubectl_line.starts_with("Waiting for daemon set"), "{text}");
    check(rest, 80, &cmds);
    insta::assert_snapshot!("rollout_status_demo_80_columns", text);
}

/// `-o wide` asks for everything: on a terminal too, no reason is cut.
#[test]
fn wide_keeps_whole_reasons_on_a_terminal() {
    let snap = demo();
    let inv = Inventory::new(&snap);
    let ds = snap
        .daemon_sets
        .iter()
        .find(|d| d.metadata.name == "log-collector")
        .unwrap();
    let report = why_missing(&inv, ds, None, now());
    let render = |detail| {
        let mut out = Vec::new();
        let view = View {
            detail,
            headers: true,
            color: false,
            width: Some(80),
        };
        render::why_missing::write_report(&mut out, &report, view).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert!(render(Detail::Attention).contains('…'));
    let wide = render(Detail::Wide);
    assert!(!wide.contains('…'), "{wide}");
    assert!(wide.lines().any(|l| l.chars().count() > 80), "{wide}");
}

/// The reason column wraps inside its column at 80 columns, at most three lines per row, and the
/// decisive words come first: the registry's `not found` is on the row's first line.
#[test]
fn reasons_wrap_in_their_column_with_the_decisive_words_first() {
    let snap = demo();
    let inv = Inventory::new(&snap);
    let ds = snap
        .daemon_sets
        .iter()
        .find(|d| d.metadata.name == "log-collector")
        .unwrap();
    let report = why_missing(&inv, ds, None, now());
    let mut out = Vec::new();
    let view = View {
        detail: Detail::Attention,
        headers: true,
        color: false,
        width: Some(80),
    };
    render::why_missing::write_report(&mut out, &report, view).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("NODE ")).unwrap();
    let column = lines[header].find("REASON").unwrap();
    let m03 = lines
        .iter()
        .position(|l| l.starts_with("minikube-m03"))
        .unwrap();
    assert!(
        lines[m03].ends_with("ImagePullBackOff: not found:"),
        "{}",
        lines[m03]
    );
    // Rows run from a node name to the next one; each takes at most three lines, and the
    // continuation lines start in the REASON column.
    let table_end = lines[header..].iter().position(|l| l.is_empty()).unwrap() + header;
    let mut row_lines = 0;
    for line in &lines[header + 1..table_end] {
        if line.starts_with("minikube-") {
            row_lines = 1;
        } else {
            row_lines += 1;
            assert_eq!(line.len() - line.trim_start().len(), column, "{line:?}");
        }
        assert!(row_lines <= 3, "more than three lines for a row:\n{text}");
        assert!(line.chars().count() <= 80, "{line:?}");
    }
}

/// `pod --all-nodes` fits 80 columns by leaving out AGE, then RESTARTS, and says so.
#[test]
fn pod_table_fits_80_columns_and_names_what_it_left_out() {
    use kubectl_ds::analysis::pods::{pod_row, pods_on_node};
    let snap = demo();
    let inv = Inventory::new(&snap);
    let ds = snap
        .daemon_sets
        .iter()
        .find(|d| d.metadata.name == "log-collector")
        .unwrap();
    let mut rows = Vec::new();
    for node in &snap.nodes {
        let pods = pods_on_node(&inv, ds, node.name());
        rows.push(pod_row(node.name(), &pods, "Healthy", now()));
    }
    let render = |width| {
        let mut out = Vec::new();
        let dropped = render::pod::write_table(&mut out, &rows, false, true, width).unwrap();
        (String::from_utf8(out).unwrap(), dropped)
    };
    let (whole, none) = render(None);
    assert!(none.is_empty());
    assert!(
        whole.lines().any(|l| l.chars().count() > 80),
        "the demo is wider than 80 columns in a pipe:\n{whole}"
    );
    let (text, dropped) = render(Some(80));
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert_eq!(dropped, ["AGE", "RESTARTS"], "{text}");
    assert!(text.starts_with("NODE "), "{text}");
    assert!(!text.contains("AGE") && text.contains("REVISION"), "{text}");
    assert_eq!(
        render::pod::dropped_note(&dropped, 80).unwrap(),
        "note: AGE, RESTARTS left out to fit 80 columns; -o wide or a wider terminal shows them"
    );
}
