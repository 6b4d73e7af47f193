//! GES end to end through the generated client: every operation, job waiting, paging and documented errors.

mod common;

use common::{client, emulator, fast_wait, service_error};
use futures::TryStreamExt;
use hwcloud::ges::types::{GraphBackupMethod, GraphBackupStatus};
use hwcloud::ges::{list_backups, list_graph_backups};

#[tokio::test]
async fn backup_lifecycle_create_wait_import_export_list_delete() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();

    let created = ges.create_backup().graph_id(graph).send().await.unwrap();
    assert_eq!(created.http_status(), 200);
    assert!(created.request_id().is_some_and(|id| !id.is_empty()));
    let (job_id, backup_id) = (created.job_id.unwrap(), created.backup_id.unwrap());

    let early = ges.show_job().graph_id(graph).job_id(&job_id).send().await.unwrap();
    let early_status = early.status.unwrap().to_string();
    assert!(["pending", "running"].contains(&early_status.as_str()), "{early_status}");
    let listed = ges.list_graph_backups().graph_id(graph).send().await.unwrap();
    assert_eq!(listed.backup_list.unwrap()[0].status, Some(GraphBackupStatus::BackingUp));

    let mut seen = Vec::new();
    let done = ges
        .show_job()
        .graph_id(graph)
        .wait_for(&job_id, &fast_wait(), |p| {
            if p.status_changed {
                seen.push(p.status.to_owned())
            }
        })
        .await;
    let done = done.unwrap();
    assert_eq!(done.status.unwrap().to_string(), "success");
    assert_eq!(done.job_id.as_deref(), Some(job_id.as_str()));
    assert!(done.end_time.is_some() && done.begin_time.is_some());
    assert_eq!(seen.last().map(String::as_str), Some("success"));
    assert!(seen.len() >= 2, "progress reported before the end: {seen:?}");

    let listed = ges.list_graph_backups().graph_id(graph).send().await.unwrap();
    let backup = &listed.backup_list.unwrap()[0];
    assert_eq!(backup.id.as_deref(), Some(backup_id.as_str()));
    assert_eq!(backup.status, Some(GraphBackupStatus::Success));
    assert_eq!(backup.backup_method, Some(GraphBackupMethod::Manual));
    assert!(backup.end_time.is_some() && backup.end_timestamp.is_some());

    let (imported, job) = ges
        .import_backup()
        .graph_id(graph)
        .import_path("obs://bucket/backups/demo_20210101")
        .send_and_wait(&fast_wait(), |_| {})
        .await
        .unwrap();
    assert!(imported.job_id.is_some());
    assert_eq!(job.status.unwrap().to_string(), "success");
    let (_, exported) = ges
        .export_backup()
        .graph_id(graph)
        .backup_id(&backup_id)
        .export_path("obs://bucket/exports/")
        .send_and_wait(&fast_wait(), |_| {})
        .await
        .unwrap();
    assert_eq!(exported.job_name.as_deref(), Some("ExportBackup"));

    let all = ges.list_backups().send().await.unwrap();
    assert_eq!(all.backup_count, Some(2));
    let names: Vec<_> =
        all.backup_list.unwrap().into_iter().map(|b| (b.name.unwrap(), b.backup_method.unwrap())).collect();
    assert!(names.contains(&("demo_20210101".to_owned(), GraphBackupMethod::Import)), "{names:?}");

    let deleted = ges.delete_backup().graph_id(graph).backup_id(&backup_id).send().await.unwrap();
    assert_eq!(deleted.http_status(), 200);
    let again = service_error(ges.delete_backup().graph_id(graph).backup_id(&backup_id).send().await);
    assert_eq!((again.status, again.code.as_deref()), (400, Some("GES.7024")));
    assert_eq!(ges.list_graph_backups().graph_id(graph).send().await.unwrap().backup_count, Some(1));
}

#[tokio::test]
async fn missing_resources_answer_the_documented_codes() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();

    let e = service_error(ges.create_backup().graph_id("no-such-graph").send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("GES.7000")));
    assert!(e.request_id.is_some());
    let e = service_error(ges.show_job().graph_id(graph).job_id("ff808081646e81d40164c5fb414b2b1a").send().await);
    assert_eq!(e.code.as_deref(), Some("GES.8301"));
    let e = service_error(ges.export_backup().graph_id(graph).backup_id("nope").export_path("obs://b/x").send().await);
    assert_eq!(e.code.as_deref(), Some("GES.7024"));
    let e = service_error(
        ges.list_graph_backups().graph_id(graph).project_id("ffffffffffffffffffffffffffffffff").send().await,
    );
    assert_eq!(e.code.as_deref(), Some("GES.0016"));
}

#[tokio::test]
async fn failing_jobs_fail_with_the_documented_status_and_backups_show_failed() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();

    emu.fail_next_jobs(1);
    let err = ges.create_backup().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap_err();
    match err {
        hwcloud::Error::JobFailed { status, reason, .. } => {
            assert_eq!(status, "failed");
            assert!(reason.is_some_and(|r| r.contains("Injected")));
        }
        other => panic!("expected JobFailed, got {other:?}"),
    }
    let listed = ges.list_graph_backups().graph_id(graph).send().await.unwrap();
    assert_eq!(listed.backup_list.unwrap()[0].status, Some(GraphBackupStatus::Failed));
    let import = ges.import_backup().graph_id(graph).import_path("obs://b/fail-me");
    assert!(matches!(import.send_and_wait(&fast_wait(), |_| {}).await, Err(hwcloud::Error::JobFailed { .. })));
    // The next job succeeds again.
    let (_, job) = ges.create_backup().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(job.status.unwrap().to_string(), "success");
}

#[tokio::test]
async fn paging_uses_item_offsets_with_documented_defaults_and_the_generated_pager_walks_it() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(ges.create_backup().graph_id(graph).send().await.unwrap().backup_id.unwrap());
    }
    let ids_of = |list: Option<Vec<hwcloud::ges::types::GraphBackup>>| -> Vec<String> {
        list.unwrap().into_iter().map(|b| b.id.unwrap()).collect()
    };

    let first = ges.list_graph_backups().graph_id(graph).send().await.unwrap();
    assert_eq!(first.backup_count, Some(12));
    assert_eq!(ids_of(first.backup_list), ids[..10], "default offset 0, limit 10");
    let rest = ges.list_graph_backups().graph_id(graph).offset(10).send().await.unwrap();
    assert_eq!(ids_of(rest.backup_list), ids[10..]);
    let middle = ges.list_backups().offset(3).limit(4).send().await.unwrap();
    assert_eq!(ids_of(middle.backup_list), ids[3..7]);

    let before = emu.requests(&list_graph_backups::OPERATION);
    let walked: Vec<_> = ges.list_graph_backups().graph_id(graph).limit(5).into_items().try_collect().await.unwrap();
    assert_eq!(walked.into_iter().map(|b| b.id.unwrap()).collect::<Vec<_>>(), ids);
    assert_eq!(emu.requests(&list_graph_backups::OPERATION) - before, 3, "pages of 5, 5 and 2");
    let all: Vec<_> = ges.list_backups().limit(7).into_items().try_collect().await.unwrap();
    assert_eq!(all.len(), 12);
    assert_eq!(emu.requests(&list_backups::OPERATION), 3);
}
