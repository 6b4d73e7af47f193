//! The one error type of the client, matchable by kind.

use std::fmt;

/// One broken rule of one input field: what the caller must change before anything can be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Field name as documented (wire name), e.g. `project_id` or `X-Language`.
    pub field: String,
    /// The rule's name as in the spec, e.g. `max_length`, `charset`, `required`.
    pub rule: &'static str,
    /// What is wrong and what to do, without quoting secret values.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` breaks rule {}: {}", self.field, self.rule, self.message)
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Establishing the TCP/TLS connection.
    Connect,
    /// One attempt (request sent, response read).
    Attempt,
    /// The whole call, retries included.
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Attempt => "per-attempt timeout",
            TimeoutKind::Total => "total call timeout",
        })
    }
}

/// A documented service error: a non-success HTTP status with whatever the body said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The operation that failed (snake_case id).
    pub operation: &'static str,
    /// The HTTP status the server answered with.
    pub status: u16,
    /// Error code such as `GES.7024` or `DBS.200022`, from any of the documented body shapes.
    pub code: Option<String>,
    /// The server's error text, from any of the documented body shapes (whitespace collapsed to one line).
    pub message: Option<String>,
    /// `X-Request-Id` (or `X-Openstack-Request-Id`) of the failed response.
    pub request_id: Option<String>,
    /// The start of the raw body (bounded), for bodies that are not JSON or not of a known shape.
    pub body_snippet: String,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with HTTP {}", self.operation, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        match &self.message {
            Some(message) => write!(f, ": {message}")?,
            None if !self.body_snippet.is_empty() => write!(f, ": body {:?}", self.body_snippet)?,
            None => {}
        }
        write!(f, " (request id: {})", self.request_id.as_deref().unwrap_or("none"))
    }
}

/// Every way a call can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input broke documented rules; nothing was sent.
    #[error("invalid input for {operation}, nothing was sent: {}", join(violations))]
    InvalidInput {
        /// The operation whose input was refused.
        operation: &'static str,
        /// Every broken rule, not just the first.
        violations: Vec<Violation>,
    },

    /// The client is misconfigured (no endpoint for a region, missing credentials...); nothing was sent.
    #[error("configuration error: {0}")]
    Config(String),

    /// The request could not be completed at the HTTP level.
    #[error("{operation}: connection failed: {message}")]
    Connect {
        /// The operation being called.
        operation: &'static str,
        /// What the connector reported (DNS, refused, TLS handshake...).
        message: String,
    },

    /// A time limit ran out.
    #[error("{operation}: {kind} after {elapsed_ms} ms")]
    Timeout {
        /// The operation being called.
        operation: &'static str,
        /// Which limit ran out.
        kind: TimeoutKind,
        /// How long the call had been running when it gave up.
        elapsed_ms: u64,
    },

    /// Another transport failure (connection dropped mid-response, TLS, ...).
    #[error("{operation}: transport error: {message}")]
    Transport {
        /// The operation being called.
        operation: &'static str,
        /// What the HTTP stack reported.
        message: String,
    },

    /// The service answered with a non-success status.
    #[error("{0}")]
    Service(Box<ServiceError>),

    /// A success response whose body does not fit the documented model.
    #[error("{operation}: could not decode HTTP {status} response at `{path}`: {message} (request id: {})",
        request_id.as_deref().unwrap_or("none"))]
    Decode {
        /// The operation whose response did not decode.
        operation: &'static str,
        /// The (successful) HTTP status of the response.
        status: u16,
        /// `X-Request-Id` of the response, to quote to support.
        request_id: Option<String>,
        /// Where in the body decoding failed, e.g. `backups[2].size`.
        path: String,
        /// What the decoder expected there.
        message: String,
    },

    /// A paginated listing cannot be trusted to end (e.g. the server ignores `offset` and repeats a page).
    #[error("{operation}: paging stopped: {message}")]
    Paging {
        /// The listing operation.
        operation: &'static str,
        /// What went wrong and why iteration stopped.
        message: String,
    },

    /// The asynchronous job ended in a failure state.
    #[error("job {job_id} failed with status {status}{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    JobFailed {
        /// The job that failed.
        job_id: String,
        /// Its final status as the server printed it.
        status: String,
        /// The server's failure reason, when it gives one.
        reason: Option<String>,
    },

    /// The asynchronous job did not finish within the wait limit; it may still be running on the server.
    #[error("job {job_id} still not finished after {waited_ms} ms (last status: {})",
        last_status.as_deref().unwrap_or("unknown"))]
    JobTimedOut {
        /// The job being waited for.
        job_id: String,
        /// The status seen on the last poll, if any poll answered.
        last_status: Option<String>,
        /// How long the waiter waited.
        waited_ms: u64,
    },
}

fn join(violations: &[Violation]) -> String {
    violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl Error {
    /// The service error, when the server answered with a non-success status.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The violated rules, when the input was refused before sending.
    pub fn violations(&self) -> &[Violation] {
        match self {
            Error::InvalidInput { violations, .. } => violations,
            _ => &[],
        }
    }
}
