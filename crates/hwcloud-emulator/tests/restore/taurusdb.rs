//! TaurusDB: restores in place or to another instance, to a new instance, table by table; the restorable range;
//! the automated backup policy.

use hwcloud::taurusdb::create_instance::CreateInstanceBuilder;
use hwcloud::taurusdb::types::{
    CreateRestoreDatabaseTableInfo, CreateRestoreTableInfo, JobStatus, MysqlBackupPolicy, MysqlBackupStrategy,
    MysqlChargeInfo, MysqlDatastoreInReq, MysqlRestorePoint,
};

use super::{emulator, rows, table};
use crate::common::{client, fast_wait, service_error};

/// A backup of `instance` after writing `orders`, then `changed` written: `(backup id, backup time)`.
async fn backed_up(
    emu: &hwcloud_emulator::Emulator,
    instance: &str,
    orders: &[&str],
    changed: &[&str],
) -> (String, i64) {
    let db = client(emu).taurusdb();
    emu.write_data("taurusdb", instance, table("shop.orders", orders)).await.unwrap();
    let create = db.create_backup().instance_id(instance).name("backup-1");
    let (created, _) = create.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    let range = db.show_restore_time().instance_id(instance).send().await.unwrap();
    let since = range.restore_times()[0].start_time.unwrap();
    emu.write_data("taurusdb", instance, table("shop.orders", changed)).await.unwrap();
    (created.backup.unwrap().id.unwrap(), since)
}

fn new_instance(client: &hwcloud::Client, point: MysqlRestorePoint) -> CreateInstanceBuilder<hwcloud::runtime::Client> {
    client
        .taurusdb()
        .create_instance()
        .region("cn-north-4")
        .name("restored-1")
        .datastore(MysqlDatastoreInReq::new("gaussdb-mysql", "8.0.22"))
        .mode("Cluster")
        .flavor_ref("gaussdb.mysql.xlarge.arm.4")
        .vpc_id("3cedfc54-b105-4652-a4e0-847b11576b58")
        .subnet_id("c1cfa53c-65d3-431e-8552-326bf310c7ad")
        .charge_info(MysqlChargeInfo::new("postPaid"))
        .password("Test@123456")
        .backup_strategy(MysqlBackupStrategy::new("08:00-09:00").with_keep_days("9"))
        .availability_zone_mode("single")
        .slave_count(1)
        .restore_point(point)
}

#[tokio::test]
async fn restoring_in_place_from_a_backup_and_to_a_point_in_time() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();
    let instance = emu.taurusdb_instance_id();
    let (backup_id, since) = backed_up(&emu, instance, &["order 1"], &["changed"]).await;

    let in_place = db.restore_instance().source_instance_id(instance).target_instance_id(instance);
    let from_backup = in_place.clone().r#type("backup").backup_id(&backup_id);
    let (started, job) = from_backup.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(started.http_status(), 200);
    assert_eq!(job.job.unwrap().status, Some(JobStatus::Completed));
    assert_eq!(rows(&emu, "taurusdb", instance, "shop.orders").await, (2, vec!["order 1".to_owned()]));

    emu.write_data("taurusdb", instance, table("shop.orders", &["changed again"])).await.unwrap();
    let to_time = in_place.clone().r#type("timestamp").restore_time(since);
    to_time.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(rows(&emu, "taurusdb", instance, "shop.orders").await.1, ["order 1"]);

    let e = service_error(in_place.clone().r#type("timestamp").restore_time(since - 1).send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.280271")), "outside the restorable range");
    let later = since + 3_600_000;
    let e = service_error(in_place.clone().r#type("timestamp").restore_time(later).send().await);
    assert_eq!(e.code.as_deref(), Some("DBS.280271"), "in the future");
    let e = service_error(in_place.r#type("backup").backup_id("ffffffffffffffffffffffffffffffffbr07").send().await);
    assert_eq!((e.status, e.code.as_deref()), (404, Some("DBS.201010")));
    assert!(hwcloud::Error::Service(e).is_not_found());
}

#[tokio::test]
async fn restoring_to_a_new_instance_from_a_backup_or_a_point_in_time() {
    let emu = emulator().await;
    let client = client(&emu);
    let instance = emu.taurusdb_instance_id();
    let (backup_id, since) = backed_up(&emu, instance, &["order 1", "order 2"], &["changed"]).await;

    let point = MysqlRestorePoint::new(instance).with_backup_id(&backup_id);
    let (created, job) = new_instance(&client, point).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(created.http_status(), 201);
    assert_eq!(job.job.unwrap().name.as_deref(), Some("RestoreGaussDBforMySQLNewInstance"));
    let created = created.instance.unwrap();
    assert_eq!(created.backup_strategy.unwrap().keep_days.as_deref(), Some("9"));
    let new_id = created.id.unwrap();
    assert_eq!(rows(&emu, "taurusdb", &new_id, "shop.orders").await.1, ["order 1", "order 2"]);

    let point = MysqlRestorePoint::new(instance).with_type("timestamp").with_restore_time(since);
    let (created, _) = new_instance(&client, point).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    let new_id = created.instance.unwrap().id.unwrap();
    assert_eq!(rows(&emu, "taurusdb", &new_id, "shop.orders").await.1, ["order 1", "order 2"]);

    let early = MysqlRestorePoint::new(instance).with_type("timestamp").with_restore_time(since - 60_000);
    let e = service_error(new_instance(&client, early).send().await);
    assert_eq!(e.code.as_deref(), Some("DBS.280271"));
    let unknown = MysqlRestorePoint::new("ffffffffffffffffffffffffffffffffin07").with_backup_id(&backup_id);
    let e = service_error(new_instance(&client, unknown).send().await);
    assert_eq!((e.status, e.code.as_deref()), (404, Some("DBS.200002")));
}

#[tokio::test]
async fn a_restore_in_progress_blocks_writes_and_another_restore() {
    let emu =
        hwcloud_emulator::Emulator::builder().job_duration(std::time::Duration::from_secs(5)).start().await.unwrap();
    let db = client(&emu).taurusdb();
    let instance = emu.taurusdb_instance_id();
    let backup_id = emu.fixture(&hwcloud::taurusdb::restore_instance::OPERATION, "backup_id").await.unwrap();
    let restore = db.restore_instance().source_instance_id(instance).target_instance_id(instance);
    let restore = restore.r#type("backup").backup_id(&backup_id);
    restore.clone().send().await.unwrap();
    let data = emu.data("taurusdb", instance).await.unwrap();
    assert!(data.restoring);
    let e = service_error(emu.write_data("taurusdb", instance, table("t.t", &["x"])).await);
    assert_eq!((e.status, e.code.as_deref()), (409, Some("DBS.200019")));
    let e = service_error(restore.send().await);
    assert_eq!(e.code.as_deref(), Some("DBS.200019"));
}

#[tokio::test]
async fn the_restorable_range_by_day_and_by_times() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();
    let instance = emu.taurusdb_instance_id();
    let none = db.show_restore_time().instance_id(instance).send().await.unwrap();
    assert!(none.restore_times().is_empty(), "nothing to restore before the first backup");
    let (_, since) = backed_up(&emu, instance, &["a"], &["b"]).await;

    let all = db.show_restore_time().instance_id(instance).send().await.unwrap();
    let range = &all.restore_times()[0];
    assert!(range.start_time == Some(since) && range.end_time >= Some(since));
    assert!(range.start_time_parsed().is_some());
    let today = range.start_time_parsed().unwrap().date().to_string();
    let by_day = db.show_restore_time().instance_id(instance).date(&today).send().await.unwrap();
    assert_eq!(by_day.restore_times()[0].start_time, Some(since));
    let old_day = db.show_restore_time().instance_id(instance).date("2020-01-01").send().await.unwrap();
    assert!(old_day.restore_times().is_empty());
    let window = db.show_restore_time().instance_id(instance).start_time("0").end_time((since + 1).to_string());
    let window = window.send().await.unwrap();
    assert_eq!(window.restore_times()[0].end_time, Some(since + 1));
}

#[tokio::test]
async fn tables_restored_as_they_were_under_new_names() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();
    let instance = emu.taurusdb_instance_id();
    let (_, since) = backed_up(&emu, instance, &["order 1"], &["dropped by mistake"]).await;

    let listed = db.list_restorable_tables().instance_id(instance).restore_time(since.to_string());
    let listed = listed.last_table_info("false").database_name("SHOP").send().await.unwrap();
    assert_eq!(listed.total_databases, Some(1));
    let shop = &listed.databases()[0];
    assert_eq!((shop.name.as_deref(), shop.total_tables), (Some("shop"), Some(1)));
    assert_eq!(shop.tables()[0].name.as_deref(), Some("orders"));

    let tables = vec![CreateRestoreTableInfo::new("orders", "orders_restored")];
    let restore = db
        .restore_tables()
        .instance_id(instance)
        .restore_time(since.to_string())
        .restore_tables(vec![CreateRestoreDatabaseTableInfo::new("shop", tables)]);
    restore.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(rows(&emu, "taurusdb", instance, "shop.orders_restored").await.1, ["order 1"]);
    assert_eq!(rows(&emu, "taurusdb", instance, "shop.orders").await.1, ["dropped by mistake"], "the table stays");

    let missing = vec![CreateRestoreDatabaseTableInfo::new("shop", vec![CreateRestoreTableInfo::new("nope", "x")])];
    let restore = db.restore_tables().instance_id(instance).restore_time(since.to_string()).restore_tables(missing);
    let e = service_error(restore.send().await);
    assert_eq!(e.code.as_deref(), Some("DBS.280204"));
}

#[tokio::test]
async fn the_policy_is_stored_and_returned() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();
    let instance = emu.taurusdb_instance_id();
    let shown = db.show_backup_policy().instance_id(instance).send().await.unwrap().backup_policy.unwrap();
    assert_eq!(shown.keep_days, Some(7));
    let policy = MysqlBackupPolicy::new("23:00-00:00", 30, "1,2,3,4,5");
    let updated = db.update_backup_policy().instance_id(instance).backup_policy(policy).send().await.unwrap();
    assert_eq!(updated.status.map(|s| s.to_string()).as_deref(), Some("COMPLETED"));
    assert_eq!(updated.instance_id.as_deref(), Some(instance));
    let shown = db.show_backup_policy().instance_id(instance).send().await.unwrap().backup_policy.unwrap();
    assert_eq!(
        (shown.keep_days, shown.start_time.as_deref(), shown.period.as_deref()),
        (Some(30), Some("23:00-00:00"), Some("1,2,3,4,5"))
    );
}
