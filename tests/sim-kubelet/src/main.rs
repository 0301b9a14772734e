//! sim-kubelet: a simulated kubelet for the kubectl-ds end-to-end tests.
//!
//! It never runs a container. It
//! * creates fake Nodes (with status) on request (`create-nodes`, or `run --nodes N`);
//! * adopts every Node carrying the sim label (default `kubectl-ds.test/sim=true`), fills in a
//!   realistic status (capacity/allocatable, conditions, addresses, nodeInfo) and keeps the
//!   `node.kubernetes.io/not-ready` / `unreachable` taints consistent with the simulated
//!   readiness (it plays the node-lifecycle controller for its nodes);
//! * watches all bound pods with ONE cluster-wide watch, and for pods on its nodes patches
//!   `pods/status` (Running/Ready, or a simulated failure) and finishes graceful deletions.
//!
//! Knobs (see tests/cluster/README.md):
//! * pod annotation `sim.kubectl-ds/behavior` (set it in the DaemonSet pod template):
//!   `running` (default) | `image-pull-backoff` | `crash-loop` | `not-ready` | `pending` |
//!   `slow-start=<duration>` (e.g. `slow-start=5s`); several may be comma-separated.
//! * image convention: a container image whose tag is `bad` or whose name contains
//!   `does-not-exist` → that container is stuck in ImagePullBackOff.
//! * node label `sim.kubectl-ds/ready`: `true` (default) | `false` (Ready=False +
//!   not-ready taints, pods on it marked NotReady) | `unknown` (Ready=Unknown + unreachable taints).
//! * node annotation `sim.kubectl-ds/allocatable`: e.g. `cpu=2,memory=4Gi,pods=10` (capacity and
//!   allocatable; default cpu=4, memory=16Gi, pods=110, ephemeral-storage=100Gi).

mod node;
mod pod;
mod util;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, DeleteParams, ListParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, ResourceExt};
use tokio::sync::mpsc;

pub const DEFAULT_SELECTOR: &str = "kubectl-ds.test/sim=true";
pub const BEHAVIOR_ANNOTATION: &str = "sim.kubectl-ds/behavior";
pub const NODE_READY_LABEL: &str = "sim.kubectl-ds/ready";
pub const NODE_ALLOCATABLE_ANNOTATION: &str = "sim.kubectl-ds/allocatable";

#[derive(Parser, Debug)]
#[command(
    name = "sim-kubelet",
    version,
    about = "Simulated kubelet for kubectl-ds e2e tests"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run the simulated kubelet (optionally creating nodes first). Runs until SIGINT/SIGTERM.
    Run(RunArgs),
    /// Create fake nodes (with status) and exit. Existing nodes are left alone.
    CreateNodes(CreateArgs),
    /// Delete nodes matching a label selector and exit.
    DeleteNodes(DeleteArgs),
}

#[derive(Args, Debug, Clone)]
pub struct NodeSpecArgs {
    /// Number of nodes to create (named <prefix><i>, i = start..start+N).
    #[arg(long, default_value_t = 0)]
    pub nodes: usize,
    /// Name prefix for --nodes.
    #[arg(long, default_value = "sim-")]
    pub prefix: String,
    /// First index for --nodes.
    #[arg(long, default_value_t = 1)]
    pub start: usize,
    /// Extra label for nodes created with --nodes (repeatable), `key=value`.
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Taint for nodes created with --nodes (repeatable), `key[=value]:Effect`.
    #[arg(long = "taint", value_name = "KEY[=VALUE]:EFFECT")]
    pub taints: Vec<String>,
    /// JSON file with node specs: `[{"name":..., "labels":{...}, "annotations":{...},
    /// "taints":[{"key":..,"value":..,"effect":..}], "unschedulable":false}]`.
    #[arg(long)]
    pub node_file: Option<PathBuf>,
    /// Parallel create requests.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Label selector of the nodes this kubelet manages; nodes it creates get this label
    /// (must be of the form key=value).
    #[arg(long, default_value = DEFAULT_SELECTOR, env = "SIM_KUBELET_SELECTOR")]
    selector: String,
    #[command(flatten)]
    create: NodeSpecArgs,
    /// Parallel API writes (status patches, deletions).
    #[arg(long, default_value_t = 32)]
    workers: usize,
    /// Re-examine every managed pod/node this often (seconds; 0 = never).
    #[arg(long, default_value_t = 30)]
    resync: u64,
    /// File written once the initial node and pod lists have been processed.
    #[arg(long)]
    ready_file: Option<PathBuf>,
    /// Log every action.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Args, Debug)]
struct CreateArgs {
    /// Label put on the created nodes (key=value); the running sim-kubelet adopts nodes with it.
    #[arg(long, default_value = DEFAULT_SELECTOR, env = "SIM_KUBELET_SELECTOR")]
    selector: String,
    #[command(flatten)]
    create: NodeSpecArgs,
}

#[derive(Args, Debug)]
struct DeleteArgs {
    /// Label selector of the nodes to delete.
    #[arg(long, default_value = DEFAULT_SELECTOR)]
    selector: String,
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let client = Client::try_default()
        .await
        .context("cannot build a Kubernetes client (is KUBECONFIG set?)")?;
    match cli.cmd {
        Cmd::CreateNodes(a) => {
            let specs = node::specs_from_args(&a.create, &a.selector)?;
            let t = std::time::Instant::now();
            let n = node::create_nodes(&client, specs, a.create.concurrency).await?;
            eprintln!("sim-kubelet: created {n} node(s) in {:.2?}", t.elapsed());
            Ok(())
        }
        Cmd::DeleteNodes(a) => {
            let api: Api<Node> = Api::all(client);
            let list = api
                .list_metadata(&ListParams::default().labels(&a.selector))
                .await?;
            let names: Vec<String> = list.items.iter().map(|n| n.name_any()).collect();
            let n = names.len();
            futures::stream::iter(names)
                .for_each_concurrent(32, |name| {
                    let api = api.clone();
                    async move {
                        if let Err(e) = api.delete(&name, &DeleteParams::default()).await
                            && !util::is_status(&e, 404)
                        {
                            eprintln!("sim-kubelet: delete node {name}: {e}");
                        }
                    }
                })
                .await;
            eprintln!("sim-kubelet: deleted {n} node(s)");
            Ok(())
        }
        Cmd::Run(a) => run(client, a).await,
    }
}

/// Work item for the worker pool.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Pod(String, String),
    Node(String),
}

#[derive(Default)]
pub struct Stats {
    pub pod_patches: AtomicU64,
    pub pod_deletes: AtomicU64,
    pub node_patches: AtomicU64,
    pub errors: AtomicU64,
}

pub struct Ctx {
    pub client: Client,
    pub verbose: bool,
    /// Managed nodes by name (latest object seen).
    pub nodes: Mutex<HashMap<String, Arc<Node>>>,
    /// Bound pods by (namespace, name) (latest object seen).
    pub pods: Mutex<HashMap<(String, String), Arc<Pod>>>,
    queued: Mutex<HashSet<Key>>,
    tx: mpsc::UnboundedSender<Key>,
    pub stats: Stats,
}

impl Ctx {
    pub fn enqueue(&self, key: Key) {
        let mut q = self.queued.lock().unwrap();
        if q.insert(key.clone()) {
            let _ = self.tx.send(key);
        }
    }

    pub fn enqueue_after(self: &Arc<Self>, key: Key, after: Duration) {
        let ctx = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            ctx.enqueue(key);
        });
    }

    fn enqueue_pods_on(&self, node: &str) {
        let keys: Vec<Key> = self
            .pods
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p)| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node))
            .map(|((ns, n), _)| Key::Pod(ns.clone(), n.clone()))
            .collect();
        for k in keys {
            self.enqueue(k);
        }
    }

    pub fn log(&self, msg: impl AsRef<str>) {
        if self.verbose {
            eprintln!("{} sim-kubelet: {}", util::now_str(), msg.as_ref());
        }
    }
}

async fn run(client: Client, a: RunArgs) -> Result<()> {
    if !a.selector.contains('=') || a.selector.contains(',') {
        bail!(
            "--selector must be a single key=value label (got {:?})",
            a.selector
        );
    }
    if a.create.nodes > 0 || a.create.node_file.is_some() {
        let specs = node::specs_from_args(&a.create, &a.selector)?;
        let t = std::time::Instant::now();
        let n = node::create_nodes(&client, specs, a.create.concurrency).await?;
        eprintln!("sim-kubelet: created {n} node(s) in {:.2?}", t.elapsed());
    }

    let (tx, mut rx) = mpsc::unbounded_channel::<Key>();
    let ctx = Arc::new(Ctx {
        client: client.clone(),
        verbose: a.verbose,
        nodes: Mutex::new(HashMap::new()),
        pods: Mutex::new(HashMap::new()),
        queued: Mutex::new(HashSet::new()),
        tx,
        stats: Stats::default(),
    });

    let nodes_synced = Arc::new(AtomicBool::new(false));
    let pods_synced = Arc::new(AtomicBool::new(false));

    // ---- node watch (label-selected) ----
    let node_task = {
        let ctx = ctx.clone();
        let synced = nodes_synced.clone();
        let api: Api<Node> = Api::all(client.clone());
        let cfg = watcher::Config::default().labels(&a.selector);
        tokio::spawn(async move {
            let mut seen: Option<HashSet<String>> = None;
            let mut stream = watcher(api, cfg).default_backoff().boxed();
            while let Some(ev) = stream.next().await {
                match ev {
                    Ok(watcher::Event::Init) => seen = Some(HashSet::new()),
                    Ok(watcher::Event::InitApply(n)) | Ok(watcher::Event::Apply(n)) => {
                        let name = n.name_any();
                        if let Some(s) = seen.as_mut() {
                            s.insert(name.clone());
                        }
                        let prev = ctx.nodes.lock().unwrap().insert(name.clone(), Arc::new(n));
                        let changed_readiness = match &prev {
                            None => true,
                            Some(p) => {
                                let cur = ctx.nodes.lock().unwrap().get(&name).cloned();
                                cur.map(|c| node::ready_mode(&c) != node::ready_mode(p))
                                    .unwrap_or(true)
                            }
                        };
                        ctx.enqueue(Key::Node(name.clone()));
                        if changed_readiness {
                            ctx.enqueue_pods_on(&name);
                        }
                    }
                    Ok(watcher::Event::Delete(n)) => {
                        ctx.nodes.lock().unwrap().remove(&n.name_any());
                    }
                    Ok(watcher::Event::InitDone) => {
                        if let Some(s) = seen.take() {
                            ctx.nodes.lock().unwrap().retain(|k, _| s.contains(k));
                        }
                        synced.store(true, Ordering::SeqCst);
                    }
                    Err(e) => eprintln!("{} sim-kubelet: node watch error: {e}", util::now_str()),
                }
            }
        })
    };

    // ---- pod watch (one cluster-wide watch over bound pods) ----
    let pod_task = {
        let ctx = ctx.clone();
        let synced = pods_synced.clone();
        let api: Api<Pod> = Api::all(client.clone());
        let cfg = watcher::Config::default()
            .fields("spec.nodeName!=")
            .page_size(2000);
        tokio::spawn(async move {
            let mut seen: Option<HashSet<(String, String)>> = None;
            let mut stream = watcher(api, cfg).default_backoff().boxed();
            while let Some(ev) = stream.next().await {
                match ev {
                    Ok(watcher::Event::Init) => seen = Some(HashSet::new()),
                    Ok(watcher::Event::InitApply(p)) | Ok(watcher::Event::Apply(p)) => {
                        let key = (p.namespace().unwrap_or_default(), p.name_any());
                        if let Some(s) = seen.as_mut() {
                            s.insert(key.clone());
                        }
                        ctx.pods.lock().unwrap().insert(key.clone(), Arc::new(p));
                        ctx.enqueue(Key::Pod(key.0, key.1));
                    }
                    Ok(watcher::Event::Delete(p)) => {
                        let key = (p.namespace().unwrap_or_default(), p.name_any());
                        ctx.pods.lock().unwrap().remove(&key);
                    }
                    Ok(watcher::Event::InitDone) => {
                        if let Some(s) = seen.take() {
                            ctx.pods.lock().unwrap().retain(|k, _| s.contains(k));
                        }
                        synced.store(true, Ordering::SeqCst);
                    }
                    Err(e) => eprintln!("{} sim-kubelet: pod watch error: {e}", util::now_str()),
                }
            }
        })
    };

    // ---- periodic resync + stats ----
    {
        let ctx = ctx.clone();
        let resync = a.resync;
        let ready_file = a.ready_file.clone();
        let (ns, ps) = (nodes_synced.clone(), pods_synced.clone());
        tokio::spawn(async move {
            let mut tick = 0u64;
            let mut last = String::new();
            let mut ready_written = false;
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                tick += 1;
                if !ready_written && ns.load(Ordering::SeqCst) && ps.load(Ordering::SeqCst) {
                    // wait until the initial backlog is processed
                    if ctx.queued.lock().unwrap().is_empty() {
                        ready_written = true;
                        eprintln!(
                            "{} sim-kubelet: synced ({} nodes, {} bound pods)",
                            util::now_str(),
                            ctx.nodes.lock().unwrap().len(),
                            ctx.pods.lock().unwrap().len()
                        );
                        if let Some(f) = &ready_file
                            && let Err(e) = std::fs::write(f, b"ready\n")
                        {
                            eprintln!("sim-kubelet: cannot write ready file {}: {e}", f.display());
                        }
                    }
                }
                if tick.is_multiple_of(20) {
                    let s = &ctx.stats;
                    let line = format!(
                        "nodes={} bound_pods={} pod_patches={} pod_deletes={} node_patches={} errors={}",
                        ctx.nodes.lock().unwrap().len(),
                        ctx.pods.lock().unwrap().len(),
                        s.pod_patches.load(Ordering::Relaxed),
                        s.pod_deletes.load(Ordering::Relaxed),
                        s.node_patches.load(Ordering::Relaxed),
                        s.errors.load(Ordering::Relaxed)
                    );
                    if line != last {
                        eprintln!("{} sim-kubelet: {line}", util::now_str());
                        last = line;
                    }
                }
                if resync > 0 && tick.is_multiple_of(resync * 2) {
                    let nodes: Vec<String> = ctx.nodes.lock().unwrap().keys().cloned().collect();
                    for n in nodes {
                        ctx.enqueue(Key::Node(n));
                    }
                    let pods: Vec<(String, String)> =
                        ctx.pods.lock().unwrap().keys().cloned().collect();
                    for (ns, n) in pods {
                        ctx.enqueue(Key::Pod(ns, n));
                    }
                }
            }
        });
    }

    // ---- worker pool ----
    let workers = {
        let ctx = ctx.clone();
        let n = a.workers.max(1);
        tokio::spawn(async move {
            let keys = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
            keys.for_each_concurrent(n, |key| {
                let ctx = ctx.clone();
                async move {
                    ctx.queued.lock().unwrap().remove(&key);
                    let res = match &key {
                        Key::Node(name) => node::reconcile(&ctx, name).await,
                        Key::Pod(ns, name) => pod::reconcile(&ctx, ns, name).await,
                    };
                    if let Err(e) = res {
                        ctx.stats.errors.fetch_add(1, Ordering::Relaxed);
                        let retry = if util::is_status(&e, 409) { 200 } else { 1000 };
                        eprintln!(
                            "{} sim-kubelet: {key:?}: {e:#} (retry in {retry} ms)",
                            util::now_str()
                        );
                        ctx.enqueue_after(key, Duration::from_millis(retry));
                    }
                }
            })
            .await;
        })
    };

    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => eprintln!("sim-kubelet: interrupted, exiting"),
        _ = sigterm.recv() => eprintln!("sim-kubelet: terminated, exiting"),
        r = node_task => bail!("node watch ended: {r:?}"),
        r = pod_task => bail!("pod watch ended: {r:?}"),
        r = workers => bail!("workers ended: {r:?}"),
    }
    Ok(())
}

/// `key=value` → (key, value)
pub fn parse_kv(s: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => bail!("expected key=value, got {s:?}"),
    }
}

pub type Labels = BTreeMap<String, String>;
