//! `kubectl-ds`: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use kubectl_ds::cli::Cli;

fn main() -> ExitCode {
    // The exec credential plugin wrapper (see `cluster::exec_credential`): never in `--help`.
    let args: Vec<String> = std::env::args().skip(1).take(1).collect();
    if args.first().map(String::as_str) == Some(kubectl_ds::cluster::exec_credential::WRAPPER_ARG) {
        let rest: Vec<String> = std::env::args().skip(2).collect();
        return kubectl_ds::cluster::exec_credential::run_wrapper(&rest);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match kubectl_ds::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) if kubectl_ds::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.is::<kubectl_ds::UsageError>() => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
