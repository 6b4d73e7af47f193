//! Each error classification over real HTTP on 127.0.0.1: retryable, not found, and outcome unknown, including a
//! create whose answer is lost after the server processed it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hwcloud::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// What the test server does with each request it has read whole.
#[derive(Clone, Copy)]
enum Answer {
    /// Processes it, then closes the connection without answering.
    LoseIt,
    /// Answers with this status and a service error body.
    Status(u16),
}

/// A server that reads whole HTTP/1.1 requests, counts them, and answers as told. Returns its base URL.
async fn server(answer: Answer, processed: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let processed = processed.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // Read the head, then as much body as Content-Length says (bounded: test requests are small).
                while request.len() < 64 * 1024 {
                    let Ok(n) = stream.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(end) = find(&request, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                processed.fetch_add(1, Ordering::SeqCst);
                match answer {
                    Answer::LoseIt => drop(stream),
                    Answer::Status(status) => {
                        let body = r#"{"error_code":"GES.7006","error_msg":"internal error"}"#;
                        let response = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nx-request-id: r-{status}\r\n\
                             content-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(response.as_bytes()).await;
                    }
                }
            });
        }
    });
    url
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn client(url: &str) -> Client {
    Client::builder()
        .credentials(Credentials::token("t"))
        .project_id(PROJECT)
        .endpoint("ges", url)
        .retry(RetryConfig::default().max_attempts(3).backoff(Duration::from_millis(5), Duration::from_millis(10)))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_after_processing_is_sent_once_and_says_the_outcome_is_unknown() {
    let processed = Arc::new(AtomicUsize::new(0));
    let url = server(Answer::LoseIt, processed.clone()).await;
    let err = client(&url).ges().create_backup().graph_id("g-1").send().await.unwrap_err();
    assert_eq!(processed.load(Ordering::SeqCst), 1, "a create is never sent twice");
    assert!(err.outcome_unknown(), "{err:?}");
    assert!(!err.is_retryable(), "{err:?}");
    assert!(err.to_string().contains("the request may have been carried out"), "{err}");
    assert!(std::error::Error::source(&err).is_some(), "the cause chain is kept");
}

#[tokio::test]
async fn a_listing_whose_answer_is_lost_is_retried_and_its_outcome_is_known() {
    let processed = Arc::new(AtomicUsize::new(0));
    let url = server(Answer::LoseIt, processed.clone()).await;
    let err = client(&url).ges().list_backups().send().await.unwrap_err();
    assert_eq!(processed.load(Ordering::SeqCst), 3, "idempotent calls use every attempt");
    assert!(!err.outcome_unknown() && err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_5xx_on_a_create_leaves_the_outcome_unknown_and_on_a_listing_is_retryable() {
    let processed = Arc::new(AtomicUsize::new(0));
    let url = server(Answer::Status(500), processed.clone()).await;
    let err = client(&url).ges().create_backup().graph_id("g-1").send().await.unwrap_err();
    assert_eq!(processed.load(Ordering::SeqCst), 1);
    assert!(err.outcome_unknown() && !err.is_retryable(), "{err:?}");
    assert_eq!((err.http_status(), err.code(), err.request_id()), (Some(500), Some("GES.7006"), Some("r-500")));
    assert_eq!(err.solution(), Some("Try again later or contact technical support."));

    let err = client(&url).ges().list_backups().send().await.unwrap_err();
    assert!(!err.outcome_unknown() && err.is_retryable() && !err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn throttling_is_retryable_for_every_operation() {
    let processed = Arc::new(AtomicUsize::new(0));
    let url = server(Answer::Status(429), processed.clone()).await;
    let err = client(&url).ges().create_backup().graph_id("g-1").send().await.unwrap_err();
    assert_eq!(processed.load(Ordering::SeqCst), 3, "a 429 proves nothing was done, so even a create is retried");
    assert!(err.is_retryable() && !err.outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn a_refused_connection_is_retryable_and_nothing_was_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let err = client(&url).ges().create_backup().graph_id("g-1").send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.is_retryable() && !err.outcome_unknown(), "{err:?}");
}
