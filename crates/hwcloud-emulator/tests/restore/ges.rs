//! GES: a graph is restored by stopping it and starting it from a backup.

use hwcloud::ges::types::ShowJobOutputStatus;

use super::{emulator, rows, table};
use crate::common::{client, fast_wait, service_error};

#[tokio::test]
async fn stop_then_start_from_a_backup_brings_the_data_back() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();
    emu.write_data("ges", graph, table("graph.vertices", &["alice", "bob"])).await.unwrap();
    let (created, _) = ges.create_backup().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    let backup_id = created.backup_id.unwrap();
    emu.write_data("ges", graph, table("graph.vertices", &["mallory"])).await.unwrap();
    assert_eq!(rows(&emu, "ges", graph, "graph.vertices").await, (3, vec!["mallory".to_owned()]));

    let e = service_error(ges.start_graph().graph_id(graph).graph_backup_id(&backup_id).send().await);
    assert_eq!((e.status, e.code.as_deref()), (400, Some("GES.7015")), "a running graph cannot be started");

    let (stopped, job) = ges.stop_graph().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert!(stopped.job_id.is_some());
    assert_eq!((job.status, job.job_name.as_deref()), (Some(ShowJobOutputStatus::Success), Some("StopGraph")));
    let e = service_error(emu.write_data("ges", graph, table("graph.vertices", &["x"])).await);
    assert_eq!(e.code.as_deref(), Some("GES.7001"), "a stopped graph takes no writes");
    let e = service_error(ges.create_backup().graph_id(graph).send().await);
    assert_eq!(e.code.as_deref(), Some("GES.7003"), "nor backups");
    let e = service_error(ges.stop_graph().graph_id(graph).send().await);
    assert_eq!(e.code.as_deref(), Some("GES.7001"), "a stopped graph cannot be stopped again");

    let mut seen = Vec::new();
    let start = ges.start_graph().graph_id(graph).graph_backup_id(&backup_id);
    let (_, job) = start.send_and_wait(&fast_wait(), |p| seen.push(p.status.to_owned())).await.unwrap();
    assert_eq!(job.job_name.as_deref(), Some("StartGraph"));
    assert_eq!(seen.last().map(String::as_str), Some("success"), "{seen:?}");
    let expected = (2, vec!["alice".to_owned(), "bob".to_owned()]);
    assert_eq!(rows(&emu, "ges", graph, "graph.vertices").await, expected, "the backup's data, version included");
    emu.write_data("ges", graph, table("graph.vertices", &["carol"])).await.expect("running again");
}

#[tokio::test]
async fn starting_without_a_backup_resumes_the_data_as_stopped() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();
    emu.write_data("ges", graph, table("graph.vertices", &["kept"])).await.unwrap();
    ges.stop_graph().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    ges.start_graph().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    assert_eq!(rows(&emu, "ges", graph, "graph.vertices").await, (2, vec!["kept".to_owned()]));
}

#[tokio::test]
async fn starting_from_a_backup_of_nothing_usable_is_refused() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();
    ges.stop_graph().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    let e = service_error(ges.start_graph().graph_id(graph).graph_backup_id("no-such-backup").send().await);
    assert_eq!(e.code.as_deref(), Some("GES.7024"));
    let e = service_error(ges.start_graph().graph_id("no-such-graph").send().await);
    assert_eq!(e.code.as_deref(), Some("GES.7000"));
    assert!(hwcloud::Error::Service(e).is_not_found());

    emu.fail_next_jobs(1);
    let start = ges.start_graph().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await;
    assert!(matches!(start, Err(hwcloud::Error::JobFailed { .. })), "{start:?}");
    let e = service_error(ges.stop_graph().graph_id(graph).send().await);
    assert_eq!(e.code.as_deref(), Some("GES.7001"), "a failed start leaves the graph stopped");
}
