//! Text from outside this program (names, images, event messages, annotations, API errors, file
//! names) made safe for a terminal and for a one-line table cell.
//!
//! A string from the cluster or a file may carry `ESC ] 52 ; … BEL` (write the clipboard),
//! `ESC [ 2 J` (clear the screen), a newline that forges a second table row, or a bidi override
//! that shows text in another order than it is (kubectl fixed the same class as CVE-2021-25743).
//! Every such character is replaced by a visible escape (`\x1b`, `\n`, `\u{202e}`), so what is
//! printed is exactly what the object holds, readable and inert. JSON and YAML escape on their
//! own; container logs are data and are never passed through here.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io;

/// True for a character that must not reach a terminal as it is: C0 and C1 controls, DEL, and
/// the Unicode bidi controls (embeddings, overrides, isolates, marks).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every unsafe character replaced by a visible escape; borrowed when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) && u32::from(c) <= 0xff => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// A `Display` wrapper that escapes as it writes, for `format!("{}", Safe(name))`.
#[derive(Debug, Clone, Copy)]
pub struct Safe<'a>(pub &'a str);

impl fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

/// `text` with each line escaped on its own: for text this program split into lines on purpose
/// (a hint followed by YAML lines) whose pieces may come from outside.
pub fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

/// Writes `line` escaped, then a newline: for a line that mixes our words with foreign values
/// (our own text never holds a control character, so escaping all of it changes only theirs).
///
/// # Errors
/// On write failure.
pub fn write_line<W: io::Write + ?Sized>(out: &mut W, line: &str) -> io::Result<()> {
    writeln!(out, "{}", escape(line))
}

/// `writeln!` whose whole line is escaped: `safe_writeln!(out, "Name:  {}", name)?`.
macro_rules! safe_writeln {
    ($out:expr, $($arg:tt)*) => {
        $crate::render::safe::write_line($out, &format!($($arg)*))
    };
}
pub(crate) use safe_writeln;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            escape("node-monitor-x7k2p café"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn osc52_clipboard_write_is_inert() {
        let hostile = "ds\u{1b}]52;c;ZWNobyBoaQ==\u{7}";
        assert_eq!(escape(hostile), "ds\\x1b]52;c;ZWNobyBoaQ==\\x07");
    }

    #[test]
    fn clear_screen_title_and_c1_controls_are_escaped() {
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("\u{1b}]0;owned\u{7}"), "\\x1b]0;owned\\x07");
        assert_eq!(escape("x\u{9b}31m"), "x\\x9b31m");
        assert_eq!(escape("del\u{7f}"), "del\\x7f");
    }

    #[test]
    fn newlines_cannot_forge_a_table_row() {
        assert_eq!(
            escape("line one\nnode-x   Running"),
            "line one\\nnode-x   Running"
        );
        assert_eq!(escape("a\r\tb"), "a\\r\\tb");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_escaped() {
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(escape("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn lines_are_escaped_one_by_one() {
        assert_eq!(
            escape_lines("a\u{1b}b\n  - key: x\u{7}"),
            "a\\x1bb\n  - key: x\\x07"
        );
        let mut out = Vec::new();
        safe_writeln!(&mut out, "Name:  {}", "x\ny").unwrap();
        assert_eq!(out, b"Name:  x\\ny\n");
    }

    #[test]
    fn display_wrapper_escapes() {
        assert_eq!(format!("[{}]", Safe("a\u{1b}b")), "[a\\x1bb]");
    }
}
