//! Sending one call: building the URL and headers, authenticating, and the attempt loop with its retry rules.

use crate::body::ERROR_BODY_BYTES;
use crate::client::{Auth, Client, Timeouts};
use crate::endpoint::Endpoints;
use crate::error::{Cause, Error, ServiceError, TimeoutKind, Violation};
use crate::error_body::{service_error, Answered};
use crate::operation::{Method, OperationSpec, RawResponse, Request};
use crate::redact::bounded;
use crate::retry::{Failure, RetryConfig};
use crate::secret::Secret;
use crate::sign;
use bytes::Bytes;
use futures::future::BoxFuture;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::field::Empty;
use tracing::{debug, info, Instrument};

mod signed;
pub use signed::SignedRequest;

/// Per-call overrides of the client's time limits and retry policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Time limits of this call instead of the client's.
    pub timeouts: Option<Timeouts>,
    /// Retry policy of this call instead of the client's.
    pub retry: Option<RetryConfig>,
}

impl CallOptions {
    /// Uses these time limits for the call.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// Uses this retry policy for the call.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }
}

/// A request made ready to send: the parts every attempt shares.
struct Prepared {
    op: &'static OperationSpec,
    started: Instant,
    /// The service's endpoints and the index of the one this call is aimed at.
    endpoints: Arc<Endpoints>,
    endpoint_index: usize,
    /// The filled path, kept to aim the call at another endpoint.
    path: String,
    url: url::Url,
    wire_path: String,
    wire_query: String,
    /// `host[:port]` of the URL, as signed.
    host: String,
    /// Validated headers without authentication, in the order they are signed and sent.
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Bytes>,
    project_id: Option<String>,
    timeouts: Timeouts,
}

/// How one attempt ended.
enum Outcome {
    Success(RawResponse),
    /// 401 with an IAM token, which may be renewed once.
    Unauthorized {
        token: Secret,
        error: Error,
    },
    Failed {
        failure: Failure,
        error: Error,
        wait: Option<Duration>,
    },
}

/// A response as read off the wire.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Client {
    /// Sends one call and returns its response when the status is a success (2xx; one the operation does not
    /// document is logged at debug level and accepted, since the resource exists either way).
    ///
    /// The endpoint comes from the override for the operation's service or the region; the query is sorted and
    /// encoded as the signer requires; `Content-Type: application/json` (unless the request sets its own),
    /// `Accept-Encoding: identity`, `User-Agent` and authentication are added. A URL longer than
    /// [`MAX_URL_BYTES`] is refused before sending. Failures are retried as [`crate::RetryConfig`] describes, and a
    /// non-idempotent operation is never sent twice once it may have reached the server. Any other status becomes
    /// [`Error::Service`] (a redirect is never followed). An idempotent `DELETE` whose earlier attempt may have
    /// been carried out, and whose retry is answered with one of the operation's documented not-found codes,
    /// succeeds: the resource is gone, as asked (the response is then the first documented success status with
    /// an empty body). Success bodies are read up to [`crate::ClientBuilder::max_response_bytes`], error bodies up
    /// to 64 KiB. Every secret the client holds is masked as `***` in the errors it returns.
    pub async fn send(&self, request: Request) -> Result<RawResponse, Error> {
        self.call(request, true, CallOptions::default()).await
    }

    /// As [`Client::send`], with per-call time limits or retries.
    pub async fn send_with(&self, request: Request, options: &CallOptions) -> Result<RawResponse, Error> {
        self.call(request, true, *options).await
    }

    /// Sends without authentication (the IAM token request); boxed because the token cache calls it from inside
    /// [`Client::send`].
    pub(crate) fn send_unauthenticated(&self, request: Request) -> BoxFuture<'_, Result<RawResponse, Error>> {
        Box::pin(self.call(request, false, CallOptions::default()))
    }

    async fn call(&self, request: Request, authenticate: bool, options: CallOptions) -> Result<RawResponse, Error> {
        let op = request.operation;
        // Facts known at the end (attempts, status, request id, duration) are recorded once, when the call ends.
        let span = tracing::info_span!(
            "hwcloud_call",
            service = op.service.name,
            operation = op.name,
            method = op.method.as_str(),
            path = op.path_template,
            attempt = Empty,
            status = Empty,
            request_id = Empty,
            duration_ms = Empty,
        );
        let started = Instant::now();
        let timeouts = options.timeouts.unwrap_or(self.inner.timeouts);
        let retry = options.retry.unwrap_or(self.inner.retry);
        let mut sends = 0u32;
        let attempts =
            self.attempts(request, authenticate, started, timeouts, retry, &mut sends).instrument(span.clone());
        let result = match tokio::time::timeout(timeouts.total, attempts).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                operation: op,
                kind: TimeoutKind::Total,
                limit_ms: ms(timeouts.total),
                elapsed_ms: ms(started.elapsed()),
                // The loop is cut wherever it was; for a request that may already be on its way, nobody knows.
                outcome_unknown: !op.idempotent && sends > 0,
            }),
        };
        let (status, request_id) = match &result {
            Ok(raw) => (Some(raw.status), raw.request_id.as_deref()),
            Err(e) => (e.http_status(), e.request_id()),
        };
        span.record("attempt", sends);
        if let Some(status) = status {
            span.record("status", status);
        }
        if let Some(request_id) = request_id {
            span.record("request_id", request_id);
        }
        span.record("duration_ms", ms(started.elapsed()));
        span.in_scope(|| match &result {
            Ok(_) => debug!("call succeeded"),
            Err(error) => debug!(%error, "call failed"),
        });
        result
    }

    /// The attempt loop: decides after each failed attempt whether another one is allowed and worth it.
    async fn attempts(
        &self,
        request: Request,
        authenticate: bool,
        started: Instant,
        timeouts: Timeouts,
        retry: RetryConfig,
        sends: &mut u32,
    ) -> Result<RawResponse, Error> {
        let mut prepared = self.prepare(request, started, timeouts)?;
        let op = prepared.op;
        let deadline = started + timeouts.total;
        let mut failures = 0u32;
        // The IAM token refused with 401, to renew before the next send; a call renews at most once.
        let mut rejected: Option<Secret> = None;
        let mut renewed = false;
        // Endpoints skipped because their host did not resolve or their TLS handshake failed; each at most once.
        let mut skipped = 0;
        // Whether an earlier attempt may have been carried out although it failed (see `already_done`).
        let mut maybe_done = false;
        loop {
            *sends += 1;
            let attempt = *sends;
            let span = tracing::debug_span!("attempt", n = attempt);
            let (failure, error, wait) =
                match self.attempt(&prepared, authenticate, rejected.take(), deadline).instrument(span).await? {
                    Outcome::Success(raw) => return Ok(raw),
                    Outcome::Failed { error: Error::Service(e), .. } if maybe_done && already_done(op, &e) => {
                        debug!(
                            attempt,
                            code = e.code.as_deref(),
                            "an earlier attempt of this delete may have been carried out and the resource is now \
                             gone: the call succeeds"
                        );
                        return Ok(gone(op, e));
                    }
                    Outcome::Unauthorized { token, .. } if !renewed => {
                        // The server refused the token, so it processed nothing: safe to send again.
                        info!(attempt, "token refused with HTTP 401; renewing it and sending once more");
                        renewed = true;
                        rejected = Some(token);
                        continue;
                    }
                    Outcome::Unauthorized { error, .. } => (Failure::Status(401), error, None),
                    Outcome::Failed { failure, error, wait } => (failure, error, wait),
                };
            if failure == Failure::Unreachable && skipped + 1 < prepared.endpoints.len() {
                let endpoints = prepared.endpoints.clone();
                if let Some((index, base)) = endpoints.fail_over(prepared.endpoint_index) {
                    info!(attempt, endpoint = base, %error, "endpoint unreachable (DNS or TLS); moving to the next one");
                    skipped += 1;
                    prepared.aim(index, base)?;
                    continue;
                }
            }
            failures += 1;
            maybe_done |= failure.may_have_been_carried_out();
            if !failure.retryable(op.idempotent) {
                return Err(error);
            }
            if failures >= retry.max_attempts {
                debug!(attempt, "giving up: no attempts left");
                return Err(error);
            }
            let delay = wait.unwrap_or_else(|| retry.backoff_before(failures));
            if delay >= deadline.saturating_duration_since(Instant::now()) {
                debug!(attempt, delay_ms = ms(delay), "giving up: the wait would outlast the call's total timeout");
                return Err(error);
            }
            info!(attempt, delay_ms = ms(delay), %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: authenticate, send, read, and judge the answer. `Err` only for failures that end the call
    /// whatever the retry policy (no token, unsendable credentials).
    async fn attempt(
        &self,
        p: &Prepared,
        authenticate: bool,
        rejected: Option<Secret>,
        deadline: Instant,
    ) -> Result<Outcome, Error> {
        let (headers, token) = self.authorize(p, authenticate, rejected).await?;
        debug!("sending attempt");
        let attempt_started = Instant::now();
        let answer = match self.exchange(p, headers, deadline).await {
            Ok(answer) => answer,
            Err((failure, error)) => {
                let error = error.redact(&self.redactor());
                debug!(%error, elapsed_ms = ms(attempt_started.elapsed()), "attempt failed");
                return Ok(Outcome::Failed { failure, error, wait: None });
            }
        };
        let op = p.op;
        let mut request_id = request_id(&answer.headers);
        let redactor = if request_id.is_some() || !is_success(answer.status) { Some(self.redactor()) } else { None };
        if let (Some(redactor), Some(id)) = (&redactor, &mut request_id) {
            redactor.redact_in_place(id);
        }
        debug!(
            status = answer.status,
            request_id = request_id.as_deref(),
            elapsed_ms = ms(attempt_started.elapsed()),
            "response received"
        );
        if is_success(answer.status) {
            if !op.success.contains(&answer.status) {
                debug!(status = answer.status, documented = ?op.success, "undocumented success status; accepted");
            }
            let raw = RawResponse { status: answer.status, request_id, headers: answer.headers, body: answer.body };
            return Ok(Outcome::Success(raw));
        }
        let wait = crate::retry::retry_after(&answer.headers);
        let answered = Answered { status: answer.status, request_id, headers: &answer.headers, body: &answer.body };
        let error = Error::Service(service_error(op, answered, &redactor.unwrap_or_default()));
        Ok(match (answer.status, token) {
            (401, Some(token)) => Outcome::Unauthorized { token, error },
            (status, _) => Outcome::Failed { failure: Failure::Status(status), error, wait },
        })
    }

    /// Everything about the request that does not change between attempts.
    fn prepare(&self, request: Request, started: Instant, timeouts: Timeouts) -> Result<Prepared, Error> {
        let op = request.operation;
        check_path(op, &request.path)?;
        let endpoints = self.endpoints_of(op.service)?;
        let wire_query = sign::canonical_query(&request.query);
        // Defaults the request may override. The official SDKs send `Content-Type` on every request, body or not.
        let mut headers = vec![
            (http::header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (http::header::USER_AGENT, self.inner.user_agent.clone()),
        ];
        let mut bad = Vec::new();
        // The project id also goes into `X-Project-Id` (AK/SK signing): a value no header can carry is the
        // caller's input, not configuration.
        if request.project_id.as_deref().is_some_and(|p| HeaderValue::from_str(p).is_err()) {
            bad.push(Violation::new(
                "project_id",
                "header_value",
                "contains control characters or line breaks, which cannot be sent in the X-Project-Id header; \
                 give the project id alone",
            ));
        }
        for (name, value) in request.headers {
            match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
                (Ok(name), Ok(value)) => set(&mut headers, name, value),
                _ => bad.push(Violation::new(
                    name,
                    "header_value",
                    "cannot be sent in an HTTP header (control characters or line breaks); remove them",
                )),
            }
        }
        bad.extend(check_url_length(op, &request.path, &wire_query));
        if !bad.is_empty() {
            return Err(Error::InvalidInput { operation: op, violations: bad });
        }
        let (endpoint_index, base) = endpoints.current();
        let (url, host) = target(op, base, &request.path, &wire_query)?;
        Ok(Prepared {
            op,
            started,
            endpoint_index,
            endpoints: endpoints.clone(),
            path: request.path,
            wire_path: url.path().to_owned(),
            url,
            wire_query,
            host,
            headers,
            body: request.body,
            project_id: request.project_id,
            timeouts,
        })
    }

    /// The headers of one attempt, with authentication; also returns the IAM token used, for 401 renewal.
    async fn authorize(
        &self,
        p: &Prepared,
        authenticate: bool,
        rejected: Option<Secret>,
    ) -> Result<(HeaderMap, Option<Secret>), Error> {
        let mut list = p.headers.clone();
        let mut token_used = None;
        if authenticate {
            match &self.inner.auth {
                Auth::Token(token) => set(&mut list, X_AUTH_TOKEN, secret_value(token)?),
                Auth::Iam(source) => {
                    let token = match rejected {
                        Some(rejected) => source.renew(self, &rejected).await?,
                        None => source.token(self).await?,
                    };
                    set(&mut list, X_AUTH_TOKEN, secret_value(&token)?);
                    token_used = Some(token);
                }
                Auth::AkSk(_) | Auth::Metadata(_) => {
                    let key = self.access_key().await?.ok_or_else(|| Error::Config("no access key".into()))?;
                    if let Some(project) = &p.project_id {
                        set(&mut list, X_PROJECT_ID, value(project, "X-Project-Id")?);
                    }
                    if let Some(token) = &key.security_token {
                        set(&mut list, X_SECURITY_TOKEN, secret_value(token)?);
                    }
                    // An `X-Sdk-Date` set by the caller is reused, as in the official SDKs.
                    if !list.iter().any(|(n, _)| n == X_SDK_DATE) {
                        let now = sign::sdk_date(time::OffsetDateTime::now_utc());
                        set(&mut list, X_SDK_DATE, value(&now, "X-Sdk-Date")?);
                    }
                    set(&mut list, http::header::HOST, value(&p.host, "Host")?);
                    // Header values are signed as the bytes sent (UTF-8 text where the value is text).
                    let pairs: Vec<(&str, &str)> = list
                        .iter()
                        .map(|(n, v)| (n.as_str(), std::str::from_utf8(v.as_bytes()).unwrap_or_default()))
                        .collect();
                    let body = p.body.as_deref().unwrap_or_default();
                    let method = p.op.method.as_str();
                    let signed =
                        sign::sign_request(&key.ak, key.sk.expose(), method, &p.wire_path, &p.wire_query, &pairs, body);
                    let mut authorization = value(&signed.authorization, "Authorization")?;
                    authorization.set_sensitive(true);
                    set(&mut list, http::header::AUTHORIZATION, authorization);
                }
            }
        }
        let mut map = HeaderMap::with_capacity(list.len() + 1);
        for (name, value) in list {
            map.insert(name, value);
        }
        // The client cannot decompress, so it asks for bodies as they are (without the header any encoding is
        // acceptable to a server). Not signed, like the `Accept` reqwest adds: the signature covers what the
        // official SDKs sign.
        map.entry(http::header::ACCEPT_ENCODING).or_insert(HeaderValue::from_static("identity"));
        Ok((map, token_used))
    }

    /// One exchange, bounded by the attempt timeout and what is left of the total.
    async fn exchange(&self, p: &Prepared, headers: HeaderMap, deadline: Instant) -> Result<Answer, (Failure, Error)> {
        let op = p.op;
        let attempt_limit = p.timeouts.attempt;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let mut builder = self.inner.http.request(method(p.op.method), p.url.clone()).headers(headers);
        if let Some(body) = &p.body {
            builder = builder.body(body.clone());
        }
        let max_success = self.inner.max_response_bytes;
        let first_hop_only = !self.inner.given_http;
        let classify = |e| classify(p, e, first_hop_only);
        let exchange = async {
            let mut response = builder.send().await.map_err(classify)?;
            if response.url() != &p.url {
                return Err(followed_redirect(p, response.url()));
            }
            let status = response.status().as_u16();
            let headers = std::mem::take(response.headers_mut());
            let limit = if is_success(status) { max_success } else { ERROR_BODY_BYTES };
            let too_large = || {
                let error = Error::ResponseTooLarge {
                    operation: op,
                    status,
                    request_id: request_id(&headers),
                    limit_bytes: limit as u64,
                };
                (Failure::Unusable, error)
            };
            // A success body announced larger than allowed is not read at all; an error body is read up to its
            // limit and kept that far.
            if is_success(status) && response.content_length().is_some_and(|n| n > limit as u64) {
                return Err(too_large());
            }
            let body = crate::body::read(&mut response, limit).await.map_err(classify)?;
            if body.truncated && is_success(status) {
                return Err(too_large());
            }
            Ok(Answer { status, headers, body: body.bytes })
        };
        match tokio::time::timeout(attempt_limit.min(remaining), exchange).await {
            Ok(result) => result,
            Err(_) => {
                let (kind, limit) = if remaining <= attempt_limit {
                    (TimeoutKind::Total, p.timeouts.total)
                } else {
                    (TimeoutKind::Attempt, attempt_limit)
                };
                let error = Error::Timeout {
                    operation: op,
                    kind,
                    limit_ms: ms(limit),
                    elapsed_ms: ms(p.started.elapsed()),
                    outcome_unknown: !op.idempotent,
                };
                Err((Failure::AttemptTimeout, error))
            }
        }
    }
}

const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");
const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");

/// Sets a header, replacing any value of the same name (what is signed must be exactly what is sent).
fn set(list: &mut Vec<(HeaderName, HeaderValue)>, name: HeaderName, value: HeaderValue) {
    list.retain(|(given, _)| *given != name);
    list.push((name, value));
}

/// A header value the runtime made (date, host, project); `Err` only if configuration put odd bytes in it.
fn value(text: &str, name: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(text)
        .map_err(|_| Error::Config(format!("the value for header {name} cannot be sent in HTTP")))
}

/// A credential as a header value, marked sensitive so that no HTTP layer prints or indexes it; errors never
/// quote it.
fn secret_value(secret: &Secret) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(secret.expose()).map_err(|_| {
        Error::Config("a credential cannot be sent in an HTTP header (check the credentials)".to_owned())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Refuses paths no HTTP client can send as given: a `.`/`..` segment (even percent-encoded, URL parsers resolve
/// it and the call would reach another resource), or a `?`/`#` that would cut the path short.
fn check_path(operation: &'static OperationSpec, path: &str) -> Result<(), Error> {
    let dot_segment = path.split('/').any(is_dot_segment);
    let message = if !path.starts_with('/') {
        "must start with `/`"
    } else if path.contains(['?', '#']) {
        "contains `?` or `#`; encode path parameters with `path::encode_segment`"
    } else if dot_segment {
        "has a `.` or `..` segment, which URL normalisation would resolve to another resource; a path parameter \
         cannot be `.` or `..`"
    } else {
        return Ok(());
    };
    Err(Error::InvalidInput { operation, violations: vec![Violation::new("path", "path", message)] })
}

/// `.` or `..`, also percent-encoded (`%2E`, `.%2e`, ...), without allocating: this runs on every call.
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        match rest {
            [b'.', tail @ ..] => rest = tail,
            [b'%', b'2', e, tail @ ..] if e.eq_ignore_ascii_case(&b'e') => rest = tail,
            _ => return false,
        }
        dots += 1;
    }
    dots == 1 || dots == 2
}

impl Prepared {
    /// Aims the call at endpoint `index` (`base`) of the service.
    fn aim(&mut self, index: usize, base: &str) -> Result<(), Error> {
        let (url, host) = target(self.op, base, &self.path, &self.wire_query)?;
        self.wire_path = url.path().to_owned();
        self.url = url;
        self.host = host;
        self.endpoint_index = index;
        Ok(())
    }
}

/// The URL of a call at endpoint `base` (no trailing `/`), and its `host[:port]` as signed.
fn target(op: &OperationSpec, base: &str, path: &str, wire_query: &str) -> Result<(url::Url, String), Error> {
    let mut text = format!("{base}{path}");
    if !wire_query.is_empty() {
        text.push('?');
        text.push_str(wire_query);
    }
    let url = url::Url::parse(&text)
        .map_err(|e| Error::Config(format!("{op}: cannot build a URL from endpoint {base:?}: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok((url, host))
}

/// Whether the host could not be resolved or the TLS handshake failed: the failures that move a call to the
/// service's next endpoint, as in the official SDKs.
fn unreachable(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(error) = source {
        // hyper's connector reports resolver failures as "dns error"; rustls errors arrive inside io::Errors.
        if error.to_string().starts_with("dns error") || is_tls_error(error) {
            return true;
        }
        source = error.source();
    }
    false
}

/// A rustls error, possibly wrapped in (nested) `io::Error`s, whose `source()` skips what they wrap.
fn is_tls_error(error: &(dyn std::error::Error + 'static)) -> bool {
    if error.is::<rustls::Error>() {
        return true;
    }
    let inner = error.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref);
    inner.is_some_and(|inner| is_tls_error(inner))
}

/// Turns a reqwest failure of one attempt into what the retry rules and the caller need.
///
/// `first_hop_only`: the HTTP client follows no redirect (the client's own one).
fn classify(p: &Prepared, e: reqwest::Error, first_hop_only: bool) -> (Failure, Error) {
    let operation = p.op;
    let elapsed_ms = ms(p.started.elapsed());
    // "Nothing reached the server" must be certain, since it is the one failure after which a create is sent
    // again. reqwest marks an error as a connect error only when it comes from hyper-util's connector (DNS, TCP,
    // TLS, a proxy's tunnel), which runs before the request is handed to a connection, so no byte of the request
    // was written; a request that fails on a pooled connection after hyper started writing it is not a connect
    // error (hyper-util re-sends on its own only requests it had not started writing). What a connect error
    // cannot say is *which* request of a redirect chain it belongs to: reqwest follows redirects inside its
    // service stack and gives every error the URL of the first request, so when a redirect target refuses the
    // connection, the error looks like the origin's although the origin received the request and answered.
    // The client's own HTTP stack follows no redirect, so there a connect error is the first hop's; an HTTP
    // client given with `http_client` may follow them, so through it a connect error proves nothing.
    let nothing_sent = e.is_connect() && first_hop_only;
    if e.is_connect() && !nothing_sent && !operation.idempotent {
        let message = format!(
            "could not connect, either to the endpoint or to an address a redirect named (the HTTP client given \
             with `ClientBuilder::http_client` may follow redirects, so the request may have reached the server): \
             {}",
            bounded(&chain(&e), MESSAGE_BYTES)
        );
        let source: Option<Cause> = Some(Box::new(e.without_url()));
        return (Failure::Transport, Error::Transport { operation, message, source, outcome_unknown: true });
    }
    let (connect, timeout, unreachable) = (e.is_connect(), e.is_timeout(), unreachable(&e));
    let message = bounded(&chain(&e), MESSAGE_BYTES);
    let source: Option<Cause> = Some(Box::new(e.without_url()));
    let outcome_unknown = !connect && !operation.idempotent;
    match (connect, timeout) {
        (true, _) if unreachable => (Failure::Unreachable, Error::Connect { operation, message, source }),
        (true, true) => {
            let limit_ms = ms(p.timeouts.connect);
            let error = Error::Timeout { operation, kind: TimeoutKind::Connect, limit_ms, elapsed_ms, outcome_unknown };
            (Failure::Connect, error)
        }
        (true, false) => (Failure::Connect, Error::Connect { operation, message, source }),
        (false, true) => {
            let limit_ms = ms(p.timeouts.attempt);
            let error = Error::Timeout { operation, kind: TimeoutKind::Attempt, limit_ms, elapsed_ms, outcome_unknown };
            (Failure::AttemptTimeout, error)
        }
        (false, false) => (Failure::Transport, Error::Transport { operation, message, source, outcome_unknown }),
    }
}

/// How much of an HTTP stack's error message an error quotes.
const MESSAGE_BYTES: usize = 1024;

/// The longest URL path and query (in bytes, as sent) a call may have: the request line limit common servers and
/// gateways apply by default (nginx's `large_client_header_buffers` and Apache's `LimitRequestLine` are 8 KiB
/// for the whole request line), less room for the method and protocol. A longer URL would be refused somewhere
/// on the way, as an error that says nothing about which input made it long.
pub const MAX_URL_BYTES: usize = 8000;

/// Refuses a URL longer than [`MAX_URL_BYTES`], naming the parameter that contributes most to it: each path
/// parameter fills one segment of the template (`path::segment` encodes `/`), each query pair is `name=value`.
fn check_url_length(op: &'static OperationSpec, path: &str, wire_query: &str) -> Option<Violation> {
    let length = path.len() + if wire_query.is_empty() { 0 } else { 1 + wire_query.len() };
    if length <= MAX_URL_BYTES {
        return None;
    }
    let template: Vec<&str> = op.path_template.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    let from_path = (template.len() == segments.len()).then(|| {
        template.iter().zip(&segments).filter_map(|(t, s)| Some((t.strip_prefix('{')?.strip_suffix('}')?, s.len())))
    });
    let from_query = wire_query.split('&').map(|pair| {
        let name = pair.split('=').next().unwrap_or(pair);
        (name, pair.len())
    });
    let longest = from_path.into_iter().flatten().chain(from_query).max_by_key(|(_, len)| *len);
    let field = match longest {
        // Query names are sent encoded; ours are plain documented names, shown as such.
        Some((name, _)) if !name.is_empty() => bounded(name, 64),
        _ => "path".to_owned(),
    };
    Some(Violation::new(
        field,
        "url_length",
        format!(
            "makes the URL {length} bytes long (path and query, encoded), more than the {MAX_URL_BYTES} bytes \
             servers and gateways accept; give a shorter value"
        ),
    ))
}

/// A 2xx status.
fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Whether a not-found answer to a retry means that an earlier attempt did what was asked: only for idempotent
/// deletes, and only with a code the operation documents for "the resource does not exist".
fn already_done(op: &OperationSpec, answer: &ServiceError) -> bool {
    op.method == Method::Delete && op.idempotent && answer.is_not_found()
}

/// The response of a delete found already done: the first documented success status and an empty body, which
/// every delete output decodes from.
fn gone(op: &OperationSpec, answer: ServiceError) -> RawResponse {
    RawResponse {
        status: op.success.first().copied().unwrap_or(200),
        request_id: answer.request_id,
        headers: HeaderMap::new(),
        body: Bytes::new(),
    }
}

/// A client given with `http_client` followed a redirect: the answer comes from elsewhere and is not used.
fn followed_redirect(p: &Prepared, to: &url::Url) -> (Failure, Error) {
    let mut to = to.clone();
    to.set_query(None);
    let message = format!(
        "the HTTP client followed a redirect to {}, so the credentials went there too; the answer is not used. \
         These APIs never redirect: build the client given to `ClientBuilder::http_client` with \
         `redirect(reqwest::redirect::Policy::none())`",
        bounded(to.as_str(), 256)
    );
    let outcome_unknown = !p.op.idempotent;
    (Failure::Unusable, Error::Transport { operation: p.op, message, source: None, outcome_unknown })
}

/// An error with its causes, e.g. `error sending request: client error (Connect): Connection refused`.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `X-Request-Id`, else `X-Openstack-Request-Id`.
fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "x-openstack-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok().map(str::trim).filter(|v| !v.is_empty()))
        .map(str::to_owned)
}

fn method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Delete => reqwest::Method::DELETE,
        Method::Patch => reqwest::Method::PATCH,
    }
}

fn ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::check_path;
    use crate::operation::{Method, OperationSpec, ServiceSpec};

    static SERVICE: ServiceSpec =
        ServiceSpec { name: "s", sdk_name: "S", regions: &[], global_endpoint: None, errors: &[] };
    static OP: OperationSpec = OperationSpec {
        service: &SERVICE,
        name: "op",
        method: Method::Get,
        path_template: "/",
        success: &[200],
        idempotent: true,
        not_found: &[],
    };

    #[test]
    fn dot_segments_and_cut_paths_are_refused() {
        for bad in ["/v2/p/..", "/v2/%2E%2E/x", "/v2/.%2e/x", "/v2/./x", "v2/x", "/v2/a?b", "/v2/a#b"] {
            assert!(check_path(&OP, bad).is_err(), "{bad}");
        }
        for good in ["/v2/p/graphs/g%2F1/backups", "/v2/..x/a", "/v2/%2E%2E%2Fx"] {
            assert!(check_path(&OP, good).is_ok(), "{good}");
        }
    }

    #[test]
    fn url_parsers_really_resolve_encoded_dot_segments() {
        // Why `check_path` exists: the WHATWG URL rules treat `%2E%2E` as `..`.
        let url = url::Url::parse("http://h/v2/a/%2E%2E/b").unwrap();
        assert_eq!(url.path(), "/v2/b");
    }
}
