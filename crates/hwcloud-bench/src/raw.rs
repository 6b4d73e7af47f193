//! The baseline: the same requests written by hand with reqwest and serde_json, as a user without the generated
//! client would write them. AK/SK requests are signed with the runtime's `sign` functions (the signing algorithm
//! itself is not what is compared), over the same headers the runtime signs.

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

    async fn send(
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
            .header("User-Agent", hwcloud_runtime::USER_AGENT);
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
        let response = builder.send().await.map_err(|e| e.to_string())?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(format!("HTTP {}", response.status()));
        }
        let request_id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        Ok((body, request_id))
    }
}
