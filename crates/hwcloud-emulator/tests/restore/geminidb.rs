//! GeminiDB: restores to a new instance, from a backup or at a restorable point; the automated backup policy.

use hwcloud::geminidb::create_instance::CreateInstanceBuilder;
use hwcloud::geminidb::types::{BackupPolicy, Flavor, InstanceDatastore, JobDetailStatus, RestoreInfo};
use hwcloud::prelude::*;

use super::{emulator, rows, table};
use crate::common::{client, fast_wait, service_error};

fn new_instance(client: &hwcloud::Client, info: RestoreInfo) -> CreateInstanceBuilder<hwcloud::runtime::Client> {
    client
        .geminidb()
        .create_instance()
        .name("restored-01")
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

#[tokio::test]
async fn a_backup_restored_to_a_new_instance_brings_the_data_back() {
    let emu = emulator().await;
    let client = client(&emu);
    let db = client.geminidb();
    let instance = emu.geminidb_instance_id();
    emu.write_data("geminidb", instance, table("shop.orders", &["order 1"])).await.unwrap();
    let create = db.create_backup().instance_id(instance).name("backup-1").description("before the change");
    let (created, _) = create.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    let backup_id = created.backup_id.unwrap();
    emu.write_data("geminidb", instance, table("shop.orders", &["changed"])).await.unwrap();

    let info = RestoreInfo::new().with_backup_id(&backup_id);
    let (restored, job) = new_instance(&client, info).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(restored.http_status(), 202);
    assert_eq!(restored.status.as_deref(), Some("creating"));
    let job = job.jobs.unwrap().remove(0);
    assert_eq!((job.name.as_deref(), job.status), (Some("RestoreNewInstance"), Some(JobDetailStatus::Completed)));
    let new_id = restored.id.unwrap();
    assert!(new_id.ends_with("in06") && new_id.len() == 36, "{new_id}");
    assert_eq!(rows(&emu, "geminidb", &new_id, "shop.orders").await, (2, vec!["order 1".to_owned()]));
    assert_eq!(rows(&emu, "geminidb", instance, "shop.orders").await.1, ["changed"], "the source is untouched");

    let e = service_error(new_instance(&client, RestoreInfo::new().with_backup_id("nothing")).send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.201214")));
}

#[tokio::test]
async fn a_point_in_time_restore_needs_a_restorable_point() {
    let emu = emulator().await;
    let client = client(&emu);
    let db = client.geminidb();
    let instance = emu.geminidb_instance_id();
    let none = db.list_restore_times().instance_id(instance).send().await.unwrap();
    assert_eq!((none.total_count, none.restorable_time_periods().len()), (Some(0), 0), "no backup, no point");

    emu.write_data("geminidb", instance, table("shop.orders", &["first"])).await.unwrap();
    let first = db.create_backup().instance_id(instance).name("backup-1").description("first");
    first.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    emu.write_data("geminidb", instance, table("shop.orders", &["second"])).await.unwrap();
    let second = db.create_backup().instance_id(instance).name("backup-2").description("second");
    second.send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    emu.write_data("geminidb", instance, table("shop.orders", &["third"])).await.unwrap();

    let points: Vec<i64> = db
        .list_restore_times()
        .instance_id(instance)
        .limit(1)
        .into_items()
        .map_ok(|p| {
            assert_eq!(p.start_time, p.end_time, "documented: the periods are points");
            p.start_time.unwrap()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(points.len(), 2, "one page per point: {points:?}");
    let later = "2099-01-01T00:00:00+0800";
    let empty = db.list_restore_times().instance_id(instance).start_time(later).send().await.unwrap();
    assert_eq!(empty.total_count, Some(0));

    let at_first = RestoreInfo::new().with_source_instance_id(instance).with_restore_time(points[0]);
    let (restored, _) = new_instance(&client, at_first).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(rows(&emu, "geminidb", &restored.id.unwrap(), "shop.orders").await.1, ["first"]);

    let outside = RestoreInfo::new().with_source_instance_id(instance).with_restore_time(points[0] - 1);
    let e = service_error(new_instance(&client, outside).send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.301024")), "{e:?}");
    assert!(hwcloud::Error::Service(e).solution().is_some_and(|s| s.contains("restoration information")));
}

#[tokio::test]
async fn the_policy_is_stored_returned_and_disabled_with_zero_days() {
    let emu = emulator().await;
    let db = client(&emu).geminidb();
    let instance = emu.geminidb_instance_id();
    let default = db.show_backup_policy().instance_id(instance).send().await.unwrap().backup_policy.unwrap();
    assert_eq!((default.keep_days, default.start_time.as_deref()), (Some(7), Some("00:00-01:00")));

    let policy = BackupPolicy::new(7).with_start_time("23:45-00:45").with_period("1,3,5");
    let set = db.set_backup_policy().instance_id(instance).backup_policy(policy).send().await.unwrap();
    assert_eq!(set.http_status(), 204, "No Content, as documented");
    let shown = db.show_backup_policy().instance_id(instance).r#type("Instance").send().await.unwrap();
    let shown = shown.backup_policy.unwrap();
    assert_eq!(
        (shown.keep_days, shown.start_time.as_deref(), shown.period.as_deref()),
        (Some(7), Some("23:45-00:45"), Some("1,3,5"))
    );
    let v3 = db.show_backup_policy_v3().instance_id(instance).send().await.unwrap();
    assert_eq!(v3.http_status(), 202, "the historical API answers 202, as its page says");
    assert_eq!(v3.backup_policy.unwrap().period.as_deref(), Some("1,3,5"));

    let off = BackupPolicy::new(0);
    db.set_backup_policy().instance_id(instance).backup_policy(off).send().await.unwrap();
    let shown = db.show_backup_policy().instance_id(instance).send().await.unwrap().backup_policy.unwrap();
    assert_eq!((shown.keep_days, shown.start_time, shown.period), (Some(0), None, None));

    let short = BackupPolicy::new(3).with_start_time("01:00-02:00").with_period("1,2");
    let e = service_error(db.set_backup_policy().instance_id(instance).backup_policy(short).send().await);
    assert_eq!(e.code.as_deref(), Some("DBS.201101"), "1 to 6 days need every day of the week");
    let unknown = "ffffffffffffffffffffffffffffffffin06";
    let e = service_error(db.show_backup_policy().instance_id(unknown).send().await);
    assert_eq!((e.status, e.code.as_deref()), (404, Some("DBS.200002")));
}
