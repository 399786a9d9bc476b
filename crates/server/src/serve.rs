//! Listening: plain HTTP on loopback, TLS (rustls) anywhere else unless
//! told otherwise, and a graceful stop that signs what the log holds.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::AppState;

/// Where and how to listen.
#[derive(Debug, Clone)]
pub struct Listen {
    pub addr: SocketAddr,
    /// Certificate chain and private key, PEM.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Allows plain HTTP on a non-loopback address (behind a TLS proxy).
    pub insecure_http: bool,
}

impl Listen {
    /// Refuses plain HTTP on an address others can reach: passwords and
    /// personal data would cross the network in clear.
    pub fn check(&self) -> Result<()> {
        if self.tls.is_none() && !self.addr.ip().is_loopback() && !self.insecure_http {
            bail!(
                "refusing plain http on `{}`, which is not a loopback address: give --tls-cert and --tls-key, or --insecure-http behind a tls proxy",
                self.addr
            );
        }
        Ok(())
    }

    pub fn tls_config(&self) -> Result<Option<Arc<ServerConfig>>> {
        let Some((cert, key)) = &self.tls else {
            return Ok(None);
        };
        let certs: Vec<CertificateDer<'static>> =
            rustls_pemfile::certs(&mut std::io::BufReader::new(
                std::fs::File::open(cert)
                    .with_context(|| format!("cannot read `{}`", cert.display()))?,
            ))
            .collect::<Result<_, _>>()
            .with_context(|| format!("`{}` is not a PEM certificate chain", cert.display()))?;
        if certs.is_empty() {
            bail!("`{}` holds no certificate", cert.display());
        }
        let key: PrivateKeyDer<'static> =
            rustls_pemfile::private_key(&mut std::io::BufReader::new(
                std::fs::File::open(key)
                    .with_context(|| format!("cannot read `{}`", key.display()))?,
            ))
            .with_context(|| format!("`{}` is not a PEM private key", key.display()))?
            .with_context(|| format!("`{}` holds no private key", key.display()))?;
        // ring rather than aws-lc-rs: it builds without cmake or a C
        // toolchain step, and TLS 1.3 with its key exchanges is enough here.
        #[allow(deprecated)]
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("tls protocol versions")?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .context("the tls certificate and key do not go together")?;
        Ok(Some(Arc::new(config)))
    }
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Serves the application on `listener` until `stop` completes, then lets
/// requests in flight finish and signs every pending event of the log.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let app = crate::router(state.clone());
    match tls {
        None => axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
            .context("serving http")?,
        Some(config) => serve_tls(listener, TlsAcceptor::from(config), app, stop).await,
    }
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || engine.flush_log())
        .await
        .context("flushing the audit log")??;
    Ok(())
}

async fn serve_tls(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: axum::Router,
    stop: impl Future<Output = ()> + Send + 'static,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut stop => break,
        };
        let Ok((tcp, _peer)) = accepted else { continue };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // A failed handshake (a scanner, a plain-http client) ends only
            // that connection.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service);
            let _ = watcher.watch(conn).await;
        });
    }
    graceful.shutdown().await;
}

/// Binds, serves until Ctrl-C or SIGTERM, and flushes the log: the whole
/// of `clearstone serve`. `ready` is told the bound address (port 0 picks
/// a free one).
pub fn run(
    engine: Arc<clearstone_engine::Engine>,
    listen: &Listen,
    timeouts: crate::Timeouts,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    run_with_models(engine, listen, timeouts, crate::Models::default(), ready)
}

/// [`run`] with the chat model and transcriber the council runs beside it.
pub fn run_with_models(
    engine: Arc<clearstone_engine::Engine>,
    listen: &Listen,
    timeouts: crate::Timeouts,
    models: crate::Models,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    listen.check()?;
    let tls = listen.tls_config()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(listen.addr)
            .await
            .with_context(|| format!("cannot listen on `{}`", listen.addr))?;
        ready(listener.local_addr().context("the bound address")?);
        let state = AppState::new(engine, timeouts, tls.is_some()).with_models(models);
        serve(state, listener, tls, shutdown_signal()).await
    })
}

#[cfg(test)]
mod tests {
    use super::Listen;

    fn listen(addr: &str, insecure_http: bool) -> Listen {
        Listen {
            addr: addr
                .parse()
                .unwrap_or_else(|_| unreachable!("a literal address")),
            tls: None,
            insecure_http,
        }
    }

    // issue 17, item 1: plain http only where nobody else can listen in.
    #[test]
    fn plain_http_is_refused_off_loopback_unless_asked_for() {
        assert!(listen("127.0.0.1:8080", false).check().is_ok());
        assert!(listen("[::1]:8080", false).check().is_ok());
        let refused = listen("0.0.0.0:8080", false).check();
        assert!(
            refused.is_err_and(|e| e.to_string().contains("--tls-cert")),
            "refusal names the way out"
        );
        assert!(listen("10.1.2.3:8080", true).check().is_ok());
    }
}
