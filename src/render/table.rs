//! kubectl's table look: no borders, upper-case headers, three spaces between columns, no
//! trailing spaces.

use std::io::{self, Write};

/// A table under construction.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers (upper-cased on output).
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.as_ref().to_uppercase()).collect(),
            rows: Vec::new(),
        }
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
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
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
    fn colour_codes_do_not_count() {
        assert_eq!(visible_width("\u{1b}[31mMissing\u{1b}[39m"), 7);
    }
}
