//! Emulator-only calls that read and write what a graph or instance holds, so that a backup, a change and a restore
//! can be seen from outside: `GET` and `PUT /__emulator/data/{resource_id}` on each service's listener, behind the
//! same authentication as the documented APIs. No Huawei Cloud service has them.
//!
//! [`Emulator::write_data`] and [`Emulator::data`] send them over HTTP with the emulator's own credentials.

use std::collections::BTreeMap;
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use hwcloud_runtime::{Method, OperationInput, OperationSpec, Request, ResponseMeta};
use serde::{Deserialize, Serialize};

use crate::contents::Dataset;
use crate::errors::{ApiError, Service};
use crate::router::{route, AppState};
use crate::server::Emulator;
use crate::state::GraphStatus;
use crate::wire::{json_response, PathParams};

/// The path of both calls.
pub const DATA_PATH: &str = "/__emulator/data/{resource_id}";

macro_rules! data_operations {
    ($($service:ident => $read:ident, $write:ident;)*) => {$(
        static $read: OperationSpec = OperationSpec {
            service: &hwcloud::$service::SERVICE,
            name: "emulator_read_data",
            method: Method::Get,
            path_template: DATA_PATH,
            success: &[200],
            idempotent: true,
            not_found: &[],
        };
        static $write: OperationSpec = OperationSpec {
            service: &hwcloud::$service::SERVICE,
            name: "emulator_write_data",
            method: Method::Put,
            path_template: DATA_PATH,
            success: &[200],
            idempotent: true,
            not_found: &[],
        };
    )*};
}

data_operations! {
    ges => GES_READ, GES_WRITE;
    geminidb => GEMINIDB_READ, GEMINIDB_WRITE;
    taurusdb => TAURUSDB_READ, TAURUSDB_WRITE;
}

fn operations(service: Service) -> Option<(&'static OperationSpec, &'static OperationSpec)> {
    match service {
        Service::Ges => Some((&GES_READ, &GES_WRITE)),
        Service::GeminiDb => Some((&GEMINIDB_READ, &GEMINIDB_WRITE)),
        Service::TaurusDb => Some((&TAURUSDB_READ, &TAURUSDB_WRITE)),
        Service::Iam | Service::Metadata => None,
    }
}

/// What both calls answer: the resource, its data, and whether a restore (or its creation) is still running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResourceData {
    /// The graph or instance.
    pub resource_id: String,
    /// Its data now.
    #[serde(flatten)]
    pub data: Dataset,
    /// A restore or the instance's creation is still running: the data is not there yet, and writes are refused.
    pub restoring: bool,
}

/// The body of a write: the tables to replace (the others stay).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct WriteBody {
    tables: BTreeMap<String, Vec<String>>,
}

/// Adds both calls to a service's router.
pub(crate) fn routes(router: Router<AppState>, app: &AppState, service: Service) -> Router<AppState> {
    let Some((read_op, write_op)) = operations(service) else { return router };
    let read_handler = move |State(app): State<AppState>, path: PathResult| async move { read(service, &app, path) };
    let write_handler = move |State(app): State<AppState>, path: PathResult, body: Bytes| async move {
        write(service, &app, path, &body)
    };
    let router = route(router, app, service, read_op, read_handler);
    route(router, app, service, write_op, write_handler)
}

type PathResult = Result<Path<HashMap<String, String>>, PathRejection>;

fn read(service: Service, app: &AppState, path: PathResult) -> Result<Response, ApiError> {
    let id = PathParams::from(service, path)?.get("resource_id").unwrap_or_default();
    let mut cloud = app.store.lock();
    if cloud.resource(service, &id).is_none() {
        return Err(ApiError::resource_not_found(service));
    }
    let contents = cloud.contents(service, &id);
    let answer = ResourceData { resource_id: id, data: contents.current().clone(), restoring: contents.busy() };
    Ok(json_response(StatusCode::OK, &answer))
}

fn write(service: Service, app: &AppState, path: PathResult, body: &[u8]) -> Result<Response, ApiError> {
    let id = PathParams::from(service, path)?.get("resource_id").unwrap_or_default();
    let parsed: WriteBody = crate::wire::json_body(service, body)?;
    let mut cloud = app.store.lock();
    if cloud.resource(service, &id).is_none() {
        return Err(ApiError::resource_not_found(service));
    }
    if service == Service::Ges && cloud.graph_status(&id) != GraphStatus::Running {
        return Err(ApiError::new(service, StatusCode::BAD_REQUEST, "GES.7001", "The graph is not running."));
    }
    let contents = cloud.contents(service, &id);
    let data = contents.write(parsed.tables).map_err(|_| ApiError::busy(service))?.clone();
    let answer = ResourceData { resource_id: id, data, restoring: false };
    Ok(json_response(StatusCode::OK, &answer))
}

/// One of the two calls, for the runtime client.
#[derive(Debug, Clone)]
struct DataCall {
    operation: &'static OperationSpec,
    resource_id: String,
    body: Option<WriteBody>,
}

impl OperationInput for DataCall {
    type Output = ResourceData;
    // Only the request's own operation decides where it goes; this one names the call in errors.
    const OPERATION: &'static OperationSpec = &TAURUSDB_READ;

    fn to_request(&self) -> Result<Request, hwcloud_runtime::Error> {
        let segment = hwcloud_runtime::path::segment(self.operation, "resource_id", Some(self.resource_id.as_str()))?;
        let mut request = Request::new(self.operation, DATA_PATH.replace("{resource_id}", &segment));
        if let Some(body) = &self.body {
            request.body = Some(hwcloud_runtime::validate::json_body(self.operation, body)?);
        }
        Ok(request)
    }

    fn set_meta(_: &mut ResourceData, _: ResponseMeta) {}
}

impl Emulator {
    /// Replaces tables of a graph or instance (`tables`: rows by `database.table` name; the other tables stay) and
    /// bumps its version, over the emulator-only `PUT /__emulator/data/{resource_id}` of `service` (`ges`,
    /// `geminidb`, `taurusdb`). Refused while a restore of it runs, and for a GES graph that is not running.
    pub async fn write_data(
        &self,
        service: &str,
        resource_id: &str,
        tables: BTreeMap<String, Vec<String>>,
    ) -> Result<ResourceData, hwcloud::Error> {
        let (_, operation) = self.data_operations(service)?;
        let call = DataCall { operation, resource_id: resource_id.to_owned(), body: Some(WriteBody { tables }) };
        self.runtime_client_builder().build()?.execute(call).await
    }

    /// What a graph or instance of `service` holds now, over the emulator-only
    /// `GET /__emulator/data/{resource_id}`.
    pub async fn data(&self, service: &str, resource_id: &str) -> Result<ResourceData, hwcloud::Error> {
        let (operation, _) = self.data_operations(service)?;
        let call = DataCall { operation, resource_id: resource_id.to_owned(), body: None };
        self.runtime_client_builder().build()?.execute(call).await
    }

    fn data_operations(
        &self,
        service: &str,
    ) -> Result<(&'static OperationSpec, &'static OperationSpec), hwcloud::Error> {
        let service = match service {
            "ges" => Service::Ges,
            "geminidb" => Service::GeminiDb,
            "taurusdb" => Service::TaurusDb,
            other => {
                return Err(hwcloud::Error::Config(format!(
                    "no service `{other}` holds data in the emulator; use ges, geminidb or taurusdb"
                )))
            }
        };
        operations(service).ok_or_else(|| hwcloud::Error::Config("the service holds no data".into()))
    }
}
