//! Shared pieces of the integration tests: real servers on 127.0.0.1, test operations, log capture.
#![allow(dead_code)]

use hwcloud_runtime::{Client, ClientBuilder, Credentials, ErrorCode, Method, OperationSpec, RetryConfig, ServiceSpec};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

pub static GES: ServiceSpec = ServiceSpec {
    name: "ges",
    sdk_name: "GES",
    regions: &[
        ("ap-southeast-1", "https://ges.ap-southeast-1.myhuaweicloud.com"),
        ("cn-north-4", "https://ges.cn-north-4.myhuaweicloud.com"),
    ],
    global_endpoint: None,
    errors: &[ErrorCode::new(400, "GES.7024", "The graph backup does not exist or has been deleted.", "")],
};

pub static LIST: OperationSpec = OperationSpec {
    service: &GES,
    name: "list_backups",
    method: Method::Get,
    path_template: "/v2/{project_id}/graphs/backups",
    success: &[200],
    idempotent: true,
    not_found: &[],
};

pub static CREATE: OperationSpec = OperationSpec {
    service: &GES,
    name: "create_backup",
    method: Method::Post,
    path_template: "/v2/{project_id}/graphs/{graph_id}/backups",
    success: &[200, 202],
    idempotent: false,
    not_found: &[],
};

/// Serves `router` on an ephemeral port of 127.0.0.1 for the rest of the test.
pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

pub fn base(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

/// A runtime client builder that knows the test services and reads no environment variable or file.
pub fn hermetic() -> ClientBuilder {
    Client::builder().services(&[&GES]).env_lookup(|_| None)
}

/// A client for `ges` at `addr` with a static token and quick retries.
pub fn builder(addr: SocketAddr) -> ClientBuilder {
    hermetic()
        .credentials(Credentials::token("static-token-value"))
        .endpoint("ges", base(addr))
        .retry(quick_retries(3))
        .attempt_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(20))
}

pub fn quick_retries(max_attempts: u32) -> RetryConfig {
    RetryConfig::default().max_attempts(max_attempts).backoff(Duration::from_millis(20), Duration::from_millis(100))
}

/// Counts requests seen by a server.
#[derive(Clone, Default)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    /// Increments and returns the number of requests so far (this one included).
    pub fn hit(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Everything logged while the guard is alive on this thread, at TRACE level, without colours.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        (logs.clone(), tracing::subscriber::set_default(subscriber))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A TCP port on 127.0.0.1 with nothing listening on it.
pub async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// A server that reads each request's head and then closes the connection without answering.
pub async fn dropping_server() -> (SocketAddr, Counter) {
    use tokio::io::AsyncReadExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Counter::default();
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.hit();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                drop(socket);
            });
        }
    });
    (addr, count)
}

/// A server that accepts connections and never answers (nor closes them).
pub async fn silent_server() -> (SocketAddr, Counter) {
    use tokio::io::AsyncReadExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Counter::default();
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.hit();
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
            });
        }
    });
    (addr, count)
}
