//! Times the why-missing analysis (`Inventory::new` + `why_missing` over every node) on
//! synthetic snapshots of growing size, one analysis per call of [`analyse`] — for instruction
//! and cache-miss counts under valgrind, where criterion's timing loop gets in the way:
//!
//! ```sh
//! cargo run --release --example engine_scaling -- 1000 2000 4000       # wall time per size
//! valgrind --tool=callgrind --toggle-collect='*analyse*' --cache-sim=yes \
//!     target/release/examples/engine_scaling --once 2000                # Ir and misses of one run
//! ```
//!
//! Snapshots have 30 pods per node, as the `why_missing/nodes` benchmarks.

use std::hint::black_box;
use std::time::Instant;

use kubectl_ds::analysis::{Inventory, why_missing};
use kubectl_ds::model::Snapshot;
use kubectl_ds::snapshot::load_bytes;

#[path = "../benches/support/mod.rs"]
mod support;

const PODS_PER_NODE: usize = 30;

/// One analysis, never inlined so that valgrind can count exactly it.
#[inline(never)]
fn analyse(snapshot: &Snapshot, now: jiff::Timestamp) -> usize {
    let inv = Inventory::new(snapshot);
    let report = why_missing(&inv, &snapshot.daemon_sets[0], None, now);
    black_box(report.nodes.len())
}

fn main() {
    let mut once = false;
    let mut sizes = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--once" => once = true,
            n => sizes.push(
                n.parse::<usize>()
                    .expect("usage: engine_scaling [--once] NODES..."),
            ),
        }
    }
    if sizes.is_empty() {
        sizes = vec![500, 1000, 2000, 4000];
    }
    let now: jiff::Timestamp = "2026-11-02T08:00:00Z".parse().expect("valid timestamp");
    println!("nodes\tpods\tms/analysis\tns/node");
    for nodes in sizes {
        let json = support::snapshot_json(nodes, nodes * PODS_PER_NODE);
        let snapshot = load_bytes("generated", &json).expect("loads").snapshot;
        drop(json);
        let runs = if once { 1 } else { (40_000 / nodes).max(5) };
        let start = Instant::now();
        for _ in 0..runs {
            analyse(&snapshot, now);
        }
        let per_run = start.elapsed() / runs as u32;
        println!(
            "{nodes}\t{}\t{:.2}\t{:.0}",
            nodes * PODS_PER_NODE,
            per_run.as_secs_f64() * 1e3,
            per_run.as_nanos() as f64 / nodes as f64
        );
    }
}
