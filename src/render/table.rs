//! kubectl's table look: no borders, upper-case headers, three spaces between columns, no
//! trailing spaces.
//!
//! Every cell is text from outside this program unless it is marked [`Cell::Ours`]: foreign
//! cells are escaped ([`super::safe::escape`]) when they are added, so a newline cannot forge a
//! row and an `ESC` from the cluster is never taken for a colour code. The only escape
//! sequences a table holds are the colours of our own cells.

use std::io::{self, Write};

use super::safe::escape;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text that came from a cluster or a file (names, images, messages): escaped when added.
    Foreign(String),
    /// Text this program wrote (a verdict word, a count), which may carry our own colour.
    Ours(String),
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Foreign(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Foreign(text.to_owned())
    }
}

impl Cell {
    fn into_text(self) -> String {
        match self {
            Cell::Foreign(text) => escape(&text).into_owned(),
            Cell::Ours(text) => text,
        }
    }
}

/// How a line wider than the terminal is brought back to its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Cut the end of the line with `…`.
    Cut,
    /// Wrap the last column inside its own column at spaces, at most this many lines per row.
    Wrap(usize),
}

/// A table under construction.
#[derive(Debug)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    max_width: Option<usize>,
    fit: Fit,
}

/// The narrowest a wrapped last column may be; narrower, lines are cut instead.
const MIN_WRAP_WIDTH: usize = 20;

impl Table {
    /// A table with these headers (upper-cased on output).
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.as_ref().to_uppercase()).collect(),
            rows: Vec::new(),
            max_width: None,
            fit: Fit::Cut,
        }
    }

    /// Cuts the last column (a free-text one, by convention) so lines fit `width` columns; the
    /// other columns, names among them, are never cut. `None` leaves lines whole (pipes).
    pub fn fit_to(mut self, width: Option<usize>) -> Table {
        self.max_width = width;
        self.fit = Fit::Cut;
        self
    }

    /// Wraps the last column (a free-text one) inside its column at spaces so lines fit `width`,
    /// with at most `max_lines` lines per row (the last one ending in `…` when text is left
    /// over). When the other columns leave it less than 20 columns, lines are cut as
    /// [`Table::fit_to`] does. `None` leaves lines whole (pipes, `-o wide`).
    pub fn wrap_to(mut self, width: Option<usize>, max_lines: usize) -> Table {
        self.max_width = width;
        self.fit = Fit::Wrap(max_lines.max(1));
        self
    }

    /// Adds a row of foreign text (every cell escaped here).
    pub fn row(&mut self, cells: Vec<String>) {
        self.row_cells(cells.into_iter().map(Cell::Foreign).collect());
    }

    /// Adds a row whose cells say where they come from; foreign ones are escaped here.
    pub fn row_cells(&mut self, cells: Vec<Cell>) {
        self.rows
            .push(cells.into_iter().map(Cell::into_text).collect());
    }

    /// Leaves out columns, in the order `victims` names them (headers, any case), until the
    /// table fits `width`; returns the headers left out, in that order. Columns not named are
    /// never left out.
    pub fn drop_to_fit(&mut self, width: usize, headers: bool, victims: &[&str]) -> Vec<String> {
        let mut dropped = Vec::new();
        for victim in victims {
            if self.total_width(headers) <= width {
                break;
            }
            let Some(i) = self
                .headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(victim))
            else {
                continue;
            };
            dropped.push(self.headers.remove(i));
            for row in &mut self.rows {
                if i < row.len() {
                    row.remove(i);
                }
            }
        }
        dropped
    }

    /// The width of the widest line.
    fn total_width(&self, headers: bool) -> usize {
        let columns = self.headers.len();
        let last = self
            .rows
            .iter()
            .filter_map(|r| r.get(columns.saturating_sub(1)))
            .map(|c| visible_width(c))
            .chain(headers.then(|| self.headers.last().map_or(0, String::len)))
            .max()
            .unwrap_or(0);
        self.widths_before_last(headers) + last
    }

    /// True when no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The widest visible cell of each column but the last (headers included when shown).
    fn widths_before_last(&self, headers: bool) -> usize {
        let last = self.headers.len().saturating_sub(1);
        (0..last)
            .map(|i| {
                let cells = self.rows.iter().filter_map(|r| r.get(i));
                let widest = cells.map(|c| visible_width(c)).max().unwrap_or(0);
                let header = if headers { self.headers[i].len() } else { 0 };
                widest.max(header) + 3
            })
            .sum()
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
        let last = self.headers.len().saturating_sub(1);
        let wrap = match (self.fit, self.max_width) {
            (Fit::Wrap(lines), Some(width)) => width
                .checked_sub(self.widths_before_last(headers))
                .filter(|w| *w >= MIN_WRAP_WIDTH)
                .map(|w| (w, lines)),
            _ => None,
        };
        for row in &self.rows {
            match wrap {
                Some((width, lines)) => {
                    let mut row = row.clone();
                    if let Some(cell) = row.get_mut(last) {
                        *cell = wrap_words(cell, width, lines).join("\n");
                    }
                    table.add_row(row);
                }
                None => {
                    table.add_row(row.clone());
                }
            }
        }
        for (i, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, if i == last { 0 } else { 3 }));
        }
        if self.rows.is_empty() && !headers {
            return Ok(());
        }
        for line in table.lines() {
            let line = line.trim_end();
            match self.max_width {
                Some(width) if wrap.is_none() => writeln!(out, "{}", cut(line, width))?,
                _ => writeln!(out, "{line}")?,
            }
        }
        Ok(())
    }
}

/// `text` in lines of at most `width` characters, broken at spaces (a word longer than a line is
/// broken inside), at most `max_lines` of them; when text is left over the last line ends in
/// `…`. Meant for escaped text without colour.
pub fn wrap_words(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let gap = usize::from(current_len > 0);
            if current_len + gap + word.len() <= width {
                if gap == 1 {
                    current.push(' ');
                }
                current.extend(word.iter());
                current_len += gap + word.len();
                break;
            }
            if current_len > 0 {
                lines.push(std::mem::take(&mut current));
                current_len = 0;
                continue;
            }
            // A word wider than a whole line: break it.
            let rest = word.split_off(width);
            lines.push(word.iter().collect());
            word = rest;
        }
    }
    if current_len > 0 || lines.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines is at least one");
        let mut kept: Vec<char> = last.chars().collect();
        kept.truncate(width - 1);
        *last = kept.into_iter().collect::<String>().trim_end().to_owned() + "…";
    }
    lines
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

    #[test]
    fn foreign_cells_are_escaped_and_cannot_forge_a_row() {
        let mut t = Table::new(&["node", "verdict", "message"]);
        t.row_cells(vec![
            Cell::from("m\u{1b}[2J01"),
            Cell::Ours("\u{1b}[31mFailing\u{1b}[39m".into()),
            Cell::from("pull failed\nm02   Healthy   \u{1b}]52;c;eA==\u{7}"),
        ]);
        t.row(vec!["m03".into(), "Healthy".into(), "\u{202e}fine".into()]);
        let mut out = Vec::new();
        t.write(&mut out, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(
            lines[1],
            "m\\x1b[2J01   \u{1b}[31mFailing\u{1b}[39m\u{1b}[0m   pull failed\\nm02   Healthy   \\x1b]52;c;eA==\\x07"
        );
        assert_eq!(lines[2], "m03          Healthy   \\u{202e}fine");
        // Only our own colour (and comfy-table's reset after it) is left as an escape sequence.
        assert_eq!(text.matches('\u{1b}').count(), 3);
    }

    #[test]
    fn a_foreign_escape_is_not_taken_for_colour_when_cutting() {
        let mut t = Table::new(&["node", "reason"]).fit_to(Some(40));
        t.row(vec![
            "n\u{1b}[31m".into(),
            "a reason long enough to be cut at forty columns".into(),
        ]);
        let mut out = Vec::new();
        t.write(&mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert_eq!(text.trim_end().chars().count(), 40, "{text:?}");
    }

    #[test]
    fn wrapping_keeps_the_last_column_inside_its_column() {
        let mut t = Table::new(&["node", "reason"]).wrap_to(Some(40), 3);
        t.row(vec![
            "minikube-m02".into(),
            "ImagePullBackOff: not found: the registry has no tag v9 for ghcr.io/acme/agent and the rest is long".into(),
        ]);
        t.row(vec!["m03".into(), "short".into()]);
        let mut out = Vec::new();
        t.write(&mut out, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "NODE           REASON\n\
             minikube-m02   ImagePullBackOff: not\n\
             \x20              found: the registry has\n\
             \x20              no tag v9 for…\n\
             m03            short\n"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
    }

    #[test]
    fn wrapping_falls_back_to_cutting_when_the_column_would_be_too_narrow() {
        let mut t = Table::new(&["node", "reason"]).wrap_to(Some(40), 3);
        t.row(vec![
            "a-node-name-of-thirty-characters".into(),
            "ImagePullBackOff: not found".into(),
        ]);
        let mut out = Vec::new();
        t.write(&mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert_eq!(text.trim_end().chars().count(), 40, "{text}");
    }

    #[test]
    fn words_wrap_at_spaces_and_long_words_break() {
        assert_eq!(wrap_words("a bb ccc dddd", 6, 5), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap_words("abcdefghij", 4, 5), ["abcd", "efgh", "ij"]);
        assert_eq!(
            wrap_words("one two three four", 9, 2),
            ["one two", "three…"]
        );
        assert_eq!(wrap_words("", 9, 2), [""]);
    }

    #[test]
    fn columns_are_left_out_in_the_order_given_until_the_table_fits() {
        let mut t = Table::new(&["node", "age", "restarts", "status"]);
        t.row(vec![
            "m01".into(),
            "30m".into(),
            "0".into(),
            "Running".into(),
        ]);
        // NODE(4)+3, AGE(3)+3, RESTARTS(8)+3, STATUS(7) = 31.
        assert!(t.clone_dropped(31, &["restarts", "age"]).is_empty());
        assert_eq!(t.clone_dropped(30, &["restarts", "age"]), ["RESTARTS"]);
        assert_eq!(
            t.clone_dropped(19, &["restarts", "age"]),
            ["RESTARTS", "AGE"]
        );
        assert_eq!(
            t.clone_dropped(5, &["restarts", "age"]),
            ["RESTARTS", "AGE"]
        );
        t.drop_to_fit(20, true, &["restarts"]);
        let mut out = Vec::new();
        t.write(&mut out, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "NODE   AGE   STATUS\nm01    30m   Running\n"
        );
    }

    impl Table {
        fn clone_dropped(&self, width: usize, victims: &[&str]) -> Vec<String> {
            let mut t = Table {
                headers: self.headers.clone(),
                rows: self.rows.clone(),
                max_width: None,
                fit: Fit::Cut,
            };
            t.drop_to_fit(width, true, victims)
        }
    }
}
