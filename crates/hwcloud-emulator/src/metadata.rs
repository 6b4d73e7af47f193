//! The credential endpoints of the ECS instance metadata service, served on their own listener when enabled, so
//! that clients running "on a cloud server" can be tested on loopback: `PUT /meta-data/latest/api/token` issues a
//! session token, `GET /openstack/latest/securitykey` hands out a temporary AK/SK with security token, which the
//! services then accept until it expires (14_regions_endpoints.txt, credential provider 4).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use serde_json::json;
use time::OffsetDateTime;

use crate::errors::Service;
use crate::router::{finish, AppState};
use crate::wire::{header_str, json_response};

/// Counter names of the two endpoints.
pub(crate) const CREATE_TOKEN: &str = "create_session_token";
pub(crate) const SHOW_SECURITY_KEY: &str = "show_security_key";

/// The longest session token the service issues, in seconds (six hours).
const MAX_TOKEN_TTL: u64 = 21600;

/// Whether the metadata service issues session tokens, and whether it insists on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum MetadataTokens {
    /// Tokens are issued; `securitykey` answers with or without one (the default).
    #[default]
    Optional,
    /// `securitykey` answers 401 without a valid `X-Metadata-Token`.
    Required,
    /// The token endpoint answers 404, as a service without session tokens does.
    Unsupported,
}

/// Metadata service settings and the session tokens issued.
#[derive(Debug)]
pub(crate) struct Metadata {
    pub(crate) tokens: MetadataTokens,
    /// How long each temporary key stays valid.
    pub(crate) credential_ttl: Duration,
    issued: Mutex<HashMap<String, OffsetDateTime>>,
}

impl Metadata {
    pub(crate) fn new(tokens: MetadataTokens, credential_ttl: Duration) -> Self {
        Metadata { tokens, credential_ttl, issued: Mutex::new(HashMap::new()) }
    }

    fn token_is_valid(&self, token: &str) -> bool {
        let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        issued.get(token).is_some_and(|expiry| *expiry > OffsetDateTime::now_utc())
    }
}

pub(crate) fn router(app: &AppState) -> Router {
    let routes = Router::new()
        .route("/meta-data/latest/api/token", put(create_token))
        .route("/openstack/latest/securitykey", get(show_security_key));
    finish(routes, app, Service::Metadata)
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, text.to_owned()).into_response()
}

async fn create_token(State(app): State<AppState>, headers: HeaderMap) -> Response {
    app.counters.hit(Service::Metadata.name(), CREATE_TOKEN);
    let metadata = &app.metadata;
    if metadata.tokens == MetadataTokens::Unsupported {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    }
    let ttl = header_str(&headers, "x-metadata-token-ttl-seconds").and_then(|v| v.trim().parse::<u64>().ok());
    let Some(ttl) = ttl.filter(|ttl| (1..=MAX_TOKEN_TTL).contains(ttl)) else {
        return plain(StatusCode::BAD_REQUEST, "X-Metadata-Token-Ttl-Seconds must be 1 to 21600");
    };
    let token = crate::ids::token();
    let mut issued = metadata.issued.lock().unwrap_or_else(PoisonError::into_inner);
    let now = OffsetDateTime::now_utc();
    issued.retain(|_, expiry| *expiry > now);
    issued.insert(token.clone(), now + Duration::from_secs(ttl));
    plain(StatusCode::OK, &token)
}

async fn show_security_key(State(app): State<AppState>, headers: HeaderMap) -> Response {
    app.counters.hit(Service::Metadata.name(), SHOW_SECURITY_KEY);
    let metadata = &app.metadata;
    match header_str(&headers, "x-metadata-token") {
        Some(token) if !metadata.token_is_valid(&token) => {
            return plain(StatusCode::UNAUTHORIZED, "the metadata session token is invalid or expired")
        }
        None if metadata.tokens == MetadataTokens::Required => {
            return plain(StatusCode::UNAUTHORIZED, "a metadata session token (X-Metadata-Token) is required")
        }
        _ => {}
    }
    let (key, expires_at) = app.auth.issue_temporary_key(metadata.credential_ttl);
    let body = json!({ "credential": {
        "access": key.ak,
        "secret": key.sk,
        "securitytoken": key.security_token,
        "expires_at": crate::clock::iam(expires_at),
    }});
    json_response(StatusCode::OK, &body)
}
