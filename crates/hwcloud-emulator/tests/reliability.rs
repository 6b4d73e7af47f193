//! The client against an emulator that processes requests and then fails or loses the answer: creates are never
//! sent twice and say when their outcome is unknown, deletes whose answer was lost succeed; plus the chaos run,
//! the fault seed, the metrics endpoint, a redacted `Debug`, and odd inputs refused before sending.

mod common;

use std::time::Duration;

use common::{client, client_with, emulator};
use futures::TryStreamExt;
use hwcloud::runtime::{decode, RawResponse, RetryConfig};
use hwcloud::{geminidb, ges, taurusdb};
use hwcloud_emulator::{Emulator, FaultConfig};

#[tokio::test]
async fn debug_of_an_emulator_shows_no_token_key_or_password() {
    let emu = Emulator::builder()
        .token("static-token-secret")
        .ak_sk("AK-SHOWN", "sk-secret-value")
        .temporary_ak_sk("AK-TMP", "sk-temporary-value", "security-token-value")
        .iam_user("dom", "user", "iam-password-value")
        .start()
        .await
        .unwrap();
    let shown = format!("{emu:?} {emu:#?}");
    for secret in
        ["static-token-secret", "sk-secret-value", "sk-temporary-value", "security-token-value", "iam-password-value"]
    {
        assert!(!shown.contains(secret), "Debug shows {secret}: {shown}");
    }
    assert!(shown.contains("AK-SHOWN") && shown.contains("127.0.0.1"), "{shown}");
}

#[tokio::test]
async fn a_create_failed_after_processing_says_its_outcome_is_unknown_and_is_sent_once() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    emu.fail_next_after_processing(1);
    let err = ges.create_backup().graph_id(emu.graph_id()).send().await.unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert!(err.outcome_unknown() && !err.is_retryable(), "{err:?}");
    emu.drop_next_answers(1);
    let err = ges.create_backup().graph_id(emu.graph_id()).send().await.unwrap_err();
    assert!(matches!(err, hwcloud::Error::Transport { .. }) && err.outcome_unknown(), "{err:?}");
    assert_eq!(emu.requests(&ges::create_backup::OPERATION), 2, "neither create was re-sent");
    let listed = ges.list_graph_backups().graph_id(emu.graph_id()).send().await.unwrap();
    assert_eq!(listed.backup_count, Some(2), "both creates were carried out");
    let counts = emu.fault_counts();
    assert_eq!((counts.error_after, counts.drop_after, counts.error, counts.drop), (1, 1, 0, 0));
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_succeeds_on_every_service() {
    let emu = Emulator::builder().job_duration(Duration::from_millis(10)).start().await.unwrap();
    let c = client(&emu);
    let ges_backup = c.ges().create_backup().graph_id(emu.graph_id()).send().await.unwrap().backup_id.unwrap();
    let gem = c.geminidb().create_backup().instance_id(emu.geminidb_instance_id()).name("b-lost").description("");
    let gem_backup = gem.send().await.unwrap().backup_id.unwrap();
    let tau = c.taurusdb().create_backup().instance_id(emu.taurusdb_instance_id()).name("b-lost");
    let tau_backup = tau.send().await.unwrap().backup.unwrap().id.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    emu.drop_next_answers(1);
    let deleted = c.ges().delete_backup().graph_id(emu.graph_id()).backup_id(&ges_backup).send().await.unwrap();
    assert_eq!(deleted.http_status(), 200);
    emu.fail_next_after_processing(1);
    let deleted = c.geminidb().delete_backup().backup_id(&gem_backup).send().await.unwrap();
    assert_eq!((deleted.http_status(), deleted.job_id()), (202, None), "the job id was in the lost answer");
    emu.drop_next_answers(1);
    c.taurusdb().delete_backup().backup_id(&tau_backup).send().await.unwrap();
    for op in [&ges::delete_backup::OPERATION, &geminidb::delete_backup::OPERATION, &taurusdb::delete_backup::OPERATION]
    {
        assert_eq!(emu.requests(op), 2, "{op}: the lost attempt and the retry that found the backup gone");
    }
    assert_eq!(c.ges().list_graph_backups().graph_id(emu.graph_id()).send().await.unwrap().backup_count, Some(0));
}

#[test]
fn every_delete_output_decodes_from_an_empty_body() {
    let empty =
        |status| RawResponse { status, request_id: None, headers: Default::default(), body: Default::default() };
    decode::<ges::delete_backup::DeleteBackupOutput>(&ges::delete_backup::OPERATION, &empty(200)).unwrap();
    decode::<geminidb::delete_backup::DeleteBackupOutput>(&geminidb::delete_backup::OPERATION, &empty(202)).unwrap();
    decode::<taurusdb::delete_backup::DeleteBackupOutput>(&taurusdb::delete_backup::OPERATION, &empty(200)).unwrap();
}

#[tokio::test]
async fn odd_inputs_are_refused_naming_the_parameter_and_nothing_is_sent() {
    let emu = emulator().await;
    let c = client(&emu);
    let err = c.geminidb().list_jobs().project_id("p\r\nX-Injected: 1").send().await.unwrap_err();
    assert!(matches!(err, hwcloud::Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.violations()[0].field, "project_id", "{err}");
    let err = c.ges().delete_backup().graph_id(emu.graph_id()).backup_id("..").send().await.unwrap_err();
    assert_eq!((err.violations()[0].field.as_str(), err.violations()[0].rule), ("backup_id", "path_segment"));
    let err = c.ges().list_graph_backups().graph_id("g".repeat(100_000)).send().await.unwrap_err();
    assert_eq!((err.violations()[0].field.as_str(), err.violations()[0].rule), ("graph_id", "url_length"));
    assert!(err.to_string().len() < 500, "{err}");
    assert_eq!(emu.total_requests(), 0);
}

/// The statuses 40 plain GETs get under `faults` drawn from `seed`.
async fn fates(seed: u64) -> Vec<Option<u16>> {
    let faults = FaultConfig { error_rate: 0.2, drop_rate: 0.2, ..FaultConfig::default() };
    let emu = Emulator::builder().token(common::TOKEN).faults(faults).fault_seed(seed).start().await.unwrap();
    let url = format!("{}/v2/{}/graphs/backups", emu.ges_url(), emu.project_id());
    let mut fates = Vec::new();
    for _ in 0..40 {
        let answer = common::raw(reqwest::Method::GET, url.clone()).send().await;
        fates.push(answer.ok().map(|a| a.status().as_u16()));
    }
    fates
}

#[tokio::test]
async fn a_fault_seed_makes_the_faults_reproducible() {
    let first = fates(42).await;
    assert_eq!(first, fates(42).await);
    assert_ne!(first, fates(43).await);
    assert!(first.contains(&None) && first.contains(&Some(503)) && first.contains(&Some(200)), "{first:?}");
}

#[tokio::test]
async fn the_metrics_endpoint_counts_requests_and_faults() {
    let emu = emulator().await;
    emu.drop_next_answers(1);
    let _ = client(&emu).ges().list_graph_backups().graph_id(emu.graph_id()).send().await.unwrap();
    for url in [emu.ges_url(), emu.iam_url()] {
        let metrics: serde_json::Value =
            reqwest::get(format!("{url}/__emulator/metrics")).await.unwrap().json().await.unwrap();
        assert_eq!(metrics["requests"]["ges.list_graph_backups"], 2, "{metrics}");
        assert_eq!((metrics["total_requests"].as_u64(), metrics["faults"]["drop_after"].as_u64()), (Some(2), Some(1)));
    }
}

/// Ids of every backup on the three services, read with faults off.
async fn all_backups(c: &hwcloud::Client, emu: &Emulator) -> Vec<(&'static str, String)> {
    let ges: Vec<_> = c.ges().list_graph_backups().graph_id(emu.graph_id()).into_items().try_collect().await.unwrap();
    let gem: Vec<_> = c.geminidb().list_backups().limit(50).into_items().try_collect().await.unwrap();
    let tau: Vec<_> = c.taurusdb().list_backups().into_items().try_collect().await.unwrap();
    let ids = ges.into_iter().map(|b| ("ges", b.id.unwrap_or_default()));
    let ids = ids.chain(gem.into_iter().map(|b| ("geminidb", b.id.unwrap_or_default())));
    ids.chain(tau.into_iter().map(|b| ("taurusdb", b.id.unwrap_or_default()))).collect()
}

/// 30 % of answers lost after processing, on every service: creates, then deletes of everything created.
#[tokio::test]
async fn chaos_run_answers_lost_after_processing() {
    const CREATES: usize = 20;
    let lost = FaultConfig { drop_after_rate: 0.3, ..FaultConfig::default() };
    let emu = Emulator::builder().job_duration(Duration::from_millis(10)).fault_seed(2024).start().await.unwrap();
    // Six attempts: a delete then fails only if all six answers are lost (0.3^6 = 0.07 %).
    let retry = RetryConfig::default().max_attempts(6).backoff(Duration::from_millis(2), Duration::from_millis(10));
    let c = emu.client_builder().retry(retry).build().unwrap();
    let calm = client_with(&emu, emu.ak_sk_credentials());

    emu.set_faults(lost.clone());
    let (mut created, mut unknown, mut failed_silently) = (0, 0, 0);
    for n in 0..CREATES {
        let results = [
            c.ges().create_backup().graph_id(emu.graph_id()).send().await.map(drop),
            c.geminidb()
                .create_backup()
                .instance_id(emu.geminidb_instance_id())
                .name(format!("chaos-{n}"))
                .description("")
                .send()
                .await
                .map(drop),
            c.taurusdb()
                .create_backup()
                .instance_id(emu.taurusdb_instance_id())
                .name(format!("chaos-{n}"))
                .send()
                .await
                .map(drop),
        ];
        for result in results {
            match result {
                Ok(()) => created += 1,
                Err(e) if e.outcome_unknown() => unknown += 1,
                Err(e) => {
                    failed_silently += 1;
                    eprintln!("a failed create that does not say its outcome is unknown: {e:?}");
                }
            }
        }
    }
    let create_requests: u64 =
        [&ges::create_backup::OPERATION, &geminidb::create_backup::OPERATION, &taurusdb::create_backup::OPERATION]
            .iter()
            .map(|op| emu.requests(op))
            .sum();
    let create_faults = emu.fault_counts().drop_after;
    emu.set_faults(FaultConfig::default());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let backups = all_backups(&calm, &emu).await;

    emu.set_faults(lost);
    let (mut deleted, mut delete_errors) = (0, Vec::new());
    for (service, id) in &backups {
        let result = match *service {
            "ges" => c.ges().delete_backup().graph_id(emu.graph_id()).backup_id(id).send().await.map(drop),
            "geminidb" => c.geminidb().delete_backup().backup_id(id).send().await.map(drop),
            _ => c.taurusdb().delete_backup().backup_id(id).send().await.map(drop),
        };
        match result {
            Ok(()) => deleted += 1,
            Err(e) => delete_errors.push(e),
        }
    }
    let faults = emu.fault_counts();
    let delete_requests: u64 =
        [&ges::delete_backup::OPERATION, &geminidb::delete_backup::OPERATION, &taurusdb::delete_backup::OPERATION]
            .iter()
            .map(|op| emu.requests(op))
            .sum();
    emu.set_faults(FaultConfig::default());
    let left = all_backups(&calm, &emu).await;
    let failed_but_done = delete_errors.len().saturating_sub(left.len());
    eprintln!(
        "chaos run: {} requests; creates: {} calls, {create_requests} requests, {create_faults} answers lost, {created} \
         succeeded, {unknown} failed with outcome_unknown, {failed_silently} failed without; {} backups exist; \
         deletes: {} calls, {delete_requests} requests, {deleted} succeeded, {} failed, {failed_but_done} of them reported failed although done; \
         {} answers lost in all",
        emu.total_requests(),
        3 * CREATES,
        backups.len(),
        backups.len(),
        delete_errors.len(),
        faults.drop_after,
    );
    assert_eq!(create_requests as usize, 3 * CREATES, "0 duplicate creates: each create reached the server once");
    assert_eq!(backups.len(), 3 * CREATES, "every create was carried out (the lost answers included)");
    assert!(unknown > 0 && created > 0, "the run had lost answers and successes: {unknown} / {created}");
    assert_eq!(failed_silently, 0, "every failed create says its outcome is unknown");
    assert!(delete_errors.is_empty(), "deletes reported failed: {delete_errors:?}");
    assert_eq!(failed_but_done, 0);
    assert!(left.is_empty(), "left over: {left:?}");
    assert!(faults.drop_after > 20, "faults struck the deletes too: {faults:?}");
}
