//! Fault injection as the client sees it: 503s retried on idempotent calls and never re-sent for creates,
//! dropped connections, and latency against a timeout; all changed at runtime through the handle.

mod common;

use std::time::{Duration, Instant};

use common::{client, client_with, emulator, raw, send_raw};
use hwcloud::ges::{create_backup, list_graph_backups};
use hwcloud::runtime::RetryConfig;
use hwcloud_emulator::{Emulator, FaultConfig};

#[tokio::test]
async fn injected_503s_are_retried_on_gets_but_a_create_is_sent_once() {
    let emu = emulator().await;
    let ges = client(&emu).ges();

    emu.fail_next_requests(2);
    let listed = ges.list_graph_backups().graph_id(emu.graph_id()).send().await;
    assert!(listed.is_ok(), "{listed:?}");
    assert_eq!(emu.requests(&list_graph_backups::OPERATION), 3, "two 503s, then success");

    emu.fail_next_requests(1);
    let e = common::service_error(ges.create_backup().graph_id(emu.graph_id()).send().await);
    assert_eq!((e.status, e.code.as_deref()), (503, Some("GES.7005")));
    assert_eq!(emu.requests(&create_backup::OPERATION), 1, "a create is never re-sent");
    let listed = ges.list_graph_backups().graph_id(emu.graph_id()).send().await.unwrap();
    assert_eq!(listed.backup_count, Some(0), "the refused create created nothing");
}

#[tokio::test]
async fn a_full_error_rate_answers_503_with_the_service_error_body_until_changed() {
    let emu = Emulator::builder()
        .token(common::TOKEN)
        .faults(FaultConfig { error_rate: 1.0, ..FaultConfig::default() })
        .start()
        .await
        .unwrap();
    let url = format!("{}/v3/{}/backups", emu.taurusdb_url(), emu.project_id());
    let (status, id, body) = send_raw(raw(reqwest::Method::GET, url.clone())).await;
    assert_eq!((status, body["error_code"].as_str()), (503, Some("DBS.108000")), "{body}");
    assert!(id.is_some());
    let e = common::service_error(client(&emu).geminidb().list_jobs().send().await);
    assert_eq!(e.status, 503);
    assert_eq!(emu.request_count("geminidb", "list_jobs"), 3, "retried up to the attempt limit");

    emu.set_faults(FaultConfig::default());
    assert_eq!(send_raw(raw(reqwest::Method::GET, url)).await.0, 200);
    assert_eq!(emu.faults(), FaultConfig::default());
}

#[tokio::test]
async fn dropped_connections_surface_as_transport_errors_and_gets_recover() {
    let emu = emulator().await;
    let ges = client(&emu).ges();

    emu.drop_next_requests(1);
    match ges.create_backup().graph_id(emu.graph_id()).send().await {
        Err(hwcloud::Error::Transport { .. }) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(emu.requests(&create_backup::OPERATION), 1, "not re-sent after a drop");

    emu.drop_next_requests(1);
    ges.list_graph_backups().graph_id(emu.graph_id()).send().await.unwrap();
    assert_eq!(emu.requests(&list_graph_backups::OPERATION), 2, "the idempotent GET was retried");

    emu.set_faults(FaultConfig { drop_rate: 1.0, ..FaultConfig::default() });
    let dropped = ges.create_backup().graph_id(emu.graph_id()).send().await;
    assert!(matches!(dropped, Err(hwcloud::Error::Transport { .. })), "{dropped:?}");
    emu.set_faults(FaultConfig::default());

    // A raw client sees the connection closed without any response.
    emu.drop_next_requests(1);
    let url = format!("{}/v2/{}/graphs/backups", emu.ges_url(), emu.project_id());
    let err = raw(reqwest::Method::GET, url).send().await.unwrap_err();
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    assert!(chain.contains("connection closed before message completed"), "{chain}");
}

#[tokio::test]
async fn latency_is_added_and_trips_the_client_timeout() {
    let emu = emulator().await;
    emu.set_faults(FaultConfig { latency: Duration::from_millis(1000), ..FaultConfig::default() });
    let started = Instant::now();
    client(&emu).taurusdb().list_backups().send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1000));

    let impatient = emu
        .client_builder()
        .attempt_timeout(Duration::from_millis(200))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    match impatient.taurusdb().list_backups().send().await {
        Err(err @ hwcloud::Error::Timeout { .. }) => {
            // The message states the limit that ran out, not only how long the call took.
            assert!(err.to_string().contains("per-attempt timeout of 200 ms"), "{err}");
            assert!(err.is_retryable() && !err.outcome_unknown(), "a listing is idempotent: {err:?}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    emu.set_faults(FaultConfig::default());
    let quick = Instant::now();
    impatient.taurusdb().list_backups().send().await.unwrap();
    assert!(quick.elapsed() < Duration::from_millis(1000));
}

#[tokio::test]
async fn iam_is_not_subject_to_faults() {
    let emu = emulator().await;
    emu.set_faults(FaultConfig { error_rate: 1.0, ..FaultConfig::default() });
    let client = client_with(&emu, emu.password_credentials());
    let e = common::service_error(client.ges().list_backups().send().await);
    assert_eq!(e.status, 503, "the token was obtained, then GES failed");
    assert_eq!(emu.request_count("iam", "keystone_create_user_token_by_password"), 1);
}
