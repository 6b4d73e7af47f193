//! GeminiDB end to end through the generated client: backups, the task list as job waiter, page-number paging.

mod common;

use common::{client, emulator, fast_wait, service_error};
use futures::TryStreamExt;
use hwcloud::geminidb::list_backups;
use hwcloud::geminidb::types::{BackupStatus, JobDetailStatus};

#[tokio::test]
async fn backup_lifecycle_create_wait_list_delete() {
    let emu = emulator().await;
    let db = client(&emu).geminidb();
    let instance = emu.geminidb_instance_id();

    let created = db.create_backup().instance_id(instance).name("backup-4f57").description("manual backup").send();
    let created = created.await.unwrap();
    assert_eq!(created.http_status(), 202);
    let (job_id, backup_id) = (created.job_id.unwrap(), created.backup_id.unwrap());
    assert!(backup_id.ends_with("br06"), "{backup_id}");

    let running = db.list_jobs().id(&job_id).send().await.unwrap();
    assert_eq!(running.total_count, Some(1));
    let job = &running.jobs.unwrap()[0];
    assert_eq!(job.status, Some(JobDetailStatus::Running));
    assert_eq!(job.name.as_deref(), Some("BackupInstance"));
    assert_eq!(job.instance.as_ref().and_then(|i| i.id.as_deref()), Some(instance));
    let listed = db.list_backups().offset(1).limit(10).send().await.unwrap();
    assert_eq!(listed.backups.unwrap()[0].status, Some(BackupStatus::Building));

    let mut seen = Vec::new();
    let done = db
        .list_jobs()
        .wait_for(&job_id, &fast_wait(), |p| {
            if p.status_changed {
                seen.push(p.status.to_owned())
            }
        })
        .await
        .unwrap();
    assert_eq!(done.jobs.unwrap()[0].status, Some(JobDetailStatus::Completed));
    assert_eq!(seen, ["Running", "Completed"]);

    let listed = db.list_backups().offset(1).limit(10).instance_id(instance).send().await.unwrap();
    assert_eq!(listed.total_count, Some(1));
    let backup = &listed.backups.unwrap()[0];
    assert_eq!(
        (backup.id.as_deref(), backup.status.clone()),
        (Some(backup_id.as_str()), Some(BackupStatus::Completed))
    );
    assert_eq!(backup.description.as_deref(), Some("manual backup"));
    assert!(backup.end_time.is_some() && backup.size.is_some());

    let (deleted, job) = db.delete_backup().backup_id(&backup_id).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(deleted.http_status(), 202);
    assert_eq!(job.jobs.unwrap()[0].status, Some(JobDetailStatus::Completed));
    assert_eq!(db.list_backups().offset(1).limit(10).send().await.unwrap().total_count, Some(0));
    let e = service_error(db.delete_backup().backup_id(&backup_id).send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.201214")));
}

#[tokio::test]
async fn documented_errors_for_missing_instances_and_duplicate_names() {
    let emu = emulator().await;
    let db = client(&emu).geminidb();
    let e = service_error(db.create_backup().instance_id("0000in06").name("backup-1").description("d").send().await);
    assert_eq!((e.status, e.code.as_deref()), (404, Some("DBS.200002")));
    let create = || db.create_backup().instance_id(emu.geminidb_instance_id()).name("backup-1").description("d");
    create().send().await.unwrap();
    let e = service_error(create().send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.201201")));
}

#[tokio::test]
async fn named_failures_end_the_job_failed() {
    let emu = emulator().await;
    let db = client(&emu).geminidb();
    let create = db.create_backup().instance_id(emu.geminidb_instance_id()).name("backup-fail").description("x");
    match create.send_and_wait(&fast_wait(), |_| {}).await {
        Err(hwcloud::Error::JobFailed { status, reason, .. }) => {
            assert_eq!(status, "Failed");
            assert!(reason.is_some_and(|r| r.contains("fail")));
        }
        other => panic!("expected JobFailed, got {other:?}"),
    }
    let listed = db.list_backups().offset(1).limit(10).send().await.unwrap();
    assert_eq!(listed.backups.unwrap()[0].status, Some(BackupStatus::Failed));
    let failed = db.list_jobs().status("Failed").send().await.unwrap();
    assert_eq!(failed.total_count, Some(1));
}

#[tokio::test]
async fn list_backups_offset_is_a_page_number_and_list_jobs_offset_an_item_offset() {
    let emu = emulator().await;
    let db = client(&emu).geminidb();
    let mut ids = Vec::new();
    for n in 0..7 {
        let created =
            db.create_backup().instance_id(emu.geminidb_instance_id()).name(format!("backup-{n}")).description("");
        ids.push(created.send().await.unwrap().backup_id.unwrap());
    }
    let ids_of = |page: list_backups::ListBackupsOutput| -> Vec<String> {
        page.backups.unwrap().into_iter().map(|b| b.id.unwrap()).collect()
    };
    let second_page = db.list_backups().offset(2).limit(3).send().await.unwrap();
    assert_eq!(second_page.total_count, Some(7));
    assert_eq!(ids_of(second_page), ids[3..6]);
    assert_eq!(ids_of(db.list_backups().offset(3).limit(3).send().await.unwrap()), ids[6..]);

    let before = emu.requests(&list_backups::OPERATION);
    let walked: Vec<_> = db.list_backups().limit(3).into_items().try_collect().await.unwrap();
    assert_eq!(walked.into_iter().map(|b| b.id.unwrap()).collect::<Vec<_>>(), ids);
    assert_eq!(emu.requests(&list_backups::OPERATION) - before, 3);

    let jobs = db.list_jobs().send().await.unwrap();
    assert_eq!((jobs.total_count, jobs.jobs.unwrap().len()), (Some(7), 7), "default limit 50");
    let skipped = db.list_jobs().offset(5).limit(10).send().await.unwrap();
    assert_eq!(skipped.jobs.unwrap().len(), 2);
    let all_jobs: Vec<_> = db.list_jobs().limit(10).into_items().try_collect().await.unwrap();
    assert_eq!(all_jobs.len(), 7);
}

#[tokio::test]
async fn time_filters_bound_backups_and_jobs() {
    let emu = emulator().await;
    let db = client(&emu).geminidb();
    db.create_backup().instance_id(emu.geminidb_instance_id()).name("backup-1").description("").send().await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    let spaced = |t: time::OffsetDateTime| {
        t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).unwrap()
    };
    let hour = time::Duration::hours(1);
    let listed = db.list_backups().offset(1).limit(10).begin_time(spaced(now - hour)).end_time(spaced(now + hour));
    assert_eq!(listed.send().await.unwrap().total_count, Some(1));
    let later = db.list_backups().offset(1).limit(10).begin_time(spaced(now + hour)).send().await.unwrap();
    assert_eq!(later.total_count, Some(0));

    let offset = |t: time::OffsetDateTime| {
        t.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+0000")).unwrap()
    };
    let jobs = db.list_jobs().start_time(offset(now - hour)).end_time(offset(now + hour)).send().await.unwrap();
    assert_eq!(jobs.total_count, Some(1));
    let none = db.list_jobs().start_time(offset(now + hour)).send().await.unwrap();
    assert_eq!(none.total_count, Some(0));
    let e = service_error(db.list_jobs().start_time(offset(now)).end_time(offset(now - hour)).send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("DBS.200001")));
    let e = service_error(db.list_backups().offset(1).limit(10).begin_time("yesterday").send().await);
    assert_eq!(e.code.as_deref(), Some("DBS.200001"));
}
