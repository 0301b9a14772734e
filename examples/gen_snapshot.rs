//! Writes a large synthetic cluster as `kubectl get nodes,pods,daemonsets,controllerrevisions -A
//! -o json` would print it, for benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_snapshot -- --nodes 5000 --pods 150000 > /tmp/big.json
//! ```
//!
//! Pods are realistic in size: requests and limits, ports, env, volume mounts, ownerReferences,
//! managedFields and a full status. One DaemonSet (`agent` in `kube-system`) runs on every node;
//! a few nodes are tainted, full or broken so the analysis has work to do.

use std::io::{BufWriter, Write};

#[path = "../benches/support/mod.rs"]
mod support;

struct Args {
    nodes: usize,
    pods: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        nodes: 1000,
        pods: 30000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--nodes", Some(v)) => args.nodes = v,
            ("--pods", Some(v)) => args.pods = v,
            _ => {
                eprintln!("usage: gen_snapshot [--nodes N] [--pods N]");
                std::process::exit(2);
            }
        }
    }
    args
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    support::write_snapshot(&mut out, args.nodes, args.pods)?;
    out.flush()
}
