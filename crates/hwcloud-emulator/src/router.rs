//! Routing glue shared by the services: each documented operation is routed at its generated `OperationSpec`'s
//! method and path, behind a gate that counts it, injects faults and checks credentials, in that order (a real
//! gateway fails or drops requests before authenticating them); faults "after processing" strike once the
//! handler has done its work. Every listener also serves the counters at `GET /__emulator/metrics`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Extension, Router};
use hwcloud_runtime::{Method, OperationSpec};

use crate::auth::Auth;
use crate::errors::{ApiError, Service};
use crate::faults::{Decision, DropConnection, Faults};
use crate::iam::IamConfig;
use crate::metadata::Metadata;
use crate::metrics::{Counters, UNMATCHED};
use crate::state::Store;

/// Where every listener (but the metadata service's) serves its emulator's counters; not an API path, and not
/// counted.
pub(crate) const METRICS_PATH: &str = "/__emulator/metrics";

/// Request bodies larger than this are refused (the documented bodies are a few hundred bytes).
const MAX_BODY_BYTES: usize = 1 << 20;

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) store: Store,
    pub(crate) auth: Auth,
    pub(crate) faults: Faults,
    pub(crate) counters: Counters,
    pub(crate) iam: IamConfig,
    pub(crate) metadata: Metadata,
}

pub(crate) type AppState = Arc<App>;

/// Which operation a route serves, for the gate.
#[derive(Debug, Clone, Copy)]
struct RouteInfo {
    service: Service,
    operation: &'static str,
}

/// Routes `op` (at its documented method and path) to `handler`, behind the gate.
pub(crate) fn route<H, T>(
    router: Router<AppState>,
    app: &AppState,
    service: Service,
    op: &'static OperationSpec,
    handler: H,
) -> Router<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = match op.method {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
        Method::Put => MethodFilter::PUT,
        Method::Delete => MethodFilter::DELETE,
        Method::Patch => MethodFilter::PATCH,
    };
    let info = RouteInfo { service, operation: op.name };
    let handled: MethodRouter<AppState> = on(filter, handler);
    let gated: MethodRouter<AppState> = handled.layer(middleware::from_fn_with_state(app.clone(), gate));
    router.route(op.path_template, gated.layer(Extension(info)))
}

/// Adds what every listener has: the gateway's 404 for unknown APIs and a unique `X-Request-Id` on every answer.
pub(crate) fn finish(router: Router<AppState>, app: &AppState, service: Service) -> Router {
    let unknown = {
        let app = app.clone();
        move || async move {
            app.counters.hit(service.name(), UNMATCHED);
            ApiError::no_such_api(service)
        }
    };
    router
        .route(METRICS_PATH, axum::routing::get(metrics))
        .fallback(unknown.clone())
        .method_not_allowed_fallback(unknown)
        .layer(middleware::from_fn(request_id))
        .with_state(app.clone())
}

async fn gate(
    State(app): State<AppState>,
    Extension(info): Extension<RouteInfo>,
    request: Request,
    next: Next,
) -> Response {
    let service = info.service;
    app.counters.hit(service.name(), info.operation);
    let (latency, decision) = app.faults.decide();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match decision {
        Decision::Fail => return app.fault(decision, ApiError::unavailable(service).into_response()),
        Decision::Drop => return app.fault(decision, dropped()),
        Decision::Serve | Decision::FailAfter | Decision::DropAfter => {}
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::invalid(service, "The request body is too large or could not be read.").into_response();
    };
    if let Err(why) = app.auth.check(&parts.method, &parts.uri, &parts.headers, &bytes) {
        tracing::info!(service = service.name(), operation = info.operation, "refused: {why}");
        return ApiError::unauthorized(service, &why).into_response();
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    // The work is done (whatever the handler answered); the answer is replaced or lost.
    match decision {
        Decision::FailAfter => app.fault(decision, ApiError::unavailable(service).into_response()),
        Decision::DropAfter => app.fault(decision, dropped()),
        _ => response,
    }
}

/// A response the connection loop drops instead of writing.
fn dropped() -> Response {
    let mut response = Response::new(Body::empty());
    response.extensions_mut().insert(DropConnection);
    response
}

impl App {
    /// Counts an injected fault and returns its response.
    fn fault(&self, decision: Decision, response: Response) -> Response {
        self.faults.struck(decision);
        tracing::debug!(?decision, "fault injected");
        response
    }
}

/// `GET /__emulator/metrics`: requests received per operation and faults injected, as JSON.
async fn metrics(State(app): State<AppState>) -> Response {
    let faults = app.faults.counts();
    let body = serde_json::json!({
        "requests": app.counters.snapshot().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "total_requests": app.counters.total(),
        "faults": {
            "error": faults.error,
            "drop": faults.drop,
            "error_after": faults.error_after,
            "drop_after": faults.drop_after,
        },
    });
    axum::Json(body).into_response()
}

async fn request_id(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let mut response = next.run(request).await;
    let id = crate::ids::hex(32);
    tracing::debug!(%method, %path, status = response.status().as_u16(), request_id = %id, "answered");
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
