//! The whole backup lifecycle against an embedded emulator, with no configuration: create backups on each
//! service and wait for their jobs (printing progress), list them page by page, import and export on GES, and
//! delete them.
//!
//! `cargo run -p hwcloud-emulator --example lifecycle`

use std::time::Duration;

use hwcloud::prelude::*;
use hwcloud_emulator::Emulator;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Polls often: the emulator's jobs take 250 ms here.
fn wait_options() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_secs(30))
        .interval(Duration::from_millis(50), Duration::from_millis(100))
}

/// One line per status change, with the documented progress field when the service fills it.
fn progress<J>(p: &JobProgress<'_, J>) {
    if p.status_changed {
        let done = p.progress.map(|done| format!(", {done}")).unwrap_or_default();
        println!("    job {}: {}{done} after {} ms ({} polls)", p.job_id, p.status, p.elapsed.as_millis(), p.polls);
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let emulator = Emulator::builder().job_duration(Duration::from_millis(250)).start().await?;
    for (service, url) in emulator.urls() {
        println!("{service:>9} listening on {url}");
    }
    let client = emulator.client()?;
    ges(&client, emulator.graph_id()).await?;
    geminidb(&client, emulator.geminidb_instance_id()).await?;
    taurusdb(&client, emulator.taurusdb_instance_id()).await?;
    println!("\nrequests served: {}", emulator.total_requests());
    Ok(())
}

async fn ges(client: &hwcloud::Client, graph: &str) -> Result<()> {
    let ges = client.ges();
    println!("\nGES: backing up graph {graph} three times");
    let mut backup_ids = Vec::new();
    for _ in 0..3 {
        let (created, job) = ges.create_backup().graph_id(graph).send_and_wait(&wait_options(), progress).await?;
        println!(
            "  backup {} done: job {}",
            created.backup_id.clone().unwrap_or_default(),
            job.status.map(|s| s.to_string()).unwrap_or_default()
        );
        backup_ids.extend(created.backup_id);
    }
    println!("GES: listing backups two per page");
    let mut pages = ges.list_graph_backups().graph_id(graph).limit(2).into_pages();
    while let Some(page) = pages.next().await {
        let page = page?;
        let names: Vec<String> = page.backup_list.unwrap_or_default().into_iter().filter_map(|b| b.name).collect();
        println!("  page of {} (of {}): {names:?}", names.len(), page.backup_count.unwrap_or_default());
    }
    println!("GES: exporting and importing a backup");
    let export = ges.export_backup().graph_id(graph).backup_id(&backup_ids[0]).export_path("obs://bucket/exports/");
    export.send_and_wait(&wait_options(), progress).await?;
    let import = ges.import_backup().graph_id(graph).import_path("obs://bucket/backups/demo_20210101");
    import.send_and_wait(&wait_options(), progress).await?;
    let all = ges.list_backups().send().await?;
    println!("  {} backups in the project now", all.backup_count.unwrap_or_default());
    println!("GES: deleting them");
    for backup in all.backup_list.unwrap_or_default() {
        let id = backup.id.unwrap_or_default();
        ges.delete_backup().graph_id(graph).backup_id(&id).send().await?;
        println!("  deleted {id}");
    }
    Ok(())
}

async fn geminidb(client: &hwcloud::Client, instance: &str) -> Result<()> {
    let db = client.geminidb();
    println!("\nGeminiDB: backing up instance {instance}");
    let create = db.create_backup().instance_id(instance).name("backup-demo").description("lifecycle example");
    let (created, _) = create.send_and_wait(&wait_options(), progress).await?;
    let backup_id = created.backup_id.unwrap_or_default();
    let listed = db.list_backups().offset(1).limit(10).send().await?;
    for backup in listed.backups.unwrap_or_default() {
        println!(
            "  {} {} {}",
            backup.id.unwrap_or_default(),
            backup.name.unwrap_or_default(),
            backup.status.map(|s| s.to_string()).unwrap_or_default()
        );
    }
    println!("GeminiDB: deleting {backup_id}");
    db.delete_backup().backup_id(&backup_id).send_and_wait(&wait_options(), progress).await?;
    Ok(())
}

async fn taurusdb(client: &hwcloud::Client, instance: &str) -> Result<()> {
    let db = client.taurusdb();
    println!("\nTaurusDB: backing up instance {instance}");
    let create = db.create_backup().instance_id(instance).name("backup-demo").description("lifecycle example");
    let (created, _) = create.send_and_wait(&wait_options(), progress).await?;
    let backup_id = created.backup.and_then(|b| b.id).unwrap_or_default();
    let listed = db.list_backups().instance_id(instance).send().await?;
    for backup in listed.backups.unwrap_or_default() {
        let status = backup.status.map(|s| s.to_string()).unwrap_or_default();
        println!("  {} {} {status}", backup.id.unwrap_or_default(), backup.name.unwrap_or_default());
    }
    let deleted = db.delete_backup().backup_id(&backup_id).send().await?;
    println!("TaurusDB: deleted {}", deleted.backup_name.unwrap_or_default());
    Ok(())
}
