//! The documentation cannot drift: every fenced example in README.md and docs/*.md whose first
//! line is `$ kubectl ds …` is run against the binary (fixed clock, no colour, no cluster) and its
//! output must match the block.

mod common;

use std::path::Path;

use common::cli::{kds, run};

/// (file, command line, expected output) for every example.
fn examples() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    files.extend(
        docs.into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if !line.starts_with("```") {
                continue;
            }
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            if let Some(command) = block.first().and_then(|l| l.strip_prefix("$ kubectl ds ")) {
                let expected = block[1..].iter().map(|l| format!("{l}\n")).collect();
                out.push((file.display().to_string(), command.to_owned(), expected));
            }
        }
    }
    out
}

#[test]
fn documented_examples_match_the_binary() {
    let examples = examples();
    assert!(
        examples.len() >= 3,
        "expected the README and schema examples, found {}",
        examples.len()
    );
    for (file, command, expected) in examples {
        let args: Vec<&str> = command.split_whitespace().collect();
        let (_, stdout, stderr) = run(kds().current_dir(env!("CARGO_MANIFEST_DIR")).args(&args));
        assert!(
            stdout == expected,
            "{file}: `kubectl ds {command}` no longer prints what the docs show (stderr: {stderr}).\n--- docs\n{expected}\n--- binary\n{stdout}"
        );
    }
}
