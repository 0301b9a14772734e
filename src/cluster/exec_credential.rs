//! Bounds on exec credential plugins (`users[].user.exec` in a kubeconfig).
//!
//! kube runs the plugin with `std::process::Command::output()`: no time limit, no size limit,
//! and it blocks the thread that runs the request. So before the kubeconfig reaches kube, each
//! exec entry is rewritten to run this binary as a hidden wrapper,
//! `kubectl-ds __exec-credential --timeout MS --max-bytes N -- COMMAND ARGS…`, which runs the
//! plugin with the same environment, stdin and stderr, passes its stdout through, and kills it
//! when it runs past the time limit or prints more than the size limit. The wrapper's exit code
//! says which limit ended it; [`ExecPlugin::explain`] turns that into the message.

use std::io::{Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use kube::config::Kubeconfig;

use super::format_duration;

/// The hidden first argument that runs the wrapper.
pub const WRAPPER_ARG: &str = "__exec-credential";
/// The most an exec credential plugin may print (an ExecCredential is a few KiB).
pub const MAX_PLUGIN_OUTPUT: usize = 1024 * 1024;
/// The plugin's time limit when `--request-timeout` is 0 (no limit for requests).
pub const PLUGIN_TIMEOUT_WITHOUT_REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// The wrapper's exit code when the plugin ran out of time (as `timeout(1)`).
const EXIT_TIMED_OUT: u8 = 124;
/// The wrapper's exit code when the plugin printed too much.
const EXIT_TOO_LARGE: u8 = 125;

/// The plugin of the user in use, and its limits (for the error message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecPlugin {
    /// The plugin's command as the kubeconfig names it.
    pub command: String,
    /// How long it may run.
    pub timeout: Duration,
    /// How much it may print.
    pub max_bytes: usize,
}

impl ExecPlugin {
    /// The message for a failed plugin run that the wrapper ended, from kube's error; `None` when
    /// the plugin failed on its own.
    pub fn explain(&self, err: &kube::client::AuthError) -> Option<String> {
        let kube::client::AuthError::AuthExecRun { out, .. } = err else {
            return None;
        };
        let code = out.status.code()?;
        let name = crate::render::safe::escape(&self.command);
        if code == i32::from(EXIT_TIMED_OUT) {
            Some(format!(
                "the exec credential plugin {name:?} did not finish within {} (stopped; it may be waiting for input or a network)",
                format_duration(self.timeout)
            ))
        } else if code == i32::from(EXIT_TOO_LARGE) {
            Some(format!(
                "the exec credential plugin {name:?} printed more than {} (the limit for its output; stopped)",
                byte_size(self.max_bytes)
            ))
        } else {
            None
        }
    }
}

/// `1 MiB`, `512 KiB`, `300 B`.
pub fn byte_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} B")
    }
}

/// Rewrites every exec entry of `kubeconfig` to run through the wrapper (`exe`), and returns the
/// plugin of the user the context `context` (or the current one) uses, if it has one.
pub fn wrap_plugins(
    kubeconfig: &mut Kubeconfig,
    context: Option<&str>,
    exe: &std::path::Path,
    timeout: Duration,
    max_bytes: usize,
) -> Option<ExecPlugin> {
    let context = context
        .map(str::to_owned)
        .or_else(|| kubeconfig.current_context.clone());
    let user = context.and_then(|name| {
        kubeconfig
            .contexts
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.context.as_ref())
            .and_then(|c| c.user.clone())
    });
    let mut in_use = None;
    for named in &mut kubeconfig.auth_infos {
        let Some(exec) = named.auth_info.as_mut().and_then(|a| a.exec.as_mut()) else {
            continue;
        };
        let Some(command) = exec.command.take() else {
            continue;
        };
        let mut args = vec![
            WRAPPER_ARG.to_owned(),
            "--timeout-ms".to_owned(),
            timeout.as_millis().to_string(),
            "--max-bytes".to_owned(),
            max_bytes.to_string(),
            "--".to_owned(),
            command.clone(),
        ];
        args.extend(exec.args.take().unwrap_or_default());
        exec.command = Some(exe.to_string_lossy().into_owned());
        exec.args = Some(args);
        if user.as_deref() == Some(named.name.as_str()) {
            in_use = Some(ExecPlugin {
                command,
                timeout,
                max_bytes,
            });
        }
    }
    in_use
}

/// The wrapper's options.
#[derive(Debug, PartialEq, Eq)]
struct WrapperArgs {
    timeout: Duration,
    max_bytes: usize,
    command: String,
    args: Vec<String>,
}

fn parse_wrapper_args(args: &[String]) -> Option<WrapperArgs> {
    let mut timeout = None;
    let mut max_bytes = None;
    let mut it = args.iter();
    loop {
        match it.next()?.as_str() {
            "--timeout-ms" => timeout = Some(Duration::from_millis(it.next()?.parse().ok()?)),
            "--max-bytes" => max_bytes = Some(it.next()?.parse().ok()?),
            "--" => break,
            _ => return None,
        }
    }
    let command = it.next()?.clone();
    Some(WrapperArgs {
        timeout: timeout?,
        max_bytes: max_bytes?,
        command,
        args: it.cloned().collect(),
    })
}

/// Runs the wrapper: `args` are the arguments after [`WRAPPER_ARG`]. Exits 124 when the plugin
/// ran out of time and 125 when it printed too much (it is killed in both cases), else with the
/// plugin's own exit code.
pub fn run_wrapper(args: &[String]) -> ExitCode {
    let Some(opts) = parse_wrapper_args(args) else {
        eprintln!(
            "usage: kubectl-ds {WRAPPER_ARG} --timeout-ms MS --max-bytes N -- COMMAND [ARGS…]"
        );
        return ExitCode::from(2);
    };
    let mut child = match Command::new(&opts.command)
        .args(&opts.args)
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            eprintln!(
                "cannot run the exec credential plugin {:?}: {e}",
                crate::render::safe::escape(&opts.command)
            );
            return ExitCode::from(1);
        }
    };
    let Some(mut stdout) = child.stdout.take() else {
        return ExitCode::from(1);
    };
    let max_bytes = opts.max_bytes;
    // Read on a thread, at most one byte past the limit: the plugin may never close its stdout.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let limit = u64::try_from(max_bytes)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let result = (&mut stdout).take(limit).read_to_end(&mut buf).map(|_| buf);
        let _ = tx.send(result);
    });
    let started = Instant::now();
    let output = loop {
        let left = opts.timeout.saturating_sub(started.elapsed());
        match rx.recv_timeout(left.min(Duration::from_millis(50))) {
            Ok(result) => break result,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if left.is_zero() => {
                let _ = child.kill();
                let _ = child.wait();
                return ExitCode::from(EXIT_TIMED_OUT);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                break Err(std::io::Error::other("the reader stopped"));
            }
        }
    };
    let output = match output {
        Ok(bytes) if bytes.len() > max_bytes => {
            let _ = child.kill();
            let _ = child.wait();
            return ExitCode::from(EXIT_TOO_LARGE);
        }
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("cannot read the exec credential plugin's output: {e}");
            return ExitCode::from(1);
        }
    };
    // The output is complete (EOF); the plugin still has the rest of the time limit to exit.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= opts.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return ExitCode::from(EXIT_TIMED_OUT);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return ExitCode::from(1),
        }
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(&output).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    match status.code() {
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::from(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapper_arguments_round_trip() {
        let args: Vec<String> = [
            "--timeout-ms",
            "2000",
            "--max-bytes",
            "10",
            "--",
            "aws",
            "eks",
            "--",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            parse_wrapper_args(&args),
            Some(WrapperArgs {
                timeout: Duration::from_secs(2),
                max_bytes: 10,
                command: "aws".to_owned(),
                args: vec!["eks".to_owned(), "--".to_owned()],
            })
        );
        assert_eq!(parse_wrapper_args(&["--".to_owned()]), None);
    }

    #[test]
    fn exec_entries_are_rewritten_and_the_user_in_use_is_named() {
        let mut kc = Kubeconfig::from_yaml(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n\
             users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: plugin, args: [a, b]}\n\
             - name: other\n  user: {token: t}\n",
        )
        .unwrap();
        let exe = std::path::Path::new("/bin/kubectl-ds");
        let plugin = wrap_plugins(&mut kc, None, exe, Duration::from_secs(30), 1024).unwrap();
        assert_eq!(plugin.command, "plugin");
        let exec = kc.auth_infos[0]
            .auth_info
            .as_ref()
            .unwrap()
            .exec
            .as_ref()
            .unwrap();
        assert_eq!(exec.command.as_deref(), Some("/bin/kubectl-ds"));
        assert_eq!(
            exec.args.as_deref().unwrap(),
            [
                WRAPPER_ARG,
                "--timeout-ms",
                "30000",
                "--max-bytes",
                "1024",
                "--",
                "plugin",
                "a",
                "b"
            ]
        );
        assert_eq!(byte_size(MAX_PLUGIN_OUTPUT), "1 MiB");
        assert_eq!(byte_size(300), "300 B");
    }
}
