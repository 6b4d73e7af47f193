//! What the generated code hands to the runtime: a static description of each operation and service, and the
//! per-call request built from the user's input.

use bytes::Bytes;

/// A service as the spec describes it: its names, the base URL of each region it is offered in, and its
/// documented error codes. `Debug` shows only the name.
pub struct ServiceSpec {
    /// Module name in the spec, e.g. `ges`; also the key for endpoint overrides.
    pub name: &'static str,
    /// The service's name in the official SDKs, e.g. `GES`, `GAUSSDBFORNOSQL`, `GAUSSDB`: it names the endpoint
    /// variable `HUAWEICLOUD_SDK_REGION_{SDK_NAME}_{REGION}` and the service's section of the regions file.
    pub sdk_name: &'static str,
    /// Region → base URL, for every region the service is offered in (exact hosts, as published).
    pub regions: &'static [(&'static str, &'static str)],
    /// The base URL for a region not in `regions`, and when no region is set; only global services (IAM) have
    /// one, for the others an unknown region is an error listing the known ones.
    pub global_endpoint: Option<&'static str>,
    /// The documentation's error code table.
    pub errors: &'static [ErrorCode],
}

impl ServiceSpec {
    /// The documented entry for an error code, if the documentation lists it.
    pub fn error_code(&self, code: &str) -> Option<&'static ErrorCode> {
        self.errors.iter().find(|e| e.code == code)
    }
}

/// One row of a service's documented error code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorCode {
    /// The HTTP status the code comes with.
    pub status: u16,
    /// The code, e.g. `GES.7024`.
    pub code: &'static str,
    /// The documented error message.
    pub message: &'static str,
    /// What the documentation says to do (empty when it says nothing).
    pub solution: &'static str,
}

impl ErrorCode {
    /// A row of the table, as generated from the spec.
    pub const fn new(status: u16, code: &'static str, message: &'static str, solution: &'static str) -> Self {
        ErrorCode { status, code, message, solution }
    }
}

/// HTTP methods the spec can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
}

impl Method {
    /// The method as sent on the wire (upper case), e.g. `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }
}

/// Static facts about one operation, generated from its spec file. Displays (and debugs) as `service.operation`.
pub struct OperationSpec {
    /// The service the operation belongs to (decides the endpoint).
    pub service: &'static ServiceSpec,
    /// snake_case operation id, e.g. `list_graph_backups`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// Path template as documented, e.g. `/v2/{project_id}/graphs/{graph_id}/backups` (for logs and spans).
    pub path_template: &'static str,
    /// Documented success status codes; anything else is a service error.
    pub success: &'static [u16],
    /// Whether repeating the request is harmless; decides which failures may be retried.
    pub idempotent: bool,
    /// Error codes that mean "the resource this operation acts on does not exist" (see
    /// [`crate::Error::is_not_found`]).
    pub not_found: &'static [&'static str],
}

impl std::fmt::Display for OperationSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.service.name, self.name)
    }
}

impl std::fmt::Debug for OperationSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OperationSpec({self})")
    }
}

impl std::fmt::Debug for ServiceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServiceSpec({})", self.name)
    }
}

/// Services and operations are statics: each is equal only to itself.
macro_rules! identity_eq {
    ($($ty:ty),*) => {$(
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                std::ptr::eq(self, other)
            }
        }
        impl Eq for $ty {}
    )*};
}
identity_eq!(ServiceSpec, OperationSpec);

/// One call, ready to be sent: the path is already filled and each parameter percent-encoded.
///
/// `Debug` shows the body's size only: bodies may carry secrets (the IAM token request carries a password).
#[non_exhaustive]
pub struct Request {
    /// What is being called.
    pub operation: &'static OperationSpec,
    /// Filled path, e.g. `/v2/p1/graphs/g%2F1/backups` (see [`crate::path::encode_segment`]).
    pub path: String,
    /// Raw (not yet encoded) query pairs; the runtime encodes and sorts them as the signer requires.
    pub query: Vec<(&'static str, String)>,
    /// Operation headers from the spec (e.g. `X-Language`); auth headers are added by the runtime.
    pub headers: Vec<(&'static str, String)>,
    /// Serialized JSON body, if the operation has one.
    pub body: Option<Bytes>,
    /// The project the call is scoped to (sent as `X-Project-Id` when signing with AK/SK).
    pub project_id: Option<String>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.name)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .field("project_id", &self.project_id)
            .finish()
    }
}

impl Request {
    /// A request with no query, headers, body or project id yet.
    pub fn new(operation: &'static OperationSpec, path: String) -> Self {
        Request { operation, path, query: Vec::new(), headers: Vec::new(), body: None, project_id: None }
    }

    /// Adds a query parameter, when set.
    pub fn push_query<T: std::fmt::Display>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.query.push((name, value.to_string()));
        }
    }

    /// Adds a query parameter once per value of a list, when set.
    pub fn push_query_all<T: std::fmt::Display>(&mut self, name: &'static str, values: &Option<Vec<T>>) {
        for value in values.iter().flatten() {
            self.query.push((name, value.to_string()));
        }
    }

    /// Adds a header, when set.
    pub fn push_header<T: std::fmt::Display>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.headers.push((name, value.to_string()));
        }
    }
}

/// What a successful call returned, before decoding.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status (one of the operation's documented success codes).
    pub status: u16,
    /// `X-Request-Id` (or `X-Openstack-Request-Id`), to quote to support.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: http::HeaderMap,
    /// The body as received.
    pub body: Bytes,
}

/// Status and request id of a decoded response, kept on every generated output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status of the response.
    pub status: u16,
    /// `X-Request-Id` (or `X-Openstack-Request-Id`) of the response.
    pub request_id: Option<String>,
}

impl From<&RawResponse> for ResponseMeta {
    fn from(raw: &RawResponse) -> Self {
        ResponseMeta { status: raw.status, request_id: raw.request_id.clone() }
    }
}
