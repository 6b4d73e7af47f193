//! A program as a user writes it: only `hwcloud` (its prelude) and `hwcloud-emulator`, no other import, against
//! the emulator over HTTP. It asks the questions the error API exists for.

use std::time::Duration;

use hwcloud::prelude::*;
use hwcloud_emulator::Emulator;

async fn emulator() -> Emulator {
    Emulator::builder().job_duration(Duration::from_millis(100)).start().await.expect("emulator starts")
}

#[tokio::test]
async fn a_missing_backup_is_not_found_on_ges_and_taurusdb_with_code_status_request_id_and_help() {
    let emu = emulator().await;
    let client = emu.client().expect("client");

    let err = client.ges().delete_backup().graph_id(emu.graph_id()).backup_id("gone").send().await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!((err.code(), err.http_status()), (Some("GES.7024"), Some(400)));
    assert!(err.request_id().is_some_and(|id| !id.is_empty()));
    assert!(!err.is_retryable() && !err.outcome_unknown());
    let text = err.to_string();
    assert!(text.starts_with("ges.delete_backup failed with HTTP 400 [GES.7024]"), "{text}");

    let backup_id = format!("{}br07", "0".repeat(32));
    let err = client.taurusdb().delete_backup().backup_id(&backup_id).send().await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!((err.code(), err.http_status()), (Some("DBS.201010"), Some(404)));
    let solution = err.solution().expect("the error code table documents what to do");
    assert_eq!(solution, "Check whether the backup exists and matches the instance.");
    let text = err.to_string();
    assert!(text.starts_with("taurusdb.delete_backup failed with HTTP 404 [DBS.201010]"), "{text}");
    assert!(text.contains(&format!("help: {solution}")), "{text}");
}

#[tokio::test]
async fn other_service_errors_are_not_not_found() {
    let emu = emulator().await;
    let client = emu.client().expect("client");
    // A graph that does not exist: not found for listing its backups, but not "this backup is gone".
    let err = client.ges().list_graph_backups().graph_id("no-such-graph").send().await.unwrap_err();
    assert!(err.is_not_found() && err.code() == Some("GES.7000"), "{err:?}");
    let err = client.ges().delete_backup().graph_id("no-such-graph").backup_id("b").send().await.unwrap_err();
    assert!(!err.is_not_found() && err.code() == Some("GES.7000"), "{err:?}");
    assert!(err.solution().is_some_and(|s| s.contains("graph ID")), "{err:?}");
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending_and_is_not_retryable() {
    let emu = emulator().await;
    let client = emu.client().expect("client");
    let err = client.taurusdb().create_backup().instance_id(emu.taurusdb_instance_id()).name("abc").send().await;
    let err = err.unwrap_err();
    assert!(!err.is_retryable() && !err.outcome_unknown() && err.code().is_none());
    let names: Vec<(&str, &str)> = err.violations().iter().map(|v| (v.field.as_str(), v.rule)).collect();
    assert_eq!(names, [("name", "min_length")]);
    assert!(err.to_string().starts_with("taurusdb.create_backup: invalid input, nothing was sent"), "{err}");
    assert_eq!(emu.requests(&hwcloud::taurusdb::create_backup::OPERATION), 0);
}

#[tokio::test]
async fn paging_needs_only_the_prelude_and_lists_read_as_slices() {
    let emu = emulator().await;
    let client = emu.client().expect("client");
    for _ in 0..3 {
        client.ges().create_backup().graph_id(emu.graph_id()).send().await.expect("backup starts");
    }
    let all = client.ges().list_graph_backups().graph_id(emu.graph_id()).limit(2).into_items();
    let all = all.try_collect::<Vec<_>>().await.expect("lists");
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|b| b.id().is_some() && b.graph_id() == Some(emu.graph_id())));

    let page = client.ges().list_graph_backups().graph_id(emu.graph_id()).limit(2).send().await.expect("lists");
    assert_eq!((page.backup_list().len(), page.backup_count()), (2, Some(3)));
    let mut pages = client.ges().list_graph_backups().graph_id(emu.graph_id()).limit(2).into_pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.expect("page").backup_list().len());
    }
    assert_eq!(sizes, [2, 1]);

    let none = client.taurusdb().list_backups().send().await.expect("lists");
    assert!(none.backups().is_empty(), "an absent list reads as an empty slice");

    // GeminiDB pages by page number with both parameters mandatory: the pager fills them in.
    client
        .geminidb()
        .create_backup()
        .instance_id(emu.geminidb_instance_id())
        .name("page-me")
        .description("d")
        .send()
        .await
        .expect("starts");
    let gemini = client.geminidb().list_backups().into_items().try_collect::<Vec<_>>().await.expect("lists");
    assert_eq!(gemini.len(), 1);
}

#[tokio::test]
async fn a_prepared_input_is_sent_later_and_client_supplies_the_project() {
    let emu = emulator().await;
    let client = emu.client().expect("client");
    let input = hwcloud::ges::list_graph_backups::ListGraphBackupsInput::builder()
        .graph_id(emu.graph_id())
        .limit(5)
        .build()
        .expect("valid without a project id: the client fills it in");
    assert_eq!(input.project_id, None);
    let page = client.send(input).await.expect("sent");
    assert_eq!(page.http_status(), 200);

    let missing = hwcloud::ges::list_graph_backups::ListGraphBackupsInput::builder().build().unwrap_err();
    assert_eq!(missing.violations().iter().map(|v| v.field.as_str()).collect::<Vec<_>>(), ["graph_id"]);

    let retry = RetryConfig::default().max_attempts(1);
    let per_call =
        client.ges().list_backups().retry(retry).timeouts(Timeouts::default().attempt(Duration::from_secs(5)));
    per_call.send().await.expect("per-call options apply");
}

#[tokio::test]
async fn a_call_made_now_and_awaited_later_counts_its_time_limit_from_the_await() {
    let emu = emulator().await;
    let client = emu.client().expect("client");
    let limits = Timeouts::default().total(Duration::from_millis(300)).attempt(Duration::from_millis(300));
    let options = CallOptions::default().timeouts(limits);
    let builder = client.ges().list_graph_backups().graph_id(emu.graph_id());
    // Both ways of sending: the builder's, and the client's with a prepared input (checked and built at once).
    let from_builder = builder.clone().timeouts(limits).send();
    let from_input = client.send_with(builder.as_input().clone(), &options);
    // Longer than the call's total limit: the clock has not started while nobody polled the call.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let page = from_builder.await.expect("the limit counts from the first poll");
    assert_eq!(page.http_status(), 200);
    let page = from_input.await.expect("the limit counts from the first poll");
    assert_eq!(page.http_status(), 200);
}

#[tokio::test]
async fn a_failed_wait_keeps_the_job_id_and_the_created_backup() {
    let emu = emulator().await;
    let client = emu.client().expect("client");
    emu.fail_next_jobs(1);
    let wait = WaitOptions::default().interval(Duration::from_millis(20), Duration::from_millis(50));
    let mut polls = 0;
    let err = client
        .geminidb()
        .create_backup()
        .instance_id(emu.geminidb_instance_id())
        .name("will-fail")
        .description("a job the emulator fails")
        .send_and_wait(&wait, |_| polls += 1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");
    assert!(polls >= 1);
    let started = err.started_output::<hwcloud::geminidb::create_backup::CreateBackupOutput>().expect("kept");
    assert!(started.backup_id().is_some() && started.job_id() == err.job_id(), "{started:?}");
}

#[test]
fn no_project_id_is_a_configuration_error_pointing_at_the_client() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let emu = emulator().await;
        let client = Client::builder()
            .credentials(Credentials::token("t"))
            .endpoint("ges", emu.ges_url())
            .build()
            .expect("client");
        let err = client.ges().list_backups().send().await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("ges.list_backups needs a project id") && text.contains("Client::builder().project_id"),
            "{text}"
        );
    });
}
