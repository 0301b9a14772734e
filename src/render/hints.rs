//! The "Hints:" block under the why-missing and rollout status tables: each distinct hint once,
//! with the nodes (or DaemonSets) it applies to, and — on a terminal — wrapped at spaces to its
//! width without ever breaking a command, so every command stays one pasteable line.

use std::io::{self, Write};

use super::safe::{Safe, escape};
use crate::analysis::Reason;

/// One distinct hint and the rows it applies to, in the order they were first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint<'a> {
    /// Names of the rows (nodes, or `namespace/daemonset`).
    pub names: Vec<&'a str>,
    /// The hint: a sentence, a command, or a line followed by indented YAML lines.
    pub text: &'a str,
}

/// Collects each distinct hint of the `rows` once, keeping only the reasons `keep` accepts.
pub fn collect<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a [Reason])>,
    keep: impl Fn(&Reason) -> bool,
) -> Vec<Hint<'a>> {
    let mut list: Vec<Hint<'a>> = Vec::new();
    for (name, reasons) in rows {
        for text in reasons
            .iter()
            .filter(|r| keep(r))
            .filter_map(|r| r.hint.as_deref())
        {
            match list.iter_mut().find(|h| h.text == text) {
                Some(hint) if hint.names.contains(&name) => {}
                Some(hint) => hint.names.push(name),
                None => list.push(Hint {
                    names: vec![name],
                    text,
                }),
            }
        }
    }
    list
}

/// `w1`, `w1, w2`, or `w1 and 3 more`.
pub fn who(names: &[&str]) -> String {
    match names {
        [one] => (*one).to_owned(),
        [first, second] => format!("{first}, {second}"),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        [] => String::new(),
    }
}

/// Writes a blank line, `Hints:`, the `general` lines, then one entry per hint; nothing when
/// both are empty. With a `width`, sentences wrap at spaces (continuation lines indented);
/// `None` (a pipe) keeps every hint on its own whole line.
///
/// # Errors
/// On write failure.
pub fn write<W: Write + ?Sized>(
    out: &mut W,
    general: &[&str],
    hints: &[Hint<'_>],
    width: Option<usize>,
) -> io::Result<()> {
    if general.is_empty() && hints.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Hints:")?;
    for line in general {
        write_wrapped(out, &format!("  {line}"), width, "    ")?;
    }
    for hint in hints {
        let mut lines = hint.text.lines();
        let first = format!(
            "  {}: {}",
            who(&hint.names),
            lines.next().unwrap_or_default()
        );
        write_wrapped(out, &first, width, "    ")?;
        // Further lines are YAML to paste: indented, never wrapped.
        for line in lines {
            writeln!(out, "      {}", Safe(line))?;
        }
    }
    Ok(())
}

/// Writes `line` escaped (it may quote names and messages from the cluster), wrapped to `width`
/// when there is one.
///
/// # Errors
/// On write failure.
pub fn write_wrapped<W: Write + ?Sized>(
    out: &mut W,
    line: &str,
    width: Option<usize>,
    indent: &str,
) -> io::Result<()> {
    let line = escape(line);
    let line = line.as_ref();
    match width {
        Some(width) => {
            for part in wrap(line, width, indent) {
                writeln!(out, "{part}")?;
            }
            Ok(())
        }
        None => writeln!(out, "{line}"),
    }
}

/// Breaks `line` at spaces into lines of at most `width` columns; lines after the first start
/// with `indent`, the first keeps its own leading spaces. A command — from a `kubectl` word to
/// the end of the line, a word ending in `;` or `,`, or a word opening a parenthesis — is one
/// unbreakable piece; a piece longer than a line is left to overflow (the terminal wraps it, and
/// copying still yields one line).
pub fn wrap(line: &str, width: usize, indent: &str) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_owned()];
    }
    let lead = &line[..line.len() - line.trim_start().len()];
    let mut lines = Vec::new();
    let mut current = lead.to_owned();
    let mut current_len = lead.chars().count();
    let mut fresh = true;
    for piece in pieces(line.trim_start()) {
        let len = piece.chars().count();
        if !fresh && current_len + 1 + len > width {
            lines.push(std::mem::replace(&mut current, indent.to_owned()));
            current_len = indent.chars().count();
            fresh = true;
        }
        if !fresh {
            current.push(' ');
            current_len += 1;
        }
        current.push_str(&piece);
        current_len += len;
        fresh = false;
    }
    lines.push(current);
    lines
}

/// The words of `text`, with every command joined into one piece.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut command: Option<String> = None;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if let Some(cmd) = command.as_mut() {
            if word.starts_with('(') {
                out.push(command.take().unwrap_or_default());
                out.push(word.to_owned());
                continue;
            }
            cmd.push(' ');
            cmd.push_str(word);
            if word.ends_with(';') || word.ends_with(',') {
                out.push(command.take().unwrap_or_default());
            }
            continue;
        }
        if word == "kubectl" {
            command = Some(word.to_owned());
        } else {
            out.push(word.to_owned());
        }
    }
    out.extend(command);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::verdict::Detail;

    fn reason(hint: &str) -> Reason {
        Reason::new(
            Detail::NodeNotReady {
                status: None,
                reason: None,
            },
            "m",
        )
        .with_hint(hint)
    }

    #[test]
    fn each_hint_once_with_its_rows_in_first_seen_order() {
        let a = [reason("fix b"), reason("fix a")];
        let b = [reason("fix a")];
        let list = collect([("n1", &a[..]), ("n2", &b[..]), ("n2", &b[..])], |_| true);
        assert_eq!(
            list,
            vec![
                Hint {
                    names: vec!["n1"],
                    text: "fix b"
                },
                Hint {
                    names: vec!["n1", "n2"],
                    text: "fix a"
                },
            ]
        );
        let none = collect([("n1", &a[..])], |r| r.hint.as_deref() != Some("fix b"));
        assert_eq!(none.len(), 1);
    }

    #[test]
    fn who_counts_the_rest() {
        assert_eq!(who(&["a"]), "a");
        assert_eq!(who(&["a", "b"]), "a, b");
        assert_eq!(who(&["a", "b", "c"]), "a and 2 more");
    }

    #[test]
    fn sentences_wrap_at_spaces_and_commands_stay_whole() {
        let line = "  m03: check the image name and tag; if a rollout brought it: kubectl ds rollout undo log-collector -n daemonset-demo";
        let lines = wrap(line, 60, "    ");
        assert_eq!(
            lines,
            vec![
                "  m03: check the image name and tag; if a rollout brought",
                "    it:",
                "    kubectl ds rollout undo log-collector -n daemonset-demo",
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 60));
    }

    #[test]
    fn a_command_ends_at_a_semicolon_or_a_parenthesis() {
        assert_eq!(
            pieces("run kubectl a b; then x (or kubectl c d (see) e"),
            vec![
                "run",
                "kubectl a b;",
                "then",
                "x",
                "(or",
                "kubectl c d",
                "(see)",
                "e"
            ]
        );
    }

    #[test]
    fn short_lines_and_pipes_are_untouched() {
        assert_eq!(wrap("  a: b", 80, "    "), vec!["  a: b"]);
        let mut out = Vec::new();
        let long = "x ".repeat(60);
        let hint = Hint {
            names: vec!["n"],
            text: long.trim(),
        };
        write(&mut out, &[], &[hint], None).unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 3);
    }

    #[test]
    fn a_command_longer_than_the_line_overflows_on_its_own_line() {
        let lines = wrap(
            "  n: do kubectl label node n a-very-long-label-key=a-very-long-value",
            30,
            "    ",
        );
        assert_eq!(
            lines,
            vec![
                "  n: do",
                "    kubectl label node n a-very-long-label-key=a-very-long-value"
            ]
        );
    }

    #[test]
    fn yaml_lines_are_indented_not_wrapped() {
        let hint = Hint {
            names: vec!["n"],
            text: "add under tolerations:\n- key: k\n  operator: Exists",
        };
        let mut out = Vec::new();
        write(&mut out, &["general advice"], &[hint], Some(20)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\nHints:\n  general advice\n  n: add under\n    tolerations:\n      - key: k\n        operator: Exists\n"
        );
    }
}
