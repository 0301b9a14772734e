//! The HTTP stack under [`kube::Client`], built here instead of by kube so that connecting has
//! client-go's bounds: a TCP dial of at most [`DIAL_TIMEOUT`] and a TLS handshake of at most
//! [`TLS_HANDSHAKE_TIMEOUT`] (kube's own stack has one timer around both, and none by default on
//! reads). The request timeout and the response-size cap are applied per request by
//! [`super::Cluster`]; watches and log streams are not bounded here.
//!
//! The layers are kube's own (base URI, credentials, extra headers) around hyper's client, as
//! kube builds them with the features this crate enables (no proxy, no gzip).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kube::client::ConfigExt;
use tokio::time::Instant;
use tower::{BoxError, Service, ServiceBuilder};

/// How long a TCP connection may take to open (client-go's dialer: 30 s).
pub const DIAL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the TLS handshake may take once the TCP connection is open (client-go: 10 s).
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The bounds on opening a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectLimits {
    /// TCP connect.
    pub dial: Duration,
    /// TLS handshake, from the moment the TCP connection is open.
    pub tls_handshake: Duration,
}

impl Default for ConnectLimits {
    fn default() -> Self {
        ConnectLimits {
            dial: DIAL_TIMEOUT,
            tls_handshake: TLS_HANDSHAKE_TIMEOUT,
        }
    }
}

/// Opening a connection took longer than its bound.
#[derive(Debug, thiserror::Error)]
pub enum ConnectTimeout {
    /// No TCP connection.
    #[error("no TCP connection within {}", super::format_duration(*.0))]
    Dial(Duration),
    /// The TCP connection opened but the TLS handshake did not finish.
    #[error(
        "the TLS handshake did not finish within {} (the server accepted the connection but did not complete TLS)",
        super::format_duration(*.0)
    )]
    TlsHandshake(Duration),
}

tokio::task_local! {
    /// When the TCP connection of the connect in progress (in this task) opened.
    static DIALED: Cell<Option<Instant>>;
}

/// The TCP connector: bounded by `limit`, and it notes when it is done (for the TLS bound).
#[derive(Clone)]
struct Dial {
    inner: HttpConnector,
    limit: Duration,
}

impl Service<Uri> for Dial {
    type Response = <HttpConnector as Service<Uri>>::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let limit = self.limit;
        Box::pin(async move {
            let stream = match tokio::time::timeout(limit, connecting).await {
                Ok(result) => result?,
                Err(_) => return Err(Box::new(ConnectTimeout::Dial(limit)) as BoxError),
            };
            let _ = DIALED.try_with(|at| at.set(Some(Instant::now())));
            Ok(stream)
        })
    }
}

/// Bounds the TLS handshake of the connector it wraps (HTTPS over [`Dial`]): the handshake has
/// `limit` from the moment the TCP connection opened.
#[derive(Clone)]
struct HandshakeBound<C> {
    inner: C,
    limit: Duration,
}

impl<C> Service<Uri> for HandshakeBound<C>
where
    C: Service<Uri, Error = BoxError>,
    C::Future: Send + 'static,
    C::Response: Send + 'static,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let limit = self.limit;
        Box::pin(DIALED.scope(Cell::new(None), async move {
            let mut connecting = std::pin::pin!(connecting);
            let mut deadline: Option<Pin<Box<tokio::time::Sleep>>> = None;
            std::future::poll_fn(|cx| {
                if let Poll::Ready(result) = connecting.as_mut().poll(cx) {
                    return Poll::Ready(result);
                }
                if deadline.is_none()
                    && let Some(dialed) = DIALED.with(Cell::get)
                {
                    deadline = Some(Box::pin(tokio::time::sleep_until(dialed + limit)));
                }
                if let Some(sleep) = deadline.as_mut()
                    && sleep.as_mut().poll(cx).is_ready()
                {
                    return Poll::Ready(Err(Box::new(ConnectTimeout::TlsHandshake(limit)) as _));
                }
                Poll::Pending
            })
            .await
        }))
    }
}

/// A client for `config` whose connections are opened within `limits`.
///
/// # Errors
/// The kubeconfig's TLS or credential settings cannot be used.
pub fn client(config: &kube::Config, limits: ConnectLimits) -> Result<kube::Client, kube::Error> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    let dial = Dial {
        inner: http,
        limit: limits.dial,
    };
    let https = config.rustls_https_connector_with_connector(dial)?;
    let connector = HandshakeBound {
        inner: https,
        limit: limits.tls_handshake,
    };
    let hyper_client: hyper_util::client::legacy::Client<_, kube::client::Body> =
        hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector);
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(BoxError::from)
        .service(hyper_client);
    Ok(kube::Client::new(service, config.default_namespace.clone()))
}
