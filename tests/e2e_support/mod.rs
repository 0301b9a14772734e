//! Shared helpers for the end-to-end tests (`tests/e2e_*.rs`) that run against the local control
//! plane started by `tests/cluster/cluster.sh up` (see tests/cluster/README.md).
//!
//! Environment (printed by `tests/cluster/cluster.sh env`):
//! * `KUBECONFIG`       – admin kubeconfig of the local cluster (required)
//! * `KDS_CLUSTER_DIR`  – state dir; holds `kubeconfig-{readonly,operator,nobody}` (optional,
//!   else the directory of `KUBECONFIG`)
//! * `KDS_KUBECTL`      – kubectl v1.37 built with the cluster (optional; `kubectl` on PATH otherwise)
//!
//! Isolation: every test gets its own namespace and its own simulated nodes, labelled
//! `kubectl-ds.test/group=<test id>`. DaemonSets must be created through [`TestEnv::isolate`]
//! (or [`TestEnv::apply_yaml`]), which add a nodeSelector on that label, so the DaemonSets of
//! concurrently running tests never see each other's nodes.
//!
//! Safety: the helpers refuse to run unless the kubeconfig's current cluster is the local test
//! cluster (`kubectl-ds-test` on 127.0.0.0/8), so a stray KUBECONFIG never gets fake nodes.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::GroupVersionKind;
use kube::{Client, Config, ResourceExt};
use serde_json::{Value, json};

/// Label put on every simulated node (the sim-kubelet adopts nodes with it).
pub const SIM_LABEL: &str = "kubectl-ds.test/sim";
/// Per-test node group label; DaemonSets of a test select their nodes with it.
pub const GROUP_LABEL: &str = "kubectl-ds.test/group";
/// Pod (template) annotation read by the sim-kubelet.
pub const BEHAVIOR_ANNOTATION: &str = "sim.kubectl-ds/behavior";
/// Node label read by the sim-kubelet: `true` (default) | `false` | `unknown`.
pub const NODE_READY_LABEL: &str = "sim.kubectl-ds/ready";
/// Node annotation read by the sim-kubelet, e.g. `cpu=2,memory=4Gi,pods=10`.
pub const NODE_ALLOCATABLE_ANNOTATION: &str = "sim.kubectl-ds/allocatable";
/// Cluster name written by cluster.sh into its kubeconfigs.
pub const TEST_CLUSTER_NAME: &str = "kubectl-ds-test";
/// The seed demo manifests.
pub const DEMO_MANIFESTS: &str = include_str!("../cluster/demo/daemonset-demo.yaml");

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Path of the admin kubeconfig (`KUBECONFIG`), after checking it points at the local test cluster.
pub fn kubeconfig_path() -> Result<PathBuf> {
    let path = std::env::var_os("KUBECONFIG")
        .map(PathBuf::from)
        .ok_or_else(|| {
            anyhow!(
                "KUBECONFIG is not set. The e2e tests need the local control plane:\n  \
             tests/cluster/cluster.sh up && eval \"$(tests/cluster/cluster.sh env)\"\n\
             (or run tests/run-all.sh)"
            )
        })?;
    let first = std::env::split_paths(&path).next().unwrap_or(path.clone());
    check_is_test_cluster(&first)?;
    Ok(first)
}

fn check_is_test_cluster(path: &Path) -> Result<()> {
    if std::env::var("KDS_E2E_ALLOW_ANY_CLUSTER").as_deref() == Ok("1") {
        return Ok(());
    }
    let kc = Kubeconfig::read_from(path)
        .with_context(|| format!("reading kubeconfig {}", path.display()))?;
    let ctx_name = kc.current_context.clone().unwrap_or_default();
    let cluster_name = kc
        .contexts
        .iter()
        .find(|c| c.name == ctx_name)
        .and_then(|c| c.context.as_ref())
        .map(|c| c.cluster.clone())
        .unwrap_or_default();
    let server = kc
        .clusters
        .iter()
        .find(|c| c.name == cluster_name)
        .and_then(|c| c.cluster.as_ref())
        .and_then(|c| c.server.clone())
        .unwrap_or_default();
    if cluster_name != TEST_CLUSTER_NAME || !server.starts_with("https://127.") {
        bail!(
            "refusing to run e2e tests against cluster {cluster_name:?} ({server}) from {}: \
             only the local test cluster ({TEST_CLUSTER_NAME} on 127.0.0.1) is allowed \
             (set KDS_E2E_ALLOW_ANY_CLUSTER=1 to override)",
            path.display()
        );
    }
    Ok(())
}

/// Directory holding the cluster state (kubeconfigs of the other test users).
pub fn cluster_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("KDS_CLUSTER_DIR") {
        return Ok(PathBuf::from(d));
    }
    Ok(kubeconfig_path()?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default())
}

/// kubectl binary: `KDS_KUBECTL`, else `kubectl` from PATH.
pub fn kubectl_bin() -> PathBuf {
    std::env::var_os("KDS_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubectl"))
}

/// A client for the admin user.
pub async fn admin_client() -> Result<Client> {
    client_from(&kubeconfig_path()?).await
}

/// A client for one of the static test users: `readonly` (kds-readonly), `operator`
/// (kds-operator) or `nobody` (kds-nobody, no RBAC at all).
pub async fn user_client(user: &str) -> Result<Client> {
    let path = cluster_dir()?.join(format!("kubeconfig-{user}"));
    client_from(&path).await
}

pub fn user_kubeconfig(user: &str) -> Result<PathBuf> {
    Ok(cluster_dir()?.join(format!("kubeconfig-{user}")))
}

pub async fn client_from(path: &Path) -> Result<Client> {
    check_is_test_cluster(path)?;
    let kc = Kubeconfig::read_from(path)
        .with_context(|| format!("reading kubeconfig {}", path.display()))?;
    let mut cfg = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await?;
    cfg.read_timeout = Some(Duration::from_secs(30));
    Ok(Client::try_from(cfg)?)
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst) as u128;
    let mut x = nanos ^ ((std::process::id() as u128) << 40) ^ (n << 20);
    let alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = String::new();
    for _ in 0..6 {
        s.push(alphabet[(x % 36) as usize] as char);
        x /= 36;
    }
    s
}

fn dns_label(s: &str, max: usize) -> String {
    let mut out: String = s
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out.truncate(max);
    out.trim_matches('-').to_string()
}

/// Options for a simulated node.
#[derive(Clone, Debug, Default)]
pub struct NodeOpts {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// (key, value, effect)
    pub taints: Vec<(String, Option<String>, String)>,
    pub unschedulable: bool,
}

impl NodeOpts {
    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.labels.insert(k.into(), v.into());
        self
    }
    pub fn annotation(mut self, k: &str, v: &str) -> Self {
        self.annotations.insert(k.into(), v.into());
        self
    }
    pub fn taint(mut self, key: &str, value: Option<&str>, effect: &str) -> Self {
        self.taints
            .push((key.into(), value.map(Into::into), effect.into()));
        self
    }
    /// minikube/kubeadm-style control-plane node: role label + `NoSchedule` taint.
    pub fn control_plane(self) -> Self {
        self.label("node-role.kubernetes.io/control-plane", "")
            .taint("node-role.kubernetes.io/control-plane", None, "NoSchedule")
    }
    /// The sim-kubelet reports this node NotReady (and taints it like node-lifecycle would).
    pub fn not_ready(self) -> Self {
        self.label(NODE_READY_LABEL, "false")
    }
    /// Capacity/allocatable, e.g. `"cpu=1,memory=1Gi,pods=5"`.
    pub fn allocatable(self, spec: &str) -> Self {
        self.annotation(NODE_ALLOCATABLE_ANNOTATION, spec)
    }
}

/// One test's private slice of the shared cluster: a namespace and a group of simulated nodes.
/// Cleaned up on drop (also when the test panics).
pub struct TestEnv {
    pub client: Client,
    /// Unique id of this test run (also the node group label value and name prefix).
    pub id: String,
    /// The test's namespace.
    pub ns: String,
    nodes: std::sync::Mutex<Vec<String>>,
    keep: bool,
    cleaned: std::sync::atomic::AtomicBool,
}

impl TestEnv {
    /// Connects as admin and creates the namespace `kds-<name>-<random>`.
    pub async fn new(name: &str) -> Result<TestEnv> {
        let client = admin_client().await?;
        let id = format!("{}-{}", dns_label(name, 20), unique_suffix());
        let ns = format!("kds-{id}");
        let nsapi: Api<Namespace> = Api::all(client.clone());
        let obj: Namespace = serde_json::from_value(json!({
            "metadata": {"name": ns, "labels": {GROUP_LABEL: id, "kubectl-ds.test/e2e": "true"}}
        }))?;
        nsapi
            .create(&PostParams::default(), &obj)
            .await
            .with_context(|| format!("creating namespace {ns}"))?;
        Ok(TestEnv {
            client,
            id,
            ns,
            nodes: std::sync::Mutex::new(Vec::new()),
            keep: std::env::var("KDS_E2E_KEEP").as_deref() == Ok("1"),
            cleaned: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// `<id>-<suffix>`: a node name private to this test.
    pub fn node_name(&self, suffix: &str) -> String {
        format!("{}-{}", self.id, suffix)
    }

    /// Creates a simulated node `<id>-<suffix>` (labels: sim, group, hostname, os, arch + opts).
    /// The sim-kubelet fills in its status (Ready, capacity, addresses, nodeInfo).
    pub async fn create_node(&self, suffix: &str, opts: NodeOpts) -> Result<String> {
        let name = self.node_name(suffix);
        let mut labels = opts.labels.clone();
        labels.insert(SIM_LABEL.into(), "true".into());
        labels.insert(GROUP_LABEL.into(), self.id.clone());
        labels
            .entry("kubernetes.io/hostname".into())
            .or_insert_with(|| name.clone());
        labels
            .entry("kubernetes.io/os".into())
            .or_insert_with(|| "linux".into());
        labels
            .entry("kubernetes.io/arch".into())
            .or_insert_with(|| "amd64".into());
        let taints: Vec<Value> = opts
            .taints
            .iter()
            .map(|(k, v, e)| match v {
                Some(v) => json!({"key": k, "value": v, "effect": e}),
                None => json!({"key": k, "effect": e}),
            })
            .collect();
        let mut spec = json!({});
        if !taints.is_empty() {
            spec["taints"] = json!(taints);
        }
        if opts.unschedulable {
            spec["unschedulable"] = json!(true);
        }
        let node: Node = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels, "annotations": opts.annotations},
            "spec": spec,
        }))?;
        self.nodes.lock().unwrap().push(name.clone());
        Api::<Node>::all(self.client.clone())
            .create(&PostParams::default(), &node)
            .await
            .with_context(|| format!("creating node {name}"))?;
        Ok(name)
    }

    /// Waits until the sim-kubelet reports all given nodes Ready (or NotReady when labelled so).
    pub async fn wait_nodes_initialized(&self, names: &[String], timeout: Duration) -> Result<()> {
        let api: Api<Node> = Api::all(self.client.clone());
        let deadline = Instant::now() + timeout;
        for n in names {
            loop {
                let node = api.get(n).await?;
                let has_ready = node
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready"));
                if has_ready {
                    break;
                }
                if Instant::now() > deadline {
                    bail!(
                        "node {n} was not initialised by the sim-kubelet within {timeout:?} (is it running?)"
                    );
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Ok(())
    }

    /// Rewrites a manifest (JSON form) to live in this test: namespace := test namespace, and for
    /// DaemonSets a nodeSelector `kubectl-ds.test/group=<id>` is added to the pod template.
    pub fn isolate(&self, obj: &mut Value) {
        let kind = obj["kind"].as_str().unwrap_or("").to_string();
        if kind != "Namespace" && kind != "Node" && !kind.starts_with("Cluster") {
            obj["metadata"]["namespace"] = json!(self.ns);
        }
        if kind == "DaemonSet" {
            let spec = &mut obj["spec"]["template"]["spec"];
            if !spec["nodeSelector"].is_object() {
                spec["nodeSelector"] = json!({});
            }
            spec["nodeSelector"][GROUP_LABEL] = json!(self.id);
        }
    }

    /// Parses multi-document YAML, drops Namespace documents, [`isolate`](Self::isolate)s the rest and
    /// server-side-applies them in order. Returns the applied objects.
    pub async fn apply_yaml(&self, yaml: &str) -> Result<Vec<DynamicObject>> {
        let docs: Vec<Value> =
            serde_saphyr::from_multiple(yaml).map_err(|e| anyhow!("parsing YAML: {e}"))?;
        let mut out = Vec::new();
        for mut doc in docs.into_iter().filter(|d| d.is_object()) {
            if doc["kind"] == "Namespace" {
                continue;
            }
            self.isolate(&mut doc);
            out.push(self.apply_value(&doc).await?);
        }
        Ok(out)
    }

    /// Server-side apply of one object given as JSON (no isolation applied).
    pub async fn apply_value(&self, doc: &Value) -> Result<DynamicObject> {
        let api_version = doc["apiVersion"]
            .as_str()
            .context("manifest without apiVersion")?;
        let kind = doc["kind"].as_str().context("manifest without kind")?;
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let (ar, caps) = kube::discovery::pinned_kind(&self.client, &gvk).await?;
        let obj: DynamicObject = serde_json::from_value(doc.clone())?;
        let name = obj.name_any();
        let api: Api<DynamicObject> = if caps.scope == kube::discovery::Scope::Namespaced {
            let ns = obj.namespace().unwrap_or_else(|| self.ns.clone());
            Api::namespaced_with(self.client.clone(), &ns, &ar)
        } else {
            Api::all_with(self.client.clone(), &ar)
        };
        api.patch(
            &name,
            &PatchParams::apply("kds-e2e").force(),
            &Patch::Apply(&obj),
        )
        .await
        .with_context(|| format!("applying {kind} {name}"))
    }

    pub fn daemonsets(&self) -> Api<DaemonSet> {
        Api::namespaced(self.client.clone(), &self.ns)
    }

    pub fn pods(&self) -> Api<Pod> {
        Api::namespaced(self.client.clone(), &self.ns)
    }

    pub fn node_api(&self) -> Api<Node> {
        Api::all(self.client.clone())
    }

    /// Polls the DaemonSet until `pred(status)` holds for a status that reflects the latest spec
    /// (`observedGeneration >= generation`). On timeout the error carries a diagnostic dump.
    pub async fn wait_ds<F>(
        &self,
        name: &str,
        timeout: Duration,
        what: &str,
        pred: F,
    ) -> Result<DaemonSetStatus>
    where
        F: Fn(&DaemonSetStatus) -> bool,
    {
        let api = self.daemonsets();
        let deadline = Instant::now() + timeout;
        let mut last: Option<DaemonSet> = None;
        loop {
            match api.get_opt(name).await {
                Ok(Some(ds)) => {
                    let generation = ds.metadata.generation.unwrap_or(0);
                    if let Some(st) = ds.status.clone()
                        && st.observed_generation.unwrap_or(0) >= generation
                        && pred(&st)
                    {
                        return Ok(st);
                    }
                    last = Some(ds);
                }
                Ok(None) => {}
                Err(e) => eprintln!("wait_ds {name}: {e}"),
            }
            if Instant::now() > deadline {
                let dump = self.dump().await;
                bail!(
                    "timeout after {timeout:?} waiting for daemonset {}/{name}: {what}\nlast status: {}\n{dump}",
                    self.ns,
                    last.and_then(|d| d.status)
                        .map(|s| format!("{s:?}"))
                        .unwrap_or_else(|| "<none>".into())
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Waits for `desiredNumberScheduled == desired` and every desired pod updated, ready and available.
    pub async fn wait_ds_ready(
        &self,
        name: &str,
        desired: i32,
        timeout: Duration,
    ) -> Result<DaemonSetStatus> {
        self.wait_ds(
            name,
            timeout,
            &format!("{desired} pods scheduled, updated, ready and available"),
            |s| {
                s.desired_number_scheduled == desired
                    && s.current_number_scheduled == desired
                    && s.number_ready == desired
                    && s.updated_number_scheduled.unwrap_or(0) == desired
                    && s.number_available.unwrap_or(0) == desired
                    && s.number_misscheduled == 0
            },
        )
        .await
    }

    /// Pods of this namespace matching a label selector, with the node each one is bound to.
    pub async fn pods_by_node(&self, selector: &str) -> Result<BTreeMap<String, Vec<Pod>>> {
        let list = self
            .pods()
            .list(&ListParams::default().labels(selector))
            .await?;
        let mut out: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
        for p in list.items {
            let node = p
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            out.entry(node).or_default().push(p);
        }
        Ok(out)
    }

    /// Human-readable dump of the namespace's DaemonSets and pods and of the test's nodes.
    pub async fn dump(&self) -> String {
        let mut s = String::new();
        if let Ok(list) = self.daemonsets().list(&ListParams::default()).await {
            for d in list.items {
                s += &format!("ds {}: {:?}\n", d.name_any(), d.status);
            }
        }
        if let Ok(list) = self.pods().list(&ListParams::default()).await {
            for p in list.items {
                let st = p.status.clone().unwrap_or_default();
                s += &format!(
                    "pod {} node={:?} phase={:?} deleting={} containers={:?}\n",
                    p.name_any(),
                    p.spec.as_ref().and_then(|s| s.node_name.clone()),
                    st.phase,
                    p.metadata.deletion_timestamp.is_some(),
                    st.container_statuses
                        .unwrap_or_default()
                        .iter()
                        .map(|c| (c.name.clone(), c.ready, c.state.clone()))
                        .collect::<Vec<_>>()
                );
            }
        }
        let lp = ListParams::default().labels(&format!("{GROUP_LABEL}={}", self.id));
        if let Ok(list) = self.node_api().list(&lp).await {
            for n in list.items {
                let ready = n
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
                    .map(|c| c.status.clone());
                s += &format!(
                    "node {} ready={:?} taints={:?}\n",
                    n.name_any(),
                    ready,
                    n.spec
                        .as_ref()
                        .and_then(|s| s.taints.clone())
                        .unwrap_or_default()
                );
            }
        }
        s
    }

    /// Runs the cluster's kubectl (`KDS_KUBECTL`) as admin with the test namespace as default.
    pub fn kubectl(&self, args: &[&str]) -> Result<Output> {
        let kc = kubeconfig_path()?;
        Command::new(kubectl_bin())
            .arg(format!("--kubeconfig={}", kc.display()))
            .arg(format!("--namespace={}", self.ns))
            .args(args)
            .output()
            .with_context(|| format!("running {} {args:?}", kubectl_bin().display()))
    }

    /// Runs the plugin under test (`kubectl-ds` built by cargo) against the test cluster, with the
    /// test namespace as default namespace. `user` selects the kubeconfig: None = admin, or
    /// Some("readonly" | "operator" | "nobody").
    pub fn kubectl_ds(&self, user: Option<&str>, args: &[&str]) -> Result<Output> {
        let kc = match user {
            None => kubeconfig_path()?,
            Some(u) => user_kubeconfig(u)?,
        };
        Command::new(env!("CARGO_BIN_EXE_kubectl-ds"))
            .env("KUBECONFIG", &kc)
            .env("NO_COLOR", "1")
            .arg(format!("--namespace={}", self.ns))
            .args(args)
            .output()
            .context("running kubectl-ds")
    }

    /// Starts the plugin (admin) in the test's namespace with piped stdout and stderr, for tests
    /// that watch its output while it runs.
    pub fn spawn_kubectl_ds(&self, args: &[&str]) -> Result<std::process::Child> {
        use std::process::Stdio;
        Command::new(env!("CARGO_BIN_EXE_kubectl-ds"))
            .env("KUBECONFIG", kubeconfig_path()?)
            .env("NO_COLOR", "1")
            .arg(format!("--namespace={}", self.ns))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting kubectl-ds")
    }

    /// `nodes` simulated nodes (`w1`…) running an OnDelete DaemonSet `name` (busybox:1, one
    /// container also called `agent`), all Ready; returns the node names, sorted.
    pub async fn on_delete_daemon_set(&self, name: &str, nodes: usize) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for i in 1..=nodes {
            names.push(
                self.create_node(&format!("w{i}"), NodeOpts::default())
                    .await?,
            );
        }
        self.wait_nodes_initialized(&names, DEFAULT_TIMEOUT).await?;
        let mut ds = json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "updateStrategy": {"type": "OnDelete"},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "agent", "image": "busybox:1"}],
                             "terminationGracePeriodSeconds": 5}
                }
            }
        });
        self.isolate(&mut ds);
        self.apply_value(&ds).await?;
        self.wait_ds_ready(name, i32::try_from(nodes)?, DEFAULT_TIMEOUT)
            .await?;
        names.sort();
        Ok(names)
    }

    /// Changes the image of `name`'s `agent` container (and the sim's behaviour for the new
    /// pods), then waits until the controller has observed it.
    pub async fn update_agent_image(
        &self,
        name: &str,
        image: &str,
        behavior: Option<&str>,
    ) -> Result<()> {
        let mut template = json!({"spec": {"containers": [{"name": "agent", "image": image}]}});
        if let Some(b) = behavior {
            template["metadata"] = json!({"annotations": {BEHAVIOR_ANNOTATION: b}});
        }
        self.daemonsets()
            .patch(
                name,
                &PatchParams::default(),
                &Patch::Strategic(json!({"spec": {"template": template}})),
            )
            .await?;
        self.wait_ds(name, DEFAULT_TIMEOUT, "the new template observed", |_| true)
            .await?;
        Ok(())
    }

    /// Best-effort cleanup: deletes the namespace, waits (bounded) for its pods to be gone while
    /// the nodes still exist (the sim-kubelet finalises their deletion), then deletes the nodes.
    pub async fn cleanup(&self) -> Result<()> {
        if self.keep {
            return Ok(());
        }
        cleanup_with(&self.client, &self.ns, &self.id).await?;
        self.cleaned.store(true, Ordering::SeqCst);
        Ok(())
    }
}

async fn cleanup_with(client: &Client, ns: &str, id: &str) -> Result<()> {
    let nsapi: Api<Namespace> = Api::all(client.clone());
    let _ = nsapi.delete(ns, &DeleteParams::background()).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match pods.list_metadata(&ListParams::default()).await {
            Ok(l) if !l.items.is_empty() => tokio::time::sleep(Duration::from_millis(250)).await,
            _ => break,
        }
    }
    let nodes: Api<Node> = Api::all(client.clone());
    let lp = ListParams::default().labels(&format!("{GROUP_LABEL}={id}"));
    if let Ok(list) = nodes.list_metadata(&lp).await {
        for n in list.items {
            let _ = nodes.delete(&n.name_any(), &DeleteParams::default()).await;
        }
    }
    Ok(())
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        if self.cleaned.load(Ordering::SeqCst) {
            return;
        }
        if self.keep {
            eprintln!(
                "KDS_E2E_KEEP=1: leaving namespace {} and nodes {}-* in place",
                self.ns, self.id
            );
            return;
        }
        // The test's runtime may be shutting down (or the test panicked): clean up from a fresh
        // thread with its own runtime and client.
        let (ns, id) = (self.ns.clone(), self.id.clone());
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async move {
                    let fut = async {
                        let client = admin_client().await?;
                        cleanup_with(&client, &ns, &id).await
                    };
                    let _ = tokio::time::timeout(Duration::from_secs(45), fut).await;
                });
            }
        });
        let _ = handle.join();
    }
}

/// Ready and not being deleted.
pub fn serving(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_none()
        && p.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}
