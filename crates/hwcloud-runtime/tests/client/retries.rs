//! Which failures are retried, how often, and the rule that a create is never sent twice once it may have reached
//! the server.

use crate::support::{
    base, builder, closed_port, dropping_server, quick_retries, serve, silent_server, Counter, Logs, CREATE, LIST,
};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hwcloud_runtime::error::TimeoutKind;
use hwcloud_runtime::{Client, Credentials, Error, Request};
use std::time::{Duration, Instant};

/// Answers the first `failures` requests with `status` (and `Retry-After` when given), then 200.
async fn flaky(status: StatusCode, failures: usize, retry_after: Option<String>) -> (Client, Counter) {
    let count = Counter::default();
    let hits = count.clone();
    let router = axum::Router::new().fallback(move || {
        let n = hits.hit();
        let retry_after = retry_after.clone();
        async move {
            if n <= failures {
                let mut response = (status, r#"{"error_code": "X.1", "error_msg": "busy"}"#).into_response();
                if let Some(seconds) = &retry_after {
                    response.headers_mut().insert("retry-after", seconds.parse().unwrap());
                }
                response
            } else {
                (StatusCode::OK, "{}").into_response()
            }
        }
    });
    (builder(serve(router).await).build().unwrap(), count)
}

fn get() -> Request {
    Request::new(&LIST, "/v2/p/graphs/backups".into())
}

fn create() -> Request {
    let mut request = Request::new(&CREATE, "/v2/p/graphs/g/backups".into());
    request.body = Some(r#"{"backup_name": "b"}"#.into());
    request
}

#[tokio::test]
async fn a_503_on_an_idempotent_get_is_retried_to_success() {
    let (client, count) = flaky(StatusCode::SERVICE_UNAVAILABLE, 2, None).await;
    assert_eq!(client.send(get()).await.unwrap().status, 200);
    assert_eq!(count.get(), 3);
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let (client, count) = flaky(StatusCode::SERVICE_UNAVAILABLE, 100, None).await;
    let err = client.send(get()).await.unwrap_err();
    assert_eq!(err.as_service_error().map(|s| s.status), Some(503));
    assert_eq!(count.get(), 3);
}

#[tokio::test]
async fn a_503_on_a_create_is_never_resent() {
    let (client, count) = flaky(StatusCode::SERVICE_UNAVAILABLE, 1, None).await;
    let err = client.send(create()).await.unwrap_err();
    assert_eq!(err.as_service_error().map(|s| s.status), Some(503));
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let (client, count) = flaky(StatusCode::BAD_REQUEST, 1, None).await;
    assert_eq!(client.send(get()).await.unwrap_err().as_service_error().map(|s| s.status), Some(400));
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn a_429_is_retried_even_for_a_create_after_retry_after() {
    let (client, count) = flaky(StatusCode::TOO_MANY_REQUESTS, 1, Some("1".into())).await;
    let started = Instant::now();
    assert_eq!(client.send(create()).await.unwrap().status, 200);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was not honoured");
    assert_eq!(count.get(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_timeout_fails_at_once() {
    let (client, count) = flaky(StatusCode::TOO_MANY_REQUESTS, 1, Some("3600".into())).await;
    let started = Instant::now();
    let err = client.send(get()).await.unwrap_err();
    assert_eq!(err.as_service_error().map(|s| s.status), Some(429));
    assert!(started.elapsed() < Duration::from_secs(20), "waited past the total timeout");
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn a_retry_after_date_is_honoured_like_seconds() {
    let far = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3600));
    let (client, count) = flaky(StatusCode::TOO_MANY_REQUESTS, 1, Some(far)).await;
    let err = client.send(get()).await.unwrap_err();
    assert_eq!(err.as_service_error().map(|s| s.status), Some(429), "an hour away: beyond the total timeout");
    assert_eq!(count.get(), 1);
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(60));
    let (client, count) = flaky(StatusCode::TOO_MANY_REQUESTS, 1, Some(past)).await;
    assert_eq!(client.send(create()).await.unwrap().status, 200, "a date already past: retried at once");
    assert_eq!(count.get(), 2);
}

#[tokio::test]
async fn a_dropped_connection_after_sending_a_create_is_never_resent() {
    let (addr, count) = dropping_server().await;
    let client = builder(addr).build().unwrap();
    let err = client.send(create()).await.unwrap_err();
    assert!(matches!(&err, Error::Transport { operation, .. } if operation.name == "create_backup"), "{err:?}");
    assert!(err.outcome_unknown() && !err.is_retryable(), "{err:?}");
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn a_dropped_connection_on_a_get_is_retried() {
    let (addr, count) = dropping_server().await;
    let client = builder(addr).build().unwrap();
    let err = client.send(get()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(count.get(), 3);
}

#[tokio::test]
async fn connect_failures_are_retried_for_every_operation() {
    let addr = closed_port().await;
    let (logs, _guard) = Logs::capture();
    let client = builder(addr).build().unwrap();
    let err = client.send(create()).await.unwrap_err();
    assert!(matches!(&err, Error::Connect { operation, .. } if operation.name == "create_backup"), "{err:?}");
    assert!(!err.outcome_unknown() && err.is_retryable(), "{err:?}");
    let text = logs.text();
    let attempts = text.lines().filter(|l| l.contains("sending attempt")).count();
    assert_eq!(attempts, 3, "{text}");
    assert!(text.contains("retrying"), "{text}");
}

#[tokio::test]
async fn a_create_reaches_a_server_that_starts_late_exactly_once() {
    let addr = closed_port().await;
    let count = Counter::default();
    let hits = count.clone();
    let router = axum::Router::new().fallback(move || {
        hits.hit();
        async { (StatusCode::ACCEPTED, r#"{"job_id": "j1"}"#) }
    });
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        axum::serve(listener, router).await.unwrap();
    });
    let client = builder(addr).retry(quick_retries(40)).build().unwrap();
    assert_eq!(client.send(create()).await.unwrap().status, 202);
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_ends_in_an_attempt_timeout_within_bounds() {
    let (addr, count) = silent_server().await;
    let client = builder(addr)
        .attempt_timeout(Duration::from_millis(300))
        .total_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(get()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Attempt, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(count.get(), 3, "an idempotent call is retried after a timeout");

    let started = Instant::now();
    let err = client.send(create()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Attempt, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(count.get(), 4, "a create that timed out is not re-sent");
}

#[tokio::test]
async fn the_total_timeout_bounds_the_whole_call() {
    let (addr, _count) = silent_server().await;
    let client = crate::support::hermetic()
        .credentials(Credentials::token("t"))
        .endpoint("ges", base(addr))
        .attempt_timeout(Duration::from_secs(30))
        .total_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(get()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Total, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}
