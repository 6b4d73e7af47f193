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
use futures::future::Either;
use futures::FutureExt;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use std::future::Future;
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
    wire_query: String,
    /// Validated headers without authentication, in the order they are sent; each attempt's map is built from
    /// them with room for authentication (a cloned map would grow on the first insert).
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

/// What one attempt authenticates with.
enum Credential {
    /// Nothing: the IAM token request itself.
    Nothing,
    /// An `X-Auth-Token` value, and the IAM token it carries when one was issued to the client (renewed after a
    /// 401).
    Token { value: HeaderValue, issued: Option<Secret> },
    /// An access key to sign with.
    Key(Arc<crate::auth::AkSk>),
}

/// What the attempt loop does after an attempt.
enum Next {
    Done(RawResponse),
    /// Send again at once: a renewed token, or the next endpoint.
    SendAgain,
    /// Send again after this backoff.
    Wait(Duration),
}

/// The attempt loop's memory: failures so far, token renewal, endpoints skipped, and the deadline.
struct Retries {
    policy: RetryConfig,
    deadline: Instant,
    failures: u32,
    /// The IAM token refused with 401, to renew before the next send; a call renews at most once.
    rejected: Option<Secret>,
    renewed: bool,
    /// Endpoints skipped because their host did not resolve or their TLS handshake failed; each at most once.
    skipped: usize,
    /// Whether an earlier attempt may have been carried out although it failed (see `already_done`).
    maybe_done: bool,
}

impl Retries {
    fn new(policy: RetryConfig, deadline: Instant) -> Self {
        Retries { policy, deadline, failures: 0, rejected: None, renewed: false, skipped: 0, maybe_done: false }
    }

    /// Decides after attempt number `attempt` whether another one is allowed and worth it; `Err` gives up.
    fn after(&mut self, prepared: &mut Prepared, outcome: Outcome, attempt: u32) -> Result<Next, Error> {
        let op = prepared.op;
        let (failure, error, wait) = match outcome {
            Outcome::Success(raw) => return Ok(Next::Done(raw)),
            Outcome::Failed { error: Error::Service(e), .. } if self.maybe_done && already_done(op, &e) => {
                debug!(
                    attempt,
                    code = e.code.as_deref(),
                    "an earlier attempt of this delete may have been carried out and the resource is now gone: \
                     the call succeeds"
                );
                return Ok(Next::Done(gone(op, e)));
            }
            Outcome::Unauthorized { token, .. } if !self.renewed => {
                // The server refused the token, so it processed nothing: safe to send again.
                info!(attempt, "token refused with HTTP 401; renewing it and sending once more");
                self.renewed = true;
                self.rejected = Some(token);
                return Ok(Next::SendAgain);
            }
            Outcome::Unauthorized { error, .. } => (Failure::Status(401), error, None),
            Outcome::Failed { failure, error, wait } => (failure, error, wait),
        };
        if failure == Failure::Unreachable && self.skipped + 1 < prepared.endpoints.len() {
            let endpoints = prepared.endpoints.clone();
            if let Some((index, base)) = endpoints.fail_over(prepared.endpoint_index) {
                info!(attempt, endpoint = base, %error, "endpoint unreachable (DNS or TLS); moving to the next one");
                self.skipped += 1;
                prepared.aim(index)?;
                return Ok(Next::SendAgain);
            }
        }
        self.failures += 1;
        self.maybe_done |= failure.may_have_been_carried_out();
        if !failure.retryable(op.idempotent) {
            return Err(error);
        }
        if self.failures >= self.policy.max_attempts {
            debug!(attempt, "giving up: no attempts left");
            return Err(error);
        }
        let delay = wait.unwrap_or_else(|| self.policy.backoff_before(self.failures));
        if delay >= self.deadline.saturating_duration_since(Instant::now()) {
            debug!(attempt, delay_ms = ms(delay), "giving up: the wait would outlast the call's total timeout");
            return Err(error);
        }
        info!(attempt, delay_ms = ms(delay), %error, "retrying");
        Ok(Next::Wait(delay))
    }
}

/// The span of one call. Facts known at the end (attempts, status, request id, duration) are recorded once, when
/// the call ends. Out of line, like the other tracing helpers, so that the call's future stays compact when nothing
/// listens.
#[inline(never)]
fn call_span(op: &OperationSpec) -> tracing::Span {
    tracing::info_span!(
        "hwcloud_call",
        service = op.service.name,
        operation = op.name,
        method = op.method.as_str(),
        path = op.path_template,
        attempt = Empty,
        status = Empty,
        request_id = Empty,
        duration_ms = Empty,
    )
}

#[inline(never)]
fn attempt_span(n: u32) -> tracing::Span {
    tracing::debug_span!("attempt", n)
}

/// Records how the call ended on its span, then logs it.
#[inline(never)]
fn record_end(span: &tracing::Span, result: &Result<RawResponse, Error>, sends: u32, started: Instant) {
    if span.is_disabled() {
        if tracing::enabled!(tracing::Level::DEBUG) {
            log_end(span, result);
        }
        return;
    }
    let (status, request_id) = match result {
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
    log_end(span, result);
}

#[inline(never)]
fn log_end(span: &tracing::Span, result: &Result<RawResponse, Error>) {
    span.in_scope(|| match result {
        Ok(_) => debug!("call succeeded"),
        Err(error) => debug!(%error, "call failed"),
    });
}

/// The call's total time limit ran out (while a token or key was fetched).
fn total_timeout(p: &Prepared) -> Error {
    Error::Timeout {
        operation: p.op,
        kind: TimeoutKind::Total,
        limit_ms: ms(p.timeouts.total),
        elapsed_ms: ms(p.started.elapsed()),
        // As when the total runs out anywhere else in the loop: once an attempt was counted, the call cannot tell
        // whether an earlier one reached the server.
        outcome_unknown: !p.op.idempotent,
    }
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
    ///
    /// The request is checked and prepared when this is called; nothing is sent until the returned future is
    /// awaited.
    pub fn send(&self, request: Request) -> impl Future<Output = Result<RawResponse, Error>> + Send + '_ {
        // The call's own future, not one wrapping it: every layer of futures is stack a call touches.
        self.call(request, true, CallOptions::default())
    }

    /// As [`Client::send`], with per-call time limits or retries.
    pub fn send_with(
        &self,
        request: Request,
        options: &CallOptions,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + '_ {
        self.call(request, true, *options)
    }

    /// Sends without authentication (the IAM token request); boxed because the token cache calls it from inside
    /// [`Client::send`].
    pub(crate) fn send_unauthenticated(&self, request: Request) -> BoxFuture<'_, Result<RawResponse, Error>> {
        Box::pin(self.call(request, false, CallOptions::default()))
    }

    /// Prepares the request at once (nothing is sent before the future is awaited) and returns the attempt
    /// loop. One future for the whole call, holding the prepared request once: every layer of futures, and every
    /// argument an `async fn` keeps, is state a call writes and polls through.
    pub(crate) fn call(
        &self,
        request: Request,
        authenticate: bool,
        options: CallOptions,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + '_ {
        let span = call_span(request.operation);
        let made = Instant::now();
        let timeouts = options.timeouts.unwrap_or(self.inner.timeouts);
        let retry = options.retry.unwrap_or(self.inner.retry);
        let mut prepared = match self.prepare(request, made, timeouts) {
            Ok(prepared) => prepared,
            Err(error) => {
                let result = Err(error);
                record_end(&span, &result, 0, made);
                return Either::Left(std::future::ready(result));
            }
        };
        // Entering and leaving a span no subscriber listens to is skipped, with the layer of future it takes.
        let instrumented = !span.is_disabled();
        let ended = span.clone();
        let attempts = async move {
            // The call's time limits count from its first poll, not from when its future was made.
            let started = Instant::now();
            prepared.started = started;
            let mut retries = Retries::new(retry, started + timeouts.total);
            let mut sends = 0u32;
            // The total timeout needs no timer of its own: every wait in the loop is bounded by what is left of it
            // (each exchange by its timer, each backoff by the check before it, a token or key fetch by `attempt`).
            let result = loop {
                sends += 1;
                let span = attempt_span(sends);
                let (rejected, deadline) = (retries.rejected.take(), retries.deadline);
                // Made in each branch: a future made before the branch would be held next to the instrumented
                // copy it moves into.
                let outcome = if span.is_disabled() {
                    self.attempt(&prepared, authenticate, rejected, deadline).await
                } else {
                    self.attempt(&prepared, authenticate, rejected, deadline).instrument(span).await
                };
                let next = match outcome {
                    Ok(outcome) => retries.after(&mut prepared, outcome, sends),
                    Err(error) => Err(error),
                };
                match next {
                    Ok(Next::Done(raw)) => break Ok(raw),
                    Ok(Next::SendAgain) => {}
                    Ok(Next::Wait(delay)) => tokio::time::sleep(delay).await,
                    Err(error) => break Err(error),
                }
            };
            record_end(&ended, &result, sends, started);
            result
        };
        Either::Right(if instrumented { Either::Left(attempts.instrument(span)) } else { Either::Right(attempts) })
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
        let credential = match self.held_credential(authenticate)? {
            Some(credential) => credential,
            // A token or temporary key may be fetched first (IAM, ECS metadata): bounded by the call's total.
            None => match tokio::time::timeout_at(deadline.into(), self.fetched_credential(rejected)).await {
                Ok(credential) => credential?,
                Err(_) => return Err(total_timeout(p)),
            },
        };
        let (headers, token) = self.authorize(p, credential)?;
        debug!("sending attempt");
        let attempt_started = Instant::now();
        Ok(match self.exchange(p, headers, deadline).await {
            Ok(answer) => self.judge(p, answer, token, attempt_started),
            Err((failure, error)) => self.failed(failure, error, attempt_started),
        })
    }

    /// How an attempt that got no usable answer ended, its error's secrets masked.
    #[cold]
    #[inline(never)]
    fn failed(&self, failure: Failure, error: Error, attempt_started: Instant) -> Outcome {
        let error = error.redact(&self.redactor());
        debug!(%error, elapsed_ms = ms(attempt_started.elapsed()), "attempt failed");
        Outcome::Failed { failure, error, wait: None }
    }

    /// How an answered attempt ended: a success, or the service's error (a 401 to a token, which may be renewed).
    #[inline(never)]
    fn judge(&self, p: &Prepared, answer: Answer, token: Option<Secret>, attempt_started: Instant) -> Outcome {
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
            return Outcome::Success(raw);
        }
        let wait = crate::retry::retry_after(&answer.headers);
        let answered = Answered { status: answer.status, request_id, headers: &answer.headers, body: &answer.body };
        let error = Error::Service(service_error(op, answered, &redactor.unwrap_or_default()));
        match (answer.status, token) {
            (401, Some(token)) => Outcome::Unauthorized { token, error },
            (status, _) => Outcome::Failed { failure: Failure::Status(status), error, wait },
        }
    }

    /// Everything about the request that does not change between attempts.
    fn prepare(&self, request: Request, started: Instant, timeouts: Timeouts) -> Result<Prepared, Error> {
        let op = request.operation;
        check_path(op, &request.path)?;
        let endpoints = self.endpoints_of(op.service)?;
        let mut query = request.query;
        let wire_query = sign::canonical_query_sorting(&mut query);
        // Defaults the request may override. The official SDKs send `Content-Type` on every request, body or not.
        let mut headers = Vec::with_capacity(request.headers.len() + 2);
        headers.push((http::header::CONTENT_TYPE, HeaderValue::from_static("application/json")));
        headers.push((http::header::USER_AGENT, self.inner.user_agent.clone()));
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
        let (endpoint_index, _) = endpoints.current();
        let url = target(op, &endpoints, endpoint_index, &request.path, &wire_query)?;
        Ok(Prepared {
            op,
            started,
            endpoint_index,
            endpoints,
            path: request.path,
            url,
            wire_query,
            headers,
            body: request.body,
            project_id: request.project_id,
            timeouts,
        })
    }

    /// What a request is authenticated with when the client holds it already (a fixed token, an AK/SK), or
    /// without anything (`authenticate` false); `None` when it has to be fetched ([`Client::fetched_credential`]).
    fn held_credential(&self, authenticate: bool) -> Result<Option<Credential>, Error> {
        if !authenticate {
            return Ok(Some(Credential::Nothing));
        }
        Ok(match &self.inner.auth {
            Auth::Token(token) => Some(Credential::Token { value: secret_value(token)?, issued: None }),
            Auth::AkSk(key) => Some(Credential::Key(key.clone())),
            Auth::Iam(_) | Auth::Metadata(_) => None,
        })
    }

    /// A token or temporary key from IAM or the ECS metadata service (cached there); for IAM, a token other than
    /// `rejected` when the last one was refused.
    async fn fetched_credential(&self, rejected: Option<Secret>) -> Result<Credential, Error> {
        match &self.inner.auth {
            Auth::Iam(source) => {
                let token = match rejected {
                    Some(rejected) => source.renew(self, &rejected).await?,
                    None => source.token(self).await?,
                };
                Ok(Credential::Token { value: secret_value(&token)?, issued: Some(token) })
            }
            // The metadata service's temporary key (a fixed token or key is held, see `held_credential`).
            Auth::Token(_) | Auth::AkSk(_) | Auth::Metadata(_) => {
                let key = self.access_key().await?.ok_or_else(|| Error::Config("no access key".into()))?;
                Ok(Credential::Key(key))
            }
        }
    }

    /// The headers of one attempt, with authentication; also returns the IAM token used, for 401 renewal.
    #[inline(never)]
    fn authorize(&self, p: &Prepared, credential: Credential) -> Result<(HeaderMap, Option<Secret>), Error> {
        // Room for what authentication adds, `Accept-Encoding` and the `Accept` reqwest adds.
        let mut map = HeaderMap::with_capacity(p.headers.len() + 7);
        for (name, value) in &p.headers {
            map.insert(name.clone(), value.clone());
        }
        let mut token_used = None;
        match credential {
            Credential::Nothing => {}
            Credential::Token { value, issued } => {
                map.insert(X_AUTH_TOKEN, value);
                token_used = issued;
            }
            Credential::Key(key) => {
                if let Some(project) = &p.project_id {
                    map.insert(X_PROJECT_ID, value(project, "X-Project-Id")?);
                }
                if let Some(token) = &key.security_token {
                    map.insert(X_SECURITY_TOKEN, secret_value(token)?);
                }
                // An `X-Sdk-Date` set by the caller is reused, as in the official SDKs.
                if !map.contains_key(X_SDK_DATE) {
                    let now = sign::sdk_date(time::OffsetDateTime::now_utc());
                    map.insert(X_SDK_DATE, value(&now, "X-Sdk-Date")?);
                }
                map.insert(http::header::HOST, value(p.host(), "Host")?);
                // Header values are signed as the bytes sent (UTF-8 text where the value is text).
                let pairs: Vec<(&str, &str)> = map
                    .iter()
                    .map(|(n, v)| (n.as_str(), std::str::from_utf8(v.as_bytes()).unwrap_or_default()))
                    .collect();
                let body = p.body.as_deref().unwrap_or_default();
                let method = p.op.method.as_str();
                let signed =
                    sign::sign_request(&key.ak, key.sk.expose(), method, p.url.path(), &p.wire_query, &pairs, body);
                let mut authorization = value(&signed.authorization, "Authorization")?;
                authorization.set_sensitive(true);
                map.insert(http::header::AUTHORIZATION, authorization);
            }
        }
        // The client cannot decompress, so it asks for bodies as they are (without the header any encoding is
        // acceptable to a server). Not signed, like the `Accept` reqwest adds: the signature covers what the
        // official SDKs sign.
        map.entry(http::header::ACCEPT_ENCODING).or_insert(HeaderValue::from_static("identity"));
        Ok((map, token_used))
    }

    /// One exchange, bounded by the attempt timeout and what is left of the total.
    ///
    /// The request is handed to the HTTP client before the returned future first runs, so that the future holds
    /// the client's small handle rather than the request (every call's future is this one's size and more).
    #[allow(clippy::result_large_err, reason = "one failure per attempt, moved once to the retry decision")]
    fn exchange<'a>(
        &'a self,
        p: &'a Prepared,
        headers: HeaderMap,
        deadline: Instant,
    ) -> impl Future<Output = Result<Answer, (Failure, Error)>> + Send + 'a {
        let op = p.op;
        let attempt_limit = p.timeouts.attempt;
        let remaining = deadline.saturating_duration_since(Instant::now());
        // Built directly rather than through `RequestBuilder`, which would copy the header map entry by entry.
        let mut request = reqwest::Request::new(method(p.op.method), p.url.clone());
        *request.headers_mut() = headers;
        if let Some(body) = &p.body {
            *request.body_mut() = Some(body.clone().into());
        }
        let pending = self.inner.http.execute(request);
        let max_success = self.inner.max_response_bytes;
        let first_hop_only = !self.inner.given_http;
        let classify = move |e| classify(p, e, first_hop_only);
        let exchange = async move {
            let mut response = pending.await.map_err(classify)?;
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
        // A combinator rather than an `async` block: a future awaited inside a block is held twice (its captured
        // slot and the awaited one).
        tokio::time::timeout(attempt_limit.min(remaining), exchange).map(move |result| match result {
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
        })
    }
}

/// Sets a header, replacing any value of the same name (what is signed must be exactly what is sent).
fn set(list: &mut Vec<(HeaderName, HeaderValue)>, name: HeaderName, value: HeaderValue) {
    list.retain(|(given, _)| *given != name);
    list.push((name, value));
}

const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");
const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");

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
    // One pass over the bytes: this runs on every call.
    let (mut cut, mut dot_segment, mut segment_start) = (false, false, 0);
    for (i, byte) in path.bytes().enumerate() {
        match byte {
            b'?' | b'#' => cut = true,
            b'/' => {
                dot_segment |= is_dot_segment(&path.as_bytes()[segment_start..i]);
                segment_start = i + 1;
            }
            _ => {}
        }
    }
    dot_segment |= is_dot_segment(&path.as_bytes()[segment_start..]);
    let message = if !path.starts_with('/') {
        "must start with `/`"
    } else if cut {
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
fn is_dot_segment(segment: &[u8]) -> bool {
    let mut rest = segment;
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
    /// Aims the call at endpoint `index` of the service.
    fn aim(&mut self, index: usize) -> Result<(), Error> {
        self.url = target(self.op, &self.endpoints, index, &self.path, &self.wire_query)?;
        self.endpoint_index = index;
        Ok(())
    }

    /// `host[:port]` of the endpoint the call is aimed at, as signed.
    fn host(&self) -> &str {
        self.endpoints.host(self.endpoint_index)
    }
}

/// The URL of a call at endpoint `index`.
fn target(
    op: &OperationSpec,
    endpoints: &Endpoints,
    index: usize,
    path: &str,
    wire_query: &str,
) -> Result<url::Url, Error> {
    endpoints.url(index, path, wire_query).map_err(|e| {
        let base = endpoints.text(index);
        Error::Config(format!("{op}: cannot build a URL from endpoint {base:?}: {e}"))
    })
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
    [X_REQUEST_ID, X_OPENSTACK_REQUEST_ID]
        .iter()
        .find_map(|name| headers.get(name)?.to_str().ok().map(str::trim).filter(|v| !v.is_empty()))
        .map(str::to_owned)
}

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const X_OPENSTACK_REQUEST_ID: HeaderName = HeaderName::from_static("x-openstack-request-id");

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
