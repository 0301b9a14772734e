//! The live API: the only module of the crate that uses `kube`.
//!
//! List pages deserialize straight into the compact [`crate::model`] types (never k8s-openapi's
//! full objects), 500 objects a page, following `continue`, so memory is bounded by what is kept.
//! Every request goes through one helper that counts it, logs it under `-v`, applies the request
//! timeout, retries reads on 429/5xx, and turns failures into one clear [`ClusterError`] line.

mod error;
pub mod exec_credential;
mod outage;
pub mod pods;
mod replace;
mod selector;
pub mod transport;
pub mod watch;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kube::client::Body;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use error::{ClusterError, format_duration};
pub use outage::OUTAGE_BUDGET;
pub use selector::{field_selector_for_node, label_selector_string};

use crate::model::{ControllerRevision, DaemonSet, Event, Node, Pod};
use error::Op;

/// Objects per list page.
pub const PAGE_SIZE: u32 = 500;

/// The default of `--request-timeout`: how long one request (connect, answer and body) may take.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response body read into memory (a list page holds at most [`PAGE_SIZE`]
/// objects; 500 large nodes or pods are a few tens of MiB).
pub const MAX_RESPONSE_BYTES: usize = 128 * 1024 * 1024;

/// The largest kubeconfig file read (they are a few KiB; this catches `/dev/zero` and
/// mistakes such as a dump passed as `--kubeconfig`).
pub const MAX_KUBECONFIG_BYTES: usize = 16 * 1024 * 1024;

/// The field manager recorded for this tool's writes.
pub const FIELD_MANAGER: &str = "kubectl-ds";

/// How to reach the cluster (kubectl's global flags).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig`: this file only. Otherwise `KUBECONFIG`, `~/.kube/config`, in-cluster.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`: a context of the kubeconfig other than its current one.
    pub context: Option<String>,
    /// `--request-timeout`: the limit for each request (connect and answer).
    pub request_timeout: Option<Duration>,
    /// Bounds on the TCP dial and the TLS handshake.
    pub connect_limits: transport::ConnectLimits,
    /// `-v`: one stderr line per request.
    pub verbose: bool,
}

/// Retries of reads answered 429 or 5xx.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all (1 = no retry).
    pub attempts: u32,
    /// The first backoff; doubled after each attempt.
    pub initial_backoff: Duration,
    /// The longest wait, also for a server's `Retry-After`.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_wait: Duration::from_secs(5),
        }
    }
}

/// A connected cluster.
pub struct Cluster {
    client: kube::Client,
    default_namespace: String,
    server_url: Option<String>,
    verbose: bool,
    request_timeout: Option<Duration>,
    max_response_bytes: usize,
    exec_plugin: Option<exec_credential::ExecPlugin>,
    retry: RetryPolicy,
    requests: AtomicUsize,
    outage: outage::Outage,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("server_url", &self.server_url)
            .field("default_namespace", &self.default_namespace)
            .field("requests", &self.request_count())
            .finish_non_exhaustive()
    }
}

/// Connects as kubectl would: `--kubeconfig` (that file only), else `KUBECONFIG` /
/// `~/.kube/config`, else the in-cluster service account; `--context` picks the context. No
/// request is made yet.
///
/// # Errors
/// A kubeconfig that cannot be read or lacks the context, or no configuration at all.
pub async fn connect(opts: &ConnectOptions) -> anyhow::Result<Cluster> {
    let kc_opts = KubeConfigOptions {
        context: opts.context.clone(),
        cluster: None,
        user: None,
    };
    let plugin_timeout = opts
        .request_timeout
        .unwrap_or(exec_credential::PLUGIN_TIMEOUT_WITHOUT_REQUEST_TIMEOUT);
    let mut exec_plugin = None;
    let mut wrap = |kubeconfig: &mut Kubeconfig| {
        if let Ok(exe) = std::env::current_exe() {
            exec_plugin = exec_credential::wrap_plugins(
                kubeconfig,
                opts.context.as_deref(),
                &exe,
                plugin_timeout,
                exec_credential::MAX_PLUGIN_OUTPUT,
            );
        }
    };
    let config = if let Some(path) = &opts.kubeconfig {
        let mut kubeconfig = read_kubeconfig(path).map_err(|e| {
            anyhow::anyhow!(
                "cannot load kubeconfig {}: {e}",
                crate::render::safe::escape(&path.display().to_string())
            )
        })?;
        wrap(&mut kubeconfig);
        kube::Config::from_custom_kubeconfig(kubeconfig, &kc_opts)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot use kubeconfig {}: {}",
                    crate::render::safe::escape(&path.display().to_string()),
                    kubeconfig_error(&e)
                )
            })?
    } else if opts.context.is_some() || default_kubeconfig_exists() {
        let mut kubeconfig = read_default_kubeconfig()
            .map_err(|e| anyhow::anyhow!("cannot use the kubeconfig: {e}"))?;
        wrap(&mut kubeconfig);
        kube::Config::from_custom_kubeconfig(kubeconfig, &kc_opts)
            .await
            .map_err(|e| anyhow::anyhow!("cannot use the kubeconfig: {}", kubeconfig_error(&e)))?
    } else {
        kube::Config::incluster().map_err(|_| {
            anyhow::anyhow!(
                "no cluster configured: no kubeconfig found (use --kubeconfig, set KUBECONFIG or \
                 create ~/.kube/config) and not running inside a cluster"
            )
        })?
    };
    let server_url = without_user_info(config.cluster_url.to_string().trim_end_matches('/'));
    let default_namespace = config.default_namespace.clone();
    // Retries are ours (for reads only, counted and logged), and so are the timeouts: the stack
    // is built in `transport` with dial and TLS bounds; each request is bounded in `send_once`.
    let client = transport::client(&config, opts.connect_limits).map_err(|e| match &e {
        kube::Error::Auth(_) => {
            anyhow::Error::new(error::from_transport(&e, &server_url, exec_plugin.as_ref()))
        }
        _ => anyhow::anyhow!("cannot set up the connection to {server_url}: {e}"),
    })?;
    let mut cluster = Cluster::from_client(client, &default_namespace, opts.verbose);
    cluster.server_url = Some(server_url);
    cluster.request_timeout = opts.request_timeout;
    cluster.exec_plugin = exec_plugin;
    Ok(cluster)
}

/// The context names of the kubeconfig kubectl would read (`--kubeconfig`, else `KUBECONFIG`
/// merged, else `~/.kube/config`) and its current context; `None` when there is none or it
/// cannot be read. Only the file is read: no request is made.
pub fn kubeconfig_contexts(
    path: Option<&std::path::Path>,
) -> Option<(Vec<String>, Option<String>)> {
    let kubeconfig = match path {
        Some(path) => read_kubeconfig(path).ok()?,
        None => read_default_kubeconfig().ok()?,
    };
    let names = kubeconfig.contexts.into_iter().map(|c| c.name).collect();
    Some((names, kubeconfig.current_context))
}

/// Why a kubeconfig file could not be loaded.
#[derive(Debug, thiserror::Error)]
enum KubeconfigReadError {
    #[error("{0}")]
    Io(std::io::Error),
    #[error(
        "the file is larger than {} (the limit for a kubeconfig; is it the right file?)",
        exec_credential::byte_size(MAX_KUBECONFIG_BYTES)
    )]
    TooLarge,
    #[error("{0}")]
    Kubeconfig(String),
}

/// Reads one kubeconfig file, at most [`MAX_KUBECONFIG_BYTES`] of it. Relative paths in a
/// regular file are resolved against its directory (kube's own reader does that).
fn read_kubeconfig(path: &std::path::Path) -> Result<Kubeconfig, KubeconfigReadError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(KubeconfigReadError::Io)?;
    let limit = u64::try_from(MAX_KUBECONFIG_BYTES).unwrap_or(u64::MAX);
    if meta.is_file() {
        if meta.len() > limit {
            return Err(KubeconfigReadError::TooLarge);
        }
        return Kubeconfig::read_from(path)
            .map_err(|e| KubeconfigReadError::Kubeconfig(kubeconfig_error(&e)));
    }
    // A device, a FIFO or a process substitution: read it once, capped.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(KubeconfigReadError::Io)?;
    if bytes.len() > MAX_KUBECONFIG_BYTES {
        return Err(KubeconfigReadError::TooLarge);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| KubeconfigReadError::Kubeconfig("the file is not UTF-8 text".to_owned()))?;
    Kubeconfig::from_yaml(&text).map_err(|e| KubeconfigReadError::Kubeconfig(kubeconfig_error(&e)))
}

/// `KUBECONFIG` (its files merged, in order) or `~/.kube/config`, each file capped.
fn read_default_kubeconfig() -> Result<Kubeconfig, String> {
    let paths: Vec<PathBuf> = match std::env::var_os("KUBECONFIG") {
        Some(value) => std::env::split_paths(&value)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        None => Vec::new(),
    };
    let paths = if paths.is_empty() {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .ok_or_else(|| "cannot find the home directory for ~/.kube/config".to_owned())?;
        vec![home.join(".kube").join("config")]
    } else {
        paths
    };
    let mut merged = Kubeconfig::default();
    for path in &paths {
        let next = read_kubeconfig(path).map_err(|e| {
            format!(
                "{}: {e}",
                crate::render::safe::escape(&path.display().to_string())
            )
        })?;
        merged = merged.merge(next).map_err(|e| kubeconfig_error(&e))?;
    }
    Ok(merged)
}

/// True when `KUBECONFIG` is set or `~/.kube/config` exists (kubectl then never falls back to
/// the in-cluster configuration).
fn default_kubeconfig_exists() -> bool {
    if std::env::var_os("KUBECONFIG").is_some_and(|v| !v.is_empty()) {
        return true;
    }
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .is_some_and(|home| home.join(".kube").join("config").exists())
}

/// A kubeconfig error without quoting the file (a YAML error may carry a snippet of it, and the
/// file holds credentials).
fn kubeconfig_error(e: &KubeconfigError) -> String {
    match e {
        KubeconfigError::Parse(_) => {
            "the file is not a valid kubeconfig (YAML parse error)".to_owned()
        }
        KubeconfigError::LoadContext(name) => format!("context {name:?} not found"),
        KubeconfigError::LoadClusterOfContext(name) => {
            format!("the cluster {name:?} of the context is not defined")
        }
        KubeconfigError::CurrentContextNotSet => {
            "no current context is set (use --context or `kubectl config use-context`)".to_owned()
        }
        KubeconfigError::LoadClientKey(_) => "cannot load the client key".to_owned(),
        other => other.to_string(),
    }
}

/// One page of a list answer.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Page<T> {
    #[serde(default)]
    metadata: PageMeta,
    #[serde(default = "Option::default")]
    items: Option<Vec<T>>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PageMeta {
    #[serde(rename = "continue")]
    continue_: Option<String>,
}

const CORE: &str = "/api/v1";
const APPS: &str = "/apis/apps/v1";

/// `base/resource` or `base/namespaces/ns/resource`.
fn collection(base: &str, ns: Option<&str>, resource: &str) -> Result<String, ClusterError> {
    match ns {
        Some(ns) => {
            check_segment("namespace", ns)?;
            Ok(format!("{base}/namespaces/{ns}/{resource}"))
        }
        None => Ok(format!("{base}/{resource}")),
    }
}

/// Rejects values that would change the URL's meaning rather than name an object.
fn check_segment(what: &'static str, value: &str) -> Result<(), ClusterError> {
    let why = if value.is_empty() {
        "must not be empty"
    } else if value == "." || value == ".." {
        "is not a name"
    } else if value
        .chars()
        .any(|c| matches!(c, '/' | '?' | '#' | '%') || c.is_whitespace() || c.is_control())
    {
        "contains a character not allowed in names"
    } else {
        return Ok(());
    };
    Err(ClusterError::Invalid {
        what,
        value: value.to_owned(),
        why,
    })
}

/// `path?k=v&…` with each value percent-encoded; just `path` without pairs.
fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = path.to_owned();
    for (i, (k, v)) in pairs.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&percent_encode(v));
    }
    url
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A request with an optional JSON body of `content_type`.
fn build(
    method: http::Method,
    url: String,
    body: Option<(&str, Vec<u8>)>,
) -> Result<http::Request<Vec<u8>>, ClusterError> {
    let mut req = http::Request::builder()
        .method(method)
        .uri(&url)
        .header(http::header::ACCEPT, "application/json");
    let body = match body {
        Some((content_type, bytes)) => {
            req = req.header(http::header::CONTENT_TYPE, content_type);
            bytes
        }
        None => Vec::new(),
    };
    req.body(body).map_err(|e| ClusterError::Invalid {
        what: "request",
        value: url,
        why: if e.is::<http::uri::InvalidUri>() {
            "is not a valid URL"
        } else {
            "cannot be built"
        },
    })
}

impl Cluster {
    /// Wraps an existing client (tests use a `tower_test` mock service).
    pub fn from_client(client: kube::Client, default_namespace: &str, verbose: bool) -> Cluster {
        Cluster {
            client,
            default_namespace: default_namespace.to_owned(),
            server_url: None,
            verbose,
            request_timeout: None,
            max_response_bytes: MAX_RESPONSE_BYTES,
            exec_plugin: None,
            retry: RetryPolicy::default(),
            requests: AtomicUsize::new(0),
            outage: outage::Outage::new(OUTAGE_BUDGET),
        }
    }

    /// Sets the per-request timeout.
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Option<Duration>) -> Cluster {
        self.request_timeout = timeout;
        self
    }

    /// Sets the largest response body read (tests use small ones).
    #[must_use]
    pub fn with_response_limit(mut self, max_bytes: usize) -> Cluster {
        self.max_response_bytes = max_bytes;
        self
    }

    /// Sets the retry policy for reads.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Cluster {
        self.retry = retry;
        self
    }

    /// The context's namespace, else `default`.
    pub fn default_namespace(&self) -> &str {
        &self.default_namespace
    }

    /// The API server's URL, when connected through a kubeconfig or in-cluster config.
    pub fn server_url(&self) -> Option<&str> {
        self.server_url.as_deref()
    }

    /// Every HTTP request made so far (each page and each retry counts).
    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// The DaemonSet `ns/name`, or `None` when it does not exist.
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn get_daemon_set(&self, ns: &str, name: &str) -> anyhow::Result<Option<DaemonSet>> {
        let op = Op::new("get", "daemonsets", Some(ns)).named(name);
        Ok(self
            .get(op, &collection(APPS, Some(ns), "daemonsets")?, name)
            .await?)
    }

    /// DaemonSets of one namespace, or of all (`None`).
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_daemon_sets(&self, ns: Option<&str>) -> anyhow::Result<Vec<DaemonSet>> {
        self.list_daemon_sets_selected(ns, None).await
    }

    /// DaemonSets of one namespace or of all (`None`) whose labels match `label_selector`
    /// (filtered by the API server).
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_daemon_sets_selected(
        &self,
        ns: Option<&str>,
        label_selector: Option<&str>,
    ) -> anyhow::Result<Vec<DaemonSet>> {
        let op = Op::new("list", "daemonsets", ns);
        let path = collection(APPS, ns, "daemonsets")?;
        Ok(self.list(op, &path, label_selector, None).await?)
    }

    /// The node `name`, or `None` when it does not exist.
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn get_node(&self, name: &str) -> anyhow::Result<Option<Node>> {
        let op = Op::new("get", "nodes", None).named(name);
        Ok(self
            .get(op, &collection(CORE, None, "nodes")?, name)
            .await?)
    }

    /// All nodes.
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_nodes(&self) -> anyhow::Result<Vec<Node>> {
        let op = Op::new("list", "nodes", None);
        Ok(self
            .list(op, &collection(CORE, None, "nodes")?, None, None)
            .await?)
    }

    /// Pods of one namespace or of all (`None`), filtered by the API with the selectors.
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_pods(
        &self,
        ns: Option<&str>,
        label_selector: Option<&str>,
        field_selector: Option<&str>,
    ) -> anyhow::Result<Vec<Pod>> {
        let op = Op::new("list", "pods", ns);
        let path = collection(CORE, ns, "pods")?;
        Ok(self.list(op, &path, label_selector, field_selector).await?)
    }

    /// ControllerRevisions of a namespace.
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_revisions(
        &self,
        ns: &str,
        label_selector: Option<&str>,
    ) -> anyhow::Result<Vec<ControllerRevision>> {
        let op = Op::new("list", "controllerrevisions", Some(ns));
        let path = collection(APPS, Some(ns), "controllerrevisions")?;
        Ok(self.list(op, &path, label_selector, None).await?)
    }

    /// ControllerRevisions of all namespaces.
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_revisions_all(&self) -> anyhow::Result<Vec<ControllerRevision>> {
        let op = Op::new("list", "controllerrevisions", None);
        let path = collection(APPS, None, "controllerrevisions")?;
        Ok(self.list(op, &path, None, None).await?)
    }

    /// Core/v1 events of one namespace or of all (`None`).
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_events(
        &self,
        ns: Option<&str>,
        field_selector: Option<&str>,
    ) -> anyhow::Result<Vec<Event>> {
        let op = Op::new("list", "events", ns);
        Ok(self
            .list(op, &collection(CORE, ns, "events")?, None, field_selector)
            .await?)
    }

    /// The names of all namespaces (for shell completion: nothing else of them is kept).
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn list_namespace_names(&self) -> anyhow::Result<Vec<String>> {
        /// A namespace, name only.
        #[derive(Deserialize)]
        struct Named {
            #[serde(default)]
            metadata: crate::model::ObjectMeta,
        }
        let op = Op::new("list", "namespaces", None);
        let items: Vec<Named> = self
            .list(op, &collection(CORE, None, "namespaces")?, None, None)
            .await?;
        Ok(items.into_iter().map(|n| n.metadata.name).collect())
    }

    /// Deletes the pod `ns/name`, only if it still has `uid_precondition` (when given).
    ///
    /// `grace_period` overrides the pod's termination grace period; `dry_run_server` asks the API
    /// server to validate without deleting (`dryRun=All`). Never retried.
    ///
    /// # Errors
    /// [`ClusterError::NotFound`] when the pod is gone; [`ClusterError::Conflict`] when it was
    /// replaced by a pod with another uid; others as for reads.
    pub async fn delete_pod(
        &self,
        ns: &str,
        name: &str,
        uid_precondition: Option<&str>,
        grace_period: Option<i64>,
        dry_run_server: bool,
    ) -> anyhow::Result<()> {
        check_segment("name", name)?;
        let op = Op::new("delete", "pods", Some(ns)).named(name);
        let path = format!("{}/{name}", collection(CORE, Some(ns), "pods")?);
        let mut options = serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1"});
        if let Some(uid) = uid_precondition {
            options["preconditions"] = serde_json::json!({ "uid": uid });
        }
        if let Some(seconds) = grace_period {
            options["gracePeriodSeconds"] = seconds.into();
        }
        let query: &[(&str, &str)] = if dry_run_server {
            options["dryRun"] = serde_json::json!(["All"]);
            &[("dryRun", "All")]
        } else {
            &[]
        };
        let body = serde_json::to_vec(&options).unwrap_or_default();
        let req = build(
            http::Method::DELETE,
            with_query(&path, query),
            Some(("application/json", body)),
        )?;
        match self.execute(&op, req).await {
            Ok(_) => Ok(()),
            Err(ClusterError::Conflict { .. }) if uid_precondition.is_some() => {
                Err(ClusterError::Conflict {
                    message: format!(
                        "the pod {ns}/{name} changed since it was read (uid {}); re-run",
                        uid_precondition.unwrap_or_default()
                    ),
                }
                .into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Applies a strategic merge patch to the DaemonSet `ns/name` and returns the result.
    ///
    /// With `resource_version_precondition`, the body carries `metadata.resourceVersion`, so the
    /// API refuses (409) when the DaemonSet changed since it was read. Never retried.
    ///
    /// # Errors
    /// [`ClusterError::Conflict`] on a changed DaemonSet, [`ClusterError::NotFound`], others as
    /// for reads.
    pub async fn patch_daemon_set_strategic(
        &self,
        ns: &str,
        name: &str,
        body: serde_json::Value,
        resource_version_precondition: Option<&str>,
        dry_run_server: bool,
    ) -> anyhow::Result<DaemonSet> {
        let body = with_resource_version(body, resource_version_precondition)?;
        let content_type = "application/strategic-merge-patch+json";
        Ok(self
            .patch_daemon_set(
                ns,
                name,
                content_type,
                &body,
                resource_version_precondition,
                dry_run_server,
            )
            .await?)
    }

    /// Applies a JSON merge patch (RFC 7386) to the DaemonSet `ns/name`, e.g. for a rollout
    /// restart; otherwise as [`Cluster::patch_daemon_set_strategic`].
    ///
    /// # Errors
    /// As [`Cluster::patch_daemon_set_strategic`].
    pub async fn patch_daemon_set_merge(
        &self,
        ns: &str,
        name: &str,
        body: serde_json::Value,
        resource_version_precondition: Option<&str>,
        dry_run_server: bool,
    ) -> anyhow::Result<DaemonSet> {
        let body = with_resource_version(body, resource_version_precondition)?;
        let content_type = "application/merge-patch+json";
        Ok(self
            .patch_daemon_set(
                ns,
                name,
                content_type,
                &body,
                resource_version_precondition,
                dry_run_server,
            )
            .await?)
    }

    async fn patch_daemon_set(
        &self,
        ns: &str,
        name: &str,
        content_type: &str,
        body: &serde_json::Value,
        resource_version: Option<&str>,
        dry_run_server: bool,
    ) -> Result<DaemonSet, ClusterError> {
        check_segment("name", name)?;
        let op = Op::new("patch", "daemonsets", Some(ns)).named(name);
        let path = format!("{}/{name}", collection(APPS, Some(ns), "daemonsets")?);
        let mut query = vec![("fieldManager", FIELD_MANAGER)];
        if dry_run_server {
            query.insert(0, ("dryRun", "All"));
        }
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let req = build(
            http::Method::PATCH,
            with_query(&path, &query),
            Some((content_type, bytes)),
        )?;
        let describe = format!("PATCH daemonset {ns}/{name}");
        match self.execute(&op, req).await {
            Ok(body) => decode(&describe, &body),
            Err(ClusterError::Conflict { .. }) if resource_version.is_some() => {
                Err(ClusterError::Conflict {
                    message: format!(
                        "the DaemonSet changed since it was read (resourceVersion {}); re-run",
                        resource_version.unwrap_or_default()
                    ),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// GET one object; 404 is `None`.
    async fn get<T: DeserializeOwned>(
        &self,
        op: Op,
        path: &str,
        name: &str,
    ) -> Result<Option<T>, ClusterError> {
        check_segment("name", name)?;
        let req = build(http::Method::GET, format!("{path}/{name}"), None)?;
        match self.execute(&op, req).await {
            Ok(body) => decode(&format!("GET {path}/{name}"), &body).map(Some),
            Err(ClusterError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every page of a list. An expired `continue` token (410) restarts the list once.
    async fn list<T: DeserializeOwned>(
        &self,
        op: Op,
        path: &str,
        label_selector: Option<&str>,
        field_selector: Option<&str>,
    ) -> Result<Vec<T>, ClusterError> {
        let mut items: Vec<T> = Vec::new();
        let mut token: Option<String> = None;
        let mut restarted = false;
        loop {
            // In the order kubectl (Go's url.Values) writes them.
            let limit = PAGE_SIZE.to_string();
            let mut query: Vec<(&str, &str)> = Vec::new();
            if let Some(t) = &token {
                query.push(("continue", t));
            }
            if let Some(f) = field_selector {
                query.push(("fieldSelector", f));
            }
            if let Some(l) = label_selector {
                query.push(("labelSelector", l));
            }
            query.push(("limit", &limit));
            let req = build(http::Method::GET, with_query(path, &query), None)?;
            match self.execute(&op, req).await {
                Ok(body) => {
                    let page: Page<T> = decode(&format!("GET {path}"), &body)?;
                    items.extend(page.items.unwrap_or_default());
                    match page.metadata.continue_ {
                        Some(next) if !next.is_empty() => token = Some(next),
                        _ => return Ok(items),
                    }
                }
                Err(ClusterError::Api { code: 410, .. }) if token.is_some() && !restarted => {
                    restarted = true;
                    token = None;
                    items.clear();
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends a request; reads answered 429 or 5xx are tried again (with backoff, honouring
    /// `Retry-After` up to the cap), and so are reads that lose a server that answered before
    /// (see [`outage`]). Returns the body of a 2xx answer.
    async fn execute(&self, op: &Op, req: http::Request<Vec<u8>>) -> Result<Vec<u8>, ClusterError> {
        let attempts = if op.is_read() {
            self.retry.attempts.max(1)
        } else {
            1
        };
        let mut backoff = self.retry.initial_backoff;
        let mut attempt = 1;
        let mut lost = 0;
        loop {
            let (status, retry_after, body) = match self.send_once(copy_request(&req)).await {
                Ok(answer) => answer,
                Err(e) if op.is_read() => {
                    lost += 1;
                    let Some(wait) = self.outage.retry_after(&e, lost) else {
                        return Err(self.outage.gave_up(e));
                    };
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if (200..300).contains(&status) {
                return Ok(body);
            }
            let err = error::from_status(op, status, &body);
            if attempt >= attempts || !err.is_retryable() {
                return Err(err);
            }
            let wait = retry_after.unwrap_or(backoff).min(self.retry.max_wait);
            if self.verbose {
                eprintln!("I retrying in {} (HTTP {status})", format_duration(wait));
            }
            tokio::time::sleep(wait).await;
            backoff = backoff.saturating_mul(2);
            attempt += 1;
        }
    }

    /// One HTTP exchange: counted, timed out, logged. Returns status, `Retry-After` and body.
    async fn send_once(
        &self,
        req: http::Request<Body>,
    ) -> Result<(u16, Option<Duration>, Vec<u8>), ClusterError> {
        let method = req.method().clone();
        let target = req
            .uri()
            .path_and_query()
            .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
        self.requests.fetch_add(1, Ordering::Relaxed);
        let start = Instant::now();
        let exchange = async {
            let res = self.client.send(req).await?;
            let status = res.status().as_u16();
            let retry_after = res
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = read_capped(res.into_body(), self.max_response_bytes).await?;
            self.outage.answered();
            Ok::<_, ReadError>((status, retry_after, body))
        };
        let too_large = |limit: usize| ClusterError::TooLarge {
            request: format!("{method} {target}"),
            limit,
        };
        let result = match self.request_timeout {
            Some(limit) => match tokio::time::timeout(limit, exchange).await {
                Ok(Ok(answer)) => Ok(answer),
                Ok(Err(ReadError::Kube(e))) => Err(self.transport_error(&e)),
                Ok(Err(ReadError::TooLarge(n))) => Err(too_large(n)),
                Err(_) => Err(ClusterError::Timeout { timeout: limit }),
            },
            None => match exchange.await {
                Ok(answer) => Ok(answer),
                Err(ReadError::Kube(e)) => Err(self.transport_error(&e)),
                Err(ReadError::TooLarge(n)) => Err(too_large(n)),
            },
        };
        if self.verbose {
            let ms = start.elapsed().as_millis();
            match &result {
                Ok((status, _, _)) => eprintln!("I {method} {target} {status} {ms}ms"),
                Err(_) => eprintln!("I {method} {target} failed {ms}ms"),
            }
        }
        result
    }

    fn transport_error(&self, e: &kube::Error) -> ClusterError {
        let url = self
            .server_url
            .as_deref()
            .unwrap_or("the configured address");
        error::from_transport(e, url, self.exec_plugin.as_ref())
    }
}

/// A response body that could not be read, or was larger than allowed.
enum ReadError {
    Kube(kube::Error),
    TooLarge(usize),
}

impl From<kube::Error> for ReadError {
    fn from(e: kube::Error) -> ReadError {
        ReadError::Kube(e)
    }
}

/// The body, frame by frame, refusing more than `limit` bytes (the server may send without end).
async fn read_capped(mut body: Body, limit: usize) -> Result<Vec<u8>, ReadError> {
    use http_body_util::BodyExt;
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            if bytes.len().saturating_add(data.len()) > limit {
                return Err(ReadError::TooLarge(limit));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// A fresh copy of a request (for retries): method, URI, headers and body.
fn copy_request(req: &http::Request<Vec<u8>>) -> http::Request<Body> {
    let mut copy = http::Request::new(Body::from(req.body().clone()));
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.headers_mut() = req.headers().clone();
    copy
}

fn decode<T: DeserializeOwned>(request: &str, body: &[u8]) -> Result<T, ClusterError> {
    serde_json::from_slice(body).map_err(|e| ClusterError::Decode {
        request: request.to_owned(),
        cause: e.to_string(),
    })
}

/// The patch body with `metadata.resourceVersion` set to the precondition, if any.
fn with_resource_version(
    mut body: serde_json::Value,
    resource_version: Option<&str>,
) -> Result<serde_json::Value, ClusterError> {
    let Some(rv) = resource_version else {
        return Ok(body);
    };
    let Some(map) = body.as_object_mut() else {
        return Err(ClusterError::Invalid {
            what: "patch",
            value: body.to_string(),
            why: "must be a JSON object",
        });
    };
    let metadata = map
        .entry("metadata")
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    if !metadata.is_object() {
        *metadata = serde_json::Value::Object(serde_json::Map::new());
    }
    metadata["resourceVersion"] = rv.into();
    Ok(body)
}

/// The URL without a `user:password@` part: it is a credential and must never be printed.
fn without_user_info(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}{path}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_info_is_dropped_from_urls() {
        assert_eq!(
            super::without_user_info("https://u:p@10.0.0.1:6443/x"),
            "https://10.0.0.1:6443/x"
        );
        assert_eq!(
            super::without_user_info("https://10.0.0.1:6443"),
            "https://10.0.0.1:6443"
        );
    }

    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            collection(APPS, Some("kube-system"), "daemonsets").unwrap(),
            "/apis/apps/v1/namespaces/kube-system/daemonsets"
        );
        assert_eq!(collection(CORE, None, "pods").unwrap(), "/api/v1/pods");
        assert!(collection(CORE, Some("a/b"), "pods").is_err());
        assert!(collection(CORE, Some(""), "pods").is_err());
        assert!(check_segment("name", "..").is_err());
        assert!(check_segment("name", "node-exporter-x7k2p").is_ok());
    }

    #[test]
    fn queries_are_encoded() {
        assert_eq!(with_query("/api/v1/nodes", &[]), "/api/v1/nodes");
        assert_eq!(
            with_query(
                "/api/v1/pods",
                &[("labelSelector", "a=b,c in (x,y),!d"), ("limit", "500")]
            ),
            "/api/v1/pods?labelSelector=a%3Db%2Cc%20in%20%28x%2Cy%29%2C%21d&limit=500"
        );
        assert_eq!(
            percent_encode("spec.nodeName=n-1_x~"),
            "spec.nodeName%3Dn-1_x~"
        );
    }

    #[test]
    fn resource_version_goes_into_metadata() {
        let body = serde_json::json!({"spec": {"x": 1}});
        assert_eq!(with_resource_version(body.clone(), None).unwrap(), body);
        assert_eq!(
            with_resource_version(body, Some("42")).unwrap(),
            serde_json::json!({"spec": {"x": 1}, "metadata": {"resourceVersion": "42"}})
        );
        let body = serde_json::json!({"metadata": {"annotations": {"a": "b"}}});
        assert_eq!(
            with_resource_version(body, Some("7")).unwrap(),
            serde_json::json!({"metadata": {"annotations": {"a": "b"}, "resourceVersion": "7"}})
        );
        assert!(with_resource_version(serde_json::json!([]), Some("7")).is_err());
    }

    #[test]
    fn pages_tolerate_null_items_and_missing_metadata() {
        let page: Page<Node> = serde_json::from_str(r#"{"items":null}"#).unwrap();
        assert!(page.items.is_none());
        let page: Page<Node> =
            serde_json::from_str(r#"{"kind":"NodeList","metadata":{"continue":"abc"},"items":[{"metadata":{"name":"n"}}]}"#)
                .unwrap();
        assert_eq!(page.metadata.continue_.as_deref(), Some("abc"));
        assert_eq!(page.items.unwrap()[0].name(), "n");
    }
}
