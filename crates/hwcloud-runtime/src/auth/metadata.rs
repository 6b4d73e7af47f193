//! Temporary AK/SK from the ECS instance metadata service, for code running on a cloud server with an agency, as
//! the official SDKs get them: optionally a session token (`PUT /meta-data/latest/api/token`), then
//! `GET /openstack/latest/securitykey`. The key is cached and fetched again shortly before its `expires_at`;
//! concurrent calls share one fetch, because the cache lock is held while fetching.

use super::AkSk;
use crate::error::Error;
use crate::operation::ServiceSpec;
use crate::secret::Secret;
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::Mutex;

/// The metadata service, overridable with the endpoint key `metadata` or `HWCLOUD_METADATA_ENDPOINT`.
pub(crate) static METADATA: ServiceSpec = ServiceSpec {
    name: "metadata",
    sdk_name: "METADATA",
    regions: &[],
    global_endpoint: Some("http://169.254.169.254"),
    errors: &[],
};

/// The official SDKs' limit for each metadata request.
const TIMEOUT: Duration = Duration::from_secs(3);
/// How long a session token is asked for (six hours, as the official SDKs ask).
const TOKEN_TTL_SECONDS: &str = "21600";
/// Fetch again this long before `expires_at` (or at half the key's lifetime, when that is shorter).
const RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);

pub(crate) struct MetadataSource {
    /// Its own HTTP client: no proxy (the service is link-local) and the short timeouts.
    http: reqwest::Client,
    /// Which providers came up empty before this one, for the error when it fails too.
    tried: String,
    cache: Mutex<Option<Cached>>,
    fetches: std::sync::atomic::AtomicU64,
    /// The secret keys, security tokens and session tokens fetched lately, for masking them when a server echoes
    /// one (a plain lock, because errors are built outside async code).
    recent: std::sync::Mutex<Vec<Secret>>,
    issued: std::sync::atomic::AtomicU64,
}

/// How many secrets fetched from the service are remembered for masking (a few keys' worth).
const RECENT_SECRETS: usize = 9;

struct Cached {
    key: Arc<AkSk>,
    renew_at: Instant,
}

#[derive(Deserialize)]
struct SecurityKey {
    credential: Credential,
}

#[derive(Deserialize)]
struct Credential {
    access: String,
    secret: String,
    securitytoken: String,
    expires_at: String,
}

impl MetadataSource {
    pub(crate) fn new(tried: String) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .no_proxy()
            // The metadata service never redirects; a redirect would carry the session token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .http1_only()
            .connect_timeout(TIMEOUT)
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client for the ECS metadata service: {e}")))?;
        Ok(MetadataSource {
            http,
            tried,
            cache: Mutex::new(None),
            fetches: Default::default(),
            recent: std::sync::Mutex::default(),
            issued: Default::default(),
        })
    }

    /// A key that is not about to expire, fetched from the service at `base` if needed.
    pub(crate) async fn key(&self, base: &str) -> Result<Arc<AkSk>, Error> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref().filter(|c| Instant::now() < c.renew_at) {
            return Ok(cached.key.clone());
        }
        // Boxed: the fetch is rare, and inline it would enlarge every call's future (see `Client::call`).
        let fresh = Box::pin(self.fetch(base)).await.map_err(|why| {
            Error::Config(format!(
                "no credentials: {}, and the ECS metadata service at {base} {why}. Give credentials in code, in \
                 HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK or in a profile file; on a cloud server, attach an agency",
                self.tried
            ))
        })?;
        let key = fresh.key.clone();
        *cache = Some(fresh);
        Ok(key)
    }

    /// How many times secrets were fetched (they change with every fetch).
    pub(crate) fn issued(&self) -> u64 {
        self.issued.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The secrets fetched lately: secret keys, security tokens, session tokens.
    pub(crate) fn secrets(&self, into: &mut Vec<Secret>) {
        into.extend(self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned());
    }

    fn remember(&self, secrets: impl IntoIterator<Item = Secret>) {
        let mut recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        recent.extend(secrets);
        let excess = recent.len().saturating_sub(RECENT_SECRETS);
        recent.drain(..excess);
        self.issued.fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// How many times keys were fetched (for `Debug`).
    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `Err` completes "the ECS metadata service at URL ...".
    async fn fetch(&self, base: &str) -> Result<Cached, String> {
        self.fetches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = self.session_token(base).await?;
        let mut request = self.http.get(format!("{base}/openstack/latest/securitykey"));
        if let Some(token) = &token {
            request = request.header("X-Metadata-Token", token.expose());
        }
        let mut response = request.send().await.map_err(|e| format!("did not answer ({})", crate::call::chain(&e)))?;
        let status = response.status().as_u16();
        let body = read_small(&mut response).await?;
        if status != 200 {
            return Err(format!(
                "answered HTTP {status} to GET /openstack/latest/securitykey (is an agency attached?)"
            ));
        }
        let answer: SecurityKey = serde_json::from_slice(&body)
            .map_err(|e| format!("answered a body that is not {{\"credential\": {{access, secret, ...}}}} ({e})"))?;
        let c = answer.credential;
        let expires_at = OffsetDateTime::parse(c.expires_at.trim(), &Rfc3339)
            .map_err(|e| format!("answered an expires_at that is not an RFC 3339 time ({e})"))?;
        let lifetime = Duration::try_from(expires_at - OffsetDateTime::now_utc()).unwrap_or(Duration::ZERO);
        let renew_in = lifetime.saturating_sub(RENEW_MARGIN.min(lifetime / 2));
        tracing::debug!(ak = %c.access, renew_in_ms = renew_in.as_millis() as u64, "obtained a temporary key from the ECS metadata service");
        let key = AkSk { ak: c.access, sk: Secret::new(c.secret), security_token: Some(Secret::new(c.securitytoken)) };
        self.remember([key.sk.clone()].into_iter().chain(key.security_token.clone()).chain(token));
        Ok(Cached { key: Arc::new(key), renew_at: Instant::now() + renew_in })
    }

    /// A session token, or `None` when the service issues none (it answers 404, 405 or 503).
    async fn session_token(&self, base: &str) -> Result<Option<Secret>, String> {
        let mut response = self
            .http
            .put(format!("{base}/meta-data/latest/api/token"))
            .header("X-Metadata-Token-Ttl-Seconds", TOKEN_TTL_SECONDS)
            .send()
            .await
            .map_err(|e| format!("did not answer ({})", crate::call::chain(&e)))?;
        match response.status().as_u16() {
            200 => {
                let token = read_small(&mut response).await?;
                let token = String::from_utf8_lossy(&token);
                Ok(Some(Secret::new(token.trim())).filter(|t| !t.expose().is_empty()))
            }
            404 | 405 | 503 => Ok(None),
            status => Err(format!("answered HTTP {status} to PUT /meta-data/latest/api/token")),
        }
    }
}

/// The metadata service's answers are a few hundred bytes; more is refused without reading it.
const MAX_ANSWER_BYTES: usize = 64 << 10;

async fn read_small(response: &mut reqwest::Response) -> Result<bytes::Bytes, String> {
    let body = crate::body::read(response, MAX_ANSWER_BYTES).await.map_err(|e| format!("answered unreadably ({e})"))?;
    if body.truncated {
        return Err(format!("answered with a body larger than {MAX_ANSWER_BYTES} bytes"));
    }
    Ok(body.bytes)
}
