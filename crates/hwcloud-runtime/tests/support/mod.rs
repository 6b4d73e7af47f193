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

pub static DELETE: OperationSpec = OperationSpec {
    service: &GES,
    name: "delete_backup",
    method: Method::Delete,
    path_template: "/v2/{project_id}/graphs/{graph_id}/backups/{backup_id}",
    success: &[200],
    idempotent: true,
    not_found: &["GES.7024"],
};

/// GES's documented answer for a backup that does not exist.
pub const NO_SUCH_BACKUP: &str =
    r#"{"error_code": "GES.7024", "error_msg": "The graph backup does not exist or has been deleted."}"#;

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

/// What a [`raw_server`] received: each request as text (head and body), in order.
#[derive(Clone, Default)]
pub struct Recorded(Arc<Mutex<Vec<String>>>);

impl Recorded {
    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// An HTTP/1.1 answer with `Connection: close` and `Content-Length`.
pub fn http_answer(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

/// A server that reads each request whole (head and `Content-Length` body), records it, and answers with what
/// `answer` returns for it (request number from 1, request text); `None` closes the connection without an
/// answer, after the request was read: "processed, answer lost".
pub async fn raw_server(
    answer: impl Fn(usize, &str) -> Option<String> + Send + Sync + 'static,
) -> (SocketAddr, Recorded) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let recorded = Recorded::default();
    let log = recorded.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (log, answer) = (log.clone(), answer.clone());
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                // Bounded: a request head and body of the tests' size.
                for _ in 0..10_000 {
                    if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if data.len() >= end + 4 + length {
                            break;
                        }
                    }
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => data.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&data).into_owned();
                let n = {
                    let mut all = log.0.lock().unwrap();
                    all.push(text.clone());
                    all.len()
                };
                if let Some(reply) = answer(n, &text) {
                    let _ = socket.write_all(reply.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            });
        }
    });
    (addr, recorded)
}
