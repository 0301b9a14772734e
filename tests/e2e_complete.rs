//! Tier 4: `kubectl ds …<TAB>` in a real interactive `bash` on a pseudo-terminal, with kubectl's
//! own bash completion (`kubectl completion bash`) loaded and `kubectl`, `kubectl-ds` and the
//! shim `completions/kubectl_complete-ds` on `PATH`: the whole path kubectl → plugin completion
//! → `kubectl-ds __complete` → the local control plane, as a user's shell takes it.
//!
//! ```sh
//! KDS_CLUSTER_DIR=/tmp/kds-complete tests/cluster/cluster.sh up
//! eval "$(KDS_CLUSTER_DIR=/tmp/kds-complete tests/cluster/cluster.sh env)"
//! cargo test --test e2e_complete -- --ignored
//! KDS_CLUSTER_DIR=/tmp/kds-complete tests/cluster/cluster.sh down
//! ```

#![cfg(unix)]

mod e2e_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use e2e_support::{TestEnv, kubeconfig_path, kubectl_bin};

/// Starts `bash -i` with `rc` on a pty, types `keys`, and returns everything the terminal
/// showed once `done` appears (or the driver's timeout passes).
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, time
rc, keys, done = sys.argv[1], sys.argv[2], sys.argv[3].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--noprofile", "--rcfile", rc, "-i"])
seen = b""
def read_until(marker, timeout):
    global seen
    end = time.time() + timeout
    while time.time() < end and marker not in seen:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return
            if not data:
                return
            seen += data
read_until(b"READY> ", 30)
os.write(fd, keys.encode())
read_until(done, 60)
os.write(fd, b"\x15exit\n")
read_until(b"\x00never", 2)
sys.stdout.write(seen.decode("utf-8", "replace"))
"#;

/// `name` as an absolute path: itself, or the first match on `PATH`.
fn absolute(name: &Path) -> Result<PathBuf> {
    if name.is_absolute() {
        return Ok(name.to_owned());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .with_context(|| format!("{} not found on PATH", name.display()))
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn bash_completes_a_daemonset_name_from_the_cluster_through_kubectl() -> Result<()> {
    let env = TestEnv::new("complete").await?;
    let result = run(&env).await;
    env.cleanup().await?;
    result
}

async fn run(env: &TestEnv) -> Result<()> {
    env.apply_yaml(e2e_support::DEMO_MANIFESTS).await?;

    // A directory that is the shell's whole PATH besides the system's: kubectl (v1.37, with
    // plugin completion), the plugin and the shim, as a user installs them.
    let bin = std::env::temp_dir().join(format!("kds-e2e-complete-{}", env.id));
    std::fs::create_dir_all(&bin)?;
    let link = |target: &Path, name: &str| -> Result<()> {
        let at = bin.join(name);
        let _ = std::fs::remove_file(&at);
        std::os::unix::fs::symlink(target, &at).with_context(|| format!("linking {name}"))
    };
    link(&absolute(&kubectl_bin())?, "kubectl")?;
    link(Path::new(env!("CARGO_BIN_EXE_kubectl-ds")), "kubectl-ds")?;
    link(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/kubectl_complete-ds"),
        "kubectl_complete-ds",
    )?;

    // kubectl's bash completion needs bash-completion's _get_comp_words_by_ref; a minimal one
    // stands in where the package is not installed.
    let rc = bin.join("bashrc");
    std::fs::write(
        &rc,
        format!(
            "export PATH='{bin}':/usr/bin:/bin
export KUBECONFIG='{kc}'
[ -r /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
if ! declare -F _get_comp_words_by_ref >/dev/null; then
  _get_comp_words_by_ref() {{
    cur=${{COMP_WORDS[COMP_CWORD]}}; prev=${{COMP_WORDS[COMP_CWORD-1]}}
    words=(\"${{COMP_WORDS[@]}}\"); cword=$COMP_CWORD
  }}
fi
source <(kubectl completion bash)
PS1='READY> '
",
            bin = bin.display(),
            kc = kubeconfig_path()?.display(),
        ),
    )?;

    // Type the start of the name, TAB, then go to the line's start and make it print its words
    // one per line: the completed word comes back as `WORD[log-collector]`.
    let keys = format!(
        "kubectl ds why-missing -n {} log-c\t\x01printf 'WORD[%s]\\n' \r",
        env.ns
    );
    let out = Command::new("python3")
        .args(["-c", PTY_DRIVER])
        .arg(&rc)
        .arg(&keys)
        .arg("WORD[log-")
        .env_remove("BASH_ENV")
        .output()
        .context("running python3")?;
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&bin);
    if !screen.contains("WORD[log-collector]") {
        bail!("bash did not complete the DaemonSet name; the terminal showed:\n{screen}");
    }
    if screen.contains("WORD[log-c]") {
        bail!("the word was left as typed:\n{screen}");
    }
    Ok(())
}
