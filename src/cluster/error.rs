//! The errors of the live API, each one clear line, and their classification from HTTP answers
//! and transport failures.
//!
//! Nothing here ever quotes a token, an `Authorization` header, a client key or the output of an
//! exec credential plugin: transport errors are reduced to their causes, and credential errors to
//! a fixed sentence per case.

use std::error::Error as StdError;
use std::time::Duration;

use serde::Deserialize;

/// A failure of the live API that callers may branch on.
///
/// Converted to [`anyhow::Error`] at the module's boundary; callers that care use
/// `err.downcast_ref::<ClusterError>()`.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// 401: the credentials were refused.
    #[error("unauthorized: the cluster rejected the credentials (check your kubeconfig)")]
    Unauthorized,
    /// 403: RBAC (or another authorizer) said no.
    #[error("{}", forbidden_text(.verb, .resource, .namespace.as_deref(), .message))]
    Forbidden {
        /// The API verb: `get`, `list`, `delete`, `patch`.
        verb: String,
        /// The plural resource, e.g. `pods`.
        resource: String,
        /// The namespace, `None` for cluster-scoped resources or all namespaces.
        namespace: Option<String>,
        /// The API's Status message (may be empty).
        message: String,
    },
    /// 404 on a single object (lists map 404 to [`ClusterError::Api`]).
    #[error("{resource} {name:?} not found{}", in_namespace(.namespace.as_deref()))]
    NotFound {
        /// The plural resource, e.g. `pods`.
        resource: String,
        /// The namespace, `None` for cluster-scoped resources.
        namespace: Option<String>,
        /// The object's name.
        name: String,
    },
    /// 409: a precondition (uid, resourceVersion) failed or the object changed.
    #[error("conflict: {message}")]
    Conflict {
        /// What changed, and what to do.
        message: String,
    },
    /// The connection could not be made (refused, DNS, TLS, proxy).
    #[error("cannot reach the API server at {url}: {cause}")]
    Unreachable {
        /// The server URL, or "the configured address" when unknown.
        url: String,
        /// The innermost causes, joined.
        cause: String,
    },
    /// No answer within the request timeout.
    #[error("the API server did not answer within {}", format_duration(*.timeout))]
    Timeout {
        /// The timeout that elapsed.
        timeout: Duration,
    },
    /// Credentials could not be obtained (exec plugin, token file, client certificate).
    #[error("cannot get credentials for the cluster: {message}")]
    Credentials {
        /// A fixed description of the failure (never the plugin's output).
        message: String,
    },
    /// Any other unsuccessful HTTP answer.
    #[error("{message} (HTTP {code})")]
    Api {
        /// The HTTP status code.
        code: u16,
        /// What was attempted and the API's message.
        message: String,
    },
    /// An answer larger than the client reads into memory.
    #[error(
        "the answer to {request} is larger than {} (the limit for one API response); the server or a proxy in between sent more than a list page can hold",
        super::exec_credential::byte_size(*.limit)
    )]
    TooLarge {
        /// `METHOD path`.
        request: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// A successful answer that could not be read.
    #[error("unexpected answer to {request}: {cause}")]
    Decode {
        /// `METHOD path`.
        request: String,
        /// Why it could not be read.
        cause: String,
    },
    /// A name or namespace that cannot be put into a URL path.
    #[error("invalid {what} {value:?}: {why}")]
    Invalid {
        /// `name` or `namespace`.
        what: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl ClusterError {
    /// True for answers worth repeating a read for: 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ClusterError::Api { code, .. } if *code == 429 || (500..600).contains(code))
    }
}

/// The hint after a forbidden error: the README's ClusterRole for reads or for writes.
fn rbac_hint(verb: &str, resource: &str) -> &'static str {
    match verb {
        // Opening an exec session is a GET (WebSocket) that only the operator role allows.
        "get" | "list" | "watch" if resource != "pods/exec" => {
            "grant the read-only ClusterRole kubectl-ds-reader from the README"
        }
        _ => "grant the ClusterRole kubectl-ds-operator from the README",
    }
}

fn in_namespace(namespace: Option<&str>) -> String {
    namespace.map_or_else(String::new, |ns| format!(" in namespace {ns:?}"))
}

/// `forbidden: User "alice" cannot list pods in namespace "x" (grant …)`.
fn forbidden_text(verb: &str, resource: &str, namespace: Option<&str>, message: &str) -> String {
    let scope = match namespace {
        Some(ns) => format!(" in namespace {ns:?}"),
        None if is_cluster_scoped(resource) => String::new(),
        None => " across all namespaces".to_owned(),
    };
    let (who, extra) = match forbidden_subject(message) {
        Some(who) => (format!("{who} "), String::new()),
        // `pods "p" is forbidden:` with nothing after it says nothing more than we do.
        None if message.trim().is_empty() || message.trim_end().ends_with("is forbidden:") => {
            (String::new(), String::new())
        }
        None => (String::new(), format!(": {}", message.trim())),
    };
    format!(
        "forbidden: {who}cannot {verb} {resource}{scope}{extra} ({})",
        rbac_hint(verb, resource)
    )
}

fn is_cluster_scoped(resource: &str) -> bool {
    matches!(resource, "nodes" | "namespaces")
}

/// `("get", "pods/exec")` from `… cannot get resource "pods/exec" in API group "" …`.
fn forbidden_verb_resource(message: &str) -> Option<(&str, &str)> {
    let after = &message[message.find(" cannot ")? + 8..];
    let (verb, rest) = after.split_once(' ')?;
    let rest = rest.strip_prefix("resource \"")?;
    let resource = &rest[..rest.find('"')?];
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '-' || c == '.')
    };
    (plain(verb) && plain(resource)).then_some((verb, resource))
}

/// `User "alice"` from `pods is forbidden: User "alice" cannot list resource …`.
fn forbidden_subject(message: &str) -> Option<&str> {
    let start = message.find("User \"")?;
    let rest = &message[start + 6..];
    let end = rest.find('"')?;
    Some(&message[start..start + 6 + end + 1])
}

/// `5s`, `1.5s`, `300ms`, `2m`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// What a request was for, used to word its errors.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub verb: &'static str,
    pub resource: &'static str,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

impl Op {
    pub fn new(verb: &'static str, resource: &'static str, namespace: Option<&str>) -> Op {
        Op {
            verb,
            resource,
            namespace: namespace.map(str::to_owned),
            name: None,
        }
    }

    pub fn named(mut self, name: &str) -> Op {
        self.name = Some(name.to_owned());
        self
    }

    /// True for requests that may be repeated safely.
    pub fn is_read(&self) -> bool {
        matches!(self.verb, "get" | "list")
    }

    /// `list pods in namespace "x"`, `get daemonsets "x/y"`.
    fn describe(&self) -> String {
        let scope = match &self.namespace {
            Some(ns) => format!(" in namespace {ns:?}"),
            None if is_cluster_scoped(self.resource) || self.name.is_some() => String::new(),
            None => " across all namespaces".to_owned(),
        };
        match &self.name {
            Some(name) => format!("{} {} {name:?}{scope}", self.verb, self.resource),
            None => format!("{} {}{scope}", self.verb, self.resource),
        }
    }
}

/// The parts of a `metav1.Status` body used in messages.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusBody {
    message: String,
    reason: String,
}

/// The API's message from an error body: the Status message, else a short plain-text body.
pub(crate) fn status_message(body: &[u8]) -> String {
    if let Ok(status) = serde_json::from_slice::<StatusBody>(body) {
        if !status.message.is_empty() {
            return status.message;
        }
        if !status.reason.is_empty() {
            return status.reason;
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() || text.starts_with('<') || text.starts_with('{') {
        return String::new();
    }
    // One line, bounded: this may be a proxy's page.
    let line = text.lines().next().unwrap_or_default();
    line.chars().take(300).collect()
}

/// The error for an unsuccessful HTTP answer.
pub(crate) fn from_status(op: &Op, code: u16, body: &[u8]) -> ClusterError {
    let message = status_message(body);
    match code {
        401 => ClusterError::Unauthorized,
        403 => {
            // The API's own words when it gives them: an exec session is a WebSocket GET that
            // the API server authorizes as `get` (and `create`) on pods/exec.
            let (verb, resource) =
                forbidden_verb_resource(&message).unwrap_or((op.verb, op.resource));
            ClusterError::Forbidden {
                verb: verb.to_owned(),
                resource: resource.to_owned(),
                namespace: op.namespace.clone(),
                message,
            }
        }
        404 if op.name.is_some() => ClusterError::NotFound {
            resource: op.resource.to_owned(),
            namespace: op.namespace.clone(),
            name: op.name.clone().unwrap_or_default(),
        },
        409 => ClusterError::Conflict {
            message: if message.is_empty() {
                format!("cannot {}: the object changed; re-run", op.describe())
            } else {
                format!("cannot {}: {message}", op.describe())
            },
        },
        _ => {
            let reason = if message.is_empty() {
                http::StatusCode::from_u16(code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("unexpected answer")
                    .to_owned()
            } else {
                message
            };
            ClusterError::Api {
                code,
                message: format!("cannot {}: {reason}", op.describe()),
            }
        }
    }
}

/// The error for a request that got no HTTP answer. `exec_plugin` is the credential plugin in
/// use (its limits word the error when the wrapper stopped it).
pub(crate) fn from_transport(
    err: &kube::Error,
    url: &str,
    exec_plugin: Option<&super::exec_credential::ExecPlugin>,
) -> ClusterError {
    let credentials =
        |auth: &kube::client::AuthError| match exec_plugin.and_then(|p| p.explain(auth)) {
            Some(message) => ClusterError::Credentials { message },
            None => credentials(auth),
        };
    if let kube::Error::Auth(auth) = err {
        return credentials(auth);
    }
    // Auth errors may also arrive wrapped by a middleware.
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(auth) = e.downcast_ref::<kube::client::AuthError>() {
            return credentials(auth);
        }
        if let Some(kube::Error::Auth(auth)) = e.downcast_ref::<kube::Error>() {
            return credentials(auth);
        }
        // Our own connect bounds carry their figure.
        if let Some(timeout) = e.downcast_ref::<super::transport::ConnectTimeout>() {
            return ClusterError::Unreachable {
                url: url.to_owned(),
                cause: timeout.to_string(),
            };
        }
        source = e.source();
    }
    // Any other timeout (the operating system's) is worded by its own cause, never with a
    // figure this program did not set.
    ClusterError::Unreachable {
        url: url.to_owned(),
        cause: transport_cause(err),
    }
}

/// The causes of a transport error, outermost wrappers dropped and repeats removed:
/// `tcp connect error: Connection refused (os error 111)`.
fn transport_cause(err: &(dyn StdError + 'static)) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = source {
        messages.push(e.to_string());
        source = e.source();
    }
    // Keep a message only when it adds something to its own cause.
    let mut kept: Vec<String> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let generic = m.starts_with("ServiceError")
            || m.starts_with("HyperError")
            || m.starts_with("client error (")
            || m == "error trying to connect"
            || m.is_empty();
        if generic {
            continue;
        }
        let m = strip_inner(m, messages.get(i + 1).map(String::as_str));
        if !m.is_empty() && !kept.iter().any(|k| k == &m) {
            kept.push(m);
        }
    }
    if kept.is_empty() {
        messages.last().cloned().unwrap_or_default()
    } else {
        kept.join(": ")
    }
}

/// `outer: inner` → `outer` when `inner` is the next message of the chain (shown on its own).
fn strip_inner(message: &str, inner: Option<&str>) -> String {
    match inner {
        Some(inner)
            if !inner.is_empty() && message.ends_with(inner) && message.len() > inner.len() =>
        {
            message[..message.len() - inner.len()]
                .trim_end_matches([':', ' '])
                .to_owned()
        }
        _ => message.to_owned(),
    }
}

/// A fixed sentence per credential failure; never the plugin's output or a token.
fn credentials(err: &kube::client::AuthError) -> ClusterError {
    use kube::client::AuthError as A;
    let message = match err {
        A::InvalidBasicAuth(_) => {
            "the kubeconfig's username or password is not a valid header value".to_owned()
        }
        A::InvalidBearerToken(_) => "the kubeconfig's token is not a valid header value".to_owned(),
        A::UnrefreshableTokenResponse => {
            "the credential plugin returned a token that cannot be refreshed".to_owned()
        }
        A::ExecPluginFailed => "the exec credential plugin returned no status".to_owned(),
        A::MalformedTokenExpirationDate(_) => {
            "the exec credential plugin returned a malformed expiration time".to_owned()
        }
        A::AuthExecStart(e) => format!("cannot start the exec credential plugin: {e}"),
        // The command line is left out: its arguments (and environment) may hold secrets.
        A::AuthExecRun { out, .. } => format!("the exec credential plugin failed ({})", out.status),
        A::AuthExecParse(_) => {
            "the exec credential plugin's output is not a valid ExecCredential".to_owned()
        }
        A::AuthExecSerialize(_) => "cannot prepare the exec credential plugin's input".to_owned(),
        A::AuthExec(_) => "the exec credential plugin failed".to_owned(),
        A::ReadTokenFile(e, path) => format!("cannot read the token file {}: {e}", path.display()),
        A::ParseTokenKey(_) => "the token cache holds no usable token".to_owned(),
        A::MissingCommand => "the kubeconfig's exec credential plugin has no command".to_owned(),
        A::ExecMissingClusterInfo => {
            "the exec credential plugin needs cluster information the kubeconfig lacks".to_owned()
        }
        A::NoValidNativeRootCA(e) => format!("no usable system root certificates: {e}"),
        #[allow(unreachable_patterns)] // variants behind kube features this crate does not enable
        _ => "the credential provider failed".to_owned(),
    };
    ClusterError::Credentials { message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_names_user_verb_resource_and_namespace() {
        let op = Op::new("list", "pods", Some("x"));
        let body = br#"{"kind":"Status","status":"Failure","message":"pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"x\"","reason":"Forbidden","code":403}"#;
        assert_eq!(
            from_status(&op, 403, body).to_string(),
            "forbidden: User \"alice\" cannot list pods in namespace \"x\" (grant the read-only ClusterRole kubectl-ds-reader from the README)"
        );
        let op = Op::new("list", "nodes", None);
        assert_eq!(
            from_status(&op, 403, b"").to_string(),
            "forbidden: cannot list nodes (grant the read-only ClusterRole kubectl-ds-reader from the README)"
        );
        let op = Op::new("delete", "pods", Some("x")).named("p");
        assert_eq!(
            from_status(&op, 403, br#"{"message":"denied by webhook"}"#).to_string(),
            "forbidden: cannot delete pods in namespace \"x\": denied by webhook (grant the ClusterRole kubectl-ds-operator from the README)"
        );
        let op = Op::new("list", "pods", None);
        assert!(
            from_status(&op, 403, b"")
                .to_string()
                .contains("cannot list pods across all namespaces")
        );
    }

    #[test]
    fn forbidden_uses_the_verb_and_resource_the_api_denied() {
        // An exec session opens with a WebSocket GET: the API denies `get` on pods/exec.
        let op = Op::new("create", "pods/exec", Some("x")).named("p");
        let body = br#"{"message":"pods \"p\" is forbidden: User \"system:serviceaccount:x:op\" cannot get resource \"pods/exec\" in API group \"\" in the namespace \"x\""}"#;
        assert_eq!(
            from_status(&op, 403, body).to_string(),
            "forbidden: User \"system:serviceaccount:x:op\" cannot get pods/exec in namespace \"x\" (grant the ClusterRole kubectl-ds-operator from the README)"
        );
        assert_eq!(
            forbidden_verb_resource(
                "User \"a\" cannot patch resource \"daemonsets\" in API group \"apps\""
            ),
            Some(("patch", "daemonsets"))
        );
        assert_eq!(forbidden_verb_resource("denied by webhook"), None);
        assert_eq!(forbidden_verb_resource("x cannot do that"), None);
    }

    #[test]
    fn other_codes() {
        let op = Op::new("list", "pods", Some("x"));
        assert_eq!(
            from_status(&op, 401, b"").to_string(),
            "unauthorized: the cluster rejected the credentials (check your kubeconfig)"
        );
        assert_eq!(
            from_status(&op, 500, b"").to_string(),
            "cannot list pods in namespace \"x\": Internal Server Error (HTTP 500)"
        );
        assert!(from_status(&op, 503, b"").is_retryable());
        assert!(!from_status(&op, 400, b"").is_retryable());
        let get = Op::new("get", "daemonsets", Some("x")).named("d");
        assert!(matches!(
            from_status(&get, 404, b""),
            ClusterError::NotFound { .. }
        ));
        assert!(matches!(
            from_status(&op, 404, b""),
            ClusterError::Api { code: 404, .. }
        ));
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(Duration::from_millis(300)), "300ms");
        assert_eq!(format_duration(Duration::from_secs(5)), "5s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
    }

    #[test]
    fn transport_causes_are_deduplicated() {
        #[derive(Debug)]
        struct Chain(&'static str, Option<Box<Chain>>);
        impl std::fmt::Display for Chain {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl StdError for Chain {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                self.1.as_deref().map(|c| c as &(dyn StdError + 'static))
            }
        }
        let err = Chain(
            "ServiceError: client error (Connect)",
            Some(Box::new(Chain(
                "client error (Connect)",
                Some(Box::new(Chain(
                    "tcp connect error: Connection refused (os error 111)",
                    Some(Box::new(Chain("Connection refused (os error 111)", None))),
                ))),
            ))),
        );
        assert_eq!(
            transport_cause(&err),
            "tcp connect error: Connection refused (os error 111)"
        );
    }
}
