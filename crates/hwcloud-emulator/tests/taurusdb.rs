//! TaurusDB end to end through the generated client: backups, the task-center waiter, offset/limit paging.

mod common;

use common::{client, emulator, fast_wait, service_error};
use futures::TryStreamExt;
use hwcloud::taurusdb::types::{BackupStatus, JobStatus};

#[tokio::test]
async fn backup_lifecycle_create_wait_list_delete() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();
    let instance = emu.taurusdb_instance_id();

    let created =
        db.create_backup().instance_id(instance).name("backup-1").description("Manual backup").x_language("en-us");
    let created = created.send().await.unwrap();
    assert_eq!(created.http_status(), 201);
    let backup = created.backup.unwrap();
    assert_eq!(backup.status, Some(BackupStatus::Building));
    assert_eq!(backup.instance_id.as_deref(), Some(instance));
    let (backup_id, job_id) = (backup.id.unwrap(), created.job_id.unwrap());
    assert!(backup_id.len() == 36 && backup_id.ends_with("br07"));

    let e = service_error(db.delete_backup().backup_id(&backup_id).send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.201208")), "still building");

    let mut seen = Vec::new();
    let done = db
        .show_job()
        .wait_for(&job_id, &fast_wait(), |p| {
            if p.status_changed {
                seen.push(p.status.to_owned())
            }
        })
        .await
        .unwrap();
    let job = done.job.unwrap();
    assert_eq!(job.status, Some(JobStatus::Completed));
    assert_eq!(job.instance.and_then(|i| i.id).as_deref(), Some(instance));
    assert_eq!(seen.last().map(String::as_str), Some("Completed"));
    assert!(seen.len() >= 2, "{seen:?}");

    let listed = db.list_backups().instance_id(instance).send().await.unwrap();
    assert_eq!(listed.total_count, Some(1));
    let full = &listed.backups.unwrap()[0];
    assert_eq!((full.id.as_deref(), full.status.clone()), (Some(backup_id.as_str()), Some(BackupStatus::Completed)));
    assert!(full.end_time.is_some() && full.size.is_some() && full.datastore.is_some());

    let deleted = db.delete_backup().backup_id(&backup_id).send().await.unwrap();
    assert_eq!(
        (deleted.backup_id.as_deref(), deleted.backup_name.as_deref()),
        (Some(backup_id.as_str()), Some("backup-1"))
    );
    let e = service_error(db.delete_backup().backup_id(&backup_id).send().await);
    assert_eq!((e.status, e.code.as_deref()), (404, Some("DBS.201010")));
}

#[tokio::test]
async fn documented_errors_and_failing_jobs() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();
    let unknown = "ffffffffffffffffffffffffffffffffin07";
    let e = service_error(db.create_backup().instance_id(unknown).name("backup-1").send().await);
    assert_eq!((e.status, e.code.as_deref()), (404, Some("DBS.200002")));
    let e = service_error(db.show_job().id("a9767ede-fe0f-4888-9003-e843a4c90514").send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.200543")));

    emu.fail_next_jobs(1);
    let create = db.create_backup().instance_id(emu.taurusdb_instance_id()).name("backup-2");
    match create.send_and_wait(&fast_wait(), |_| {}).await {
        Err(hwcloud::Error::JobFailed { status, .. }) => assert_eq!(status, "Failed"),
        other => panic!("expected JobFailed, got {other:?}"),
    }
    let listed = db.list_backups().send().await.unwrap();
    assert_eq!(listed.backups.unwrap()[0].status, Some(BackupStatus::Failed));
}

#[tokio::test]
async fn paging_with_item_offsets_and_default_limit() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();
    let mut ids = Vec::new();
    for n in 0..5 {
        let created = db.create_backup().instance_id(emu.taurusdb_instance_id()).name(format!("backup-{n}"));
        ids.push(created.send().await.unwrap().backup.unwrap().id.unwrap());
    }
    let page = db.list_backups().offset(1).limit(2).send().await.unwrap();
    assert_eq!(page.total_count, Some(5));
    assert_eq!(page.backups.unwrap().into_iter().map(|b| b.id.unwrap()).collect::<Vec<_>>(), ids[1..3]);
    assert_eq!(db.list_backups().send().await.unwrap().backups.unwrap().len(), 5, "default limit 100");
    let by_name = db.list_backups().name("backup-3").send().await.unwrap();
    assert_eq!(by_name.backups.unwrap()[0].id.as_deref(), Some(ids[3].as_str()));
    let walked: Vec<_> = db.list_backups().limit(2).into_items().try_collect().await.unwrap();
    assert_eq!(walked.into_iter().map(|b| b.id.unwrap()).collect::<Vec<_>>(), ids);
}
