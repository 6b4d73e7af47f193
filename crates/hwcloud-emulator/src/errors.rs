//! Error answers, in each service's documented body and with its documented codes (13_error_codes.txt).
//!
//! GES, GeminiDB and TaurusDB all answer `{"error_code": .., "error_msg": ..}`, serialized through each service's
//! generated error model; IAM answers the Keystone shape `{"error": {"code", "message", "title"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hwcloud_runtime::Violation;

use crate::wire::json_response;

/// Which service a listener plays: decides error bodies and codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Service {
    Ges,
    GeminiDb,
    TaurusDb,
    Iam,
    /// The ECS instance metadata service (only when enabled).
    Metadata,
}

impl Service {
    /// The name used in printed base URLs, counters and endpoint overrides.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Service::Ges => "ges",
            Service::GeminiDb => "geminidb",
            Service::TaurusDb => "taurusdb",
            Service::Iam => "iam",
            Service::Metadata => "metadata",
        }
    }
}

/// A refused request: status, documented code and message.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) service: Service,
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(service: Service, status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError { service, status, code: code.to_owned(), message: message.into() }
    }

    /// A malformed or rule-breaking parameter (`detail` says which and why).
    pub(crate) fn invalid(service: Service, detail: &str) -> Self {
        match service {
            Service::Ges => {
                Self::new(service, StatusCode::BAD_REQUEST, "GES.0001", format!("Incorrect parameter. {detail}"))
            }
            Service::Iam | Service::Metadata => {
                Self::new(service, StatusCode::BAD_REQUEST, "400", format!("The request body is invalid. {detail}"))
            }
            _ => Self::new(service, StatusCode::BAD_REQUEST, "DBS.200001", format!("Parameter error. {detail}")),
        }
    }

    /// A mandatory parameter that is absent.
    pub(crate) fn missing(service: Service, field: &str) -> Self {
        match service {
            Service::Ges => Self::new(
                service,
                StatusCode::BAD_REQUEST,
                "GES.7049",
                format!("The parameter [{field}] is not exist."),
            ),
            _ => Self::invalid(service, &format!("`{field}` is mandatory.")),
        }
    }

    /// The generated `validate()` refused the input: the same rules the client checks.
    pub(crate) fn from_violations(service: Service, violations: &[Violation]) -> Self {
        if let Some(missing) = violations.iter().find(|v| v.rule == "required") {
            return Self::missing(service, &missing.field);
        }
        let detail = violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        let field = violations.first().map(|v| v.field.as_str()).unwrap_or_default();
        match (service, field) {
            (Service::GeminiDb | Service::TaurusDb, "name") => {
                Self::new(service, StatusCode::BAD_REQUEST, "DBS.280277", format!("Invalid backup name. {detail}"))
            }
            (Service::GeminiDb | Service::TaurusDb, "description") => Self::new(
                service,
                StatusCode::BAD_REQUEST,
                "DBS.280127",
                format!("Invalid backup description. {detail}"),
            ),
            _ => Self::invalid(service, &detail),
        }
    }

    /// Turns the result of a generated `validate()` into a refusal.
    pub(crate) fn check(service: Service, result: Result<(), hwcloud_runtime::Error>) -> Result<(), ApiError> {
        match result {
            Ok(()) => Ok(()),
            Err(err) => Err(Self::from_violations(service, err.violations())),
        }
    }

    /// The graph or instance a request names does not exist (each service's documented code).
    pub(crate) fn resource_not_found(service: Service) -> Self {
        match service {
            Service::Ges => {
                Self::new(service, StatusCode::BAD_REQUEST, "GES.7000", "The graph does not exist or has been deleted.")
            }
            _ => Self::new(service, StatusCode::NOT_FOUND, "DBS.200002", "The DB instance does not exist."),
        }
    }

    /// A restore (or the creation) of the instance is still running (each service's documented code).
    pub(crate) fn busy(service: Service) -> Self {
        let status = match service {
            Service::TaurusDb => StatusCode::CONFLICT,
            _ => StatusCode::FORBIDDEN,
        };
        match service {
            Service::Ges => Self::new(service, StatusCode::BAD_REQUEST, "GES.7001", "The graph is not running."),
            _ => Self::new(
                service,
                status,
                "DBS.200019",
                "Another operation is being performed on the DB instance or the DB instance is faulty.",
            ),
        }
    }

    /// The path names another project than the one the emulator serves.
    pub(crate) fn foreign_project(service: Service) -> Self {
        match service {
            Service::Ges => Self::new(service, StatusCode::BAD_REQUEST, "GES.0016", "Resource not found"),
            _ => Self::new(service, StatusCode::FORBIDDEN, "DBS.201003", "Resource not found or permission denied."),
        }
    }

    /// Refused credentials, as the API gateway in front of every service answers.
    pub(crate) fn unauthorized(service: Service, why: &str) -> Self {
        Self::new(
            service,
            StatusCode::UNAUTHORIZED,
            "APIGW.0301",
            format!("Incorrect IAM authentication information: {why}"),
        )
    }

    /// An injected server-side failure (fault injection).
    pub(crate) fn unavailable(service: Service) -> Self {
        let (code, message) = match service {
            Service::Ges => ("GES.7005", "The underlying service of the graph engine is unavailable."),
            Service::Iam | Service::Metadata => ("503", "The service is unavailable."),
            _ => ("DBS.108000", "Server failure."),
        };
        Self::new(service, StatusCode::SERVICE_UNAVAILABLE, code, message)
    }

    /// No API at this method and path (the gateway's answer).
    pub(crate) fn no_such_api(service: Service) -> Self {
        Self::new(
            service,
            StatusCode::NOT_FOUND,
            "APIG.0101",
            "The API does not exist or has not been published in the environment.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, message) = (Some(self.code.clone()), Some(self.message.clone()));
        match self.service {
            Service::Ges => {
                let mut body = hwcloud::ges::types::GesError::default();
                (body.error_code, body.error_msg) = (code, message);
                json_response(self.status, &body)
            }
            Service::GeminiDb => {
                let mut body = hwcloud::geminidb::types::GeminidbError::default();
                (body.error_code, body.error_msg) = (code, message);
                json_response(self.status, &body)
            }
            Service::TaurusDb => {
                let mut body = hwcloud::taurusdb::types::TaurusdbError::default();
                (body.error_code, body.error_msg) = (code, message);
                json_response(self.status, &body)
            }
            Service::Iam | Service::Metadata => {
                let title = self.status.canonical_reason().unwrap_or("Error");
                let body = serde_json::json!({
                    "error": { "code": self.status.as_u16(), "message": self.message, "title": title }
                });
                json_response(self.status, &body)
            }
        }
    }
}
