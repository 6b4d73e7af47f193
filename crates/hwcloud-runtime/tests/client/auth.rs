//! IAM password login (token cached, renewed before expiry and once on 401, shared by concurrent calls) and
//! static tokens.

use crate::support::{base, serve, Counter, CREATE, LIST};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use hwcloud_runtime::{Client, Credentials, Error, Request};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// An IAM stub issuing `iam-token-1`, `iam-token-2`, ... valid for `lifetime`, and a service stub accepting only
/// tokens in `accepted`.
#[derive(Clone)]
struct Stub {
    issued: Counter,
    calls: Counter,
    lifetime: Duration,
    accepted: Arc<Mutex<Vec<String>>>,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Stub {
    fn new(lifetime: Duration, accepted: &[&str]) -> Stub {
        Stub {
            issued: Counter::default(),
            calls: Counter::default(),
            lifetime,
            accepted: Arc::new(Mutex::new(accepted.iter().map(|s| s.to_string()).collect())),
            bodies: Arc::default(),
        }
    }
}

async fn issue(State(stub): State<Stub>, body: Bytes) -> impl IntoResponse {
    let n = stub.issued.hit();
    stub.bodies.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or_default());
    // Slow enough that concurrent callers really overlap.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let expires_at = (OffsetDateTime::now_utc() + stub.lifetime).format(&Rfc3339).unwrap();
    let body = serde_json::json!({ "token": { "expires_at": expires_at, "methods": ["password"] } });
    (StatusCode::CREATED, [("x-subject-token", format!("iam-token-{n}"))], body.to_string())
}

async fn service(State(stub): State<Stub>, headers: HeaderMap) -> impl IntoResponse {
    stub.calls.hit();
    let token = headers.get("x-auth-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if stub.accepted.lock().unwrap().iter().any(|t| t == token) {
        (StatusCode::OK, format!(r#"{{"token_used": "{token}"}}"#))
    } else {
        (
            StatusCode::UNAUTHORIZED,
            r#"{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"}"#.into(),
        )
    }
}

async fn start(stub: &Stub) -> Client {
    let router = axum::Router::new().route("/v3/auth/tokens", post(issue)).fallback(service).with_state(stub.clone());
    let addr = serve(router).await;
    crate::support::hermetic()
        .credentials(Credentials::password("my-domain", "my-user", "my-password-value"))
        .region("cn-north-4")
        .endpoint("iam", base(addr))
        .endpoint("ges", base(addr))
        .retry(crate::support::quick_retries(3))
        .build()
        .unwrap()
}

fn token_used(raw: &hwcloud_runtime::RawResponse) -> String {
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    body["token_used"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_token_is_fetched_once_and_cached() {
    let stub = Stub::new(Duration::from_secs(24 * 3600), &["iam-token-1"]);
    let client = start(&stub).await;
    for _ in 0..3 {
        let raw = client.send(Request::new(&LIST, "/v2/p/graphs/backups".into())).await.unwrap();
        assert_eq!(token_used(&raw), "iam-token-1");
    }
    assert_eq!(stub.issued.get(), 1);
    let body = &stub.bodies.lock().unwrap()[0];
    let user = &body["auth"]["identity"]["password"]["user"];
    assert_eq!(body["auth"]["identity"]["methods"], serde_json::json!(["password"]));
    assert_eq!((user["name"].as_str(), user["domain"]["name"].as_str()), (Some("my-user"), Some("my-domain")));
    assert_eq!(user["password"], "my-password-value");
    assert_eq!(body["auth"]["scope"]["project"]["name"], "cn-north-4");
}

#[tokio::test]
async fn a_401_renews_the_token_once_for_all_concurrent_calls() {
    // The first token is refused: every call gets 401, and all of them must share one renewal.
    let stub = Stub::new(Duration::from_secs(24 * 3600), &["iam-token-2"]);
    let client = start(&stub).await;
    let calls = (0..8).map(|i| {
        let client = client.clone();
        // A create is re-sent after 401 too: the server refused it without processing it.
        let op = if i % 2 == 0 { &LIST } else { &CREATE };
        async move { client.send(Request::new(op, "/v2/p/graphs/g/backups".into())).await }
    });
    let results = futures::future::join_all(calls).await;
    for result in results {
        assert_eq!(token_used(&result.unwrap()), "iam-token-2");
    }
    assert_eq!(stub.issued.get(), 2, "one token for all, one renewal for all");
    assert_eq!(stub.calls.get(), 16, "each call sent once with the old token and once with the new");
}

#[tokio::test]
async fn a_call_is_resent_at_most_once_after_401() {
    let stub = Stub::new(Duration::from_secs(24 * 3600), &[]);
    let client = start(&stub).await;
    let err = client.send(Request::new(&LIST, "/v2/p/graphs/backups".into())).await.unwrap_err();
    let service = err.as_service_error().unwrap();
    assert_eq!((service.status, service.code.as_deref()), (401, Some("APIGW.0301")));
    assert_eq!((stub.issued.get(), stub.calls.get()), (2, 2));
}

#[tokio::test]
async fn the_token_is_renewed_before_it_expires() {
    // A 4 s token is renewed at half its life (the 5 min margin is longer than the token).
    let stub = Stub::new(Duration::from_secs(4), &["iam-token-1", "iam-token-2"]);
    let client = start(&stub).await;
    let first = client.send(Request::new(&LIST, "/a".into())).await.unwrap();
    let second = client.send(Request::new(&LIST, "/a".into())).await.unwrap();
    assert_eq!((token_used(&first), token_used(&second)), ("iam-token-1".into(), "iam-token-1".into()));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let third = client.send(Request::new(&LIST, "/a".into())).await.unwrap();
    assert_eq!(token_used(&third), "iam-token-2");
    assert_eq!(stub.issued.get(), 2);
    assert_eq!(stub.calls.get(), 3, "renewed before sending, no 401 needed");
}

#[tokio::test]
async fn a_refused_password_is_reported_as_the_iam_error() {
    let router = axum::Router::new().route(
        "/v3/auth/tokens",
        post(|| async {
            let body =
                r#"{"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}"#;
            (StatusCode::UNAUTHORIZED, body)
        }),
    );
    let addr = serve(router).await;
    let client = crate::support::hermetic()
        .credentials(Credentials::password("d", "u", "my-password-value"))
        .project_id("p-1")
        .endpoint("iam", base(addr))
        .endpoint("ges", base(addr))
        .build()
        .unwrap();
    let err = client.send(Request::new(&LIST, "/a".into())).await.unwrap_err();
    let service = err.as_service_error().unwrap();
    assert_eq!(service.operation.name, "keystone_create_user_token_by_password");
    assert_eq!((service.status, service.code.as_deref()), (401, Some("401")));
    assert_eq!(service.message.as_deref(), Some("The username or password is wrong."));
    assert!(!format!("{err} {err:?}").contains("my-password-value"));
}

#[tokio::test]
async fn a_static_token_is_sent_and_never_renewed() {
    let stub = Stub::new(Duration::from_secs(60), &["static-token-value"]);
    let router = axum::Router::new().fallback(service).with_state(stub.clone());
    let addr = serve(router).await;
    let client = crate::support::builder(addr).build().unwrap();
    let raw = client.send(Request::new(&LIST, "/a".into())).await.unwrap();
    assert_eq!(token_used(&raw), "static-token-value");

    let other = crate::support::builder(addr).credentials(Credentials::token("expired-token")).build().unwrap();
    let err = other.send(Request::new(&LIST, "/a".into())).await.unwrap_err();
    assert!(matches!(&err, Error::Service(s) if s.status == 401), "{err:?}");
    assert_eq!(stub.calls.get(), 2);
}

#[tokio::test]
async fn calls_can_be_spawned_and_share_the_token_cache() {
    fn assert_send_sync<T: Send + Sync + 'static>(_: &T) {}
    let stub = Stub::new(Duration::from_secs(24 * 3600), &["iam-token-1"]);
    let client = start(&stub).await;
    assert_send_sync(&client);
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(Request::new(&LIST, "/a".into())).await })
        })
        .collect();
    for task in tasks {
        let result = task.await.unwrap();
        assert_send_sync(&result);
        assert_eq!(token_used(&result.unwrap()), "iam-token-1");
    }
    assert_eq!(stub.issued.get(), 1);
}
