//! Colour for verdict words only (never in JSON/YAML, never when not allowed).

use owo_colors::OwoColorize;

use crate::analysis::Verdict;

/// A verdict word, coloured when `color` is on.
pub fn verdict(v: Verdict, color: bool) -> String {
    let word = v.as_str();
    if !color {
        return word.to_owned();
    }
    match v {
        Verdict::Missing | Verdict::Failing => word.red().bold().to_string(),
        Verdict::Pending | Verdict::Misscheduled | Verdict::Outdated => word.yellow().to_string(),
        Verdict::Healthy => word.green().to_string(),
        Verdict::Excluded => word.dimmed().to_string(),
    }
}
