//! The two IAM calls clients make: the token endpoint, `POST /v3/auth/tokens` with password authentication
//! (11_iam_user_token_password.txt: `201 Created`, the token in `X-Subject-Token`, and a body whose
//! `token.expires_at` says when it expires), and the project query the official SDKs use to find a region's
//! project id, `GET /v3/projects?name={region}` (signed; 14_regions_endpoints.txt).

use std::fmt;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::errors::{ApiError, Service};
use crate::router::{finish, AppState};
use crate::wire::json_response;

/// The counter name of the token request (the runtime's operation name for it).
pub(crate) const CREATE_TOKEN: &str = "keystone_create_user_token_by_password";
/// The counter name of the project query (the runtime's operation name for it).
pub(crate) const LIST_PROJECTS: &str = "keystone_list_projects";

/// A project of the account: the served one (named like the region) and any added with
/// `EmulatorBuilder::iam_project`.
#[derive(Debug, Clone)]
pub(crate) struct IamProject {
    pub(crate) name: String,
    pub(crate) id: String,
}

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
    /// Every project `GET /v3/projects` lists, the served one first.
    pub(crate) projects: Vec<IamProject>,
}

pub(crate) fn router(app: &AppState) -> Router {
    let routes = Router::new().route("/v3/auth/tokens", post(create_token)).route("/v3/projects", get(list_projects));
    finish(routes, app, Service::Iam)
}

/// `GET /v3/projects[?name=N]`: the account's projects, filtered by name, for a signed (or token) request.
async fn list_projects(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    app.counters.hit(Service::Iam.name(), LIST_PROJECTS);
    if let Err(why) = app.auth.check(&method, &uri, &headers, b"") {
        tracing::info!(operation = LIST_PROJECTS, "refused: {why}");
        return ApiError::unauthorized(Service::Iam, &why).into_response();
    }
    let domain_id = format!("{:0>32}", "d");
    let base = format!("http://{}", header_host(&headers));
    let projects: Vec<Value> = app
        .iam
        .projects
        .iter()
        .filter(|p| query.get("name").is_none_or(|name| *name == p.name))
        .map(|p| {
            json!({
                "id": p.id, "name": p.name, "domain_id": domain_id, "parent_id": domain_id, "enabled": true,
                "is_domain": false, "description": "",
                "links": { "self": format!("{base}/v3/projects/{}", p.id) },
            })
        })
        .collect();
    let links = json!({ "self": format!("{base}{uri}"), "previous": null, "next": null });
    json_response(StatusCode::OK, &json!({ "projects": projects, "links": links }))
}

fn header_host(headers: &HeaderMap) -> String {
    headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_owned()
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
