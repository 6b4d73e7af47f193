//! The HTTP settings users of the official SDKs have (proxy with credentials, CA bundle, client certificate, TLS
//! verification off, User-Agent suffix) and endpoint failover, against real servers on 127.0.0.1.

use crate::support::{base, closed_port, hermetic, quick_retries, serve, Counter, Logs, GES, LIST};
use axum::http::{HeaderMap, Uri};
use hwcloud_runtime::{ClientBuilder, Credentials, Error, Proxy, Request, RetryConfig, USER_AGENT};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn list() -> Request {
    Request::new(&LIST, "/v2/p/graphs/backups".into())
}

fn token_client() -> ClientBuilder {
    hermetic().credentials(Credentials::token("t")).retry(quick_retries(2))
}

/// An HTTPS server on 127.0.0.1 with the fixture certificate, answering every request `200 {}`; with
/// `require_client_certificate`, only clients presenting a certificate of the fixture CA get through.
async fn tls_server(require_client_certificate: bool) -> (SocketAddr, Counter) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(fixture("server.pem")).unwrap().map(Result::unwrap).collect();
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    let builder =
        rustls::ServerConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions().unwrap();
    let builder = if require_client_certificate {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from_pem_file(fixture("ca.pem")).unwrap()).unwrap();
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider).build().unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config = builder.with_single_cert(certificates, key).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answered = Counter::default();
    let count = answered.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, count) = (acceptor.clone(), count.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else { return };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                count.hit();
                let answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
                let _ = tls.write_all(answer).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (addr, answered)
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_with_the_ca_bundle() {
    let (addr, answered) = tls_server(false).await;
    let url = format!("https://127.0.0.1:{}", addr.port());
    let untrusted = token_client().endpoint("ges", &url).build().unwrap();
    let err = untrusted.send(list()).await.unwrap_err();
    assert!(matches!(&err, Error::Connect { message, .. } if message.contains("certificate")), "{err:?}");
    let trusted = token_client().endpoint("ges", &url).ca_bundle(fixture("ca.pem")).build().unwrap();
    assert_eq!(trusted.send(list()).await.unwrap().status, 200);
    assert_eq!(answered.get(), 1);

    let missing = token_client().ca_bundle("/nonexistent/ca.pem").build().unwrap_err().to_string();
    assert!(missing.contains("cannot read the CA bundle /nonexistent/ca.pem"), "{missing}");
}

#[tokio::test]
async fn the_client_certificate_is_presented_when_configured() {
    let (addr, answered) = tls_server(true).await;
    let url = format!("https://127.0.0.1:{}", addr.port());
    let anonymous = token_client().endpoint("ges", &url).ca_bundle(fixture("ca.pem")).build().unwrap();
    assert!(anonymous.send(list()).await.is_err());
    assert_eq!(answered.get(), 0, "no request got through without a client certificate");
    let identified = token_client()
        .endpoint("ges", &url)
        .ca_bundle(fixture("ca.pem"))
        .client_certificate(fixture("client.pem"), fixture("client.key"))
        .build()
        .unwrap();
    assert_eq!(identified.send(list()).await.unwrap().status, 200);
    assert_eq!(answered.get(), 1);
    let swapped = token_client().client_certificate(fixture("client.key"), fixture("client.key")).build();
    assert!(matches!(&swapped, Err(Error::Config(m)) if m.contains("client.key")), "{swapped:?}");
}

#[tokio::test]
async fn switching_tls_verification_off_is_logged_loudly() {
    let (addr, _) = tls_server(false).await;
    let (logs, _guard) = Logs::capture();
    let url = format!("https://127.0.0.1:{}", addr.port());
    let client = token_client().endpoint("ges", &url).danger_skip_tls_verification().build().unwrap();
    let text = logs.text();
    assert!(text.contains("WARN") && text.contains("TLS certificate verification is OFF"), "{text}");
    assert_eq!(client.send(list()).await.unwrap().status, 200);
}

#[tokio::test]
async fn calls_go_through_the_proxy_with_its_credentials_and_the_user_agent_suffix() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let proxy = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        record.lock().unwrap().push((uri.to_string(), header("proxy-authorization"), header("user-agent")));
        async { "{}" }
    });
    let proxy = serve(proxy).await;
    let builder = token_client()
        .endpoint("ges", "http://ges.behind-the-proxy.test:8080")
        .proxy(Proxy::new(format!("http://alice:pa55word@{proxy}")))
        .user_agent_suffix("my-backup-tool/1.2");
    assert!(!format!("{builder:?}").contains("pa55word"), "{builder:?}");
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("pa55word"));
    assert_eq!(client.send(list()).await.unwrap().status, 200);
    let seen = seen.lock().unwrap();
    let (uri, authorization, agent) = &seen[0];
    assert_eq!(uri, "http://ges.behind-the-proxy.test:8080/v2/p/graphs/backups");
    assert_eq!(authorization, "Basic YWxpY2U6cGE1NXdvcmQ=", "alice:pa55word");
    assert_eq!(agent, &format!("{USER_AGENT} my-backup-tool/1.2"));
}

#[test]
fn http_settings_next_to_an_own_http_client_are_refused() {
    let err = token_client()
        .http_client(reqwest::Client::new())
        .proxy(Proxy::new("http://127.0.0.1:3128"))
        .danger_skip_tls_verification()
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("proxy, danger_skip_tls_verification cannot apply"), "{err}");
}

/// Resolves `good.test` to 127.0.0.1 and nothing else, counting what it was asked (no DNS traffic leaves).
#[derive(Clone, Default)]
struct LoopbackResolver(Arc<Mutex<Vec<String>>>);

impl reqwest::dns::Resolve for LoopbackResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        self.0.lock().unwrap().push(host.clone());
        Box::pin(async move {
            if host == "good.test" {
                let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(SocketAddr::from(([127, 0, 0, 1], 0))));
                Ok(addrs)
            } else {
                Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("no such host: {host}")).into())
            }
        })
    }
}

/// A client for GES in cn-north-4 whose endpoints come from `HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4`.
fn with_endpoints(endpoints: String) -> ClientBuilder {
    hermetic()
        .credentials(Credentials::token("t"))
        .region("cn-north-4")
        .retry(quick_retries(2))
        .env_lookup(move |name| (name == "HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4").then(|| endpoints.clone()))
}

fn counting_server() -> (axum::Router, Counter) {
    let count = Counter::default();
    let hits = count.clone();
    let router = axum::Router::new().fallback(move || {
        hits.hit();
        async { "{}" }
    });
    (router, count)
}

#[tokio::test]
async fn an_unresolvable_host_moves_this_and_later_calls_to_the_next_endpoint() {
    let (router, count) = counting_server();
    let port = serve(router).await.port();
    let resolver = LoopbackResolver::default();
    let http = reqwest::Client::builder().dns_resolver(Arc::new(resolver.clone())).build().unwrap();
    let client = with_endpoints(format!("http://bad.test:{port},http://good.test:{port}")).http_client(http).build();
    let client = client.unwrap();
    assert_eq!(client.endpoint(&GES).unwrap(), format!("http://bad.test:{port}"));
    client.send(list()).await.unwrap();
    client.send(list()).await.unwrap();
    assert_eq!(count.get(), 2);
    assert_eq!(client.endpoint(&GES).unwrap(), format!("http://good.test:{port}"));
    let asked = resolver.0.lock().unwrap();
    assert_eq!(asked.iter().filter(|h| *h == "bad.test").count(), 1, "{asked:?}");
}

#[tokio::test]
async fn a_failed_tls_handshake_moves_to_the_next_endpoint() {
    let (plain, _) = counting_server();
    let plain = serve(plain).await;
    let (router, count) = counting_server();
    let good = base(serve(router).await);
    let client = with_endpoints(format!("https://127.0.0.1:{},{good}", plain.port())).build().unwrap();
    client.send(list()).await.unwrap();
    assert_eq!(count.get(), 1);
    assert_eq!(client.endpoint(&GES).unwrap(), good);
}

#[tokio::test]
async fn a_refused_connection_does_not_move_to_the_next_endpoint() {
    let (router, count) = counting_server();
    let good = base(serve(router).await);
    let refused = base(closed_port().await);
    let client = with_endpoints(format!("{refused},{good}")).retry(RetryConfig::disabled()).build().unwrap();
    let err = client.send(list()).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_eq!(count.get(), 0);
    assert_eq!(client.endpoint(&GES).unwrap(), refused);
}
