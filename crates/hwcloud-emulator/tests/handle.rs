//! The library handle: base URLs, counters, runtime job timing, and listeners stopped on drop.

mod common;

use std::time::Duration;

use common::{client, emulator, fast_wait};
use hwcloud::geminidb::list_jobs;
use hwcloud_emulator::Emulator;

#[tokio::test]
async fn counters_count_per_operation_and_reset() {
    let emu = emulator().await;
    let client = client(&emu);
    client.geminidb().list_jobs().send().await.unwrap();
    client.geminidb().list_jobs().send().await.unwrap();
    client.taurusdb().list_backups().send().await.unwrap();
    assert_eq!(emu.requests(&list_jobs::OPERATION), 2);
    assert_eq!(emu.request_count("taurusdb", "list_backups"), 1);
    assert_eq!(emu.request_count("geminidb", "list_backups"), 0, "same path on another service");
    assert_eq!(emu.total_requests(), 3);
    assert_eq!(emu.request_counts().get("geminidb.list_jobs"), Some(&2));
    emu.reset_counters();
    assert_eq!(emu.total_requests(), 0);
}

#[tokio::test]
async fn job_duration_changes_at_runtime() {
    let emu = Emulator::builder().job_duration(Duration::from_secs(3600)).start().await.unwrap();
    let db = client(&emu).taurusdb();
    let slow = db.create_backup().instance_id(emu.taurusdb_instance_id()).name("backup-slow").send().await.unwrap();
    emu.set_job_duration(Duration::ZERO);
    let fast = db.create_backup().instance_id(emu.taurusdb_instance_id()).name("backup-fast");
    let (_, done) = fast.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(done.job.unwrap().status.unwrap().to_string(), "Completed");
    let still = db.show_job().id(slow.job_id.unwrap()).send().await.unwrap();
    assert!(["Pending", "Running"].contains(&still.job.unwrap().status.unwrap().to_string().as_str()));
}

#[tokio::test]
async fn dropping_the_emulator_stops_its_listeners() {
    let emu = emulator().await;
    let urls = emu.urls();
    assert_eq!(urls.iter().map(|(s, _)| *s).collect::<Vec<_>>(), ["ges", "geminidb", "taurusdb", "iam"]);
    assert_eq!(urls[0].1, emu.ges_url());
    let address = emu.ges_url().trim_start_matches("http://").to_owned();
    tokio::net::TcpStream::connect(&address).await.expect("listening while alive");
    drop(emu);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(&address).await.is_err(), "closed after drop");
}

#[tokio::test]
async fn concurrent_requests_on_every_service_are_all_served() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut calls = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (client, graph) = (client.clone(), emu.graph_id().to_owned());
        let (gemini, taurus) = (emu.geminidb_instance_id().to_owned(), emu.taurusdb_instance_id().to_owned());
        calls.spawn(async move {
            client.ges().create_backup().graph_id(graph).send().await.map(|_| ())?;
            let name = format!("backup-{n}");
            client.geminidb().create_backup().instance_id(gemini).name(&name).description("").send().await?;
            client.taurusdb().create_backup().instance_id(taurus).name(name).send().await.map(|_| ())
        });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(client.ges().list_backups().send().await.unwrap().backup_count, Some(20));
    assert_eq!(client.geminidb().list_backups().offset(1).limit(100).send().await.unwrap().total_count, Some(20));
    assert_eq!(client.taurusdb().list_backups().send().await.unwrap().total_count, Some(20));
}
