//! Redirects are never followed: no credential reaches another origin, a 3xx is a service error naming the
//! `Location`, and a create answered with a redirect is sent once with its outcome unknown.

use crate::support::{
    base, builder, closed_port, hermetic, http_answer, quick_retries, raw_server, Recorded, CREATE, LIST,
};
use hwcloud_runtime::{Credentials, Error, Request};
use std::net::SocketAddr;

fn list() -> Request {
    let mut request = Request::new(&LIST, "/v2/p-1/graphs/backups".into());
    request.project_id = Some("p-1".into());
    request
}

fn create() -> Request {
    let mut request = Request::new(&CREATE, "/v2/p-1/graphs/g/backups".into());
    request.body = Some(r#"{"backup_name": "b"}"#.into());
    request
}

/// A server at another origin that records whatever reaches it and answers like a willing accomplice (with a
/// token of its own for IAM requests).
async fn foreign() -> (SocketAddr, Recorded) {
    raw_server(|_, _| Some(http_answer("201 Created", &[("X-Subject-Token", "stolen-token")], "{}"))).await
}

/// An origin that answers every request with `307` to `target` (path and query kept).
async fn redirecting(target: String) -> (SocketAddr, Recorded) {
    raw_server(move |_, request| {
        let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
        Some(http_answer("307 Temporary Redirect", &[("Location", &format!("{target}{path}"))], ""))
    })
    .await
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_origin() {
    let (foreign, stolen) = foreign().await;
    let (origin, received) = redirecting(base(foreign)).await;
    let credentials = [
        Credentials::token("static-token-value"),
        Credentials::temporary_ak_sk("AK-ID", "sk-secret-value", "security-token-value"),
        // The IAM login itself is redirected: the password must not be re-posted elsewhere.
        Credentials::password("dom", "user", "my-password-value"),
    ];
    for credentials in credentials {
        let kind = credentials.kind();
        let client = hermetic()
            .credentials(credentials)
            .region("cn-north-4")
            .project_id("p-1")
            .endpoint("ges", base(origin))
            .endpoint("iam", base(origin))
            .retry(quick_retries(3))
            .build()
            .unwrap();
        let err = client.send(list()).await.unwrap_err();
        let Error::Service(service) = &err else { panic!("{kind}: {err:?}") };
        assert_eq!(service.status, 307, "{kind}");
        let message = service.message.as_deref().unwrap_or_default();
        assert!(message.contains(&format!("redirected to {}", base(foreign))), "{kind}: {message}");
        assert!(!err.is_retryable(), "{kind}");
    }
    assert_eq!(stolen.count(), 0, "requests reached the other origin: {:?}", stolen.all());
    assert_eq!(received.count(), 3, "each call reached the origin once, unretried");
}

#[tokio::test]
async fn a_create_answered_with_a_redirect_is_sent_once_with_its_outcome_unknown() {
    // The redirect target refuses connections: that must not pass for "nothing reached the server".
    let refusing = closed_port().await;
    let (origin, received) = redirecting(base(refusing)).await;
    let err = builder(origin).build().unwrap().send(create()).await.unwrap_err();
    assert_eq!(err.http_status(), Some(307), "{err:?}");
    assert!(err.outcome_unknown() && !err.is_retryable(), "{err:?}");
    assert!(err.to_string().contains(&base(refusing)), "{err}");
    assert_eq!(received.count(), 1);
}

#[tokio::test]
async fn a_given_http_client_that_follows_redirects_never_gets_a_create_resent() {
    let refusing = closed_port().await;
    let (origin, received) = redirecting(base(refusing)).await;
    // reqwest's default policy follows redirects; its connect error then belongs to the redirect target.
    let client = builder(origin).http_client(reqwest::Client::new()).build().unwrap();
    let err = client.send(create()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.outcome_unknown() && !err.is_retryable(), "{err:?}");
    assert_eq!(received.count(), 1, "the origin received the create each time it was sent");
}

#[tokio::test]
async fn an_answer_fetched_through_a_redirect_by_a_given_http_client_is_not_used() {
    let (foreign, stolen) = foreign().await;
    let (origin, _) = redirecting(base(foreign)).await;
    let client = builder(origin).http_client(reqwest::Client::new()).build().unwrap();
    let err = client.send(list()).await.unwrap_err();
    let Error::Transport { message, .. } = &err else { panic!("{err:?}") };
    assert!(message.contains("followed a redirect") && message.contains("Policy::none()"), "{message}");
    assert_eq!(stolen.count(), 1, "not retried");
}
