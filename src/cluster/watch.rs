//! Watches: a list, then a watch from the list's resourceVersion, like client-go's reflector.
//!
//! A watch the server closes (its `timeoutSeconds`) or the network drops is resumed from the
//! last resourceVersion seen (events and bookmarks advance it); `410 Gone` (the version was
//! compacted away) relists and reports the whole collection again. A server that stops answering
//! (a restart) is waited for within the cluster's outage budget, with backoff, and stderr says so
//! (see `outage`); other failures to reopen are tried a few times. Every list page and every
//! watch request is counted and, under `-v`, logged like any other request.

use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::BoxStream;
use kube::core::WatchEvent;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::{self, ClusterError, Op};
use super::{APPS, CORE, Cluster, PAGE_SIZE, build, check_segment, collection, decode, with_query};
use crate::model::{DaemonSet, Pod};

/// How long the server keeps one watch request open before we resume it.
const WATCH_SECONDS: u32 = 290;
/// Consecutive failures to open a watch before giving up (a lost server is waited for instead,
/// within the outage budget).
const MAX_OPEN_FAILURES: u32 = 6;
/// How long past its `timeoutSeconds` a watch request may stay open before it is taken as dead.
const WATCH_OVERDUE: Duration = Duration::from_secs(30);
/// The wait after a dropped watch before it is reopened.
const RESUME_DELAY: Duration = Duration::from_millis(500);

/// What a watch reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    /// The whole collection, as listed (first, and again after `410 Gone`).
    Reset(Vec<T>),
    /// An object was added or modified.
    Applied(T),
    /// An object was deleted (its last state).
    Deleted(T),
}

/// Objects a watch can follow: they carry a resourceVersion.
pub trait Watched: DeserializeOwned + Clone + Send + 'static {
    /// `metadata.resourceVersion`.
    fn resource_version(&self) -> &str;
}

impl Watched for DaemonSet {
    fn resource_version(&self) -> &str {
        &self.metadata.resource_version
    }
}

impl Watched for Pod {
    fn resource_version(&self) -> &str {
        &self.metadata.resource_version
    }
}

/// A list page with the list's resourceVersion.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct VersionedPage<T> {
    #[serde(default)]
    metadata: VersionedPageMeta,
    #[serde(default = "Option::default")]
    items: Option<Vec<T>>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct VersionedPageMeta {
    resource_version: String,
    #[serde(rename = "continue")]
    continue_: Option<String>,
}

/// Why opening a watch failed.
enum OpenError {
    /// `410 Gone`: relist.
    Gone,
    /// Worth another try (transport, 429, 5xx).
    Transient(ClusterError),
    /// Not worth another try (403, 404, 400 …).
    Fatal(ClusterError),
}

/// A collection followed by list + watch. Call [`Watch::next`] in a loop; it is cancel-safe
/// (dropping its future in a `select!` loses nothing).
pub struct Watch<'c, T> {
    cluster: &'c Cluster,
    op: Op,
    path: String,
    label_selector: Option<String>,
    field_selector: Option<String>,
    resource_version: Option<String>,
    stream: Option<BoxStream<'static, Result<WatchEvent<T>, kube::Error>>>,
    opened: Instant,
    failures: u32,
}

impl Cluster {
    /// Follows the DaemonSet `ns/name` (a watch with `fieldSelector=metadata.name=NAME`, as
    /// kubectl's `rollout status`). The first [`Change::Reset`] holds it, or nothing when it
    /// does not exist.
    ///
    /// # Errors
    /// An invalid namespace or name.
    pub fn watch_daemon_set(&self, ns: &str, name: &str) -> anyhow::Result<Watch<'_, DaemonSet>> {
        check_segment("name", name)?;
        Ok(Watch {
            cluster: self,
            op: Op::new("watch", "daemonsets", Some(ns)),
            path: collection(APPS, Some(ns), "daemonsets")?,
            label_selector: None,
            field_selector: Some(format!("metadata.name={name}")),
            resource_version: None,
            stream: None,
            opened: Instant::now(),
            failures: 0,
        })
    }

    /// Follows the pods of `ns` matching `label_selector`.
    ///
    /// # Errors
    /// An invalid namespace.
    pub fn watch_pods(&self, ns: &str, label_selector: &str) -> anyhow::Result<Watch<'_, Pod>> {
        Ok(Watch {
            cluster: self,
            op: Op::new("watch", "pods", Some(ns)),
            path: collection(CORE, Some(ns), "pods")?,
            label_selector: Some(label_selector.to_owned()),
            field_selector: None,
            resource_version: None,
            stream: None,
            opened: Instant::now(),
            failures: 0,
        })
    }
}

impl<T: Watched> Watch<'_, T> {
    /// The next change: the listed collection first, then one event at a time.
    ///
    /// # Errors
    /// A list that fails (after the read retries), a watch the API refuses (403, 404, …), or
    /// one that cannot be reopened after several attempts.
    pub async fn next(&mut self) -> anyhow::Result<Change<T>> {
        loop {
            let Some(rv) = self.resource_version.clone() else {
                let (items, rv) = self.list().await?;
                self.resource_version = Some(rv);
                self.stream = None;
                return Ok(Change::Reset(items));
            };
            if self.stream.is_none() {
                match self.open(&rv).await {
                    Ok(stream) => {
                        self.stream = Some(stream);
                        self.opened = Instant::now();
                        self.failures = 0;
                    }
                    Err(OpenError::Gone) => {
                        self.log("the watch's resourceVersion is gone (410); relisting");
                        self.resource_version = None;
                        continue;
                    }
                    Err(OpenError::Fatal(e)) => return Err(e.into()),
                    Err(OpenError::Transient(e)) => {
                        self.failures += 1;
                        let lost = matches!(e, ClusterError::Unreachable { .. });
                        let wait = if lost {
                            match self.cluster.outage.retry_after(&e, self.failures) {
                                Some(wait) => wait,
                                None => return Err(self.cluster.outage.gave_up(e).into()),
                            }
                        } else if self.failures >= MAX_OPEN_FAILURES {
                            return Err(e.into());
                        } else {
                            Duration::from_millis(250) * 2u32.pow(self.failures.min(5))
                        };
                        self.log(&format!(
                            "cannot open the watch ({e}); retrying in {}",
                            error::format_duration(wait)
                        ));
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                }
            }
            let Some(stream) = self.stream.as_mut() else {
                continue;
            };
            // The server ends each watch request after WATCH_SECONDS; one that stays open well past
            // that (a server or proxy gone silent) is dropped and resumed, so a watch is never
            // stuck on a dead connection.
            let overdue = tokio::time::Instant::from_std(
                self.opened + Duration::from_secs(u64::from(WATCH_SECONDS)) + WATCH_OVERDUE,
            );
            let Ok(next) = tokio::time::timeout_at(overdue, stream.next()).await else {
                self.log("the watch outlived its timeoutSeconds without an end; resuming");
                self.stream = None;
                continue;
            };
            match next {
                None => {
                    // The server ended the request (timeoutSeconds): resume where we are, but
                    // not in a tight loop when something ends every request at once.
                    self.stream = None;
                    if self.opened.elapsed() < Duration::from_secs(1) {
                        tokio::time::sleep(RESUME_DELAY).await;
                    }
                }
                Some(Err(e)) => {
                    self.log(&format!("the watch dropped ({e}); resuming"));
                    self.stream = None;
                    tokio::time::sleep(RESUME_DELAY).await;
                }
                Some(Ok(event)) => match event {
                    WatchEvent::Added(obj) | WatchEvent::Modified(obj) => {
                        self.advance(obj.resource_version());
                        return Ok(Change::Applied(obj));
                    }
                    WatchEvent::Deleted(obj) => {
                        self.advance(obj.resource_version());
                        return Ok(Change::Deleted(obj));
                    }
                    WatchEvent::Bookmark(bookmark) => {
                        self.advance(&bookmark.metadata.resource_version);
                    }
                    WatchEvent::Error(status) if status.code == 410 => {
                        self.log("the watch expired (410 Gone); relisting");
                        self.resource_version = None;
                        self.stream = None;
                    }
                    WatchEvent::Error(status) => {
                        self.log(&format!(
                            "the watch reported an error ({} {}); resuming",
                            status.code, status.message
                        ));
                        self.stream = None;
                        tokio::time::sleep(RESUME_DELAY).await;
                    }
                },
            }
        }
    }

    fn advance(&mut self, rv: &str) {
        if !rv.is_empty() {
            self.resource_version = Some(rv.to_owned());
        }
    }

    fn log(&self, message: &str) {
        if self.cluster.verbose {
            eprintln!("I {message}");
        }
    }

    fn selectors(&self) -> Vec<(&'static str, &str)> {
        let mut query = Vec::new();
        if let Some(f) = &self.field_selector {
            query.push(("fieldSelector", f.as_str()));
        }
        if let Some(l) = &self.label_selector {
            query.push(("labelSelector", l.as_str()));
        }
        query
    }

    /// Every page of the collection and the list's resourceVersion (of the first page: the
    /// pages of one list are one consistent snapshot).
    async fn list(&self) -> Result<(Vec<T>, String), ClusterError> {
        let list_op = Op {
            verb: "list",
            ..self.op.clone()
        };
        let mut items = Vec::new();
        let mut version: Option<String> = None;
        let mut token: Option<String> = None;
        loop {
            let limit = PAGE_SIZE.to_string();
            let mut query: Vec<(&str, &str)> = Vec::new();
            if let Some(t) = &token {
                query.push(("continue", t));
            }
            query.extend(self.selectors());
            query.push(("limit", &limit));
            let req = build(http::Method::GET, with_query(&self.path, &query), None)?;
            let body = self.cluster.execute(&list_op, req).await?;
            let page: VersionedPage<T> = decode(&format!("GET {}", self.path), &body)?;
            items.extend(page.items.unwrap_or_default());
            version.get_or_insert(page.metadata.resource_version);
            match page.metadata.continue_ {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok((items, version.unwrap_or_default())),
            }
        }
    }

    /// Opens one watch request from `rv`.
    async fn open(
        &self,
        rv: &str,
    ) -> Result<BoxStream<'static, Result<WatchEvent<T>, kube::Error>>, OpenError> {
        let seconds = WATCH_SECONDS.to_string();
        let mut query: Vec<(&str, &str)> = vec![("allowWatchBookmarks", "true")];
        query.extend(self.selectors());
        query.push(("resourceVersion", rv));
        query.push(("timeoutSeconds", &seconds));
        query.push(("watch", "true"));
        let url = with_query(&self.path, &query);
        let req = build(http::Method::GET, url.clone(), None).map_err(OpenError::Fatal)?;
        self.cluster
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let start = Instant::now();
        let opening = self.cluster.client.request_events::<T>(req);
        let result = match self.cluster.request_timeout {
            Some(limit) => match tokio::time::timeout(limit, opening).await {
                Ok(r) => r,
                Err(_) => {
                    self.log(&format!("GET {url} failed (timeout)"));
                    return Err(OpenError::Transient(ClusterError::Timeout {
                        timeout: limit,
                    }));
                }
            },
            None => opening.await,
        };
        let ms = start.elapsed().as_millis();
        if matches!(&result, Ok(_) | Err(kube::Error::Api(_))) {
            self.cluster.outage.answered();
        }
        match result {
            Ok(stream) => {
                self.log(&format!("GET {url} 200 {ms}ms (watch)"));
                Ok(stream.boxed())
            }
            Err(kube::Error::Api(status)) => {
                self.log(&format!("GET {url} {} {ms}ms", status.code));
                if status.code == 410 {
                    return Err(OpenError::Gone);
                }
                let body = serde_json::json!({"message": status.message, "reason": status.reason});
                let err = error::from_status(
                    &self.op,
                    status.code,
                    &serde_json::to_vec(&body).unwrap_or_default(),
                );
                if err.is_retryable() {
                    Err(OpenError::Transient(err))
                } else {
                    Err(OpenError::Fatal(err))
                }
            }
            Err(e) => {
                self.log(&format!("GET {url} failed {ms}ms"));
                Err(OpenError::Transient(self.cluster.transport_error(&e)))
            }
        }
    }
}
