//! Bytes for people and scripts. Everything writes to a `Write`; nothing here prints directly,
//! talks to a cluster or reads the clock.

pub mod check;
pub mod describe;
pub mod hints;
pub mod list;
pub mod pod;
pub mod replace;
pub mod rollout;
pub mod safe;
pub mod style;
pub mod table;
pub mod why_missing;

use std::io::{self, Write};

use serde::Serialize;

/// Writes `doc` as JSON, indented four spaces as kubectl does, with a final newline.
///
/// # Errors
/// On write failure.
pub fn json<W: Write + ?Sized, T: Serialize>(out: &mut W, doc: &T) -> io::Result<()> {
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, formatter);
    doc.serialize(&mut ser).map_err(io::Error::other)?;
    writeln!(out)
}

/// Writes `doc` as YAML.
///
/// # Errors
/// On write failure.
pub fn yaml<W: Write + ?Sized, T: Serialize>(out: &mut W, doc: &T) -> io::Result<()> {
    let text = serde_saphyr::to_string(doc).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}

/// `, as of 2026-11-28 10:00 UTC, from the snapshot` for a title when the offline "now" was
/// taken from the saved objects; empty otherwise.
pub fn as_of_suffix(as_of: Option<jiff::Timestamp>) -> String {
    as_of.map_or_else(String::new, |t| {
        format!(
            ", as of {}, from the snapshot",
            t.strftime("%Y-%m-%d %H:%M UTC")
        )
    })
}
