//! No credential ever shows up in `Debug`, `Display`, errors or logs (captured at TRACE level), also when a server
//! echoes the request it refused.

use crate::support::{base, serve, Logs, LIST};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use hwcloud_runtime::{Client, ClientBuilder, Credentials, Proxy, Request};

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

/// Fails when `text` shows any of `secrets`.
fn assert_no_echo(what: &str, secrets: &[&str], text: &str) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows {secret}: {text}");
    }
}

/// Quotes the whole request in a JSON error body (as gateways and IAM do when they reject one), adds the secrets
/// a server may know besides what it received (an SK, the proxy password), and echoes the token as request id.
fn json_echo(request: &str) -> String {
    // What a server may know besides what it received: an SK, a metadata-issued SK, a decoded proxy password.
    let quoted = format!("rejected: {request} (known: sk-secret-value metadata-sk-value proxy-password-value)");
    let body = serde_json::json!({ "error_code": "APIGW.0301", "error_msg": quoted }).to_string();
    let token = request.lines().find_map(|l| l.strip_prefix("x-auth-token: ")).unwrap_or("none").to_owned();
    crate::support::http_answer(
        "401 Unauthorized",
        &[("X-Request-Id", &token), ("Content-Type", "application/json")],
        &body,
    )
}

/// Quotes the request in an HTML page, escaped as HTML.
fn html_echo(request: &str) -> String {
    let escaped = request.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let page = format!("<html><body><h1>403 Forbidden</h1><pre>{escaped} sk-secret-value</pre></body></html>");
    crate::support::http_answer("403 Forbidden", &[("Content-Type", "text/html")], &page)
}

/// An ECS metadata stub handing out a temporary key whose secrets the services then echo.
async fn metadata_stub() -> std::net::SocketAddr {
    use axum::routing::{get, put};
    let router =
        axum::Router::new().route("/meta-data/latest/api/token", put(|| async { "metadata-session-token" })).route(
            "/openstack/latest/securitykey",
            get(|| async {
                r#"{"credential": {"access": "TMPAK", "secret": "metadata-sk-value",
                    "securitytoken": "metadata-security-token", "expires_at": "2999-01-01T00:00:00Z"}}"#
            }),
        );
    serve(router).await
}

#[tokio::test]
async fn secrets_a_server_echoes_are_masked_in_errors_and_logs() {
    let (json_server, _) = crate::support::raw_server(|_, request| Some(json_echo(request))).await;
    let (html_server, _) = crate::support::raw_server(|_, request| Some(html_echo(request))).await;
    // IAM issues a token to the password login, then the service echoes it.
    let iam = crate::support::raw_server(|_, request| {
        Some(if request.starts_with("POST /v3/auth/tokens") {
            let body = r#"{"token": {"expires_at": "2999-01-01T00:00:00.000000Z"}}"#;
            crate::support::http_answer("201 Created", &[("X-Subject-Token", "iam-issued-token-value")], body)
        } else {
            json_echo(request)
        })
    })
    .await
    .0;
    // An IAM that echoes the password login it refuses.
    let (refusing_iam, _) = crate::support::raw_server(|_, request| Some(json_echo(request))).await;
    let metadata = metadata_stub().await;
    let (proxy, _) = crate::support::raw_server(|_, request| Some(json_echo(request))).await;

    let token = || crate::support::hermetic().credentials(Credentials::token("static-token-value"));
    let password = || Credentials::password("dom", "user", "my-pass\"word-value");
    // The password JSON-escaped, as the login body carries it.
    let password_secrets: &[&str] = &["my-pass\"word-value", "my-pass\\\"word-value"];
    let setups: Vec<(&str, ClientBuilder, std::net::SocketAddr, &[&str])> = vec![
        ("token", token(), json_server, &["static-token-value"]),
        ("token/html", token(), html_server, &["static-token-value"]),
        (
            "password refused",
            crate::support::hermetic().credentials(password()).endpoint("iam", base(refusing_iam)),
            json_server,
            password_secrets,
        ),
        (
            "password, issued token",
            crate::support::hermetic().credentials(password()).endpoint("iam", base(iam)),
            iam,
            &["my-pass\"word-value", "iam-issued-token-value"],
        ),
        (
            "temporary ak/sk",
            crate::support::hermetic().credentials(Credentials::temporary_ak_sk(
                "AK-ID",
                "sk-secret-value",
                "security-token-value",
            )),
            json_server,
            &["sk-secret-value", "security-token-value"],
        ),
        (
            "ak/sk/html",
            crate::support::hermetic().credentials(Credentials::ak_sk("AK-ID", "sk-secret-value")),
            html_server,
            &["sk-secret-value"],
        ),
        (
            "metadata",
            crate::support::hermetic().endpoint("metadata", base(metadata)),
            json_server,
            &["metadata-sk-value", "metadata-security-token", "metadata-session-token"],
        ),
        (
            "proxy",
            token().proxy(Proxy::new(format!("http://alice:proxy-password-value@{proxy}"))),
            json_server,
            &["static-token-value", "proxy-password-value"],
        ),
    ];
    for (what, builder, service, secrets) in setups {
        let (logs, _guard) = Logs::capture();
        let client = builder
            .region("cn-north-4")
            .project_id("p-1")
            .endpoint("ges", base(service))
            .retry(crate::support::quick_retries(1))
            .build()
            .unwrap();
        let mut request = Request::new(&LIST, "/v2/p-1/graphs/backups".into());
        request.project_id = Some("p-1".into());
        let err = client.send(request).await.unwrap_err();
        let text = format!("{err}\n{err:?}");
        assert_no_echo(what, secrets, &text);
        assert!(text.contains("***"), "{what}: the echo was masked, not missing: {text}");
        let logged = logs.text();
        assert_no_echo(what, secrets, &logged);
        assert!(logged.contains("***") && logged.contains("call failed"), "{what}: {logged}");
    }
}
