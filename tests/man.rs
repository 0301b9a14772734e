//! The man pages under `docs/man/` are generated from the CLI definition (`clap_mangen`): one
//! for `kubectl-ds` and one per subcommand. This test fails when a committed page is stale,
//! missing or left over; `UPDATE_MAN=1 cargo test --test man` rewrites the directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use kubectl_ds::cli::Cli;

const REGENERATE: &str = "UPDATE_MAN=1 cargo test --test man";

/// File name → page, for the command and every visible subcommand (as
/// `clap_mangen::generate_to` names them: `kubectl-ds-rollout-status.1`).
fn pages() -> BTreeMap<String, Vec<u8>> {
    fn walk(cmd: &clap::Command, pages: &mut BTreeMap<String, Vec<u8>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, pages);
        }
        let man = clap_mangen::Man::new(cmd.clone())
            .source(format!("kubectl-ds {}", env!("CARGO_PKG_VERSION")))
            .manual("kubectl-ds Manual");
        let mut page = Vec::new();
        man.render(&mut page).unwrap();
        pages.insert(man.get_filename(), exit_status_section(page));
    }
    // As clap_mangen::generate_to: no `help` subcommand, and built, so that every subcommand
    // knows its full name (`kubectl ds rollout status`).
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = BTreeMap::new();
    walk(&cmd, &mut pages);
    pages
}

/// clap_mangen prints `after_help` (our examples and exit codes) under `.SH EXTRA`, filled like
/// prose; man pages call those sections EXAMPLES and EXIT STATUS, and both must keep their lines
/// (`.nf`/`.fi`).
fn exit_status_section(page: Vec<u8>) -> Vec<u8> {
    let page = String::from_utf8(page).unwrap();
    let Some(start) = page.find(".SH EXTRA\n") else {
        return page.into_bytes();
    };
    let body = start + ".SH EXTRA\n".len();
    let end = page[body..]
        .find("\n.SH ")
        .map_or(page.len(), |i| body + i + 1);
    let extra = &page[body..end];
    let (examples, exit) = match extra.find("Exit codes:") {
        Some(i) => (&extra[..i], &extra[i..]),
        None => (extra, ""),
    };
    let mut sections = String::new();
    if let Some(examples) = examples.strip_prefix("Examples:\n") {
        sections.push_str(&format!(
            ".SH EXAMPLES\n.nf\n{}\n.fi\n",
            examples.trim_end()
        ));
    }
    if !exit.is_empty() {
        sections.push_str(&format!(".SH \"EXIT STATUS\"\n.nf\n{exit}.fi\n"));
    }
    format!("{}{sections}{}", &page[..start], &page[end..]).into_bytes()
}

fn man_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man")
}

/// The committed `*.1` files.
fn committed() -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(man_dir()) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "1"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

#[test]
fn committed_man_pages_are_current() {
    let generated = pages();
    if std::env::var_os("UPDATE_MAN").is_some() {
        std::fs::create_dir_all(man_dir()).unwrap();
        for name in committed().keys().filter(|n| !generated.contains_key(*n)) {
            std::fs::remove_file(man_dir().join(name)).unwrap();
        }
        for (name, page) in &generated {
            std::fs::write(man_dir().join(name), page).unwrap();
        }
    }
    let committed = committed();
    let stale: Vec<&str> = generated
        .iter()
        .filter(|(name, page)| committed.get(*name) != Some(page))
        .map(|(name, _)| name.as_str())
        .collect();
    let extra: Vec<&str> = committed
        .keys()
        .filter(|n| !generated.contains_key(*n))
        .map(String::as_str)
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "docs/man is stale (changed or missing: {stale:?}; no longer a command: {extra:?}): \
         regenerate with `{REGENERATE}`"
    );
}

#[test]
fn every_command_has_a_page() {
    let generated = pages();
    for name in [
        "kubectl-ds.1",
        "kubectl-ds-why-missing.1",
        "kubectl-ds-rollout.1",
        "kubectl-ds-rollout-status.1",
        "kubectl-ds-rollout-history.1",
        "kubectl-ds-rollout-undo.1",
        "kubectl-ds-rollout-restart.1",
        "kubectl-ds-replace.1",
        "kubectl-ds-version.1",
    ] {
        assert!(
            generated.contains_key(name),
            "no page {name}: {:?}",
            generated.keys()
        );
    }
    assert!(!generated.contains_key("kubectl-ds-help.1"));
}

#[test]
fn pages_name_the_command_as_kubectl_runs_it() {
    let generated = pages();
    let status = String::from_utf8(generated["kubectl-ds-rollout-status.1"].clone()).unwrap();
    assert!(
        status.contains(&format!(
            ".TH kubectl-ds-rollout-status 1  \"kubectl-ds {}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "{status}"
    );
    // The synopsis is the command line a user types.
    assert!(status.contains("kubectl ds rollout status"), "{status}");
    assert!(status.contains("\\-\\-fail\\-fast"), "{status}");
    let top = String::from_utf8(generated["kubectl-ds.1"].clone()).unwrap();
    assert!(top.contains("kubectl\\-ds\\-why\\-missing(1)"), "{top}");
    assert!(
        top.contains(".SH \"EXIT STATUS\"\n.nf\nExit codes:"),
        "{top}"
    );
    assert!(!top.contains(".SH EXTRA"), "{top}");
    for (name, page) in &generated {
        let page = String::from_utf8_lossy(page);
        assert!(
            page.contains(".SH EXAMPLES\n.nf\n"),
            "{name} has no EXAMPLES"
        );
    }
}
