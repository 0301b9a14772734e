//! Logs from a `kubectl cluster-info dump --output-directory DIR`: kubectl writes each pod's
//! logs to `DIR/NAMESPACE/POD/logs.txt`, one section per container (init containers first),
//! each between `==== START logs for container C of pod NS/P ====` and the matching `END` line.
//! Failed fetches are recorded in the section as `Request log error: …`.

use std::path::{Path, PathBuf};

/// The lines kubectl writes when it could not fetch a container's logs for the dump.
const FETCH_ERRORS: [&str; 2] = ["Request log error: ", "Create log request error: "];

/// The dump's log file of pod `ns/name`: `DIR/ns/name/logs.txt` under the first `--from-file`
/// directory that has it.
///
/// # Errors
/// No directory was given, or none has the file.
pub fn log_file(paths: &[PathBuf], ns: &str, name: &str) -> anyhow::Result<PathBuf> {
    let candidates: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|dir| dir.join(ns).join(name).join("logs.txt"))
        .collect();
    if candidates.is_empty() {
        anyhow::bail!(
            "logs with --from-file read the pod logs of a `kubectl cluster-info dump --output-directory DIR` directory; no directory was given"
        );
    }
    candidates
        .iter()
        .find(|c| c.is_file())
        .cloned()
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the dump has no logs of pod {ns}/{name} ({} does not exist)",
                candidates[0].display()
            )
        })
}

/// The logs of `container` in a pod's `logs.txt`.
///
/// # Errors
/// The file has no section for the container, or the section records a failed fetch.
pub fn container_logs<'a>(
    text: &'a str,
    ns: &str,
    pod: &str,
    container: &str,
) -> anyhow::Result<&'a str> {
    let start = format!("==== START logs for container {container} of pod {ns}/{pod} ====\n");
    // kubectl writes the END line right after the log bytes: after a last line without a
    // newline it is not at the start of a line, so it is found as a string, not as a line.
    // The END line's own newline is not required: a file cut after it (or saved by an editor
    // that drops the last newline) still has the whole section.
    let end = format!("==== END logs for container {container} of pod {ns}/{pod} ====");
    let section = text
        .find(&start)
        .map(|at| &text[at + start.len()..])
        .and_then(|rest| rest.find(&end).map(|to| &rest[..to]))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the dump's logs of pod {ns}/{pod} have no section for container {container}"
            )
        })?;
    let trimmed = section.trim_end_matches('\n');
    if !trimmed.contains('\n') && FETCH_ERRORS.iter().any(|e| trimmed.starts_with(e)) {
        anyhow::bail!(
            "the dump has no logs of container {container} of pod {ns}/{pod}: kubectl cluster-info dump wrote {trimmed:?}"
        );
    }
    Ok(section)
}

/// The last `n` lines of `text` (all when `n` is negative); a last line without a newline counts.
pub fn tail(text: &str, n: i64) -> &str {
    let Ok(n) = usize::try_from(n) else {
        return text;
    };
    if n == 0 {
        return "";
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    match starts.len().checked_sub(n) {
        Some(first) => &text[starts[first]..],
        None => text,
    }
}

/// Reads a pod's dump file.
///
/// # Errors
/// Unreadable file or not UTF-8 (kubectl writes the logs as the API returned them; a binary
/// log is read lossily instead).
pub fn read(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "==== START logs for container init of pod ns/p ====\n\
        init done\n\
        ==== END logs for container init of pod ns/p ====\n\
        ==== START logs for container main of pod ns/p ====\n\
        one\ntwo\nthree==== END logs for container main of pod ns/p ====\n\
        ==== START logs for container side of pod ns/p ====\n\
        Request log error: container \"side\" in pod \"p\" is waiting to start: ContainerCreating\n\
        ==== END logs for container side of pod ns/p ====\n";

    #[test]
    fn sections_by_container_even_without_a_last_newline() {
        assert_eq!(
            container_logs(FILE, "ns", "p", "init").unwrap(),
            "init done\n"
        );
        assert_eq!(
            container_logs(FILE, "ns", "p", "main").unwrap(),
            "one\ntwo\nthree"
        );
        let missing = container_logs(FILE, "ns", "p", "other").unwrap_err();
        assert_eq!(
            missing.to_string(),
            "the dump's logs of pod ns/p have no section for container other"
        );
        // Another pod's markers do not match.
        assert!(container_logs(FILE, "ns", "q", "main").is_err());
    }

    #[test]
    fn a_final_newline_is_kept_through_section_and_tail() {
        // kubectl writes the log bytes, then the END line: the logs' own last newline is theirs.
        let file = "==== START logs for container c of pod ns/p ====\n\
            one\ntwo\n\
            ==== END logs for container c of pod ns/p ====";
        let section = container_logs(file, "ns", "p", "c").unwrap();
        assert_eq!(section, "one\ntwo\n");
        assert_eq!(tail(section, 1), "two\n");
        assert_eq!(tail(section, -1), "one\ntwo\n");
        let with_newline = format!("{file}\n");
        assert_eq!(
            container_logs(&with_newline, "ns", "p", "c").unwrap(),
            "one\ntwo\n"
        );
        // Blank last lines are log lines too.
        let blank = file.replace("two\n", "two\n\n");
        assert_eq!(
            container_logs(&blank, "ns", "p", "c").unwrap(),
            "one\ntwo\n\n"
        );
    }

    #[test]
    fn a_failed_fetch_is_an_error_not_a_log() {
        let err = container_logs(FILE, "ns", "p", "side").unwrap_err();
        assert!(
            err.to_string()
                .ends_with("wrote \"Request log error: container \\\"side\\\" in pod \\\"p\\\" is waiting to start: ContainerCreating\""),
            "{err}"
        );
    }

    #[test]
    fn tail_counts_lines_like_the_api() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc\n");
        assert_eq!(tail("a\nb\nc", 2), "b\nc");
        assert_eq!(tail("a\nb\n", 5), "a\nb\n");
        assert_eq!(tail("a\nb\n", 0), "");
        assert_eq!(tail("a\nb\n", -1), "a\nb\n");
        assert_eq!(tail("", 3), "");
    }
}
