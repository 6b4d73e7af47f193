//! The baseline: the same requests written by hand with reqwest and serde_json, as a careful user without the
//! generated client would write them. AK/SK requests are signed with the runtime's `sign` functions (the signing
//! algorithm itself is not what is compared), over the same headers the runtime signs.
//!
//! It does what the generated client does on the success path and nothing more: the same HTTP settings (rustls,
//! HTTP/1.1, no redirects, 10 s connect and 60 s idle limits), one time limit per exchange like the runtime's
//! attempt limit (30 s), the same headers (`Accept-Encoding: identity` included), and the body read chunk by chunk
//! up to the runtime's default limit (8 MiB), refused early when `Content-Length` announces more. It does not
//! retry, validate input, mask secrets in errors or fail over, which the generated client does.

use crate::server::{AK, PROJECT, SK, TOKEN};
use bytes::Bytes;
use hwcloud_runtime::sign;
use serde::Deserialize;

/// One backup, every documented field, enums kept as strings.
#[derive(Debug, Deserialize)]
#[allow(dead_code, reason = "decoded to be measured; the benchmark only counts items")]
pub struct Backup {
    pub id: Option<String>,
    pub name: Option<String>,
    pub backup_method: Option<String>,
    pub graph_id: Option<String>,
    pub graph_name: Option<String>,
    pub graph_status: Option<String>,
    pub graph_size_type_index: Option<String>,
    pub data_store_version: Option<String>,
    pub arch: Option<String>,
    pub status: Option<String>,
    pub start_timestamp: Option<i64>,
    pub start_time: Option<String>,
    pub product_type: Option<String>,
    pub end_timestamp: Option<i64>,
    pub end_time: Option<String>,
    pub size: Option<i64>,
    pub duration: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct BackupList {
    pub backup_count: Option<i32>,
    pub backup_list: Option<Vec<Backup>>,
}

#[derive(Debug, Deserialize)]
pub struct Job {
    pub job_id: Option<String>,
}

#[derive(Clone, Copy)]
pub enum Auth {
    Token,
    AkSk,
}

/// A hand-written client: one reqwest client (configured like the runtime's) and the credentials.
pub struct Raw {
    pub http: reqwest::Client,
    base: String,
    host: String,
    auth: Auth,
}

impl Raw {
    pub fn new(base: &str, host: &str, auth: Auth) -> Raw {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .http1_only()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(10))
            .pool_idle_timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("reqwest client");
        Raw { http, base: base.to_owned(), host: host.to_owned(), auth }
    }

    /// `GET /v2/{project_id}/graphs/{graph_id}/backups?limit=..&offset=..`
    pub async fn list(&self, graph: &str, limit: i32, offset: i32) -> Result<(BackupList, Option<String>), String> {
        let path = format!("/v2/{PROJECT}/graphs/{graph}/backups");
        let query = format!("limit={limit}&offset={offset}");
        let (body, request_id) = self.send(reqwest::Method::GET, path, query, Bytes::new()).await?;
        let list = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        Ok((list, request_id))
    }

    /// `POST /v2/{project_id}/graphs/{graph_id}/backups/import` with `{"import_path": ..}`.
    pub async fn import(&self, graph: &str, import_path: &str) -> Result<(Job, Option<String>), String> {
        let path = format!("/v2/{PROJECT}/graphs/{graph}/backups/import");
        let body = serde_json::to_vec(&serde_json::json!({ "import_path": import_path })).map_err(|e| e.to_string())?;
        let (body, request_id) = self.send(reqwest::Method::POST, path, String::new(), Bytes::from(body)).await?;
        let job = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        Ok((job, request_id))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: String,
        query: String,
        body: Bytes,
    ) -> Result<(Bytes, Option<String>), String> {
        let url =
            if query.is_empty() { format!("{}{path}", self.base) } else { format!("{}{path}?{query}", self.base) };
        let mut builder = self
            .http
            .request(method.clone(), url)
            .header("Content-Type", "application/json")
            .header("User-Agent", hwcloud_runtime::USER_AGENT)
            .header("Accept-Encoding", "identity");
        match self.auth {
            Auth::Token => builder = builder.header("X-Auth-Token", TOKEN),
            Auth::AkSk => {
                let date = sign::sdk_date(time::OffsetDateTime::now_utc());
                let headers = [
                    ("Content-Type", "application/json"),
                    ("User-Agent", hwcloud_runtime::USER_AGENT),
                    ("X-Project-Id", PROJECT),
                    ("X-Sdk-Date", &date),
                    ("Host", &self.host),
                ];
                let signed = sign::sign_request(AK, SK, method.as_str(), &path, &query, &headers, &body);
                builder = builder
                    .header("X-Project-Id", PROJECT)
                    .header("X-Sdk-Date", date)
                    .header("Host", &self.host)
                    .header("Authorization", signed.authorization);
            }
        }
        if !body.is_empty() {
            builder = builder.body(body);
        }
        let exchange = async {
            let mut response = builder.send().await.map_err(|e| e.to_string())?;
            if response.status() != reqwest::StatusCode::OK {
                return Err(format!("HTTP {}", response.status()));
            }
            let request_id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let body = read_bounded(&mut response).await?;
            Ok((body, request_id))
        };
        tokio::time::timeout(ATTEMPT_LIMIT, exchange).await.map_err(|_| "timed out".to_owned())?
    }
}

/// The time limit of one exchange: the runtime's default attempt limit.
const ATTEMPT_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);
/// The largest body read: the runtime's default `max_response_bytes`.
const MAX_BODY_BYTES: usize = 8 << 20;

/// The body, read chunk by chunk up to [`MAX_BODY_BYTES`]; a body of one chunk is kept as it came.
async fn read_bounded(response: &mut reqwest::Response) -> Result<Bytes, String> {
    let too_large = || format!("the body is larger than {MAX_BODY_BYTES} bytes");
    if response.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let first = response.chunk().await.map_err(|e| e.to_string())?.unwrap_or_default();
    let Some(mut next) = response.chunk().await.map_err(|e| e.to_string())? else {
        return if first.len() > MAX_BODY_BYTES { Err(too_large()) } else { Ok(first) };
    };
    let mut all = Vec::with_capacity(response.content_length().map_or(0, |n| n as usize).min(MAX_BODY_BYTES));
    all.extend_from_slice(&first);
    loop {
        if all.len() + next.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        all.extend_from_slice(&next);
        match response.chunk().await.map_err(|e| e.to_string())? {
            Some(chunk) => next = chunk,
            None => return Ok(all.into()),
        }
    }
}
