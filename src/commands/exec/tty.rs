//! The local terminal for `exec -it`: kubectl's decision whether a TTY is used, raw mode behind
//! a guard that restores the settings on every way out (drop, panic, SIGTERM/SIGHUP/SIGQUIT),
//! and the window size with its changes (SIGWINCH).

use futures::StreamExt;
use futures::stream::LocalBoxStream;

/// kubectl's warning when `-i -t` is asked for but stdin is no terminal (`StreamOptions.SetupTTY`).
pub const UNUSABLE: &str =
    "Unable to use a TTY - input is not a terminal or the right kind of file";

/// What `-i` and `-t` come to, as kubectl decides in `StreamOptions.SetupTTY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tty {
    /// No TTY: without `-t`, or `-t` without `-i` (kubectl drops it silently).
    Off,
    /// `-i -t` on a terminal: ask the API for a TTY, put our terminal in raw mode.
    Raw,
    /// `-i -t` but stdin is not a terminal: warn, continue without a TTY.
    Unusable,
}

/// kubectl's rule: a TTY needs stdin (`-i`), and stdin must be a terminal.
pub fn decide(stdin: bool, tty: bool, stdin_is_terminal: bool) -> Tty {
    match (stdin, tty, stdin_is_terminal) {
        (true, true, true) => Tty::Raw,
        (true, true, false) => Tty::Unusable,
        _ => Tty::Off,
    }
}

/// Whether stdin is a terminal.
pub fn stdin_is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdin())
}

#[cfg(unix)]
mod imp {
    use std::os::fd::AsFd;
    use std::sync::{Mutex, Once};

    use rustix::termios::{OptionalActions, Termios, tcgetattr, tcgetwinsize, tcsetattr};

    /// The settings to put back, for the panic hook (with `panic = "abort"` no destructor runs).
    static SAVED: Mutex<Option<Termios>> = Mutex::new(None);
    static HOOK: Once = Once::new();

    /// Puts the saved settings back on stdin, once.
    pub fn restore() {
        let saved = SAVED.lock().map(|mut s| s.take()).unwrap_or_default();
        if let Some(termios) = saved {
            let _ = tcsetattr(std::io::stdin().as_fd(), OptionalActions::Now, &termios);
        }
    }

    /// Saves stdin's settings and switches it to raw mode (`cfmakeraw`, as kubectl's moby/term).
    pub fn enter_raw() -> std::io::Result<()> {
        let stdin = std::io::stdin();
        let saved = tcgetattr(stdin.as_fd())?;
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                // First the terminal, so the panic message is readable.
                restore();
                previous(info);
            }));
        });
        let mut raw = saved.clone();
        raw.make_raw();
        if let Ok(mut slot) = SAVED.lock() {
            *slot = Some(saved);
        }
        tcsetattr(stdin.as_fd(), OptionalActions::Now, &raw)?;
        Ok(())
    }

    /// The size of the terminal on stdout (kubectl measures its output), if it is one.
    pub fn size() -> Option<(u16, u16)> {
        let stdout = std::io::stdout();
        if !std::io::IsTerminal::is_terminal(&stdout) {
            return None;
        }
        let ws = tcgetwinsize(stdout.as_fd()).ok()?;
        (ws.ws_col > 0 && ws.ws_row > 0).then_some((ws.ws_col, ws.ws_row))
    }
}

/// Raw mode on stdin while alive: dropping it (normal end, error, the future being dropped on
/// Ctrl-C) puts the saved settings back; a panic hook does the same for a panic.
#[derive(Debug)]
pub struct RawMode(());

impl RawMode {
    /// Switches stdin to raw mode.
    ///
    /// # Errors
    /// Stdin's settings cannot be read or set.
    pub fn enter() -> std::io::Result<RawMode> {
        #[cfg(unix)]
        imp::enter_raw()?;
        Ok(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        #[cfg(unix)]
        imp::restore();
    }
}

/// Puts back the settings saved when raw mode was entered, if it is on: for a process that ends
/// without unwinding (a forced exit after Ctrl-C).
pub(crate) fn restore_now() {
    #[cfg(unix)]
    imp::restore();
}

/// Terminal sizes as (width, height): the current one first, then one per SIGWINCH. Empty when
/// stdout is not a terminal (kubectl then sends none).
///
/// # Errors
/// The SIGWINCH handler cannot be installed.
pub fn sizes() -> std::io::Result<LocalBoxStream<'static, (u16, u16)>> {
    #[cfg(unix)]
    {
        let Some(first) = imp::size() else {
            return Ok(futures::stream::empty().boxed_local());
        };
        let winch = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change())?;
        let changes = futures::stream::unfold(winch, |mut winch| async move {
            winch.recv().await?;
            Some((imp::size(), winch))
        })
        .filter_map(|size| async move { size });
        Ok(futures::stream::once(async move { first })
            .chain(changes)
            .boxed_local())
    }
    #[cfg(not(unix))]
    Ok(futures::stream::empty().boxed_local())
}

/// The signals that would otherwise kill us with the terminal left raw (SIGTERM, SIGHUP,
/// SIGQUIT; SIGINT is the caller's Ctrl-C handling). Install before entering raw mode.
pub struct Terminations {
    #[cfg(unix)]
    signals: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Terminations {
    /// Installs the handlers.
    ///
    /// # Errors
    /// A handler cannot be installed.
    pub fn install() -> std::io::Result<Terminations> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = [
                (15, SignalKind::terminate()),
                (1, SignalKind::hangup()),
                (3, SignalKind::quit()),
            ]
            .into_iter()
            .map(|(number, kind)| Ok((number, signal(kind)?)))
            .collect::<std::io::Result<Vec<_>>>()?;
            Ok(Terminations { signals })
        }
        #[cfg(not(unix))]
        Ok(Terminations {})
    }

    /// Resolves with the number of the first of these signals to arrive.
    pub async fn recv(&mut self) -> i32 {
        #[cfg(unix)]
        {
            let waits = self.signals.iter_mut().map(|(number, signal)| {
                let number = *number;
                Box::pin(async move {
                    signal.recv().await;
                    number
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tty_needs_stdin_and_a_terminal() {
        assert_eq!(decide(true, true, true), Tty::Raw);
        assert_eq!(decide(true, true, false), Tty::Unusable);
        // -t without -i: kubectl sets TTY=false without a word.
        assert_eq!(decide(false, true, true), Tty::Off);
        assert_eq!(decide(false, true, false), Tty::Off);
        assert_eq!(decide(true, false, true), Tty::Off);
        assert_eq!(decide(false, false, false), Tty::Off);
    }
}
