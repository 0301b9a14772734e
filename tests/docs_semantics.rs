//! The rules and reason codes the code relies on are documented, with the same names:
//!
//! - every rule a comment in `src/` (or the document itself) cites has a heading in
//!   `docs/semantics.md`;
//! - every reason code `src/analysis` serializes (the JSON `code`) has a row in `docs/reasons.md`.
//!
//! A citation, inside a `//` comment, is one of `rule D3`, `rules A3–A7` (en dash or hyphen: every
//! ID in between), `rules F1 and F3`, `rules B1, B2 and B3`, or `Part K` (the word may be
//! capitalised). An ID is one capital letter and one or two digits; a bare `D3` is not a citation
//! (it could be anything: the C0/C1 control characters). A rule heading in docs/semantics.md is
//! `### D3 title`, a part heading `## Part K — title`.
//!
//! A reason code is a variant of an enum in `src/analysis` marked `#[serde(tag = "code" …)]`: its
//! name, or its `#[serde(rename = "…")]`. It is documented when it appears in backticks in the
//! first cell of a table row of docs/reasons.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

// ---- rule citations ----------------------------------------------------------------------------

/// A rule ID at the start of `s` (`D3`, `A10`) and its length.
fn rule_id(s: &str) -> Option<(char, u32, usize)> {
    let mut chars = s.char_indices();
    let (_, letter) = chars.next()?;
    if !letter.is_ascii_uppercase() {
        return None;
    }
    let digits: String = s[1..].chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let end = 1 + digits.len();
    if s[end..].chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some((letter, digits.parse().unwrap(), end))
}

/// The IDs cited in one comment's text: rules as `D3`, parts as `Part K`.
fn citations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let starts_word = |i: usize| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    };
    for (i, _) in text.char_indices() {
        if !starts_word(i) {
            continue;
        }
        let rest = &text[i..];
        if let Some(after) = rest.strip_prefix("Part ")
            && let Some(letter) = after.chars().next().filter(char::is_ascii_uppercase)
            && !after[1..].chars().next().is_some_and(char::is_alphanumeric)
        {
            out.push(format!("Part {letter}"));
            continue;
        }
        let Some(mut after) = ["rules ", "Rules ", "rule ", "Rule "]
            .iter()
            .find_map(|w| rest.strip_prefix(w))
        else {
            continue;
        };
        let Some((letter, mut number, len)) = rule_id(after) else {
            continue;
        };
        out.push(format!("{letter}{number}"));
        after = &after[len..];
        // More IDs: `–X9` / `-X9` (a range), `, X9`, ` and X9`, `, and X9`.
        loop {
            let (range, tail) = if let Some(t) = after.strip_prefix('–').or(after.strip_prefix('-'))
            {
                (true, t)
            } else if let Some(t) = [", and ", " and ", ", "]
                .iter()
                .find_map(|sep| after.strip_prefix(sep))
            {
                (false, t)
            } else {
                break;
            };
            let Some((next_letter, next, len)) = rule_id(tail) else {
                break;
            };
            if range && next_letter == letter {
                for n in number + 1..=next {
                    out.push(format!("{letter}{n}"));
                }
            } else {
                out.push(format!("{next_letter}{next}"));
            }
            (number, after) = (next, &tail[len..]);
        }
    }
    out
}

/// The text after `//` on each line of `source`, with its line number.
fn comments(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source
        .lines()
        .enumerate()
        .filter_map(|(i, line)| line.find("//").map(|at| (i + 1, &line[at..])))
}

/// The rule IDs (`D3`) and parts (`Part K`) that docs/semantics.md has headings for.
fn documented_rules(doc: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for line in doc.lines() {
        let id = if let Some(rest) = line.strip_prefix("### ") {
            rule_id(rest).map(|(letter, n, _)| format!("{letter}{n}"))
        } else if let Some(rest) = line.strip_prefix("## Part ") {
            rest.chars()
                .next()
                .filter(char::is_ascii_uppercase)
                .map(|l| format!("Part {l}"))
        } else {
            None
        };
        if let Some(id) = id {
            assert!(
                ids.insert(id.clone()),
                "docs/semantics.md: {id} has two headings"
            );
        }
    }
    ids
}

#[test]
fn citation_forms() {
    assert_eq!(citations("// rule D3: kept"), ["D3"]);
    assert_eq!(
        citations("/// (rules A3–A7 in x)"),
        ["A3", "A4", "A5", "A6", "A7"]
    );
    assert_eq!(citations("// rules B1-B3"), ["B1", "B2", "B3"]);
    assert_eq!(citations("// rules F1 and F3, then"), ["F1", "F3"]);
    assert_eq!(citations("// Rules H2, H4, and I3."), ["H2", "H4", "I3"]);
    assert_eq!(citations("// Part K of it; Parts are"), ["Part K"]);
    assert!(citations("// C0 and C1 controls, the rules, a rule Dx, overrule D3").is_empty());
    assert_eq!(citations("// rules A3–B2"), ["A3", "B2"]);
    let doc = "## Part A — x\n### A3 Name\n### A10 Ten\n#### A4 deeper\n";
    assert_eq!(
        documented_rules(doc).into_iter().collect::<Vec<_>>(),
        ["A10", "A3", "Part A"]
    );
}

#[test]
fn every_rule_cited_in_src_is_in_docs_semantics() {
    let doc = read(&root().join("docs/semantics.md"));
    let documented = documented_rules(&doc);
    let mut missing = Vec::new();
    let mut stale = Vec::new();
    let mut cited = 0;
    for file in rust_files(&root().join("src")) {
        let source = read(&file);
        for (line, comment) in comments(&source) {
            if comment.contains("semantics reference") {
                stale.push(format!("{}:{line}", relative(&file)));
            }
            for id in citations(comment) {
                cited += 1;
                if !documented.contains(&id) {
                    missing.push(format!("{}:{line} cites {id}", relative(&file)));
                }
            }
        }
    }
    for (line, text) in doc.lines().enumerate() {
        for id in citations(text) {
            if !documented.contains(&id) {
                missing.push(format!("docs/semantics.md:{} cites {id}", line + 1));
            }
        }
    }
    assert!(
        cited > 0,
        "no rule citations found in src/: is the citation scanner broken?"
    );
    assert!(
        missing.is_empty(),
        "rules cited in src/ or docs/semantics.md but without a heading (`### ID title`, or `## Part X — title`) in \
         docs/semantics.md — add the rule there (in your own words, with Here/Upstream) or fix \
         the citation:\n  {}",
        missing.join("\n  ")
    );
    assert!(
        stale.is_empty(),
        "comments still point at the external \"semantics reference\"; cite `rule X9` of \
         docs/semantics.md instead:\n  {}",
        stale.join("\n  ")
    );
}

// ---- reason codes ------------------------------------------------------------------------------

/// The `code` strings of every `#[serde(tag = "code")]` enum in `source`, with the enum's name.
/// Also checks that a `Enum::Variant … => "literal"` arm (the printed code) spells the same.
fn serialized_codes(source: &str, file: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if !(line.starts_with("#[serde(") && line.contains("tag = \"code\"")) {
            continue;
        }
        let Some(decl) = lines[i..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.starts_with("#["))
        else {
            continue;
        };
        let Some(name) = decl
            .split("enum ")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_alphanumeric() && c != '_').next())
        else {
            continue; // a tagged struct has no variants
        };
        let start = i + lines[i..].iter().position(|l| l.contains("enum ")).unwrap() + 1;
        let mut depth = 1i32;
        let mut rename: Option<String> = None;
        let mut codes: BTreeMap<String, String> = BTreeMap::new();
        for raw in &lines[start..] {
            let l = raw.trim();
            if l.starts_with("//") {
                continue;
            }
            if depth == 1 {
                if let Some(r) = l.strip_prefix("#[serde(rename = \"") {
                    rename = r.split('"').next().map(str::to_owned);
                } else if l.starts_with(|c: char| c.is_ascii_uppercase()) {
                    let variant: String = l
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let code = rename.take().unwrap_or_else(|| variant.clone());
                    codes.insert(variant, code);
                }
            }
            depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
            if depth <= 0 {
                break;
            }
        }
        let prefix = format!("{name}::");
        for l in lines.iter().map(|l| l.trim()) {
            let (Some(arm), Some((_, lit))) = (l.strip_prefix(&prefix), l.split_once("=> \""))
            else {
                continue;
            };
            let variant: String = arm
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let lit = lit.split('"').next().unwrap_or_default();
            if let Some(code) = codes.get(&variant) {
                assert_eq!(
                    lit, code,
                    "{file}: {name}::{variant} prints {lit:?} but serializes as {code:?}"
                );
            }
        }
        out.extend(codes.into_values().map(|c| (name.to_owned(), c)));
    }
    out
}

/// Backticked words in the first cell of each table row of docs/reasons.md.
fn documented_codes(doc: &str) -> BTreeSet<String> {
    doc.lines()
        .filter_map(|l| l.strip_prefix('|'))
        .filter_map(|l| l.split('|').next())
        .flat_map(|cell| cell.split('`').skip(1).step_by(2).map(str::to_owned))
        .collect()
}

#[test]
fn code_scanner_reads_tagged_enums() {
    let src = "#[derive(Serialize)]\n#[serde(tag = \"code\", rename_all_fields = \"camelCase\")]\npub enum Detail {\n    /// Doc with `{}`.\n    Plain {},\n    WithFields {\n        /// Nested.\n        field: Option<String>,\n    },\n    #[serde(rename = \"Other\")]\n    Renamed { x: i32 },\n}\nfn code() { match d { Detail::Plain {} => \"Plain\", } }\n";
    let codes: Vec<String> = serialized_codes(src, "x.rs")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    assert_eq!(codes, ["Plain", "Other", "WithFields"]);
    let doc = "| code | fields |\n|---|---|\n| `A`, `B` | `f` |\ntext `C`\n";
    assert_eq!(
        documented_codes(doc).into_iter().collect::<Vec<_>>(),
        ["A", "B"]
    );
}

#[test]
fn every_reason_code_is_in_docs_reasons() {
    let documented = documented_codes(&read(&root().join("docs/reasons.md")));
    let mut found = 0;
    let mut missing = Vec::new();
    for file in rust_files(&root().join("src/analysis")) {
        let name = relative(&file);
        for (enum_name, code) in serialized_codes(&read(&file), &name) {
            found += 1;
            if !documented.contains(&code) {
                missing.push(format!("`{code}` ({name}, enum {enum_name})"));
            }
        }
    }
    assert!(
        found >= 20,
        "found only {found} reason codes in src/analysis: is the code scanner broken?"
    );
    assert!(
        missing.is_empty(),
        "reason codes serialized by src/analysis but not documented in docs/reasons.md — add a \
         row `| `Code` | fields | meaning | fix |` to the table of its verdict, spelled exactly as \
         the JSON `code`:\n  {}",
        missing.join("\n  ")
    );
}
