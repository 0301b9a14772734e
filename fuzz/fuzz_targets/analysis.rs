//! Arbitrary bytes → loader → for every DaemonSet, `why_missing` over every node and
//! `node_report` on every node. Whatever loads must be analysable without a panic.
#![no_main]

use kubectl_ds::analysis::{Inventory, node_report, why_missing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = kubectl_ds::snapshot::load_bytes("fuzz", data) else {
        return;
    };
    let snapshot = &loaded.snapshot;
    // A fixed clock: the analysis takes `now` as a parameter.
    let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    let inv = Inventory::new(snapshot);
    let daemon_sets: Vec<_> = snapshot.daemon_sets.iter().collect();
    for ds in &daemon_sets {
        let _ = why_missing(&inv, ds, None, now);
        let nodes: Vec<_> = snapshot.nodes.iter().collect();
        let _ = why_missing(&inv, ds, Some(nodes.as_slice()), now);
    }
    for node in &snapshot.nodes {
        let _ = node_report(&inv, &daemon_sets, node, now);
    }
});
