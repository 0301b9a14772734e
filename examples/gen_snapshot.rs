//! Writes a large synthetic cluster as `kubectl get nodes,pods,daemonsets,controllerrevisions -A
//! -o json` would print it, for benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_snapshot -- --nodes 5000 --pods 150000 > /tmp/big.json
//! ```
//!
//! `--yaml` writes the same objects as multi-document YAML instead (one `---` document per
//! object, as `kubectl get -o yaml` of each would print it):
//!
//! ```sh
//! cargo run --release --example gen_snapshot -- --nodes 500 --pods 14000 --yaml > /tmp/big.yaml
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
    yaml: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        nodes: 1000,
        pods: 30000,
        yaml: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--yaml" {
            args.yaml = true;
            continue;
        }
        let value = it.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--nodes", Some(v)) => args.nodes = v,
            ("--pods", Some(v)) => args.pods = v,
            _ => {
                eprintln!("usage: gen_snapshot [--nodes N] [--pods N] [--yaml]");
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
    if !args.yaml {
        support::write_snapshot(&mut out, args.nodes, args.pods)?;
        return out.flush();
    }
    // The JSON list, re-emitted as one YAML document per item.
    let mut json = Vec::new();
    support::write_snapshot(&mut json, args.nodes, args.pods)?;
    let mut list: serde_json::Value =
        serde_json::from_slice(&json).map_err(std::io::Error::other)?;
    drop(json);
    let items = match list.get_mut("items").map(serde_json::Value::take) {
        Some(serde_json::Value::Array(items)) => items,
        _ => return Err(std::io::Error::other("the generated list has no items")),
    };
    for item in items {
        out.write_all(b"---\n")?;
        let text = serde_saphyr::to_string(&item).map_err(std::io::Error::other)?;
        out.write_all(text.as_bytes())?;
    }
    out.flush()
}
