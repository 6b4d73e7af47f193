//! No credential ever shows up in `Debug`, `Display`, errors or logs (captured at TRACE level).

use crate::support::{base, serve, Logs, LIST};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use hwcloud_runtime::{Client, ClientBuilder, Credentials, Request};

const SECRETS: &[&str] = &[
    "my-password-value",
    "sk-secret-value",
    "security-token-value",
    "static-token-value",
    "iam-token-1",
    "iam-token-2",
];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret}: {text}");
    }
}

fn all_credentials() -> Vec<Credentials> {
    vec![
        Credentials::token("static-token-value"),
        Credentials::password("dom", "user", "my-password-value"),
        Credentials::ak_sk("AK-ID", "sk-secret-value"),
        Credentials::temporary_ak_sk("AK-ID", "sk-secret-value", "security-token-value"),
    ]
}

#[test]
fn debug_of_credentials_builders_and_clients_is_redacted() {
    for credentials in all_credentials() {
        assert_clean("Credentials", &format!("{credentials:?} {credentials:#?}"));
        let builder: ClientBuilder = Client::builder().credentials(credentials).region("cn-north-4");
        assert_clean("ClientBuilder", &format!("{builder:?}"));
        let client = builder.build().unwrap();
        let text = format!("{client:?}");
        assert_clean("Client", &text);
        assert!(text.contains("cn-north-4"), "{text}");
    }
    let text = format!("{:?}", Credentials::ak_sk("AK-ID", "sk-secret-value"));
    assert!(text.contains("AK-ID") && text.contains("***"), "{text}");
}

/// An IAM stub whose first token is refused, so that a call goes through fetch, 401, renewal and retry.
async fn stub() -> std::net::SocketAddr {
    let issued = crate::support::Counter::default();
    let router = axum::Router::new()
        .route(
            "/v3/auth/tokens",
            post(move || {
                let n = issued.hit();
                async move {
                    let body = r#"{"token": {"expires_at": "2999-01-01T00:00:00.000000Z"}}"#;
                    (StatusCode::CREATED, [("x-subject-token", format!("iam-token-{n}"))], body)
                }
            }),
        )
        .fallback(|headers: HeaderMap| async move {
            let token = headers.get("x-auth-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let response = match token.as_str() {
                "iam-token-1" => (StatusCode::UNAUTHORIZED, r#"{"error_code": "APIGW.0307", "error_msg": "expired"}"#),
                _ if headers.contains_key("x-sdk-date") && token.is_empty() => (StatusCode::OK, "{}"),
                "iam-token-2" => (StatusCode::OK, "{}"),
                _ => (StatusCode::FORBIDDEN, "<html>denied</html>"),
            };
            let mut response = response.into_response();
            response.headers_mut().insert("x-request-id", "req-7".parse().unwrap());
            response
        });
    serve(router).await
}

#[tokio::test]
async fn a_full_call_logged_at_trace_shows_no_secret() {
    let addr = stub().await;
    let (logs, _guard) = Logs::capture();
    let mut outcomes = Vec::new();
    for credentials in all_credentials() {
        let client = crate::support::hermetic()
            .credentials(credentials)
            .region("cn-north-4")
            .project_id("p-1")
            .endpoint("iam", base(addr))
            .endpoint("ges", base(addr))
            .build()
            .unwrap();
        let mut request = Request::new(&LIST, "/v2/p-1/graphs/backups".into());
        request.project_id = Some("p-1".into());
        request.query.push(("limit", "10".into()));
        let outcome = client.send(request).await;
        outcomes.push(format!("{outcome:?}"));
        if let Err(error) = &outcome {
            outcomes.push(error.to_string());
        }
    }
    let outcomes = outcomes.join("\n");
    assert_clean("results", &outcomes);
    // The static token is refused (403, HTML); every other kind succeeds.
    assert_eq!(outcomes.matches("status: 200").count(), 3, "{outcomes}");
    assert!(outcomes.contains("HTTP 403"), "{outcomes}");

    let text = logs.text();
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{text}");
    }
    assert_clean("logs", &text);
    // The logs are really there: one span per call with its facts, every attempt, the renewal.
    for part in [
        "hwcloud_call",
        "service=\"ges\"",
        "operation=\"list_backups\"",
        "path=\"/v2/{project_id}/graphs/backups\"",
        "status=200",
        "request_id=\"req-7\"",
        "duration_ms=",
        "sending attempt",
        "keystone_create_user_token_by_password",
        "renewing",
    ] {
        assert!(text.contains(part), "logs lack {part}: {text}");
    }
}
