//! The offline snapshot loader: builds a [`Snapshot`] from saved cluster state.
//!
//! Accepted input is what these commands print:
//!
//! * `kubectl get nodes,pods,daemonsets,controllerrevisions,events -A -o json` (or `-o yaml`):
//!   a `v1 List` whose items carry their own `kind` and `apiVersion`;
//! * `kubectl get … -o json` of one object, or `kubectl get --raw` of a typed list (`PodList`, …)
//!   whose items lack `kind`/`apiVersion` (taken from the list's kind minus `List`);
//! * `kubectl cluster-info dump` to standard output (several JSON lists one after another) or
//!   with `--output-directory DIR` (a tree of `nodes.json`, `NS/pods.json`, …, and `logs.txt`
//!   files, which are skipped);
//! * several YAML documents separated by `---`, or a JSON array of objects.
//!
//! A path may be a file, a directory (walked recursively in name order, loading `*.json`,
//! `*.yaml` and `*.yml`; symbolic links inside it are skipped, never followed) or `-` for standard
//! input. Input whose first non-blank byte is `{` or `[` is JSON, anything else YAML.
//!
//! JSON is streamed: the input is read in 4 MiB chunks and each list item is parsed from memory
//! straight into its model type, so memory holds the model plus a chunk (and one item, if an item
//! is larger). Each object's vectors are shrunk to fit as it is stored. YAML is streamed too: one
//! document at a time from the reader, a list's items handed over one by one as they are parsed
//! (each built as a JSON value first, under budgets that stop alias bombs quickly).
//!
//! Every input is capped ([`Limits`]): one token, one object, and the objects of each kind, so an
//! endless or hostile input ends in an error naming the file and the limit. A key written twice in
//! one object is an error (the result would depend on the order). UTF-16 input is refused with the
//! command that converts it; a UTF-8 byte order mark is skipped. File names are escaped
//! ([`crate::render::safe::escape`]) before they reach a message.
//!
//! Objects of other kinds are ignored. Objects that cannot be used are skipped with a warning:
//! a known kind with an unknown `apiVersion`, an object without `kind` (in a `v1 List`) and an
//! object without `metadata.name`. When several objects have the same kind, namespace and name,
//! the one loaded last is kept and one warning names it. Everything else that is wrong (syntax,
//! a field of the wrong type, an empty file, binary data) is an error whose message starts with
//! the file (`<stdin>` for `-`) and names the line, document or item (1-based) where it can.

mod collect;
mod json;
mod unique;
mod yaml;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};

use crate::model::Snapshot;
use crate::render;
use collect::Collector;

/// Buffer size for reading files and standard input.
const READ_BUFFER: usize = 256 << 10;

/// What one input may make the loader hold: every cap is generous (far above what Kubernetes
/// itself allows) and exists so that endless or hostile input ends in an error, not in the
/// memory of the machine. [`Limits::DEFAULT`] is what the commands use; the documented figures
/// (README, "Offline input") must match it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one token: one JSON string, number or key, one YAML scalar or comment, one run
    /// of blank space. The API server stores objects of at most 1.5 MiB.
    pub token: usize,
    /// Bytes of one object: a list item or a single object as JSON text, or the values built
    /// from one YAML object (aliases expanded).
    pub object: usize,
    /// Node objects across all inputs (Kubernetes supports 5,000 nodes per cluster).
    pub nodes: usize,
    /// Pod objects across all inputs (Kubernetes supports 150,000 pods per cluster).
    pub pods: usize,
    /// DaemonSet, ControllerRevision and Event objects across all inputs, each kind.
    pub others: usize,
    /// Objects of any kind read, kept or ignored, across all inputs.
    pub objects: usize,
}

impl Limits {
    /// The caps the commands use.
    pub const DEFAULT: Limits = Limits {
        token: 16 << 20,
        object: 64 << 20,
        nodes: 100_000,
        pods: 1_000_000,
        others: 1_000_000,
        objects: 10_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// `n` bytes as a short figure for messages (`16 MiB`, `300 bytes`).
pub(crate) fn bytes_figure(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// A count with thousands separators for messages (`100,000`).
pub(crate) fn count_figure(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// What the loader produced: the objects, and warnings about the ones it skipped or replaced.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The objects kept.
    pub snapshot: Snapshot,
    /// One line per skipped or duplicated object, each naming its file.
    pub warnings: Vec<String>,
    /// Where each DaemonSet kept was read: `(namespace, name)` → `FILE:LINE`, or `FILE` when
    /// the line is unknown (an item of a YAML list). For `check`'s `source`.
    pub daemon_set_sources: std::collections::BTreeMap<(String, String), String>,
}

/// Loads files, directories, or `"-"` for standard input (read from `stdin`), in the order given.
///
/// # Errors
/// When a path cannot be read, an input is malformed or empty, or a directory holds no
/// Kubernetes objects. The message starts with the path as given (`<stdin>` for `-`).
pub fn load_paths(paths: &[PathBuf], stdin: &mut dyn Read) -> anyhow::Result<Loaded> {
    load_paths_with_limits(paths, stdin, Limits::DEFAULT)
}

/// [`load_paths`] under other caps (tests use small ones).
///
/// # Errors
/// As for [`load_paths`].
#[doc(hidden)]
pub fn load_paths_with_limits(
    paths: &[PathBuf],
    stdin: &mut dyn Read,
    limits: Limits,
) -> anyhow::Result<Loaded> {
    if paths.is_empty() {
        bail!("no input given: name a file, a directory or - for standard input");
    }
    let mut c = Collector::with_limits(limits);
    for path in paths {
        if path.as_os_str() == "-" {
            load_reader(
                &mut c,
                "<stdin>",
                BufReader::with_capacity(READ_BUFFER, &mut *stdin),
            )?;
            continue;
        }
        let display = shown(path);
        // The paths given are followed even when they are symbolic links.
        let meta = std::fs::metadata(path).map_err(|e| anyhow!("{display}: {e}"))?;
        if meta.is_dir() {
            load_dir(&mut c, path, &display)?;
        } else {
            load_file(&mut c, path, &display)?;
        }
    }
    Ok(finish(c))
}

/// Loads one in-memory document; `origin` names it in messages.
///
/// # Errors
/// As for [`load_paths`], with `origin` in place of the file name.
pub fn load_bytes(origin: &str, bytes: &[u8]) -> anyhow::Result<Loaded> {
    load_reader_with_limits(origin, bytes, Limits::DEFAULT)
}

/// Loads one input read from `reader` under `limits`; `origin` names it in messages.
///
/// # Errors
/// As for [`load_paths`], with `origin` in place of the file name.
#[doc(hidden)]
pub fn load_reader_with_limits(
    origin: &str,
    reader: impl Read,
    limits: Limits,
) -> anyhow::Result<Loaded> {
    let mut c = Collector::with_limits(limits);
    let origin = render::safe::escape(origin);
    load_reader(
        &mut c,
        &origin,
        BufReader::with_capacity(READ_BUFFER, reader),
    )?;
    Ok(finish(c))
}

/// A path as messages show it: foreign control characters escaped (a file name is text from
/// outside the program).
fn shown(path: &Path) -> String {
    render::safe::escape(&path.display().to_string()).into_owned()
}

fn finish(mut c: Collector) -> Loaded {
    let daemon_set_sources = std::mem::take(&mut c.daemon_set_sources);
    let (snapshot, warnings) = c.finish();
    Loaded {
        snapshot,
        warnings,
        daemon_set_sources,
    }
}

fn load_file(c: &mut Collector, path: &Path, display: &str) -> anyhow::Result<()> {
    let file = File::open(path).map_err(|e| anyhow!("{display}: {e}"))?;
    load_reader(c, display, BufReader::with_capacity(READ_BUFFER, file))
}

/// Loads every `*.json`, `*.yaml` and `*.yml` file under `dir`.
fn load_dir(c: &mut Collector, dir: &Path, display: &str) -> anyhow::Result<()> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    if files.is_empty() {
        bail!("{display}: no Kubernetes objects found (no .json, .yaml or .yml files)");
    }
    let before = c.objects;
    for file in files {
        load_file(c, &file, &shown(&file))?;
    }
    if c.objects == before {
        bail!("{display}: no Kubernetes objects found");
    }
    Ok(())
}

/// Collects the loadable files under `dir`, depth first in name order, skipping symbolic links.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow!("{}: {e}", shown(dir)))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        // `DirEntry::file_type` does not follow symbolic links.
        let file_type = entry
            .file_type()
            .map_err(|e| anyhow!("{}: {e}", shown(&path)))?;
        if file_type.is_dir() {
            walk(&path, out)?;
        } else if file_type.is_file() && is_loadable(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_loadable(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["json", "yaml", "yml"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Loads one input, JSON or YAML by its first non-blank byte.
fn load_reader(c: &mut Collector, display: &str, mut r: impl BufRead) -> anyhow::Result<()> {
    c.begin_file(display);
    let io = |e: std::io::Error| anyhow!("{display}: read error: {e}");
    let limit = c.limits.token;
    // The blank prefix is kept: it shifts no columns, but line numbers must count it.
    let mut prefix = Vec::new();
    let mut first_chunk = true;
    let first = loop {
        let buf = r.fill_buf().map_err(io)?;
        if buf.is_empty() {
            bail!("{display}: no Kubernetes objects found (the input is empty)");
        }
        let mut start = 0;
        if first_chunk {
            if let Some(how) = utf16(buf) {
                bail!(
                    "{display}: UTF-16 text ({how}), expected UTF-8 JSON or YAML; convert it with `iconv -f UTF-16 -t UTF-8 FILE > out.yaml` (or write it from PowerShell with `Out-File -Encoding utf8`)"
                );
            }
            if buf.starts_with(b"\xEF\xBB\xBF") {
                start = 3;
            }
        }
        first_chunk = false;
        let blank = buf[start..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if prefix.len().saturating_add(blank) > limit {
            bail!(
                "{display}: more than {} of blank space before the first object (the loader's limit for one token); is this the right input?",
                bytes_figure(limit)
            );
        }
        prefix.extend_from_slice(&buf[start..start + blank]);
        let consumed = start + blank;
        if consumed < buf.len() {
            let first = buf[consumed];
            r.consume(consumed);
            break first;
        }
        r.consume(consumed);
    };
    // The blank prefix goes back in front so that line numbers and offsets count it.
    let documents = if first == b'{' || first == b'[' {
        json::load(c, prefix.as_slice().chain(r))?
    } else {
        // Refuse binary data by its first NUL before the parser sees (and trips on) other bytes.
        let head = r.fill_buf().map_err(io)?;
        if let Some(offset) = head.iter().position(|&b| b == 0) {
            let offset = offset + prefix.len();
            bail!("{display}: binary data (NUL byte at offset {offset}); expected JSON or YAML");
        }
        yaml::load(c, prefix.as_slice().chain(r))?
    };
    if documents == 0 {
        bail!("{display}: no Kubernetes objects found");
    }
    if let Some(objects) = c.nothing_but_kindless() {
        // One error rather than a warning per element: this is not a dump of Kubernetes objects.
        bail!(
            "{display}: not Kubernetes objects: none of its {} object{} has a `kind` (expected what `kubectl get -o json` or `-o yaml` prints)",
            count_figure(objects),
            if objects == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

/// How the start of an input shows it is UTF-16 (PowerShell's `>` writes it), if it does.
fn utf16(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\xFF\xFE") {
        return Some("byte order mark FF FE");
    }
    if head.starts_with(b"\xFE\xFF") {
        return Some("byte order mark FE FF");
    }
    // ASCII text with a NUL after (little-endian) or before (big-endian) every character.
    let pairs: Vec<&[u8]> = head.chunks_exact(2).take(4).collect();
    if pairs.len() < 2 {
        return None;
    }
    let ascii = |b: u8| b != 0 && b.is_ascii();
    if pairs.iter().all(|p| ascii(p[0]) && p[1] == 0) {
        return Some("a NUL byte after every character");
    }
    if pairs.iter().all(|p| p[0] == 0 && ascii(p[1])) {
        return Some("a NUL byte before every character");
    }
    None
}
