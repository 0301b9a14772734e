//! YAML: the whole text is parsed (YAML is much slower than JSON anyway, and `kind` follows
//! `items` in kubectl's sorted output), one document at a time, into a size-bounded JSON value.
//!
//! Alias bombs are stopped twice: serde-saphyr's budget caps aliases, anchors, replayed events
//! and depth, and [`Bounded`] caps the bytes the built values may take, so even an alias that
//! repeats a long scalar cannot multiply memory.

use std::cell::Cell;
use std::fmt;

use anyhow::anyhow;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::collect::{Collector, Place};
use super::json::list_item_kind;

/// Aliases a document may use (kubectl never writes one; hand-written files use a few).
const MAX_ALIASES: usize = 10_000;
/// Events replayed through aliases across the stream.
const MAX_REPLAYED_EVENTS: usize = 200_000;
/// Nesting depth (Kubernetes objects, `managedFields` included, stay far below; deeper input
/// would only risk the stack).
const MAX_DEPTH: usize = 64;
/// Fixed part of the value budget, on top of [`VALUE_BYTES_PER_INPUT_BYTE`] per input byte.
const VALUE_BUDGET_BASE: usize = 64 << 20;
/// Built values may take this many bytes per byte of YAML text.
const VALUE_BYTES_PER_INPUT_BYTE: usize = 16;
/// The charge of one value or map entry besides its text.
const NODE_COST: usize = 48;

thread_local! {
    static BUDGET: Cell<usize> = const { Cell::new(0) };
}

/// Loads every document of `bytes`; returns how many non-empty documents there were.
///
/// Messages number the non-empty documents only (the parser drops empty ones).
pub(super) fn load(c: &mut Collector, bytes: &[u8]) -> anyhow::Result<usize> {
    let file = c.file().to_owned();
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(anyhow!(
            "{file}: binary data (NUL byte at offset {offset}); expected JSON or YAML"
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "{file}: not UTF-8 text (invalid byte at offset {}); expected JSON or YAML",
            e.valid_up_to()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let budget =
        VALUE_BUDGET_BASE.saturating_add(text.len().saturating_mul(VALUE_BYTES_PER_INPUT_BYTE));
    let docs: Vec<Bounded> = {
        let previous = BUDGET.with(|b| b.replace(budget));
        let result = serde_saphyr::from_str_multiple_with_options::<Bounded, Vec<Bounded>>(
            text,
            options(text.len()),
        );
        BUDGET.with(|b| b.set(previous));
        result.map_err(|e| yaml_error(&file, &e))?
    };
    let count = docs.len();
    let lines = document_lines(text);
    let lines = (lines.len() == count).then_some(lines);
    for (index, Bounded(doc)) in docs.into_iter().enumerate() {
        c.doc_line = lines.as_ref().and_then(|l| l.get(index).copied());
        let place = Place {
            doc: index + 1,
            show_doc: count > 1,
            item: None,
        };
        load_document(c, place, doc)?;
    }
    Ok(count)
}

fn options(len: usize) -> serde_saphyr::Options {
    // The event, node and scalar budgets scale with the input (a big kubectl dump is legitimate);
    // everything that lets a small input grow large stays fixed.
    let scaled = len.saturating_mul(4).max(1_000_000);
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_reader_input_bytes: None,
            max_events: scaled,
            max_nodes: scaled,
            max_total_scalar_bytes: len.max(64 << 20),
            max_documents: scaled,
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
    let text = one_line(&e.to_string());
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
        c.line = c.doc_line;
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
                own_api.or_else(|| typed_kind.and(api.clone())),
            ),
        };
        c.add(
            &place,
            item_kind.as_deref(),
            item_api.as_deref(),
            Value::Object(item_map),
        )
        .map_err(|e| anyhow!("{file}: {}: {}", e.subject, e.detail))?;
    }
    Ok(())
}

/// The 1-based first content line of each non-empty document of a YAML stream (documents
/// split at lines starting with `---`; blank, comment and directive lines are not content).
/// The caller uses the result only when it counts as many documents as the parser found.
fn document_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut found_in_current = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(rest) = line.strip_prefix("---")
            && (rest.is_empty() || rest.starts_with([' ', '\t']))
        {
            found_in_current = false;
            let rest = rest.trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                out.push(number);
                found_in_current = true;
            }
            continue;
        }
        let trimmed = line.trim();
        if found_in_current
            || trimmed.is_empty()
            || trimmed.starts_with('#')
            || line.starts_with('%')
            || line.starts_with("...")
        {
            continue;
        }
        out.push(number);
        found_in_current = true;
    }
    out
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
    BUDGET.with(|b| {
        let left = b.get();
        let cost = bytes.saturating_add(NODE_COST);
        if cost > left {
            b.set(0);
            return Err(E::custom(
                "the document expands far beyond its size (alias bomb?); refusing to load it",
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
            let key = match key {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_owned(),
                _ => return Err(de::Error::custom("mapping keys must be scalars")),
            };
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
        // counts replays) or, failing that, the value budget (64 MiB + 16 × size) stops it.
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

    #[test]
    fn document_lines_skip_comments_and_empty_documents() {
        let text = "# head\n---\napiVersion: v1\nkind: A\n---\n# only a comment\n---\n\nkind: B\n--- {kind: C}\n";
        assert_eq!(document_lines(text), vec![3, 9, 10]);
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
