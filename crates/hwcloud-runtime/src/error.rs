//! The one error type of the client: matchable by kind, and answering the questions a program asks of a failure
//! (what code, which request, is it worth retrying, is the thing already gone, might it have happened anyway).

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::operation::OperationSpec;
use crate::redact::Redactor;

/// One broken rule of one input field: what the caller must change before anything can be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Field name as documented (wire name), e.g. `project_id` or `X-Language`.
    pub field: String,
    /// The rule's name as in the spec, e.g. `max_length`, `charset`, `required`.
    pub rule: &'static str,
    /// What is wrong and what to do, without quoting secret values.
    pub message: String,
}

impl Violation {
    /// A broken rule of `field`.
    pub fn new(field: impl Into<String>, rule: &'static str, message: impl Into<String>) -> Self {
        Violation { field: field.into(), rule, message: message.into() }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` breaks rule {}: {}", self.field, self.rule, self.message)
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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

/// A service error: a non-success HTTP status with whatever the body said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The operation that failed.
    pub operation: &'static OperationSpec,
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
    /// The request is not idempotent and the status (a 5xx, or a 3xx redirect, which is never followed) does
    /// not say whether it was carried out.
    pub outcome_unknown: bool,
}

impl ServiceError {
    /// The error code, e.g. `DBS.201010`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The server's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// What the documentation's error code table says to do about this code.
    pub fn solution(&self) -> Option<&'static str> {
        let code = self.code.as_deref()?;
        self.operation.service.error_code(code).map(|c| c.solution).filter(|s| !s.is_empty())
    }

    /// Whether the code is one the documentation gives for "the resource this operation acts on does not exist".
    pub fn is_not_found(&self) -> bool {
        self.code.as_deref().is_some_and(|code| self.operation.not_found.contains(&code))
    }
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
        if let Some(solution) = self.solution() {
            write!(f, " — help: {solution}")?;
        }
        write!(f, " (request id: {})", self.request_id.as_deref().unwrap_or("none"))?;
        if self.outcome_unknown {
            f.write_str(OUTCOME_UNKNOWN)?;
        }
        Ok(())
    }
}

const OUTCOME_UNKNOWN: &str = "; the request may have been carried out: check before repeating it";

/// The response of the call that started a job, kept on an error of the wait that followed, so that the ids it
/// carries (the new backup's, the job's) are not lost. Read it with [`Error::started_output`].
#[derive(Clone, Default)]
pub struct Started(Option<(Arc<dyn Any + Send + Sync>, &'static str)>);

impl Started {
    /// Keeps `output`, the decoded response of the starting call.
    pub fn new<T: Any + Send + Sync>(output: T) -> Self {
        Started(Some((Arc::new(output), std::any::type_name::<T>())))
    }

    fn get<T: Any>(&self) -> Option<&T> {
        self.0.as_ref().and_then(|(output, _)| output.downcast_ref())
    }
}

impl fmt::Debug for Started {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some((_, name)) => write!(f, "Started({name})"),
            None => f.write_str("Started(none)"),
        }
    }
}

/// What a transport failure was caused by, kept for [`std::error::Error::source`].
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Every way a call can fail.
///
/// Besides matching on the variant, the methods answer what a program usually needs to know:
/// [`code`](Error::code), [`request_id`](Error::request_id), [`is_retryable`](Error::is_retryable),
/// [`is_not_found`](Error::is_not_found), [`outcome_unknown`](Error::outcome_unknown),
/// [`solution`](Error::solution).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input broke documented rules; nothing was sent.
    #[error("{operation}: invalid input, nothing was sent: {}", join(violations))]
    InvalidInput {
        /// The operation whose input was refused.
        operation: &'static OperationSpec,
        /// Every broken rule, not just the first.
        violations: Vec<Violation>,
    },

    /// The client is misconfigured (no endpoint for a region, missing credentials...); nothing was sent.
    #[error("configuration error: {0}")]
    Config(String),

    /// No connection could be made: nothing reached the server.
    #[error("{operation}: could not connect: {message}")]
    Connect {
        /// The operation being called.
        operation: &'static OperationSpec,
        /// What the connector reported (DNS, refused, TLS handshake...).
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Cause>,
    },

    /// A time limit ran out.
    #[error("{operation}: {kind} of {limit_ms} ms reached ({elapsed_ms} ms into the call){}",
        if *outcome_unknown { OUTCOME_UNKNOWN } else { "" })]
    Timeout {
        /// The operation being called.
        operation: &'static OperationSpec,
        /// Which limit ran out.
        kind: TimeoutKind,
        /// The limit that ran out.
        limit_ms: u64,
        /// How long the call had been running when it gave up.
        elapsed_ms: u64,
        /// The request is not idempotent and may have reached the server before the time ran out.
        outcome_unknown: bool,
    },

    /// The connection failed after it was made (dropped, reset, unreadable response).
    #[error("{operation}: transport error: {message}{}", if *outcome_unknown { OUTCOME_UNKNOWN } else { "" })]
    Transport {
        /// The operation being called.
        operation: &'static OperationSpec,
        /// What the HTTP stack reported.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Cause>,
        /// The request is not idempotent and may have been carried out before the connection failed.
        outcome_unknown: bool,
    },

    /// The service answered with a non-success status.
    #[error("{0}")]
    Service(ServiceError),

    /// A success response whose body does not fit the documented model, or cannot be read as JSON at all (an
    /// HTML page, a `Content-Encoding` such as gzip, which the client does not decode, junk).
    #[error("{operation}: could not decode HTTP {status} response at `{path}`: {message} (content type: {}; body: \
        {body_snippet:?}; request id: {})", content_type.as_deref().unwrap_or("none"),
        request_id.as_deref().unwrap_or("none"))]
    Decode {
        /// The operation whose response did not decode.
        operation: &'static OperationSpec,
        /// The (successful) HTTP status of the response.
        status: u16,
        /// `X-Request-Id` of the response, to quote to support.
        request_id: Option<String>,
        /// Where in the body decoding failed, e.g. `backups[2].size`.
        path: String,
        /// What the decoder expected there.
        message: String,
        /// The response's `Content-Type`, when it had one (bounded).
        content_type: Option<Box<str>>,
        /// The start of the body (bounded, secrets masked).
        body_snippet: Box<str>,
    },

    /// The response body is larger than the client accepts ([`crate::ClientBuilder::max_response_bytes`] for
    /// success bodies); nothing beyond the limit was read. The server did answer: for a success status the
    /// request was carried out, but its answer is lost.
    #[error("{operation}: response body larger than {limit_bytes} bytes (HTTP {status}); nothing beyond the limit \
        was read; raise `ClientBuilder::max_response_bytes` if such answers are expected (request id: {})",
        request_id.as_deref().unwrap_or("none"))]
    ResponseTooLarge {
        /// The operation whose response was too large.
        operation: &'static OperationSpec,
        /// The HTTP status of the response.
        status: u16,
        /// `X-Request-Id` of the response.
        request_id: Option<String>,
        /// The limit that was exceeded.
        limit_bytes: u64,
    },

    /// A paginated listing cannot be trusted to end (e.g. the server ignores `offset` and repeats a page).
    #[error("{operation}: paging stopped: {message}")]
    Paging {
        /// The listing operation.
        operation: &'static OperationSpec,
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
        /// The response of the call that started the job, when the error comes from `send_and_wait`.
        started: Started,
    },

    /// The asynchronous job did not finish within the wait limit; it may still be running on the server.
    #[error("job {job_id} still not finished after {waited_ms} ms (last status: {}); it may still finish",
        last_status.as_deref().unwrap_or("unknown"))]
    JobTimedOut {
        /// The job being waited for.
        job_id: String,
        /// The status seen on the last poll, if any poll answered.
        last_status: Option<String>,
        /// How long the waiter waited.
        waited_ms: u64,
        /// The response of the call that started the job, when the error comes from `send_and_wait`.
        started: Started,
    },

    /// Reading the job's status failed, so it is not known how the job ended; it may still be running.
    #[error("job {job_id}: could not read its status: {source}")]
    JobPollFailed {
        /// The job being waited for.
        job_id: String,
        /// Why the status could not be read.
        source: Box<Error>,
        /// The response of the call that started the job, when the error comes from `send_and_wait`.
        started: Started,
    },
}

fn join(violations: &[Violation]) -> String {
    violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl Error {
    /// The operation that failed, when the error belongs to one.
    pub fn operation(&self) -> Option<&'static OperationSpec> {
        match self {
            Error::InvalidInput { operation, .. }
            | Error::Connect { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::Paging { operation, .. } => Some(operation),
            Error::Service(e) => Some(e.operation),
            Error::JobPollFailed { source, .. } => source.operation(),
            Error::Config(_) | Error::JobFailed { .. } | Error::JobTimedOut { .. } => None,
        }
    }

    /// The service error, when the server answered with a non-success status.
    pub fn as_service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            Error::JobPollFailed { source, .. } => source.as_service_error(),
            _ => None,
        }
    }

    /// The service's error code, e.g. `GES.7024`.
    pub fn code(&self) -> Option<&str> {
        self.as_service_error().and_then(ServiceError::code)
    }

    /// The service's error message.
    pub fn message(&self) -> Option<&str> {
        self.as_service_error().and_then(ServiceError::message)
    }

    /// The request id of the failed response (`X-Request-Id`), to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode { request_id, .. } | Error::ResponseTooLarge { request_id, .. } => request_id.as_deref(),
            _ => self.as_service_error().and_then(ServiceError::request_id),
        }
    }

    /// The HTTP status of the failed response, when one arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => self.as_service_error().map(|e| e.status),
        }
    }

    /// The start of the response body (bounded, secrets masked), for service and decoding errors.
    pub fn body_snippet(&self) -> Option<&str> {
        match self {
            Error::Decode { body_snippet, .. } => Some(body_snippet),
            _ => self.as_service_error().map(|e| e.body_snippet.as_str()),
        }
    }

    /// The `Content-Type` of a response that could not be decoded.
    pub fn content_type(&self) -> Option<&str> {
        match self {
            Error::Decode { content_type, .. } => content_type.as_deref(),
            _ => None,
        }
    }

    /// What the documentation's error code table says to do about the service's error code.
    pub fn solution(&self) -> Option<&'static str> {
        self.as_service_error().and_then(ServiceError::solution)
    }

    /// The violated rules, when the input was refused before sending.
    pub fn violations(&self) -> &[Violation] {
        match self {
            Error::InvalidInput { violations, .. } => violations,
            _ => &[],
        }
    }

    /// Whether the service said that the resource this operation acts on does not exist, with one of the codes
    /// its documentation gives for that (e.g. `GES.7024` for a GES backup, `DBS.201010` for a TaurusDB one).
    pub fn is_not_found(&self) -> bool {
        self.as_service_error().is_some_and(ServiceError::is_not_found)
    }

    /// Whether a non-idempotent request (a create, an import...) may have been carried out although the call
    /// failed: the connection broke or the time ran out after sending, or a 5xx or a redirect came back. Check
    /// (e.g. list the backups) before repeating it, or it may be done twice.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout { outcome_unknown, .. } | Error::Transport { outcome_unknown, .. } => *outcome_unknown,
            Error::Service(e) => e.outcome_unknown,
            _ => false,
        }
    }

    /// Whether sending the same request again later may succeed and is safe: connection failures, throttling
    /// (429), and for requests that cannot be carried out twice by mistake, 5xx, timeouts and dropped
    /// connections. Invalid input, configuration errors and definite service answers are not retryable; neither
    /// is anything whose [`outcome_unknown`](Error::outcome_unknown) is true.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connect { .. } => true,
            Error::Timeout { outcome_unknown, .. } | Error::Transport { outcome_unknown, .. } => !outcome_unknown,
            Error::Service(e) => matches!(e.status, 429 | 500 | 502 | 503 | 504) && !e.outcome_unknown,
            _ => false,
        }
    }

    /// The job a job error is about.
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Error::JobFailed { job_id, .. }
            | Error::JobTimedOut { job_id, .. }
            | Error::JobPollFailed { job_id, .. } => Some(job_id),
            _ => None,
        }
    }

    /// The decoded response of the call that started the job, when `send_and_wait` failed while waiting: e.g.
    /// `err.started_output::<CreateBackupOutput>()` still has the new backup's id.
    pub fn started_output<T: Any>(&self) -> Option<&T> {
        match self {
            Error::JobFailed { started, .. }
            | Error::JobTimedOut { started, .. }
            | Error::JobPollFailed { started, .. } => started.get(),
            _ => None,
        }
    }

    /// Attaches the starting call's output to a job error (other errors are returned unchanged).
    pub fn with_started(mut self, output: Started) -> Self {
        if let Error::JobFailed { started, .. }
        | Error::JobTimedOut { started, .. }
        | Error::JobPollFailed { started, .. } = &mut self
        {
            *started = output;
        }
        self
    }
}

impl Error {
    /// A success response that does not fit the documented model, e.g. one without the job id the caller needs;
    /// for generated code, which cannot see the body.
    pub fn undecodable(
        operation: &'static OperationSpec,
        status: u16,
        request_id: Option<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Decode {
            operation,
            status,
            request_id,
            path: path.into(),
            message: message.into(),
            content_type: None,
            body_snippet: Box::default(),
        }
    }

    /// Masks every secret `redactor` knows in the text this error carries from a server (messages, snippets,
    /// request ids, content types), however the error came about.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Self {
        let clean = |text: &mut String| redactor.redact_in_place(text);
        let clean_boxed = |text: &mut Box<str>| {
            if let std::borrow::Cow::Owned(masked) = redactor.redact(text) {
                *text = masked.into_boxed_str();
            }
        };
        match &mut self {
            Error::Config(message)
            | Error::Connect { message, .. }
            | Error::Transport { message, .. }
            | Error::Paging { message, .. } => clean(message),
            Error::Service(e) => {
                e.code.iter_mut().chain(&mut e.message).chain(&mut e.request_id).for_each(clean);
                clean(&mut e.body_snippet);
            }
            Error::Decode { request_id, path, message, content_type, body_snippet, .. } => {
                request_id.iter_mut().chain([path, message]).for_each(clean);
                content_type.iter_mut().chain([body_snippet]).for_each(clean_boxed);
            }
            Error::ResponseTooLarge { request_id, .. } => request_id.iter_mut().for_each(clean),
            Error::JobFailed { status, reason, .. } => [status].into_iter().chain(reason).for_each(clean),
            Error::JobTimedOut { last_status, .. } => last_status.iter_mut().for_each(clean),
            Error::JobPollFailed { source, .. } => {
                let inner = std::mem::replace(source.as_mut(), Error::Config(String::new()));
                **source = inner.redact(redactor);
            }
            Error::InvalidInput { .. } | Error::Timeout { .. } => {}
        }
        self
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(e)
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn errors_stay_small_enough_to_return_by_value() {
        // clippy's `result_large_err` warns from 128 bytes; boxed fields keep the variants below.
        assert!(std::mem::size_of::<Error>() < 128, "{} bytes", std::mem::size_of::<Error>());
    }
}
