//! The whole backup lifecycle against an embedded emulator, with no configuration. On each service: set the
//! automated backup policy, write some data, back it up, change the data, restore, and see the data come back (a
//! GES graph is stopped, then started from the backup; a GeminiDB instance is restored to a new instance at a
//! point in time; a TaurusDB instance is restored in place to a point in time and to a new instance from the
//! backup), and a restore outside the restorable window refused. GES also lists its backups page by page, exports
//! and imports one. Jobs are waited for with their progress printed.
//!
//! `cargo run -p hwcloud-emulator --example lifecycle`
//!
//! The data is written and read with the emulator's own calls (`/__emulator/data/...`), which no cloud service
//! has: everything else is the generated client.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hwcloud::geminidb::types::{BackupPolicy, Flavor, InstanceDatastore, RestoreInfo};
use hwcloud::prelude::*;
use hwcloud::taurusdb::types::MysqlRestorePoint;
use hwcloud::taurusdb::types::{MysqlBackupPolicy, MysqlBackupStrategy, MysqlChargeInfo, MysqlDatastoreInReq};
use hwcloud_emulator::Emulator;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Polls often: the emulator's jobs take 150 ms here.
fn wait_options() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_secs(30))
        .interval(Duration::from_millis(40), Duration::from_millis(80))
}

/// One line per status change, with the documented progress field when the service fills it.
fn progress<J>(p: &JobProgress<'_, J>) {
    if p.status_changed {
        let done = p.progress.map(|done| format!(", {done}")).unwrap_or_default();
        println!("      job {}: {}{done} after {} ms", p.job_id, p.status, p.elapsed.as_millis());
    }
}

fn table(name: &str, rows: &[&str]) -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([(name.to_owned(), rows.iter().map(|r| (*r).to_owned()).collect())])
}

/// Writes one table through the emulator-only call and prints the new state.
async fn write(emulator: &Emulator, service: &str, id: &str, name: &str, rows: &[&str]) -> Result<()> {
    let written = emulator.write_data(service, id, table(name, rows)).await?;
    println!("    wrote {name}: version {} {:?}", written.data.version, written.data.rows(name));
    Ok(())
}

/// Prints what a graph or instance holds now.
async fn show(emulator: &Emulator, service: &str, id: &str, name: &str, what: &str) -> Result<()> {
    let data = emulator.data(service, id).await?;
    println!("    {what}: version {} {:?}", data.data.version, data.data.rows(name));
    Ok(())
}

/// A refused call: its documented code and what the documentation says to do.
fn refused(what: &str, error: &hwcloud::Error) {
    let code = error.code().unwrap_or("-");
    println!("    {what}: refused with {code}: {}", error.message().unwrap_or_default());
    if let Some(solution) = error.solution() {
        println!("      what to do: {solution}");
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let started = Instant::now();
    let emulator = Emulator::builder().job_duration(Duration::from_millis(150)).start().await?;
    for (service, url) in emulator.urls() {
        println!("{service:>9} listening on {url}");
    }
    let client = emulator.client()?;
    ges(&emulator, &client).await?;
    geminidb(&emulator, &client).await?;
    taurusdb(&emulator, &client).await?;
    println!("\n{} requests served in {} ms", emulator.total_requests(), started.elapsed().as_millis());
    Ok(())
}

async fn ges(emulator: &Emulator, client: &hwcloud::Client) -> Result<()> {
    let ges = client.ges();
    let graph = emulator.graph_id();
    println!("\nGES, graph {graph}");
    write(emulator, "ges", graph, "graph.vertices", &["alice", "bob"]).await?;
    println!("  backing up");
    let (created, _) = ges.create_backup().graph_id(graph).send_and_wait(&wait_options(), progress).await?;
    let backup_id = created.backup_id.unwrap_or_default();
    println!("    backup {backup_id} done");
    write(emulator, "ges", graph, "graph.vertices", &["alice", "bob", "mallory"]).await?;

    println!("  restoring: stop the graph, then start it from the backup");
    match ges.start_graph().graph_id(graph).graph_backup_id(&backup_id).send().await {
        Err(error) => refused("starting the running graph", &error),
        Ok(_) => println!("    unexpected: a running graph was started"),
    }
    ges.stop_graph().graph_id(graph).send_and_wait(&wait_options(), progress).await?;
    let start = ges.start_graph().graph_id(graph).graph_backup_id(&backup_id);
    start.send_and_wait(&wait_options(), progress).await?;
    show(emulator, "ges", graph, "graph.vertices", "the data is back").await?;

    println!("  one more backup, then listing them one per page");
    ges.create_backup().graph_id(graph).send_and_wait(&wait_options(), |_| {}).await?;
    let mut pages = ges.list_graph_backups().graph_id(graph).limit(1).into_pages();
    while let Some(page) = pages.next().await {
        let page = page?;
        let names: Vec<String> = page.backup_list.unwrap_or_default().into_iter().filter_map(|b| b.name).collect();
        println!("    page: {names:?} (of {})", page.backup_count.unwrap_or_default());
    }
    println!("  exporting a backup, importing another");
    let export = ges.export_backup().graph_id(graph).backup_id(&backup_id).export_path("obs://bucket/exports/");
    export.send_and_wait(&wait_options(), progress).await?;
    let import = ges.import_backup().graph_id(graph).import_path("obs://bucket/backups/demo_20210101");
    import.send_and_wait(&wait_options(), progress).await?;
    let all = ges.list_backups().send().await?;
    println!("  deleting the {} backups", all.backup_count.unwrap_or_default());
    for backup in all.backup_list.unwrap_or_default() {
        ges.delete_backup().graph_id(graph).backup_id(backup.id.unwrap_or_default()).send().await?;
    }
    Ok(())
}

async fn geminidb(emulator: &Emulator, client: &hwcloud::Client) -> Result<()> {
    let db = client.geminidb();
    let instance = emulator.geminidb_instance_id();
    println!("\nGeminiDB, instance {instance}");
    let policy = BackupPolicy::new(7).with_start_time("01:00-02:00").with_period("1,2,3,4,5,6,7");
    db.set_backup_policy().instance_id(instance).backup_policy(policy).send().await?;
    let shown = db.show_backup_policy().instance_id(instance).send().await?;
    if let Some(policy) = shown.backup_policy {
        let (window, days) = (policy.start_time.unwrap_or_default(), policy.period.unwrap_or_default());
        println!("  policy: kept {} days, daily window {window}, days {days}", policy.keep_days.unwrap_or(0));
    }
    write(emulator, "geminidb", instance, "shop.orders", &["order 1", "order 2"]).await?;
    println!("  backing up");
    let create = db.create_backup().instance_id(instance).name("backup-demo").description("lifecycle example");
    let (created, _) = create.send_and_wait(&wait_options(), progress).await?;
    write(emulator, "geminidb", instance, "shop.orders", &["order 1", "order 2", "order 3 (not wanted)"]).await?;

    let points = db.list_restore_times().instance_id(instance).send().await?;
    let point = points.restorable_time_periods().first().and_then(|p| p.start_time).unwrap_or_default();
    println!("  restoring to a new instance at restorable point {point}");
    let info = RestoreInfo::new().with_source_instance_id(instance).with_restore_time(point);
    let (restored, _) = new_instance(client, info.clone()).send_and_wait(&wait_options(), progress).await?;
    let new_id = restored.id.unwrap_or_default();
    show(emulator, "geminidb", &new_id, "shop.orders", &format!("instance {new_id}: the data is back")).await?;

    let outside = RestoreInfo::new().with_source_instance_id(instance).with_restore_time(point - 3_600_000);
    if let Err(error) = new_instance(client, outside).send().await {
        refused("a point an hour before the backup", &error);
    }
    db.delete_backup().backup_id(created.backup_id.unwrap_or_default()).send_and_wait(&wait_options(), |_| {}).await?;
    Ok(())
}

/// A GeminiDB Cassandra instance as the page's example creates it, restored from `info`.
fn new_instance(
    client: &hwcloud::Client,
    info: RestoreInfo,
) -> hwcloud::geminidb::create_instance::CreateInstanceBuilder<hwcloud::runtime::Client> {
    client
        .geminidb()
        .create_instance()
        .name("restored-cassandra")
        .datastore(InstanceDatastore::new("cassandra", "3.11", "rocksDB"))
        .region("cn-north-4")
        .availability_zone("cn-north-4a")
        .vpc_id("674e9b42-cd8d-4d25-a2e6-5abcc565b961")
        .subnet_id("f1df08c5-71d1-406a-aff0-de435a51007")
        .security_group_id("7aa51dbf-5b63-40db-9724-dad3c4828b58")
        .password("Test@123456")
        .mode("Cluster")
        .flavor(vec![Flavor::new("3", "500", "ULTRAHIGH", "geminidb.cassandra.4xlarge.4")])
        .restore_info(info)
}

async fn taurusdb(emulator: &Emulator, client: &hwcloud::Client) -> Result<()> {
    let db = client.taurusdb();
    let instance = emulator.taurusdb_instance_id();
    println!("\nTaurusDB, instance {instance}");
    let policy = MysqlBackupPolicy::new("21:00-22:00", 14, "1,3,5");
    db.update_backup_policy().instance_id(instance).backup_policy(policy).send().await?;
    let shown = db.show_backup_policy().instance_id(instance).send().await?;
    if let Some(policy) = shown.backup_policy {
        let (window, days) = (policy.start_time.unwrap_or_default(), policy.period.unwrap_or_default());
        println!("  policy: kept {} days, window {window}, days {days}", policy.keep_days.unwrap_or(0));
    }
    write(emulator, "taurusdb", instance, "shop.orders", &["order 1", "order 2"]).await?;
    println!("  backing up");
    let create = db.create_backup().instance_id(instance).name("backup-demo").description("lifecycle example");
    let (created, _) = create.send_and_wait(&wait_options(), progress).await?;
    let backup_id = created.backup.and_then(|b| b.id).unwrap_or_default();
    let range = db.show_restore_time().instance_id(instance).send().await?;
    let since = range.restore_times().first().and_then(|r| r.start_time).unwrap_or_default();
    println!("  restorable from {since} (the backup) until now");
    write(emulator, "taurusdb", instance, "shop.orders", &["order 1", "order 2", "order 3 (not wanted)"]).await?;

    println!("  restoring in place to the backup's point in time");
    let in_place = db.restore_instance().source_instance_id(instance).target_instance_id(instance);
    let to_time = in_place.clone().r#type("timestamp").restore_time(since);
    to_time.send_and_wait(&wait_options(), progress).await?;
    show(emulator, "taurusdb", instance, "shop.orders", "the data is back").await?;
    match in_place.r#type("timestamp").restore_time(since - 60_000).send().await {
        Err(error) => refused("a point a minute before the first backup", &error),
        Ok(_) => println!("    unexpected: a time outside the range was accepted"),
    }

    println!("  restoring the backup to a new instance");
    let point = MysqlRestorePoint::new(instance).with_type("backup").with_backup_id(&backup_id);
    let create = db
        .create_instance()
        .region("cn-north-4")
        .name("restored-taurus")
        .datastore(MysqlDatastoreInReq::new("gaussdb-mysql", "8.0.22"))
        .mode("Cluster")
        .flavor_ref("gaussdb.mysql.xlarge.arm.4")
        .vpc_id("3cedfc54-b105-4652-a4e0-847b11576b58")
        .subnet_id("c1cfa53c-65d3-431e-8552-326bf310c7ad")
        .charge_info(MysqlChargeInfo::new("postPaid"))
        .password("Test@123456")
        .backup_strategy(MysqlBackupStrategy::new("08:00-09:00"))
        .availability_zone_mode("single")
        .slave_count(1)
        .restore_point(point);
    let (created, _) = create.send_and_wait(&wait_options(), progress).await?;
    let new_id = created.instance.and_then(|i| i.id).unwrap_or_default();
    show(emulator, "taurusdb", &new_id, "shop.orders", &format!("instance {new_id}: the data is back")).await?;
    db.delete_backup().backup_id(&backup_id).send().await?;
    Ok(())
}
