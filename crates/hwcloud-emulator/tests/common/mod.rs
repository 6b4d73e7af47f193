//! Shared set-up for the end-to-end tests: an emulator with short jobs and a known static token, clients with
//! fast retries, fast job waits, and raw HTTP helpers that skip the client's validation.

#![allow(dead_code)]

use std::time::Duration;

use hwcloud::runtime::waiter::WaitOptions;
use hwcloud::runtime::{Credentials, RetryConfig};
use hwcloud_emulator::Emulator;

/// The static token every test emulator accepts.
pub const TOKEN: &str = "test-static-token";

/// An emulator with 500 ms jobs (long enough to see them in progress on a busy machine) that accepts [`TOKEN`] and the default AK/SK.
pub async fn emulator() -> Emulator {
    Emulator::builder().job_duration(Duration::from_millis(500)).token(TOKEN).start().await.expect("emulator starts")
}

/// Retries that do not slow tests down.
pub fn fast_retries() -> RetryConfig {
    RetryConfig::default().max_attempts(3).backoff(Duration::from_millis(5), Duration::from_millis(20))
}

/// A generated client on the emulator with the given credentials and fast retries.
pub fn client_with(emulator: &Emulator, credentials: Credentials) -> hwcloud::Client {
    emulator.client_builder().credentials(credentials).retry(fast_retries()).build().expect("client builds")
}

/// A generated client signing with the emulator's default AK/SK.
pub fn client(emulator: &Emulator) -> hwcloud::Client {
    client_with(emulator, emulator.ak_sk_credentials())
}

/// Job waits that poll every few tens of milliseconds.
pub fn fast_wait() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_secs(10))
        .interval(Duration::from_millis(20), Duration::from_millis(100))
        .multiplier(1.5)
}

/// The service error of a failed call, or a panic naming what came instead.
pub fn service_error<T: std::fmt::Debug>(result: Result<T, hwcloud::Error>) -> hwcloud::runtime::ServiceError {
    match result {
        Err(hwcloud::Error::Service(e)) => e,
        other => panic!("expected a service error, got {other:?}"),
    }
}

/// A raw request with the static token, bypassing the generated client and its validation.
pub fn raw(method: reqwest::Method, url: String) -> reqwest::RequestBuilder {
    reqwest::Client::new().request(method, url).header("X-Auth-Token", TOKEN)
}

/// Sends a raw request and returns status, `X-Request-Id` and the JSON body.
pub async fn send_raw(request: reqwest::RequestBuilder) -> (u16, Option<String>, serde_json::Value) {
    let response = request.send().await.expect("the emulator answers");
    let status = response.status().as_u16();
    let request_id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.json::<serde_json::Value>().await.unwrap_or(serde_json::Value::Null);
    (status, request_id, body)
}
