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
//! is larger). Each object's vectors are shrunk to fit as it is stored. YAML is read whole (it
//! parses an order of magnitude slower anyway) into a JSON value per document, under budgets
//! that stop alias bombs quickly.
//!
//! Objects of other kinds are ignored. Objects that cannot be used are skipped with a warning:
//! a known kind with an unknown `apiVersion`, an object without `kind` (in a `v1 List`) and an
//! object without `metadata.name`. When several objects have the same kind, namespace and name,
//! the one loaded last is kept and one warning names it. Everything else that is wrong (syntax,
//! a field of the wrong type, an empty file, binary data) is an error whose message starts with
//! the file (`<stdin>` for `-`) and names the line, document or item (1-based) where it can.

mod collect;
mod json;
mod yaml;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};

use crate::model::Snapshot;
use collect::Collector;

/// Buffer size for reading files and standard input.
const READ_BUFFER: usize = 256 << 10;

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
    if paths.is_empty() {
        bail!("no input given: name a file, a directory or - for standard input");
    }
    let mut c = Collector::default();
    for path in paths {
        if path.as_os_str() == "-" {
            load_reader(
                &mut c,
                "<stdin>",
                BufReader::with_capacity(READ_BUFFER, &mut *stdin),
            )?;
            continue;
        }
        let display = path.display().to_string();
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
    let mut c = Collector::default();
    load_reader(&mut c, origin, bytes)?;
    Ok(finish(c))
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
        let shown = file.display().to_string();
        load_file(c, &file, &shown)?;
    }
    if c.objects == before {
        bail!("{display}: no Kubernetes objects found");
    }
    Ok(())
}

/// Collects the loadable files under `dir`, depth first in name order, skipping symbolic links.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let shown = || dir.display().to_string();
    let mut entries = std::fs::read_dir(dir)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow!("{}: {e}", shown()))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        // `DirEntry::file_type` does not follow symbolic links.
        let file_type = entry
            .file_type()
            .map_err(|e| anyhow!("{}: {e}", path.display()))?;
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
    // The blank prefix is kept: it shifts no columns, but line numbers must count it.
    let mut prefix = Vec::new();
    let mut first_chunk = true;
    let first = loop {
        let buf = r.fill_buf().map_err(io)?;
        if buf.is_empty() {
            bail!("{display}: no Kubernetes objects found (the input is empty)");
        }
        let mut start = 0;
        if first_chunk && buf.starts_with(b"\xEF\xBB\xBF") {
            start = 3;
        }
        first_chunk = false;
        let blank = buf[start..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        prefix.extend_from_slice(&buf[start..start + blank]);
        let consumed = start + blank;
        if consumed < buf.len() {
            let first = buf[consumed];
            r.consume(consumed);
            break first;
        }
        r.consume(consumed);
    };
    let documents = if first == b'{' || first == b'[' {
        // The blank prefix goes back in front so that line numbers count it.
        json::load(c, prefix.as_slice().chain(r))?
    } else {
        // Refuse binary data before reading all of it.
        let head = r.fill_buf().map_err(io)?;
        if let Some(offset) = head.iter().position(|&b| b == 0) {
            let offset = offset + prefix.len();
            bail!("{display}: binary data (NUL byte at offset {offset}); expected JSON or YAML");
        }
        let mut bytes = prefix;
        r.read_to_end(&mut bytes).map_err(io)?;
        yaml::load(c, &bytes)?
    };
    if documents == 0 {
        bail!("{display}: no Kubernetes objects found");
    }
    Ok(())
}
