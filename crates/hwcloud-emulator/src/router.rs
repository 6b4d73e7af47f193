//! Routing glue shared by the services: each documented operation is routed at its generated `OperationSpec`'s
//! method and path, behind a gate that counts it, injects faults and checks credentials, in that order (a real
//! gateway fails or drops requests before authenticating them).

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
        Decision::Serve => {}
        Decision::Fail => return ApiError::unavailable(service).into_response(),
        Decision::Drop => {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(DropConnection);
            return response;
        }
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::invalid(service, "The request body is too large or could not be read.").into_response();
    };
    if let Err(why) = app.auth.check(&parts.method, &parts.uri, &parts.headers, &bytes) {
        tracing::info!(service = service.name(), operation = info.operation, "refused: {why}");
        return ApiError::unauthorized(service, &why).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
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
