//! Criterion benchmarks of the pure engine: the JSON snapshot loader and the why-missing
//! analysis, over synthetic snapshots (see `support`) that grow with the nodes (30 pods per node)
//! and with the pods (at a fixed node count). Results per size are in `docs/performance.md`.
//!
//! ```sh
//! cargo bench --bench engine                 # everything, a few minutes
//! cargo bench --bench engine -- why_missing  # one group
//! ```

mod support;

use std::cell::OnceCell;
use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use jiff::Timestamp;
use kubectl_ds::analysis::pods::{all_node_rows, pod_row, pods_on_node};
use kubectl_ds::analysis::why_missing::DaemonSetState;
use kubectl_ds::analysis::{Inventory, why_missing};
use kubectl_ds::model::Snapshot;
use kubectl_ds::snapshot::load_bytes;

/// Node counts of the node-scaling groups (30 pods per node); `KDS_BENCH_NODES=1000,4000`
/// replaces them.
const NODES: [usize; 4] = [250, 500, 1000, 2000];
const PODS_PER_NODE: usize = 30;
/// Pod counts of the pod-scaling groups, on this many nodes.
const FIXED_NODES: usize = 500;
const PODS: [usize; 4] = [5_000, 10_000, 20_000, 40_000];

fn now() -> Timestamp {
    "2026-11-02T08:00:00Z".parse().expect("valid timestamp")
}

/// Short runs: 10 samples of equal iteration counts (flat sampling; the loader at 2,000 nodes
/// takes seconds per iteration, linear sampling would run it 55 times).
fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// The size a group scales with, and its throughput (objects per second).
fn size(nodes: usize, pods: usize, per_node: bool) -> usize {
    if per_node { nodes } else { pods }
}

/// `Inventory::new` + `why_missing` for the `agent` DaemonSet over all nodes.
fn analysis(c: &mut Criterion, group: &str, sizes: &[(usize, usize)], per_node: bool) {
    let mut g = c.benchmark_group(group);
    g.sampling_mode(SamplingMode::Flat);
    for &(nodes, pods) in sizes {
        // Built on first use, so a benchmark left out by a filter costs nothing.
        let snap: OnceCell<Snapshot> = OnceCell::new();
        let now = now();
        let n = size(nodes, pods, per_node);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            let snap = snap.get_or_init(|| {
                let json = support::snapshot_json(nodes, pods);
                let snap = load_bytes("bench", &json).expect("loads").snapshot;
                assert_eq!((snap.nodes.len(), snap.pods.len()), (nodes, pods));
                snap
            });
            let ds = &snap.daemon_sets[0];
            b.iter(|| {
                let inv = Inventory::new(snap);
                black_box(why_missing(&inv, ds, None, now))
            });
        });
    }
    g.finish();
}

/// `snapshot::load_bytes` over the pretty-printed `kubectl get -o json` text.
fn loader(c: &mut Criterion, group: &str, sizes: &[(usize, usize)], per_node: bool) {
    let mut g = c.benchmark_group(group);
    g.sampling_mode(SamplingMode::Flat);
    for &(nodes, pods) in sizes {
        let json: OnceCell<Vec<u8>> = OnceCell::new();
        let n = size(nodes, pods, per_node);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            let json = json.get_or_init(|| support::snapshot_json(nodes, pods));
            b.iter(|| black_box(load_bytes("bench", json).expect("loads")));
        });
    }
    g.finish();
}

/// Node counts of `pod --all-nodes` (one pod per node: the DaemonSet's);
/// `KDS_BENCH_POD_NODES=1000,2000` replaces them.
const POD_TABLE_NODES: [usize; 3] = [1_000, 4_000, 15_000];

/// What `pod agent --all-nodes` computes: `Inventory::new`, the DaemonSet's state and a row per
/// node (pod, status, verdict).
fn pod_all_nodes(c: &mut Criterion) {
    let nodes: Vec<usize> = match std::env::var("KDS_BENCH_POD_NODES") {
        Ok(list) => list
            .split(',')
            .map(|n| {
                n.trim()
                    .parse()
                    .expect("KDS_BENCH_POD_NODES: comma-separated counts")
            })
            .collect(),
        Err(_) => POD_TABLE_NODES.to_vec(),
    };
    let mut g = c.benchmark_group("pod_all_nodes/nodes");
    g.sampling_mode(SamplingMode::Flat);
    for n in nodes {
        let snap: OnceCell<Snapshot> = OnceCell::new();
        let now = now();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            let snap = snap.get_or_init(|| {
                let json = support::snapshot_json(n, n);
                load_bytes("bench", &json).expect("loads").snapshot
            });
            let ds = &snap.daemon_sets[0];
            b.iter(|| {
                let inv = Inventory::new(snap);
                let state = DaemonSetState::new(&inv, ds);
                black_box(all_node_rows(&inv, &state, ds, false, now))
            });
        });
        // The loop `pod --all-nodes` ran before it grouped the pods once (kept for the
        // comparison in docs/performance.md; quadratic, so only up to 4,000 nodes).
        if n <= 4_000 {
            g.bench_function(BenchmarkId::new("per_node_scan", n), |b| {
                let snap = snap.get_or_init(|| {
                    let json = support::snapshot_json(n, n);
                    load_bytes("bench", &json).expect("loads").snapshot
                });
                let ds = &snap.daemon_sets[0];
                b.iter(|| {
                    let inv = Inventory::new(snap);
                    let state = DaemonSetState::new(&inv, ds);
                    let mut nodes: Vec<_> = snap.nodes.iter().collect();
                    nodes.sort_by(|a, b| a.name().cmp(b.name()));
                    let rows: Vec<_> = nodes
                        .into_iter()
                        .map(|node| {
                            let pods = pods_on_node(&inv, ds, node.name());
                            let verdict = state.judge(&inv, node, now);
                            pod_row(node.name(), &pods, verdict.verdict.as_str(), now)
                        })
                        .collect();
                    black_box(rows)
                });
            });
        }
    }
    g.finish();
}

fn by_nodes() -> Vec<(usize, usize)> {
    let nodes: Vec<usize> = match std::env::var("KDS_BENCH_NODES") {
        Ok(list) => list
            .split(',')
            .map(|n| {
                n.trim()
                    .parse()
                    .expect("KDS_BENCH_NODES: comma-separated counts")
            })
            .collect(),
        Err(_) => NODES.to_vec(),
    };
    nodes.into_iter().map(|n| (n, n * PODS_PER_NODE)).collect()
}

fn by_pods() -> Vec<(usize, usize)> {
    PODS.iter().map(|&p| (FIXED_NODES, p)).collect()
}

fn benches(c: &mut Criterion) {
    analysis(c, "why_missing/nodes", &by_nodes(), true);
    analysis(c, "why_missing/pods", &by_pods(), false);
    loader(c, "load_bytes/nodes", &by_nodes(), true);
    loader(c, "load_bytes/pods", &by_pods(), false);
    pod_all_nodes(c);
}

criterion_group! {
    name = engine;
    config = config();
    targets = benches
}
criterion_main!(engine);
