//! Progress on stderr: one line per event in a pipe, a live per-node view on a terminal.

use std::io::Write;
use std::time::Instant;

use super::runner::Progress;
use crate::analysis::replace::Event;
use crate::render::replace::{LiveNode, event_line, live_lines};

/// One time-stamped line per event (logs, pipes, CI).
pub struct Lines<W: Write> {
    out: W,
    start: Instant,
}

impl<W: Write> Lines<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Lines<W> {
        Lines {
            out,
            start: Instant::now(),
        }
    }
}

impl<W: Write> Progress for Lines<W> {
    fn event(&mut self, event: &Event) {
        let t = self.start.elapsed().as_secs_f64();
        let _ = writeln!(self.out, "[{t:>6.1}s] {}", event_line(event));
        let _ = self.out.flush();
    }
}

/// Event lines scroll above a block showing the nodes in flight, redrawn after every look.
pub struct Live<W: Write> {
    out: W,
    start: Instant,
    color: bool,
    block: Vec<String>,
    drawn: usize,
}

impl<W: Write> Live<W> {
    /// Writes to `out` (a terminal).
    pub fn new(out: W, color: bool) -> Live<W> {
        Live {
            out,
            start: Instant::now(),
            color,
            block: Vec::new(),
            drawn: 0,
        }
    }

    fn clear(&mut self) {
        if self.drawn > 0 {
            // Up to the block's first line, then erase to the end of the screen.
            let _ = write!(self.out, "\x1b[{}F\x1b[0J", self.drawn);
            self.drawn = 0;
        }
    }

    fn draw(&mut self) {
        for line in &self.block {
            let _ = writeln!(self.out, "{line}");
        }
        self.drawn = self.block.len();
        let _ = self.out.flush();
    }
}

impl<W: Write> Progress for Live<W> {
    fn event(&mut self, event: &Event) {
        self.clear();
        let t = self.start.elapsed().as_secs_f64();
        let line = event_line(event);
        let line = if self.color && matches!(event, Event::Failed { .. }) {
            format!("\x1b[1;31m{line}\x1b[0m")
        } else {
            line
        };
        let _ = writeln!(self.out, "[{t:>6.1}s] {line}");
        if matches!(
            event,
            Event::BatchStarted { .. }
                | Event::Stopping { .. }
                | Event::Pausing { .. }
                | Event::Replaced { .. }
                | Event::Failed { .. }
        ) {
            // Redrawn at the next look, without the nodes that are done.
            self.block.clear();
        }
        self.draw();
    }

    fn live(&mut self, batch: usize, nodes: &[LiveNode]) {
        self.clear();
        self.block = if nodes.is_empty() {
            Vec::new()
        } else {
            live_lines(batch, nodes)
        };
        self.draw();
    }

    fn finish(&mut self) {
        self.clear();
        self.block.clear();
        let _ = self.out.flush();
    }
}
