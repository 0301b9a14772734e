//! kubectl's table look: no borders, upper-case headers, three spaces between columns, no
//! trailing spaces.

use std::io::{self, Write};

/// A table under construction.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    max_width: Option<usize>,
}

impl Table {
    /// A table with these headers (upper-cased on output).
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.as_ref().to_uppercase()).collect(),
            rows: Vec::new(),
            max_width: None,
        }
    }

    /// Cuts the last column (a free-text one, by convention) so lines fit `width` columns; the
    /// other columns, names among them, are never cut. `None` leaves lines whole (pipes).
    pub fn fit_to(mut self, width: Option<usize>) -> Table {
        self.max_width = width;
        self
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// True when no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the table (laid out by comfy-table; ANSI colour does not count toward widths).
    ///
    /// # Errors
    /// On write failure.
    pub fn write<W: Write + ?Sized>(&self, out: &mut W, headers: bool) -> io::Result<()> {
        use comfy_table::{ContentArrangement, presets::NOTHING};
        let mut table = comfy_table::Table::new();
        table
            .load_preset(NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        if headers {
            table.set_header(self.headers.clone());
        }
        for row in &self.rows {
            table.add_row(row.clone());
        }
        let last = self.headers.len().saturating_sub(1);
        for (i, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, if i == last { 0 } else { 3 }));
        }
        if self.rows.is_empty() && !headers {
            return Ok(());
        }
        for line in table.lines() {
            let line = line.trim_end();
            match self.max_width {
                Some(width) => writeln!(out, "{}", cut(line, width))?,
                None => writeln!(out, "{line}")?,
            }
        }
        Ok(())
    }
}

/// `line` cut to `width` visible characters with a final `…`, keeping colour sequences whole;
/// never below 40 columns, so a narrow terminal wraps rather than losing the reason entirely.
fn cut(line: &str, width: usize) -> String {
    let width = width.max(40);
    if visible_width(line) <= width {
        return line.to_owned();
    }
    let mut out = String::new();
    let mut seen = 0;
    let mut in_escape = false;
    for c in line.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => {
                in_escape = true;
                out.push(c);
            }
            (true, _) => {
                in_escape = c != 'm';
                out.push(c);
            }
            (false, _) if seen + 1 < width => {
                seen += 1;
                out.push(c);
            }
            (false, _) => break,
        }
    }
    out.push('…');
    out
}

/// Display width of `s` without ANSI escape sequences.
pub fn visible_width(s: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_layout() {
        let mut t = Table::new(&["name", "desired"]);
        t.row(vec!["node-monitor".into(), "3".into()]);
        t.row(vec!["x".into(), "10".into()]);
        let mut out = Vec::new();
        t.write(&mut out, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "NAME           DESIRED\nnode-monitor   3\nx              10\n"
        );
        let mut out = Vec::new();
        t.write(&mut out, false).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("node-monitor   3\n")
        );
    }

    #[test]
    fn fitting_cuts_only_the_end_of_long_lines() {
        let mut t = Table::new(&["node", "reason"]).fit_to(Some(40));
        t.row(vec![
            "minikube-m02".into(),
            "ImagePullBackOff: container collector cannot pull image".into(),
        ]);
        t.row(vec!["m03".into(), "short".into()]);
        let mut out = Vec::new();
        t.write(&mut out, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "minikube-m02   ImagePullBackOff: contai…");
        assert_eq!(lines[1].chars().count(), 40);
        assert_eq!(lines[2], "m03            short");
    }

    #[test]
    fn colour_codes_do_not_count() {
        assert_eq!(visible_width("\u{1b}[31mMissing\u{1b}[39m"), 7);
    }
}
