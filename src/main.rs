//! `kubectl-ds`: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use kubectl_ds::cli::Cli;
use kubectl_ds::render::safe::Safe;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The exec credential plugin wrapper (see `cluster::exec_credential`): never in `--help`.
    // Kubeconfig commands are YAML strings, so UTF-8; arguments are read as OS strings so that
    // no argument of any other command can make this check panic.
    if args
        .get(1)
        .is_some_and(|a| a.as_os_str() == kubectl_ds::cluster::exec_credential::WRAPPER_ARG)
    {
        let rest: Vec<String> = args[2..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return kubectl_ds::cluster::exec_credential::run_wrapper(&rest);
    }
    // Completion requests are read word for word, before clap (which would take the typed
    // global flags for ours), and always exit 0: kubectl drops the answer of a failed run.
    if let Some(words) = kubectl_ds::commands::complete::request_words(&args) {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let _ = kubectl_ds::commands::complete::run(&words, &mut out);
        let _ = std::io::Write::flush(&mut out);
        return ExitCode::SUCCESS;
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // The whole error line is escaped: our own words never hold a control character, while the
    // names, file names and API messages it quotes may.
    match kubectl_ds::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) if kubectl_ds::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.is::<kubectl_ds::UsageError>() => {
            eprintln!("error: {}", Safe(&format!("{e:#}")));
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {}", Safe(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}
