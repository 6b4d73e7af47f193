//! The in-process server: GES `list_graph_backups` and `import_backup` with canned JSON, on 127.0.0.1 and a free
//! port, on its own thread and current-thread runtime.
//!
//! It checks authentication like the real gateway: `X-Auth-Token` must be the benchmark's token, and an AK/SK
//! request must carry a signature that the runtime's verifier (`hwcloud_runtime::sign::verify`) accepts. A refused
//! request is answered 401 and counted, so a baseline that signs wrongly cannot pass unnoticed.
//!
//! Graph ids choose the listing: `g1` and `g100` answer 1 and 100 backups (bodies built once, at start);
//! `total-N` is an N-item listing paged with `offset`/`limit` (pages built per request), for the pager.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "MIIbenchmark-token-0123456789";
pub const AK: &str = "BENCHAKEXAMPLE0000000";
pub const SK: &str = "benchSecretKey0123456789abcdefghijklmnop";
pub const JOB_ID: &str = "ff8080815f9a3c84015f9a438ff70001";

/// Requests answered and refused, for the report.
#[derive(Default)]
pub struct Stats {
    pub answered: AtomicU64,
    pub refused: AtomicU64,
}

struct AppState {
    stats: Arc<Stats>,
    one: Bytes,
    hundred: Bytes,
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// `127.0.0.1:<port>`, the `Host` header a client sends.
    pub host: String,
    pub stats: Arc<Stats>,
}

/// Starts the server on its own thread and returns once it listens.
pub fn start() -> Server {
    let stats = Arc::new(Stats::default());
    let state = Arc::new(AppState {
        stats: stats.clone(),
        one: Bytes::from(list_body(0, 1, 1)),
        hundred: Bytes::from(list_body(0, 100, 100)),
    });
    let app = Router::new()
        .route("/v2/{project_id}/graphs/{graph_id}/backups", get(list))
        .route("/v2/{project_id}/graphs/{graph_id}/backups/import", post(import))
        .with_state(state);
    let addr = serve_on_own_thread("bench-server", |ready| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        ready.send(listener.local_addr().expect("local address")).expect("main thread waits");
        axum::serve(listener, app).await.expect("server runs");
    });
    Server { base: format!("http://{addr}"), host: addr.to_string(), stats }
}

/// Runs `serve` on a thread of its own with a current-thread runtime (so that a server competes with the clients
/// for the cores but not for their runtime) and returns what it sends on `ready` once it listens.
pub fn serve_on_own_thread<T, F>(name: &str, serve: impl FnOnce(std::sync::mpsc::Sender<T>) -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: std::future::Future<Output = ()>,
{
    let (ready, started) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
            rt.block_on(serve(ready));
        })
        .expect("spawn a server thread");
    started.recv().expect("the server starts")
}

/// A `list_graph_backups` body: `count` backups numbered from `first`, with `backup_count: total`.
///
/// Each item is the documented example's item with its own id, name and timestamps.
pub fn list_body(first: usize, count: usize, total: usize) -> Vec<u8> {
    let mut s = String::with_capacity(64 + count * 560);
    let _ = write!(s, "{{\"backup_count\":{total},\"backup_list\":[");
    for i in first..first + count {
        if i > first {
            s.push(',');
        }
        let method = if i % 2 == 0 { "manual" } else { "auto" };
        let start = 1_623_160_513_000u64 + i as u64 * 1000;
        let _ = write!(
            s,
            "{{\"id\":\"{i:08x}-ab87-48cb-bff7-3ec5ae1a9652\",\"name\":\"ges060803_nodelete-{i:08}\",\
             \"backup_method\":\"{method}\",\"graph_id\":\"4c5f882d-a813-4d78-a8e3-6d3212ddd121\",\
             \"graph_name\":\"ges060803_nodelete\",\"graph_status\":\"200\",\"graph_size_type_index\":\"1\",\
             \"data_store_version\":\"2.2.21\",\"arch\":\"x86_64\",\"status\":\"success\",\
             \"start_timestamp\":{start},\"start_time\":\"2021-06-08T13:55:13\",\"product_type\":\"Persistence\",\
             \"end_timestamp\":{},\"end_time\":\"2021-06-08T13:56:08\",\"size\":{},\"duration\":54}}",
            start + 54_000,
            1 + i % 7
        );
    }
    s.push_str("]}");
    s.into_bytes()
}

#[derive(Deserialize)]
struct ListQuery {
    offset: Option<usize>,
    limit: Option<usize>,
}

async fn list(
    State(state): State<Arc<AppState>>,
    Path((_project, graph)): Path<(String, String)>,
    Query(query): Query<ListQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !authorized(&method, &uri, &headers, b"") {
        return refuse(&state.stats);
    }
    let body = match graph.as_str() {
        "g1" => state.one.clone(),
        "g100" => state.hundred.clone(),
        other => match other.strip_prefix("total-").and_then(|n| n.parse::<usize>().ok()) {
            Some(total) => {
                let offset = query.offset.unwrap_or(0).min(total);
                let count = query.limit.unwrap_or(10).min(total - offset);
                Bytes::from(list_body(offset, count, total))
            }
            None => return error(&state.stats, StatusCode::NOT_FOUND, "GES.0047", "Cluster does not exist."),
        },
    };
    answer(&state.stats, body)
}

async fn import(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&method, &uri, &headers, &body) {
        return refuse(&state.stats);
    }
    let valid = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .is_some_and(|v| v.get("import_path").is_some_and(serde_json::Value::is_string));
    if !valid {
        return error(&state.stats, StatusCode::BAD_REQUEST, "GES.7049", "The parameter [import_path] is not exist.");
    }
    answer(&state.stats, Bytes::from(format!("{{\"job_id\":\"{JOB_ID}\"}}")))
}

fn authorized(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> bool {
    if let Some(token) = headers.get("x-auth-token") {
        return token.as_bytes() == TOKEN.as_bytes();
    }
    let path = uri.path();
    let query = uri.query().unwrap_or("");
    hwcloud_runtime::sign::verify(SK, method.as_str(), path, query, headers, body)
        .is_ok_and(|auth| auth.access_key == AK)
}

fn answer(stats: &Stats, body: Bytes) -> Response {
    let n = stats.answered.fetch_add(1, Ordering::Relaxed);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(&format!("{n:032x}")) {
        headers.insert("x-request-id", id);
    }
    response
}

fn refuse(stats: &Stats) -> Response {
    error(stats, StatusCode::UNAUTHORIZED, "APIGW.0301", "Incorrect IAM authentication information.")
}

fn error(stats: &Stats, status: StatusCode, code: &str, message: &str) -> Response {
    stats.refused.fetch_add(1, Ordering::Relaxed);
    let body = serde_json::json!({ "error_code": code, "error_msg": message }).to_string();
    let mut response = (status, body).into_response();
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    response
}
