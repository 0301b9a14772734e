//! YAML, streamed: documents are parsed one at a time from the reader, and a list's items are
//! handed to the collector one at a time as they are parsed (each built as a JSON value, then
//! decoded into its model type), so memory holds the model plus one item, as for JSON.
//!
//! Caps: the reader refuses NUL bytes and invalid UTF-8 as it goes, and any stretch longer than
//! the token limit in which the parser yields nothing (one huge scalar or comment, endless blank
//! lines). Alias bombs are stopped twice: serde-saphyr's budget caps aliases, anchors, replayed
//! events and depth, and [`Bounded`] caps the bytes the values built for one object may take, so
//! even an alias that repeats a long scalar cannot multiply memory.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::Read;

use anyhow::anyhow;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::collect::{Collector, Place};
use super::json::list_item_kind;
use super::{Limits, bytes_figure};

/// Aliases a document may use (kubectl never writes one; hand-written files use a few).
const MAX_ALIASES: usize = 10_000;
/// Events replayed through aliases in one document.
const MAX_REPLAYED_EVENTS: usize = 200_000;
/// Nesting depth (Kubernetes objects, `managedFields` included, stay far below; deeper input
/// would only risk the stack).
const MAX_DEPTH: usize = 64;
/// The charge of one value or map entry besides its text.
const NODE_COST: usize = 48;
/// The I/O error the reader gives the parser when it refuses the input.
const REFUSED: &str = "input refused by the loader";
/// The most the parser is given per read.
const READ_SIZE: usize = 16 << 10;

thread_local! {
    /// Bytes the values of the object being built may still take.
    static BUDGET: Cell<usize> = const { Cell::new(0) };
    /// Bytes read since the parser last yielded a value (see [`Guarded`]): of content, and of
    /// comment and blank lines.
    static SINCE_VALUE: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// Set once the load has failed: the reader then ends the input.
    static STOPPING: Cell<bool> = const { Cell::new(false) };
    /// The load in progress on this thread: the deserializers reach it from here.
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// What the document deserializer works on while a load runs.
struct State {
    c: Collector,
    file: String,
    /// Non-empty documents begun so far.
    docs: usize,
    /// The number of warnings when the second document began.
    second_doc_warnings: Option<usize>,
    /// The loader error that stopped the parse (the parser only carries a marker).
    error: Option<anyhow::Error>,
}

/// Runs `f` on the load's state.
fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    STATE.with_borrow_mut(|s| f(s.as_mut().expect("a YAML load is in progress")))
}

/// Stops the parse with a loader error; the error itself is kept in the state.
fn fail<E: de::Error>(err: anyhow::Error) -> E {
    with_state(|s| s.error = Some(err));
    stop_reading();
    E::custom("stopped by the loader")
}

/// Makes the reader end the input: after an error the parser would otherwise read on to the
/// next document, which may be the whole rest of a large file.
fn stop_reading() {
    STOPPING.with(|s| s.set(true));
}

/// Marks that the parser yielded a value: the stretch the token limit counts restarts.
fn yielded() {
    SINCE_VALUE.with(|n| n.set((0, 0)));
}

/// Starts the value budget of one object.
fn begin_object(limit: usize) {
    BUDGET.with(|b| b.set(limit));
}

/// Loads every document read from `reader`; returns how many non-empty documents there were.
pub(super) fn load(c: &mut Collector, reader: impl Read) -> anyhow::Result<usize> {
    let file = c.file().to_owned();
    let limits = c.limits;
    let mut guarded = Guarded {
        inner: reader,
        offset: 0,
        carry: Vec::new(),
        line_start: true,
        in_comment: false,
        comment: 0,
        limits,
        problem: None,
        lines: DocumentLines::default(),
    };
    DOC_LINES.with_borrow_mut(Vec::clear);
    let first_warning = c.warnings.len();
    let state = State {
        c: std::mem::take(c),
        file: file.clone(),
        docs: 0,
        second_doc_warnings: None,
        error: None,
    };
    let previous = STATE.with_borrow_mut(|s| s.replace(state));
    yielded();
    STOPPING.with(|s| s.set(false));
    let mut result = Ok(());
    for doc in serde_saphyr::read_with_options::<_, Document>(&mut guarded, options()) {
        if let Err(e) = doc {
            result = Err(e);
            break;
        }
    }
    let state = STATE
        .with_borrow_mut(|s| std::mem::replace(s, previous))
        .expect("the state put in above");
    *c = state.c;
    if let Some(second) = state.second_doc_warnings {
        // Only now is it known that the file has several documents: name the first one in its
        // warnings too, as the later ones are.
        let prefix = format!("{file}: ");
        for warning in &mut c.warnings[first_warning..second.max(first_warning)] {
            if warning.starts_with(&prefix) {
                warning.insert_str(prefix.len(), "document 1: ");
            }
        }
    }
    STOPPING.with(|s| s.set(false));
    if let Some(err) = state.error {
        return Err(err);
    }
    match result {
        Ok(()) => Ok(state.docs),
        // The reader refused the input: its reason, not the parser's I/O message.
        Err(e)
            if matches!(e, serde_saphyr::Error::IOError { .. })
                || e.to_string().contains(REFUSED) =>
        {
            match guarded.problem.take() {
                Some(problem) => Err(anyhow!("{file}: {problem}")),
                None => Err(yaml_error(&file, &e)),
            }
        }
        Err(e) => Err(yaml_error(&file, &e)),
    }
}

/// The input as the YAML parser reads it, checked on the way: no NUL byte (binary data), valid
/// UTF-8, no comment longer than the token limit, no stretch of content longer than the token
/// limit without the parser yielding a value (one endless scalar), and no more comment and blank
/// lines in a row than the object limit.
struct Guarded<R> {
    inner: R,
    /// Bytes passed on so far.
    offset: usize,
    /// The start of a UTF-8 sequence cut by the end of the last read.
    carry: Vec<u8>,
    /// Only blanks so far on the current line.
    line_start: bool,
    /// In a comment that takes the whole line.
    in_comment: bool,
    /// Length of that comment so far.
    comment: usize,
    limits: Limits,
    /// Why reading stopped, for the message (the parser's own is about I/O).
    problem: Option<String>,
    /// Where documents start, found as the bytes pass (for `check`'s `FILE:LINE`).
    lines: DocumentLines,
}

/// The 1-based first content line of each document of a YAML stream, found line by line as the
/// input passes: documents split at lines starting with `---`; blank, comment, directive and
/// end (`...`) lines are not content. Only a line's first bytes are kept to classify it.
#[derive(Default)]
struct DocumentLines {
    /// The current line's number.
    number: usize,
    /// Its first bytes.
    head: Vec<u8>,
    /// The current document already has its first content line.
    found: bool,
}

impl DocumentLines {
    const HEAD: usize = 64;

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.end_line();
            } else if self.head.len() < Self::HEAD {
                self.head.push(b);
            }
        }
    }

    fn end_line(&mut self) {
        self.number += 1;
        let line = String::from_utf8_lossy(&self.head).into_owned();
        self.head.clear();
        if let Some(rest) = line.strip_prefix("---")
            && (rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
        {
            let rest = rest.trim();
            self.found = !rest.is_empty() && !rest.starts_with('#');
            if self.found {
                DOC_LINES.with_borrow_mut(|d| d.push(self.number));
            }
            return;
        }
        let trimmed = line.trim();
        if self.found
            || trimmed.is_empty()
            || trimmed.starts_with('#')
            || line.starts_with('%')
            || line.starts_with("...")
        {
            return;
        }
        DOC_LINES.with_borrow_mut(|d| d.push(self.number));
        self.found = true;
    }
}

thread_local! {
    /// The document start lines of the file being read (see [`DocumentLines`]).
    static DOC_LINES: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Small reads: the parser then holds little that it has not yet turned into values, so
        // the count since the last value measures the token being read.
        if STOPPING.with(Cell::get) {
            return Ok(0);
        }
        let len = buf.len().min(READ_SIZE);
        let n = self.inner.read(&mut buf[..len])?;
        let got = &buf[..n];
        if n == 0 && !self.lines.head.is_empty() {
            self.lines.end_line();
        }
        self.lines.feed(got);
        if let Some(at) = got.iter().position(|&b| b == 0) {
            return Err(self.stop(format!(
                "binary data (NUL byte at offset {}); expected JSON or YAML",
                self.offset + at
            )));
        }
        // Validate UTF-8 across reads: the carried bytes and this read's start.
        let mut text = std::mem::take(&mut self.carry);
        text.extend_from_slice(got);
        let carried = text.len() - n;
        match std::str::from_utf8(&text) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() && n > 0 => {
                self.carry = text[e.valid_up_to()..].to_vec();
            }
            Err(e) => {
                return Err(self.stop(format!(
                    "not UTF-8 text (invalid byte at offset {}); expected JSON or YAML",
                    (self.offset + e.valid_up_to()).saturating_sub(carried)
                )));
            }
        }
        self.offset += n;
        let (mut content, mut filler) = SINCE_VALUE.with(Cell::get);
        for &b in got {
            if self.in_comment {
                filler += 1;
                if b == b'\n' {
                    self.in_comment = false;
                    self.line_start = true;
                    self.comment = 0;
                } else {
                    self.comment += 1;
                }
            } else if self.line_start {
                match b {
                    b' ' | b'\t' | b'\r' | b'\n' => filler += 1,
                    b'#' => {
                        filler += 1;
                        self.in_comment = true;
                    }
                    _ => {
                        content += 1;
                        self.line_start = false;
                    }
                }
            } else {
                content += 1;
                self.line_start = b == b'\n';
            }
        }
        SINCE_VALUE.with(|s| s.set((content, filler)));
        let Limits { token, object, .. } = self.limits;
        let at = self.offset;
        if self.comment > token {
            return Err(self.stop(format!(
                "a comment longer than {} near offset {at} (the loader's limit for one token); is the input endless?",
                bytes_figure(token)
            )));
        }
        if content > token {
            return Err(self.stop(format!(
                "more than {} without a complete value near offset {at} (the loader's limit for one token: one scalar or key); is the input endless?",
                bytes_figure(token)
            )));
        }
        if filler > object {
            return Err(self.stop(format!(
                "more than {} of comments and blank lines near offset {at} (the loader's limit for one object); is the input endless?",
                bytes_figure(object)
            )));
        }
        Ok(n)
    }
}

impl<R> Guarded<R> {
    fn stop(&mut self, problem: String) -> std::io::Error {
        self.problem = Some(problem);
        std::io::Error::other(REFUSED)
    }
}

/// One YAML document, handed to the collector as it is parsed.
struct Document;

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (doc, object) = with_state(|s| {
            s.docs += 1;
            if s.docs == 2 {
                s.second_doc_warnings = Some(s.c.warnings.len());
            }
            (s.docs, s.c.limits.object)
        });
        yielded();
        begin_object(object);
        d.deserialize_any(DocumentVisitor {
            place: Place {
                doc,
                show_doc: doc > 1,
                item: None,
            },
            object,
        })?;
        Ok(Document)
    }
}

struct DocumentVisitor {
    place: Place,
    /// The value budget of one object.
    object: usize,
}

impl DocumentVisitor {
    fn not_an_object<E: de::Error>(&self, found: &str) -> E {
        let file = with_state(|s| s.file.clone());
        let at = self.place.describe();
        let at = if at.is_empty() {
            String::new()
        } else {
            format!("{at}: ")
        };
        fail(anyhow!(
            "{file}: {at}expected a Kubernetes object or list, found {found}"
        ))
    }
}

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object or list")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.not_an_object("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.not_an_object("a string"))
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<(), E> {
        Err(self.not_an_object("a string"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    /// A sequence of objects (or lists): each element on its own budget.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            begin_object(self.object);
            let Some(Bounded(value)) = seq.next_element()? else {
                return Ok(());
            };
            with_state(|s| load_document(&mut s.c, self.place, value)).map_err(fail)?;
        }
    }

    /// An object, or a list whose items are handed over one by one as they are parsed.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest = Map::new();
        let mut kind: Option<String> = None;
        let mut api: Option<String> = None;
        let mut seen: Vec<String> = Vec::new();
        let mut deferred: Option<Vec<(usize, Map<String, Value>)>> = None;
        while let Some(Bounded(key)) = map.next_key()? {
            let key = key_text(key)?;
            if seen.contains(&key) {
                let file = with_state(|s| s.file.clone());
                let subject = self.place.subject(kind.as_deref(), None);
                return Err(fail(anyhow!("{file}: {subject}: duplicate key {key:?}")));
            }
            seen.push(key.clone());
            if key == "items" {
                let mut held = Vec::new();
                map.next_value_seed(Items {
                    place: self.place,
                    kind: kind.clone(),
                    api: api.clone(),
                    object: self.object,
                    deferred: &mut held,
                })?;
                deferred = Some(held);
                begin_object(self.object);
                continue;
            }
            let Bounded(value) = map.next_value()?;
            match key.as_str() {
                "kind" => kind = as_string(value),
                "apiVersion" => api = as_string(value),
                // Past the list's items: its own metadata, not kept.
                _ if deferred.is_some() => {}
                _ => _ = rest.insert(key, value),
            }
        }
        let Some(deferred) = deferred else {
            // A single object.
            if let Some(kind) = kind {
                rest.insert("kind".to_owned(), Value::String(kind));
            }
            if let Some(api) = api {
                rest.insert("apiVersion".to_owned(), Value::String(api));
            }
            return with_state(|s| load_document(&mut s.c, self.place, Value::Object(rest)))
                .map_err(fail);
        };
        // Items without a kind that came before the list's own `kind`.
        let typed_kind = kind.as_deref().and_then(list_item_kind);
        for (index, item) in deferred {
            let place = Place {
                item: Some(index),
                ..self.place
            };
            with_state(|s| {
                add_item(
                    &mut s.c,
                    place,
                    typed_kind,
                    api.as_deref(),
                    Value::Object(item),
                )
            })
            .map_err(fail)?;
        }
        Ok(())
    }
}

/// A list's `items`, each added as soon as it is parsed (or held, when it has no `kind` and the
/// list's `kind` has not come yet).
struct Items<'a> {
    place: Place,
    kind: Option<String>,
    api: Option<String>,
    object: usize,
    deferred: &'a mut Vec<(usize, Map<String, Value>)>,
}

impl<'de> de::DeserializeSeed<'de> for Items<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence of items")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let typed_kind = self.kind.as_deref().and_then(list_item_kind);
        let mut index = 0;
        loop {
            begin_object(self.object);
            let Some(Bounded(item)) = seq.next_element()? else {
                return Ok(());
            };
            index += 1;
            let place = Place {
                item: Some(index),
                ..self.place
            };
            let held = self.kind.is_none()
                && matches!(&item, Value::Object(map) if !matches!(map.get("kind"), Some(Value::String(_))));
            if held {
                if let Value::Object(map) = item {
                    self.deferred.push((index, map));
                }
                continue;
            }
            with_state(|s| add_item(&mut s.c, place, typed_kind, self.api.as_deref(), item))
                .map_err(fail)?;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.not_a_sequence("a mapping"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.not_a_sequence("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.not_a_sequence("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.not_a_sequence("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.not_a_sequence("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.not_a_sequence("a number"))
    }
}

impl Items<'_> {
    fn not_a_sequence<E: de::Error>(&self, found: &str) -> E {
        let file = with_state(|s| s.file.clone());
        let subject = self.place.subject(self.kind.as_deref(), None);
        fail(anyhow!(
            "{file}: {subject}: items: expected a sequence, found {found}"
        ))
    }
}

/// A mapping key as text (YAML allows scalar keys of any type).
fn key_text<E: de::Error>(key: Value) -> Result<String, E> {
    match key {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("null".to_owned()),
        _ => Err(de::Error::custom("mapping keys must be scalars")),
    }
}

/// A string value; other types read as absent.
fn as_string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn options() -> serde_saphyr::Options {
    // Counted per document, and one document may be a whole cluster's `v1 List`: the sizes that
    // matter are capped by the loader instead (one token by the reader, one object by
    // [`Bounded`]); everything that lets a small input grow large stays fixed.
    let unbounded = 1 << 40;
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_reader_input_bytes: None,
            max_events: unbounded,
            max_nodes: unbounded,
            max_total_scalar_bytes: unbounded,
            max_documents: unbounded,
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_recorded_anchor_events: MAX_REPLAYED_EVENTS,
            max_recorded_anchor_bytes: 16 << 20,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
            max_replay_stack_depth: 32,
        },
        with_snippet: false,
        // YAML 1.2 booleans only: `n`, `no`, `on` stay strings (kubectl quotes the ambiguous ones
        // anyway), as do `0755` and `1_000`.
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
    }
}

fn yaml_error(file: &str, e: &serde_saphyr::Error) -> anyhow::Error {
    use serde_saphyr::Error as E;
    // The parser's advice is for programs that embed it, not for the person reading the error.
    let text =
        one_line(&e.to_string()).replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    let amplification = matches!(
        e,
        E::Budget { .. }
            | E::AliasReplayLimitExceeded { .. }
            | E::AliasExpansionLimitExceeded { .. }
            | E::AliasReplayStackDepthExceeded { .. }
            | E::AliasReplayCounterOverflow { .. }
    );
    let amplification = amplification || text.starts_with("budget breached");
    let lower = text.to_ascii_lowercase();
    if !amplification || lower.contains("alias bomb") {
        anyhow!("{file}: {text}")
    } else if ["alias", "anchor", "used at"]
        .iter()
        .any(|w| lower.contains(w))
    {
        anyhow!("{file}: YAML refused, its aliases expand too far (alias bomb?): {text}")
    } else {
        anyhow!("{file}: YAML refused, it exceeds the loader's limits: {text}")
    }
}

/// A multi-line parser message folded onto one line.
fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

fn load_document(c: &mut Collector, place: Place, doc: Value) -> anyhow::Result<()> {
    let file = c.file().to_owned();
    let mut map = match doc {
        Value::Object(map) => map,
        Value::Array(values) => {
            for value in values {
                load_document(c, place, value)?;
            }
            return Ok(());
        }
        Value::Null => return Ok(()),
        other => {
            let at = place.describe();
            let at = if at.is_empty() {
                String::new()
            } else {
                format!("{at}: ")
            };
            return Err(anyhow!(
                "{file}: {at}expected a Kubernetes object or list, found {}",
                type_name(&other)
            ));
        }
    };
    let kind = take_string(&mut map, "kind");
    let api = take_string(&mut map, "apiVersion");
    let Some(items) = map.remove("items") else {
        let object = Value::Object(map);
        c.line = DOC_LINES.with_borrow(|d| d.get(place.doc.saturating_sub(1)).copied());
        return c
            .add(&place, kind.as_deref(), api.as_deref(), object)
            .map_err(|e| anyhow!("{file}: {}: {}", e.subject, e.detail));
    };
    let items = match items {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => {
            let subject = place.subject(kind.as_deref(), None);
            return Err(anyhow!(
                "{file}: {subject}: items: expected a sequence, found {}",
                type_name(&other)
            ));
        }
    };
    let typed_kind = kind.as_deref().and_then(list_item_kind);
    for (index, item) in items.into_iter().enumerate() {
        let place = Place {
            item: Some(index + 1),
            ..place
        };
        add_item(c, place, typed_kind, api.as_deref(), item)?;
    }
    Ok(())
}

/// Adds one list item; `typed_kind` is the kind its list's kind implies (`PodList` → `Pod`).
fn add_item(
    c: &mut Collector,
    place: Place,
    typed_kind: Option<&str>,
    list_api: Option<&str>,
    item: Value,
) -> anyhow::Result<()> {
    let file = c.file().to_owned();
    let Value::Object(mut item_map) = item else {
        let subject = place.subject(None, None);
        return Err(anyhow!(
            "{file}: {subject}: expected an object, found {}",
            type_name(&item)
        ));
    };
    let own_kind = take_string(&mut item_map, "kind");
    let own_api = take_string(&mut item_map, "apiVersion");
    let (item_kind, item_api) = match own_kind {
        Some(k) => (Some(k), own_api),
        None => (
            typed_kind.map(str::to_owned),
            own_api.or_else(|| typed_kind.and(list_api.map(str::to_owned))),
        ),
    };
    c.add(
        &place,
        item_kind.as_deref(),
        item_api.as_deref(),
        Value::Object(item_map),
    )
    .map_err(|e| anyhow!("{file}: {}: {}", e.subject, e.detail))
}

/// Removes `key` and returns it when it is a string (other types read as absent).
fn take_string(map: &mut Map<String, Value>, key: &str) -> Option<String> {
    match map.remove(key)? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// A JSON value built from YAML under the thread's byte budget.
struct Bounded(Value);

fn charge<E: de::Error>(bytes: usize) -> Result<(), E> {
    yielded();
    BUDGET.with(|b| {
        let left = b.get();
        let cost = bytes.saturating_add(NODE_COST);
        if cost > left {
            b.set(0);
            stop_reading();
            return Err(E::custom(
                "one object expands past the loader's limit for one object (alias bomb?); refusing to load it",
            ));
        }
        b.set(left - cost);
        Ok(())
    })
}

impl<'de> Deserialize<'de> for Bounded {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoundedVisitor).map(Bounded)
    }
}

struct BoundedVisitor;

impl<'de> Visitor<'de> for BoundedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        charge(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        charge(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        charge(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        charge(0)?;
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        charge(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        charge(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        charge(v.len())?;
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        charge(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        charge(0)?;
        let mut out = Vec::new();
        while let Some(Bounded(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        charge(0)?;
        let mut out = Map::new();
        while let Some(Bounded(key)) = map.next_key()? {
            let key = key_text(key)?;
            if out.contains_key(&key) {
                // The answer would otherwise depend on which of the two comes last.
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
            let Bounded(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> anyhow::Result<(crate::model::Snapshot, Vec<String>)> {
        let mut c = Collector::default();
        c.begin_file("t.yaml");
        load(&mut c, text.as_bytes())?;
        Ok(c.finish())
    }

    #[test]
    fn an_alias_repeating_a_long_scalar_hits_the_value_budget() {
        // 200 aliases of a 1 MiB scalar would build 200 MiB: the parser's scalar budget (which
        // counts replays) or, failing that, the value budget of one object (64 MiB) stops it.
        let big = "x".repeat(1 << 20);
        let aliases = vec!["*s"; 200].join(", ");
        let text = format!("kind: ConfigMap\nbig: &s \"{big}\"\nlist: [{aliases}]\n");
        let started = std::time::Instant::now();
        let err = load_text(&text).unwrap_err().to_string();
        assert!(err.starts_with("t.yaml: "), "{err}");
        assert!(err.contains("alias bomb"), "{err}");
        assert!(
            started.elapsed().as_secs() < 20,
            "took {:?}",
            started.elapsed()
        );
        // The budget is per load: the next load starts afresh.
        let (snapshot, _) = load_text("kind: Node\napiVersion: v1\nmetadata: {name: n}\n").unwrap();
        assert_eq!(snapshot.nodes[0].metadata.name, "n");
    }

    #[test]
    fn built_values_are_charged_to_the_budget() {
        let text = r#"{"a": ["xxxxxxxxxx", 1, true, null, {"b": 2.5}]}"#;
        let previous = BUDGET.with(|b| b.replace(1 << 20));
        let Bounded(value) = serde_json::from_str(text).unwrap();
        let left = BUDGET.with(Cell::get);
        assert_eq!(value, serde_json::from_str::<Value>(text).unwrap());
        // Eight values and two keys at NODE_COST each, plus the text of keys and strings.
        assert_eq!((1 << 20) - left, 10 * NODE_COST + 12);
        BUDGET.with(|b| b.set(9 * NODE_COST));
        let err = serde_json::from_str::<Bounded>(text)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("alias bomb"), "{err}");
        BUDGET.with(|b| b.set(previous));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!(
            "kind: Node\nx: {}{}\n",
            "[".repeat(5_000),
            "]".repeat(5_000)
        );
        let err = load_text(&text).unwrap_err().to_string();
        assert!(err.starts_with("t.yaml: "), "{err}");
        let text = "a:\n".to_owned()
            + &(1..400)
                .map(|i| format!("{}a:\n", "  ".repeat(i)))
                .collect::<String>();
        assert!(load_text(&text).is_err());
        // Just under the limit loads (on a test thread's small stack, unoptimised).
        let text = format!(
            "kind: Node\napiVersion: v1\nmetadata: {{name: deep}}\nx: {}{}\n",
            "[".repeat(60),
            "]".repeat(60)
        );
        assert_eq!(load_text(&text).unwrap().0.nodes[0].metadata.name, "deep");
    }

    #[test]
    fn scalar_keys_and_values_become_json() {
        let text =
            "kind: Pod\napiVersion: v1\nmetadata:\n  name: p\n  labels:\n    1: true\n    on: 2\n";
        // Label values must be strings: a bare `true` is a clear type error, not a panic.
        let err = load_text(text).unwrap_err().to_string();
        assert!(err.contains("Pod p"), "{err}");
        let text = "kind: Pod\napiVersion: v1\nmetadata:\n  name: p\n  labels:\n    1: \"true\"\nspec:\n  overhead:\n    cpu: 2\n";
        let (snapshot, _) = load_text(text).unwrap();
        assert_eq!(snapshot.pods[0].metadata.labels["1"], "true");
        assert_eq!(snapshot.pods[0].spec.overhead.get("cpu"), 2000);
    }

    /// The document start lines [`DocumentLines`] finds in `text` fed `chunk` bytes at a time.
    fn document_lines(text: &str, chunk: usize) -> Vec<usize> {
        DOC_LINES.with_borrow_mut(Vec::clear);
        let mut lines = DocumentLines::default();
        for part in text.as_bytes().chunks(chunk) {
            lines.feed(part);
        }
        if !lines.head.is_empty() {
            lines.end_line();
        }
        DOC_LINES.with_borrow(Clone::clone)
    }

    #[test]
    fn document_lines_skip_comments_and_empty_documents() {
        let text = "# head\n---\napiVersion: v1\nkind: A\n---\n# only a comment\n---\n\nkind: B\n--- {kind: C}";
        for chunk in [1, 3, 7, 4096] {
            assert_eq!(document_lines(text, chunk), vec![3, 9, 10], "chunk {chunk}");
        }
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(one_line("a\n  b\n\n c\n"), "a b c");
        let err = load_text("kind: Pod\nmetadata:\n  name: [x\n")
            .unwrap_err()
            .to_string();
        assert!(!err.contains('\n'), "{err}");
        assert!(err.starts_with("t.yaml: "), "{err}");
    }
}
