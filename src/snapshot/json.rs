//! Streaming JSON: one or more top-level values read in large chunks, never the whole file.
//!
//! A small structural scanner walks the top level (the list's keys and the `items` array) and
//! finds where each item ends; serde_json then parses each item from that in-memory slice, the
//! fastest way it parses. An item's `kind` and `apiVersion` are read by the scanner (they come
//! first in kubectl's output, so it stops early) and the item is decoded straight into its model
//! type. Memory holds the model plus the item being read; the scanner validates nothing that
//! serde_json checks afterwards.

use std::borrow::Cow;
use std::cell::Cell;
use std::io::Read;

use anyhow::anyhow;
use serde::de::DeserializeOwned;
use serde::de::IgnoredAny;

use crate::model::Kind;

use super::Limits;

use super::collect::{
    Collector, DecodeError, ItemError, ItemSource, Place, json_error_message, probe_key,
};

/// Bytes read from the input at a time.
const CHUNK: usize = 4 << 20;

/// A JSON value's text, decoded on demand.
#[derive(Clone, Copy)]
pub(super) struct JsonText<'a>(pub &'a [u8]);

impl ItemSource for JsonText<'_> {
    fn decode<T: DeserializeOwned>(self) -> Result<T, DecodeError> {
        let mut de = serde_json::Deserializer::from_slice(self.0);
        T::deserialize(super::unique::UniqueKeys(&mut de))
            .and_then(|value| de.end().map(|()| value))
            .map_err(|e| DecodeError {
                detail: json_error_message(&e),
                key: self.key(),
                at: (e.line() > 0).then(|| (e.line(), e.column())),
            })
    }

    fn key(&self) -> Option<String> {
        probe_key(self.0)
    }
}

/// Loads every top-level JSON value of `reader`; returns how many there were.
pub(super) fn load(c: &mut Collector, reader: impl Read) -> anyhow::Result<usize> {
    load_chunked(c, reader, CHUNK)
}

/// [`load`], reading `chunk` bytes at a time.
fn load_chunked(c: &mut Collector, reader: impl Read, chunk: usize) -> anyhow::Result<usize> {
    let mut input = Input::new(reader, chunk);
    input.limits = c.limits;
    let mut docs = 0;
    loop {
        let result = match input.peek() {
            Ok(None) => break,
            Ok(Some(b'{')) => {
                docs += 1;
                object_doc(c, &mut input, docs)
            }
            Ok(Some(b'[')) => array_doc(c, &mut input, &mut docs),
            Ok(Some(_)) => {
                Err(input.syntax(0, "expected `{` or `[` (another JSON object or list)"))
            }
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            return Err(e.into_anyhow(c.file()));
        }
    }
    Ok(docs)
}

/// A loading error, positioned in the input.
enum Failure {
    Io(std::io::Error),
    /// A syntax problem at an absolute line and column.
    Syntax {
        line: usize,
        column: usize,
        place: String,
        detail: String,
    },
    /// An item (or single object) that does not decode.
    Item {
        line: usize,
        column: usize,
        err: ItemError,
    },
}

impl Failure {
    fn into_anyhow(self, file: &str) -> anyhow::Error {
        match self {
            Failure::Io(e) => anyhow!("{file}: read error: {e}"),
            Failure::Syntax {
                line,
                column,
                place,
                detail,
            } => {
                let place = if place.is_empty() {
                    String::new()
                } else {
                    format!(" ({place})")
                };
                anyhow!("{file}: line {line}, column {column}{place}: {detail}")
            }
            Failure::Item { line, column, err } => {
                anyhow!(
                    "{file}: line {line}, column {column}: {}: {}",
                    err.subject,
                    err.detail
                )
            }
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

/// The unconsumed part of the input, refilled in chunks.
struct Input<R> {
    r: R,
    /// Bytes read at a time.
    chunk: usize,
    buf: Vec<u8>,
    /// Offset in `buf` of the first unconsumed byte; scanner positions are relative to it.
    start: usize,
    eof: bool,
    /// The position of `buf[0]` in the input.
    base: LineCol,
    /// A position already worked out: `buf` offset and its position (positions are asked for
    /// in increasing order, so counting goes on from here).
    mark: Cell<(usize, LineCol)>,
    /// Where a syntax error's message says it is (`document 2: item 3`).
    place: Place,
    /// The caps on one token and one object.
    limits: super::Limits,
}

impl<R: Read> Input<R> {
    fn new(r: R, chunk: usize) -> Self {
        Input {
            r,
            chunk: chunk.max(1),
            buf: Vec::new(),
            start: 0,
            eof: false,
            base: LineCol::default(),
            mark: Cell::new((0, LineCol::default())),
            place: Place::default(),
            limits: super::Limits::DEFAULT,
        }
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Reads another chunk; false at the end of input.
    fn fill(&mut self) -> Result<bool, Failure> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.base = self.line_col(self.start);
            self.mark.set((0, self.base));
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.reserve(self.chunk);
        let n = (&mut self.r)
            .take(self.chunk as u64)
            .read_to_end(&mut self.buf)?;
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// Skips whitespace; returns the next byte without consuming it, `None` at the end.
    fn peek(&mut self) -> Result<Option<u8>, Failure> {
        let mut blank = 0usize;
        loop {
            let pending = self.pending();
            match pending.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(i) => {
                    self.start += i;
                    return Ok(Some(self.buf[self.start]));
                }
                None => {
                    blank = blank.saturating_add(pending.len());
                    if blank > self.limits.token {
                        return Err(self.syntax(
                            0,
                            &format!(
                                "more than {} of blank space (the loader's limit for one token); is the input endless?",
                                super::bytes_figure(self.limits.token)
                            ),
                        ));
                    }
                    self.start = self.buf.len();
                    if !self.fill()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Like [`Self::peek`], but the end of input is an error.
    fn peek_some(&mut self, expected: &str) -> Result<u8, Failure> {
        match self.peek()? {
            Some(b) => Ok(b),
            None => Err(self.syntax(
                0,
                &format!("unexpected end of input, expected {expected} (is the file truncated?)"),
            )),
        }
    }

    /// Consumes `byte`, which must come next (after whitespace).
    fn expect(&mut self, byte: u8, expected: &str) -> Result<(), Failure> {
        if self.peek_some(expected)? == byte {
            self.start += 1;
            Ok(())
        } else {
            Err(self.syntax(0, &format!("expected {expected}")))
        }
    }

    /// The length of the value starting at the next byte, reading more input as needed.
    fn value_len(&mut self) -> Result<usize, Failure> {
        let mut scan = Scan::default();
        loop {
            match scan.advance(self.pending(), self.eof) {
                Ok(Some(len)) => return Ok(len),
                // At the end of input the next call reports the value complete or truncated.
                Ok(None) => {
                    self.check_size(&scan)?;
                    self.fill()?;
                }
                Err(msg) => return Err(self.syntax(scan.pos.min(self.pending().len()), msg)),
            }
        }
    }

    /// Refuses a value whose scan has gone past the caps: one token, or the whole value.
    fn check_size(&self, scan: &Scan) -> Result<(), Failure> {
        let Limits { token, object, .. } = self.limits;
        if let Some(start) = scan.open_token()
            && scan.pos - start > token
        {
            let what = if scan.in_string {
                "a string"
            } else {
                "a number or literal"
            };
            return Err(self.syntax(
                start,
                &format!(
                    "{what} longer than {} (the loader's limit for one token)",
                    super::bytes_figure(token)
                ),
            ));
        }
        if scan.pos > object {
            return Err(self.syntax(
                0,
                &format!(
                    "an object or value longer than {} (the loader's limit for one object)",
                    super::bytes_figure(object)
                ),
            ));
        }
        Ok(())
    }

    /// Line and column (1-based) of the byte `offset` past the consumed point.
    fn position(&self, offset: usize) -> (usize, usize) {
        let at = self.line_col((self.start + offset).min(self.buf.len()));
        (at.line + 1, at.column + 1)
    }

    /// The position of `buf[index]`.
    fn line_col(&self, index: usize) -> LineCol {
        let (mark, at) = self.mark.get();
        let (from, mut at) = if index >= mark {
            (mark, at)
        } else {
            (0, self.base)
        };
        at.advance(&self.buf[from..index]);
        self.mark.set((index, at));
        at
    }

    fn syntax(&self, offset: usize, detail: &str) -> Failure {
        let (line, column) = self.position(offset);
        Failure::Syntax {
            line,
            column,
            place: self.place.describe(),
            detail: detail.to_owned(),
        }
    }

    /// An item error, positioned at the item's start (or inside it, when serde_json said where).
    fn item_failure(&self, err: ItemError) -> Failure {
        let (line, column) = self.position(0);
        let (line, column) = match err.at {
            Some((1, col)) => (line, column + col - 1),
            Some((l, col)) => (line + l - 1, col),
            None => (line, column),
        };
        Failure::Item { line, column, err }
    }

    /// Reads an object key (the next value must be a string).
    fn key(&mut self) -> Result<String, Failure> {
        if self.peek_some("a key")? != b'"' {
            return Err(self.syntax(0, "expected a key in double quotes"));
        }
        let len = self.value_len()?;
        let key = serde_json::from_slice::<String>(&self.pending()[..len])
            .map_err(|e| self.syntax(0, &format!("bad key: {}", json_error_message(&e))))?;
        self.start += len;
        Ok(key)
    }

    /// Reads a string-or-null value.
    fn string_value(&mut self, what: &str) -> Result<Option<String>, Failure> {
        self.peek_some("a value")?;
        let len = self.value_len()?;
        let value = serde_json::from_slice::<Option<String>>(&self.pending()[..len])
            .map_err(|e| self.syntax(0, &format!("{what}: {}", json_error_message(&e))))?;
        self.start += len;
        Ok(value)
    }

    /// Skips a value, checking that it is valid JSON.
    fn skip_value(&mut self) -> Result<(), Failure> {
        self.peek_some("a value")?;
        let len = self.value_len()?;
        serde_json::from_slice::<IgnoredAny>(&self.pending()[..len])
            .map_err(|e| self.json_failure(&e))?;
        self.start += len;
        Ok(())
    }

    /// A serde_json error about the value at the consumed point, with absolute position.
    fn json_failure(&self, e: &serde_json::Error) -> Failure {
        let (line, column) = self.position(0);
        let (line, column) = if e.line() <= 1 {
            (line, column + e.column().saturating_sub(1))
        } else {
            (line + e.line() - 1, e.column())
        };
        let detail = json_error_message(e);
        Failure::Syntax {
            line,
            column,
            place: self.place.describe(),
            detail,
        }
    }
}

/// A position in the input, both counts from 0.
#[derive(Debug, Clone, Copy, Default)]
struct LineCol {
    line: usize,
    /// Bytes since the last newline.
    column: usize,
}

impl LineCol {
    fn advance(&mut self, bytes: &[u8]) {
        let newlines = count_newlines(bytes);
        if newlines == 0 {
            self.column += bytes.len();
        } else {
            self.line += newlines;
            let last = bytes.iter().rposition(|&b| b == b'\n').unwrap_or(0);
            self.column = bytes.len() - last - 1;
        }
    }
}

/// A top-level array: each element is handled as a document of its own.
fn array_doc<R: Read>(
    c: &mut Collector,
    input: &mut Input<R>,
    docs: &mut usize,
) -> Result<(), Failure> {
    input.expect(b'[', "`[`")?;
    let mut first = true;
    loop {
        if input.peek_some("`]`")? == b']' {
            input.start += 1;
            return Ok(());
        }
        if !first {
            input.expect(b',', "`,` or `]`")?;
        }
        first = false;
        if input.peek_some("an object")? != b'{' {
            return Err(input.syntax(0, "expected an object in the top-level array"));
        }
        *docs += 1;
        object_doc(c, input, *docs)?;
    }
}

/// An item held back until its list's `kind` is known.
struct Deferred {
    index: usize,
    api: Option<String>,
    text: Vec<u8>,
    line: usize,
    column: usize,
}

/// One top-level object: a list (streamed) or a single object.
fn object_doc<R: Read>(c: &mut Collector, input: &mut Input<R>, doc: usize) -> Result<(), Failure> {
    let place = Place {
        doc,
        show_doc: doc > 1,
        item: None,
    };
    input.place = place;
    let (doc_line, doc_column) = input.position(0);
    input.expect(b'{', "`{`")?;
    let mut kind: Option<String> = None;
    let mut api: Option<String> = None;
    let mut items_seen = false;
    let mut deferred: Vec<Deferred> = Vec::new();
    let mut rest: Vec<(String, Vec<u8>)> = Vec::new();
    let mut rest_bytes = 0usize;
    let mut deferred_bytes = 0usize;
    // Keys read at this level: a repeated one would make the result depend on the order.
    let mut keys: Vec<String> = Vec::new();
    let mut first = true;
    loop {
        if input.peek_some("`}`")? == b'}' {
            input.start += 1;
            break;
        }
        if !first {
            input.expect(b',', "`,` or `}`")?;
        }
        first = false;
        input.peek_some("a key")?;
        let (key_line, key_column) = input.position(0);
        let key = input.key()?;
        let checked = matches!(key.as_str(), "kind" | "apiVersion" | "items") || !items_seen;
        if checked {
            if keys.contains(&key) {
                return Err(Failure::Syntax {
                    line: key_line,
                    column: key_column,
                    place: input.place.describe(),
                    detail: format!("duplicate key {key:?}"),
                });
            }
            keys.push(key.clone());
        }
        input.expect(b':', "`:`")?;
        match key.as_str() {
            "kind" => kind = input.string_value("kind")?,
            "apiVersion" => api = input.string_value("apiVersion")?,
            "items" => {
                items_seen = true;
                items(
                    c,
                    input,
                    place,
                    kind.as_deref(),
                    api.as_deref(),
                    &mut deferred,
                    &mut deferred_bytes,
                )?;
                input.place = place;
            }
            // Past the list, or in an object of a kind that is dropped anyway (a big ConfigMap).
            _ if items_seen || is_ignored_kind(kind.as_deref()) => input.skip_value()?,
            _ => {
                input.peek_some("a value")?;
                let len = input.value_len()?;
                rest_bytes = rest_bytes.saturating_add(len + key.len());
                if rest_bytes > input.limits.object {
                    return Err(input.syntax(
                        0,
                        &format!(
                            "an object longer than {} (the loader's limit for one object)",
                            super::bytes_figure(input.limits.object)
                        ),
                    ));
                }
                rest.push((key, input.pending()[..len].to_vec()));
                input.start += len;
            }
        }
    }
    if items_seen {
        // Items without a kind that came before the list's own `kind`.
        let item_kind = kind.as_deref().and_then(list_item_kind);
        for item in deferred {
            let place = Place {
                item: Some(item.index),
                ..place
            };
            let item_api = item.api.as_deref().or(api.as_deref());
            c.line = Some(item.line);
            c.add(&place, item_kind, item_api, JsonText(&item.text))
                .map_err(|err| {
                    let (line, column) = match err.at {
                        Some((1, col)) => (item.line, item.column + col - 1),
                        Some((l, col)) => (item.line + l - 1, col),
                        None => (item.line, item.column),
                    };
                    Failure::Item { line, column, err }
                })?;
        }
        return Ok(());
    }
    // A single object: put its other fields back together and decode that.
    let mut text = Vec::with_capacity(rest.iter().map(|(k, v)| k.len() + v.len() + 8).sum());
    text.push(b'{');
    for (i, (key, value)) in rest.iter().enumerate() {
        if i > 0 {
            text.push(b',');
        }
        // Writing a string to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut text, key);
        text.push(b':');
        text.extend_from_slice(value);
    }
    text.push(b'}');
    c.line = Some(doc_line);
    c.add(&place, kind.as_deref(), api.as_deref(), JsonText(&text))
        .map_err(|err| {
            // Positions inside the rebuilt text mean nothing to the reader: name the object's start.
            let err = ItemError { at: None, ..err };
            Failure::Item {
                line: doc_line,
                column: doc_column,
                err,
            }
        })
}

/// True for a kind that is neither kept nor a list (whose items might be kept).
fn is_ignored_kind(kind: Option<&str>) -> bool {
    kind.is_some_and(|k| Kind::from_kind(k).is_none() && k != "List" && list_item_kind(k).is_none())
}

/// The item kind of a typed list (`PodList` → `Pod`); `None` for `List` and other kinds.
pub(super) fn list_item_kind(list_kind: &str) -> Option<&str> {
    list_kind.strip_suffix("List").filter(|k| !k.is_empty())
}

/// A list's `items`, streamed one item at a time.
fn items<R: Read>(
    c: &mut Collector,
    input: &mut Input<R>,
    place: Place,
    list_kind: Option<&str>,
    list_api: Option<&str>,
    deferred: &mut Vec<Deferred>,
    deferred_bytes: &mut usize,
) -> Result<(), Failure> {
    match input.peek_some("a list")? {
        b'[' => input.start += 1,
        b'n' => return input.skip_value(),
        _ => return Err(input.syntax(0, "items: expected a list")),
    }
    let typed_kind = list_kind.and_then(list_item_kind);
    let mut index = 0;
    loop {
        input.place = Place {
            item: Some(index + 1),
            ..place
        };
        if input.peek_some("`]`")? == b']' {
            input.start += 1;
            return Ok(());
        }
        if index > 0 {
            input.expect(b',', "`,` or `]`")?;
            input.peek_some("an item")?;
        }
        index += 1;
        let item_place = Place {
            item: Some(index),
            ..place
        };
        input.place = item_place;
        let len = input.value_len()?;
        let text = &input.pending()[..len];
        let probe = match probe_type(text) {
            Ok(probe) => probe,
            Err(()) => {
                return Err(match serde_json::from_slice::<IgnoredAny>(text) {
                    Err(e) => input.json_failure(&e),
                    Ok(_) => input.syntax(0, "expected an object"),
                });
            }
        };
        if let Some(key) = probe.duplicate {
            return Err(input.syntax(0, &format!("duplicate key {key:?}")));
        }
        // Only a DaemonSet's line is kept (check's `source`); counting lines costs time.
        if probe.kind.as_deref().or(typed_kind) == Some("DaemonSet") {
            c.line = Some(input.position(0).0);
        }
        let result = match (probe.kind.as_deref(), typed_kind) {
            (Some(kind), _) => c.add(
                &item_place,
                Some(kind),
                probe.api_version.as_deref(),
                JsonText(text),
            ),
            (None, Some(kind)) => {
                let api = probe.api_version.as_deref().or(list_api);
                c.add(&item_place, Some(kind), api, JsonText(text))
            }
            (None, None) if list_kind.is_none() => {
                // Held until the list's `kind` comes: a cap on all of them, not just on each.
                *deferred_bytes = deferred_bytes.saturating_add(len);
                if *deferred_bytes > input.limits.object.saturating_mul(16) {
                    return Err(input.syntax(
                        0,
                        &format!(
                            "items without `kind` before the list's own `kind` take more than {} (the loader's limit); put the list's `kind` first",
                            super::bytes_figure(input.limits.object.saturating_mul(16))
                        ),
                    ));
                }
                let (line, column) = input.position(0);
                deferred.push(Deferred {
                    index,
                    api: probe.api_version.map(Cow::into_owned),
                    text: text.to_vec(),
                    line,
                    column,
                });
                Ok(())
            }
            (None, None) => c.add(&item_place, None, None, JsonText(text)),
        };
        if let Err(err) = result {
            return Err(input.item_failure(err));
        }
        input.start += len;
    }
}

/// An item's `kind` and `apiVersion`.
#[derive(Default)]
struct TypeProbe<'a> {
    kind: Option<Cow<'a, str>>,
    api_version: Option<Cow<'a, str>>,
    /// `kind` or `apiVersion`, when it came twice before the probe stopped.
    duplicate: Option<&'static str>,
}

/// Reads the top-level `kind` and `apiVersion` of one complete object, stopping once both are
/// known. `Err` when the text is not an object (serde_json then says what is wrong).
fn probe_type(text: &[u8]) -> Result<TypeProbe<'_>, ()> {
    let mut probe = TypeProbe::default();
    let ws = |pos: usize| {
        pos + text[pos.min(text.len())..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count()
    };
    let mut pos = ws(0);
    if text.get(pos) != Some(&b'{') {
        return Err(());
    }
    pos += 1;
    let mut first = true;
    let (mut kind_seen, mut api_seen) = (false, false);
    loop {
        pos = ws(pos);
        match text.get(pos) {
            Some(b'}') => return Ok(probe),
            Some(b',') if !first => pos = ws(pos + 1),
            Some(_) if first => {}
            _ => return Err(()),
        }
        first = false;
        if text.get(pos) != Some(&b'"') {
            return Err(());
        }
        let key_len = Scan::complete(&text[pos..])?;
        let key = &text[pos + 1..pos + key_len - 1];
        pos = ws(pos + key_len);
        if text.get(pos) != Some(&b':') {
            return Err(());
        }
        pos = ws(pos + 1);
        let value_len = Scan::complete(&text[pos.min(text.len())..])?;
        let value = &text[pos..pos + value_len];
        pos += value_len;
        let (slot, seen, name) = match key {
            b"kind" => (&mut probe.kind, &mut kind_seen, "kind"),
            b"apiVersion" => (&mut probe.api_version, &mut api_seen, "apiVersion"),
            _ => continue,
        };
        if *seen {
            probe.duplicate = Some(name);
            return Ok(probe);
        }
        *seen = true;
        *slot = string_of(value);
        // The rest of the object is checked for repeated keys as it is decoded.
        if probe.kind.is_some() && probe.api_version.is_some() {
            return Ok(probe);
        }
    }
}

/// The string a JSON string value holds; `None` for other values (read as absent).
fn string_of(value: &[u8]) -> Option<Cow<'_, str>> {
    if value.first() != Some(&b'"') {
        return None;
    }
    if value.len() >= 2 && !value.contains(&b'\\') {
        return std::str::from_utf8(&value[1..value.len() - 1])
            .ok()
            .map(Cow::Borrowed);
    }
    serde_json::from_slice::<String>(value).ok().map(Cow::Owned)
}

/// A resumable scan for the end of one JSON value (structure only: serde_json validates).
#[derive(Default)]
struct Scan {
    pos: usize,
    depth: usize,
    started: bool,
    in_string: bool,
    escaped: bool,
    scalar: bool,
    /// Where the string or scalar being scanned starts.
    token_start: usize,
}

impl Scan {
    /// Where the string or number the scan stopped in starts, if it stopped in one.
    fn open_token(&self) -> Option<usize> {
        (self.in_string || self.scalar).then_some(self.token_start)
    }

    /// The length of the complete value at the start of `text`.
    fn complete(text: &[u8]) -> Result<usize, ()> {
        Scan::default().advance(text, true).ok().flatten().ok_or(())
    }

    /// Scans `text` (the value and what follows, from the value's first byte) on from where the
    /// last call stopped. `Ok(None)`: more input needed.
    fn advance(&mut self, text: &[u8], eof: bool) -> Result<Option<usize>, &'static str> {
        if !self.started {
            let Some(&first) = text.first() else {
                return if eof {
                    Err("unexpected end of input (is the file truncated?)")
                } else {
                    Ok(None)
                };
            };
            self.started = true;
            self.pos = 1;
            match first {
                b'{' | b'[' => self.depth = 1,
                b'"' => self.in_string = true,
                b'}' | b']' | b',' | b':' => return Err("expected a value"),
                _ => self.scalar = true,
            }
        }
        loop {
            if self.in_string {
                if self.escaped {
                    if self.pos >= text.len() {
                        break;
                    }
                    self.pos += 1;
                    self.escaped = false;
                }
                match find_in_string(&text[self.pos.min(text.len())..]) {
                    Some(i) => {
                        self.pos += i + 1;
                        if text[self.pos - 1] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                            if self.depth == 0 {
                                return Ok(Some(self.pos));
                            }
                        }
                    }
                    None => {
                        self.pos = text.len();
                        break;
                    }
                }
            } else if self.scalar {
                match text[self.pos.min(text.len())..].iter().position(|&b| {
                    matches!(b, b',' | b'}' | b']' | b'{' | b'[' | b'"' | b':')
                        || b.is_ascii_whitespace()
                }) {
                    Some(i) => return Ok(Some(self.pos + i)),
                    None => {
                        self.pos = text.len();
                        break;
                    }
                }
            } else {
                match find_structural(&text[self.pos.min(text.len())..]) {
                    Some(i) => {
                        self.pos += i + 1;
                        match text[self.pos - 1] {
                            b'"' => {
                                self.in_string = true;
                                self.token_start = self.pos - 1;
                            }
                            b'{' | b'[' => self.depth += 1,
                            _ => {
                                self.depth -= 1;
                                if self.depth == 0 {
                                    return Ok(Some(self.pos));
                                }
                            }
                        }
                    }
                    None => {
                        self.pos = text.len();
                        break;
                    }
                }
            }
        }
        if !eof {
            return Ok(None);
        }
        if self.scalar {
            Ok(Some(text.len()))
        } else {
            Err("unexpected end of input (is the file truncated?)")
        }
    }
}

// Byte searches eight bytes at a time (the scanner's and line counter's inner loops).

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `x` that is zero, and no other bit.
#[inline]
fn zero_bytes(x: u64) -> u64 {
    !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
}

/// Bytes equal to `b` in `x`, as [`zero_bytes`] marks them.
#[inline]
fn bytes_equal(x: u64, b: u8) -> u64 {
    zero_bytes(x ^ ONES.wrapping_mul(u64::from(b)))
}

#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(w)
}

/// The first index for which `mask` of the word starting there marks a byte, else of `slow`.
#[inline]
fn find_with(text: &[u8], mask: impl Fn(u64) -> u64, slow: impl Fn(u8) -> bool) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= text.len() {
        let m = mask(word(&text[i..]));
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    text[i..].iter().position(|&b| slow(b)).map(|p| p + i)
}

/// Where a string's text stops: the next `"` or `\`.
fn find_in_string(text: &[u8]) -> Option<usize> {
    find_with(
        text,
        |x| bytes_equal(x, b'"') | bytes_equal(x, b'\\'),
        |b| b == b'"' || b == b'\\',
    )
}

/// The next `"`, `{`, `}`, `[` or `]` (`[`/`]` differ from `{`/`}` only in bit 0x20).
fn find_structural(text: &[u8]) -> Option<usize> {
    find_with(
        text,
        |x| {
            let folded = x | ONES.wrapping_mul(0x20);
            bytes_equal(x, b'"') | bytes_equal(folded, b'{') | bytes_equal(folded, b'}')
        },
        |b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'),
    )
}

/// Newlines in `bytes`.
fn count_newlines(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut count = 0;
    for chunk in &mut chunks {
        count += bytes_equal(word(chunk), b'\n').count_ones() as usize;
    }
    count + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(
        text: &[u8],
        chunk: usize,
    ) -> anyhow::Result<(crate::model::Snapshot, Vec<String>)> {
        let mut c = Collector::default();
        c.begin_file("t.json");
        load_chunked(&mut c, text, chunk)?;
        Ok(c.finish())
    }

    /// A small deterministic byte generator for the comparisons below.
    fn noise(len: usize, alphabet: &[u8]) -> Vec<u8> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                alphabet[(state >> 33) as usize % alphabet.len()]
            })
            .collect()
    }

    #[test]
    fn scan_finds_the_end_of_each_value() {
        assert_eq!(Scan::complete(br#"{"a":"}"} rest"#), Ok(9));
        assert_eq!(Scan::complete(br#""a\"b\\" rest"#), Ok(8));
        assert_eq!(Scan::complete(b"[1,[2,{}]],"), Ok(10));
        assert_eq!(Scan::complete(b"123,"), Ok(3));
        assert_eq!(Scan::complete(b"true"), Ok(4));
        assert_eq!(Scan::complete(br#"{"a":"#), Err(()));
        assert_eq!(Scan::complete(br#""open"#), Err(()));
        assert_eq!(Scan::complete(b"}"), Err(()));
        assert_eq!(Scan::complete(b""), Err(()));
    }

    #[test]
    fn scan_resumes_across_any_split() {
        let text = br#"{"k\"}":[1,{"b":"}\\"},"\\\""]} , {"#;
        let whole = Scan::complete(text).unwrap();
        assert_eq!(&text[whole..], b" , {");
        for cut in 0..=text.len() {
            let mut scan = Scan::default();
            let first = scan.advance(&text[..cut], false).unwrap();
            let end = match first {
                Some(end) => end,
                None => scan.advance(text, false).unwrap().unwrap(),
            };
            assert_eq!(end, whole, "cut at {cut}");
        }
    }

    #[test]
    fn word_searches_match_the_plain_loops() {
        let text = noise(10_000, b"ab \n\"\\{}[]_y;");
        let naive_count = text.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(count_newlines(&text), naive_count);
        for start in (0..text.len()).step_by(7) {
            let rest = &text[start..];
            let naive = rest
                .iter()
                .position(|&b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'));
            assert_eq!(find_structural(rest), naive, "at {start}");
            let naive = rest.iter().position(|&b| b == b'"' || b == b'\\');
            assert_eq!(find_in_string(rest), naive, "at {start}");
        }
        // No false positives for bytes that differ from `{`/`}` in bit 0x20 only or are 0x80+.
        let decoys: Vec<u8> = (0u8..=255).filter(|b| !b"\"{}[]\\".contains(b)).collect();
        assert_eq!(find_structural(&decoys), None);
        assert_eq!(find_in_string(&decoys), None);
    }

    #[test]
    fn probe_reads_kind_and_api_version() {
        let p =
            probe_type(br#" {"apiVersion": "v1", "kind": "Pod", "spec": {"kind": "x"}}"#).unwrap();
        assert_eq!(
            (p.kind.as_deref(), p.api_version.as_deref()),
            (Some("Pod"), Some("v1"))
        );
        let p = probe_type(br#"{"metadata": {"kind": "Nope"}, "kind": "P\u006fd"}"#).unwrap();
        assert_eq!(
            (p.kind.as_deref(), p.api_version.as_deref()),
            (Some("Pod"), None)
        );
        let p = probe_type(br#"{"kind": 7, "apiVersion": null}"#).unwrap();
        assert_eq!((p.kind, p.api_version), (None, None));
        assert!(probe_type(br#"{}"#).unwrap().kind.is_none());
        assert!(probe_type(br#"[1]"#).is_err());
        assert!(probe_type(br#"{"kind" "Pod"}"#).is_err());
        assert!(probe_type(br#"{"a": 1 "kind": "Pod"}"#).is_err());
    }

    #[test]
    fn any_chunk_size_gives_the_same_result() {
        let fixtures: [&[u8]; 3] = [
            include_bytes!("../../tests/fixtures/loader/list.json"),
            include_bytes!("../../tests/fixtures/loader/stream.json"),
            include_bytes!("../../tests/fixtures/loader/typed-list-kind-last.json"),
        ];
        for text in fixtures {
            let (expected, warnings) = load_text(text, CHUNK).unwrap();
            assert!(warnings.is_empty());
            for chunk in [1, 2, 3, 5, 8, 13, 64, 1000] {
                let (got, _) = load_text(text, chunk).unwrap();
                let names = |s: &crate::model::Snapshot| {
                    let mut v: Vec<String> = s.nodes.iter().map(|o| o.metadata.key()).collect();
                    v.extend(
                        s.pods
                            .iter()
                            .map(|o| format!("{}:{}", o.metadata.key(), o.status.phase)),
                    );
                    v.extend(s.daemon_sets.iter().map(|o| o.metadata.key()));
                    v.extend(s.revisions.iter().map(|o| o.metadata.key()));
                    v.extend(s.events.iter().map(|o| o.metadata.key()));
                    v
                };
                assert_eq!(names(&got), names(&expected), "chunk {chunk}");
                assert_eq!(got.nodes, expected.nodes, "chunk {chunk}");
                assert_eq!(got.pods, expected.pods, "chunk {chunk}");
            }
        }
    }

    #[test]
    fn error_positions_do_not_depend_on_chunks() {
        let text = b"{\"kind\": \"PodList\", \"items\": [\n  {\"metadata\": {\"name\": \"a\"}},\n  {\"metadata\": {\"name\": \"b\"},\n   \"status\": {\"phase\": 7}}\n]}\n";
        let expected = load_text(text, CHUNK).unwrap_err().to_string();
        assert_eq!(
            expected,
            "t.json: line 4, column 24: item 2 (Pod b): invalid type: integer `7`, expected a string"
        );
        for chunk in [1, 2, 7, 30] {
            assert_eq!(
                load_text(text, chunk).unwrap_err().to_string(),
                expected,
                "chunk {chunk}"
            );
        }
        let syntax = b"{\"kind\": \"PodList\",\n \"items\": [{\"metadata\": {}} {}]}";
        let expected = load_text(syntax, CHUNK).unwrap_err().to_string();
        assert_eq!(
            expected,
            "t.json: line 2, column 29 (item 2): expected `,` or `]`"
        );
        for chunk in [1, 3, 16] {
            assert_eq!(
                load_text(syntax, chunk).unwrap_err().to_string(),
                expected,
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn objects_of_other_kinds_are_skipped_but_checked() {
        let text = br#"{"kind": "ConfigMap", "data": {"big": "xxxx"}, "metadata": {"name": "c"}}
            [{"metadata": {"name": "n"}, "kind": "Node", "apiVersion": "v1"}]"#;
        let (snapshot, warnings) = load_text(text, 5).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(snapshot.nodes[0].metadata.name, "n");
        let bad = br#"{"kind": "ConfigMap", "data": {"big": tru}}"#;
        let err = load_text(bad, CHUNK).unwrap_err().to_string();
        assert_eq!(err, "t.json: line 1, column 42: expected ident");
    }

    #[test]
    fn garbage_never_panics() {
        let base: &[u8] = include_bytes!("../../tests/fixtures/loader/list.json");
        for cut in (0..base.len()).step_by(3) {
            let _ = load_text(&base[..cut], 16);
        }
        let alphabet = b"{}[]\":,\\ \nab0-tfnul";
        for seed_len in [1, 2, 5, 17, 64, 300] {
            for offset in 0..40 {
                let mut text = b"{".to_vec();
                text.extend(noise(seed_len + offset, alphabet));
                let _ = load_text(&text, 7);
            }
        }
        let deep = "[".repeat(100_000);
        assert!(load_text(deep.as_bytes(), CHUNK).is_err());
        let nested = "[".repeat(10_000) + &"]".repeat(10_000);
        let deep_item = format!(
            r#"{{"items": [{{"kind": "DaemonSet", "metadata": {{"name": "x"}}, "spec": {{"template": {nested}}}}}]}}"#
        );
        let err = load_text(deep_item.as_bytes(), CHUNK)
            .unwrap_err()
            .to_string();
        assert!(err.contains("recursion limit"), "{err}");
    }
}
