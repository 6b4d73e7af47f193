//! The IAM token endpoint, `POST /v3/auth/tokens` with password authentication (11_iam_user_token_password.txt):
//! `201 Created`, the token in `X-Subject-Token`, and a body whose `token.expires_at` says when it expires.

use std::fmt;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::errors::{ApiError, Service};
use crate::router::{finish, AppState};
use crate::wire::json_response;

/// The counter name of the token request (the runtime's operation name for it).
pub(crate) const CREATE_TOKEN: &str = "keystone_create_user_token_by_password";

/// An IAM user that may obtain tokens.
#[derive(Clone)]
pub(crate) struct IamUser {
    pub(crate) domain: String,
    pub(crate) name: String,
    pub(crate) password: String,
}

impl fmt::Debug for IamUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IamUser").field("domain", &self.domain).field("name", &self.name).finish_non_exhaustive()
    }
}

/// IAM settings.
#[derive(Debug, Clone)]
pub(crate) struct IamConfig {
    pub(crate) users: Vec<IamUser>,
    pub(crate) token_ttl: Duration,
    pub(crate) project_id: String,
    /// The name of the project (on Huawei Cloud, the region's default project is named like the region).
    pub(crate) project_name: String,
}

pub(crate) fn router(app: &AppState) -> Router {
    finish(Router::new().route("/v3/auth/tokens", post(create_token)), app, Service::Iam)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    ApiError::new(Service::Iam, status, "", message).into_response()
}

async fn create_token(State(app): State<AppState>, body: Bytes) -> Response {
    app.counters.hit(Service::Iam.name(), CREATE_TOKEN);
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "The request body is invalid");
    };
    let text = |pointer: &str| request.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_owned();
    let methods = request.pointer("/auth/identity/methods").and_then(Value::as_array);
    if !methods.is_some_and(|m| m.iter().any(|v| v == "password")) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The request body is invalid: auth.identity.methods must be [\"password\"]",
        );
    }
    let (domain, name) = (text("/auth/identity/password/user/domain/name"), text("/auth/identity/password/user/name"));
    let password = text("/auth/identity/password/user/password");
    if domain.is_empty() || name.is_empty() || password.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The request body is invalid: user name, password and domain name are required",
        );
    }
    let config = &app.iam;
    let known = config.users.iter().any(|u| u.domain == domain && u.name == name && u.password == password);
    if !known {
        tracing::info!(user = %name, domain = %domain, "IAM refused a password login");
        return refuse(StatusCode::UNAUTHORIZED, "The username or password is wrong.");
    }
    let (project_id, project_name) = (text("/auth/scope/project/id"), text("/auth/scope/project/name"));
    let domain_scope = request.pointer("/auth/scope/domain").is_some();
    let project_ok = (project_id.is_empty() || project_id == config.project_id)
        && (project_name.is_empty() || project_name == config.project_name || project_name == config.project_id);
    if !project_ok {
        return refuse(StatusCode::UNAUTHORIZED, "The request you have made requires authentication: unknown project.");
    }
    let issued = app.auth.issue(config.token_ttl);
    let domain_json = json!({ "id": format!("{:0>32}", "d"), "name": domain });
    let mut token = json!({
        "methods": ["password"],
        "expires_at": crate::clock::iam(issued.expires_at),
        "issued_at": crate::clock::iam(issued.issued_at),
        "user": { "domain": domain_json, "id": format!("{:0>32}", "u"), "name": name, "password_expires_at": "" },
        "roles": [{ "id": "0", "name": "op_service" }],
        "catalog": [],
    });
    if domain_scope && project_id.is_empty() && project_name.is_empty() {
        token["domain"] = domain_json;
    } else {
        token["project"] = json!({ "id": config.project_id, "name": config.project_name, "domain": domain_json });
    }
    let mut response = json_response(StatusCode::CREATED, &json!({ "token": token }));
    if let Ok(value) = HeaderValue::from_str(&issued.token) {
        response.headers_mut().insert("x-subject-token", value);
    }
    response
}
