//! The generated pager and job waiter against real HTTP servers on 127.0.0.1: listings of 0, 1, exactly one page
//! and many pages; a server that ignores `offset`; page-number paging; jobs that succeed, fail or never finish.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::Json;
use futures::TryStreamExt;
use hwcloud::runtime::waiter::WaitOptions;
use hwcloud::runtime::{Credentials, RetryConfig};
use hwcloud::{Client, Error};
use serde_json::{json, Value};

/// A GES-like backup listing of `total` items.
#[derive(Clone)]
struct Listing {
    total: usize,
    ignore_offset: bool,
    report_total: bool,
    requests: Arc<AtomicUsize>,
}

async fn list_graph_backups(State(l): State<Listing>, Query(q): Query<HashMap<String, String>>) -> Json<Value> {
    l.requests.fetch_add(1, Ordering::SeqCst);
    let offset: usize = if l.ignore_offset { 0 } else { q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0) };
    let limit: usize = q.get("limit").and_then(|v| v.parse().ok()).unwrap_or(10);
    let items: Vec<Value> = (offset..l.total.min(offset + limit))
        .map(|i| json!({"id": format!("b-{i}"), "name": format!("backup-{i}"), "status": "success"}))
        .collect();
    let mut body = json!({ "backup_list": items });
    if l.report_total {
        body["backup_count"] = json!(l.total);
    }
    Json(body)
}

/// A GeminiDB-like listing whose `offset` is a 1-based page number.
async fn list_geminidb_backups(State(l): State<Listing>, Query(q): Query<HashMap<String, String>>) -> Json<Value> {
    l.requests.fetch_add(1, Ordering::SeqCst);
    let page: usize = q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(1);
    let limit: usize = q.get("limit").and_then(|v| v.parse().ok()).unwrap_or(10);
    let start = (page.saturating_sub(1)) * limit;
    let items: Vec<Value> = (start..l.total.min(start + limit)).map(|i| json!({"id": format!("g-{i}")})).collect();
    Json(json!({ "backups": items, "total_count": l.total }))
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    url
}

fn client(service: &str, url: &str) -> Client {
    Client::builder()
        .credentials(Credentials::token("t"))
        .project_id("0123456789abcdef0123456789abcdef")
        .endpoint(service, url)
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

async fn listing(total: usize, ignore_offset: bool, report_total: bool) -> (Client, Arc<AtomicUsize>) {
    let requests = Arc::new(AtomicUsize::new(0));
    let state = Listing { total, ignore_offset, report_total, requests: requests.clone() };
    let app = axum::Router::new()
        .route("/v2/{project}/graphs/{graph}/backups", axum::routing::get(list_graph_backups))
        .with_state(state);
    (client("ges", &serve(app).await), requests)
}

async fn collect_ids(client: &Client, limit: i32) -> Result<Vec<String>, Error> {
    let items: Vec<_> =
        client.ges().list_graph_backups().graph_id("g-1").limit(limit).into_items().try_collect().await?;
    Ok(items.into_iter().map(|b| b.id.unwrap_or_default()).collect())
}

#[tokio::test]
async fn pager_walks_listings_of_every_size() {
    // (items on the server, page size, expected requests)
    for (total, limit, requests_expected) in [(0, 10, 1), (1, 10, 1), (10, 10, 1), (25, 10, 3), (100, 7, 15)] {
        let (client, requests) = listing(total, false, true).await;
        let ids = collect_ids(&client, limit).await.expect("listing walks");
        let expected: Vec<String> = (0..total).map(|i| format!("b-{i}")).collect();
        assert_eq!(ids, expected, "total {total}, limit {limit}");
        assert_eq!(requests.load(Ordering::SeqCst), requests_expected, "total {total}, limit {limit}");
    }
}

#[tokio::test]
async fn pager_without_total_stops_at_a_short_or_empty_page() {
    for (total, requests_expected) in [(0, 1), (20, 3), (25, 3)] {
        let (client, requests) = listing(total, false, false).await;
        let ids = collect_ids(&client, 10).await.expect("listing walks");
        assert_eq!(ids.len(), total);
        assert_eq!(requests.load(Ordering::SeqCst), requests_expected, "total {total}");
    }
}

#[tokio::test]
async fn pager_is_lazy() {
    let (client, requests) = listing(50, false, true).await;
    let mut pages = client.ges().list_graph_backups().graph_id("g-1").limit(10).into_pages();
    assert_eq!(requests.load(Ordering::SeqCst), 0, "nothing is fetched before polling");
    let first = pages.try_next().await.expect("first page").expect("a page");
    assert_eq!(first.backup_list.map(|l| l.len()), Some(10));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn pager_stops_on_a_server_that_ignores_offset() {
    for report_total in [true, false] {
        let (client, requests) = listing(25, true, report_total).await;
        let result = tokio::time::timeout(Duration::from_secs(10), collect_ids(&client, 10)).await.expect("ends");
        match result {
            Err(Error::Paging { operation, .. }) => assert_eq!(operation.name, "list_graph_backups"),
            other => panic!("expected a paging error, got {other:?}"),
        }
        assert!(requests.load(Ordering::SeqCst) <= 4, "stopped early (total reported: {report_total})");
    }
}

#[tokio::test]
async fn page_number_listings_advance_by_one_page() {
    let requests = Arc::new(AtomicUsize::new(0));
    let state = Listing { total: 23, ignore_offset: false, report_total: true, requests: requests.clone() };
    let app =
        axum::Router::new().route("/v3/{project}/backups", axum::routing::get(list_geminidb_backups)).with_state(state);
    let client = client("geminidb", &serve(app).await);
    let items: Vec<_> = client.geminidb().list_backups().limit(10).into_items().try_collect().await.expect("walks");
    let ids: Vec<String> = items.into_iter().map(|b| b.id.unwrap_or_default()).collect();
    assert_eq!(ids, (0..23).map(|i| format!("g-{i}")).collect::<Vec<_>>());
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

/// The statuses a job reports, one per poll (the last repeats), and how many polls it has had.
type Script = (Vec<&'static str>, usize);

/// Jobs whose status follows a script.
#[derive(Clone, Default)]
struct Jobs {
    scripts: Arc<Mutex<HashMap<String, Script>>>,
    created: Arc<AtomicUsize>,
}

async fn show_job(State(jobs): State<Jobs>, Path((_, graph, job)): Path<(String, String, String)>) -> Json<Value> {
    assert_eq!(graph, "g-1", "the waiter polls the graph the job was started on");
    let mut scripts = jobs.scripts.lock().expect("lock");
    let (script, polls) = scripts.get_mut(&job).expect("known job");
    let status = script[(*polls).min(script.len() - 1)];
    *polls += 1;
    let reason = if status == "failed" { json!("disk full") } else { Value::Null };
    Json(json!({ "job_id": job, "status": status, "fail_reason": reason }))
}

async fn create_backup(State(jobs): State<Jobs>) -> Json<Value> {
    let n = jobs.created.fetch_add(1, Ordering::SeqCst);
    let id = format!("job-created-{n}");
    jobs.scripts.lock().expect("lock").insert(id.clone(), (vec!["pending", "running", "success"], 0));
    Json(json!({ "job_id": id }))
}

async fn jobs_server() -> (Client, Jobs) {
    let jobs = Jobs::default();
    let app = axum::Router::new()
        .route("/v2/{project}/graphs/{graph}/jobs/{job}/status", axum::routing::get(show_job))
        .route("/v2/{project}/graphs/{graph}/backups", axum::routing::post(create_backup))
        .with_state(jobs.clone());
    (client("ges", &serve(app).await), jobs)
}

fn quick() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_millis(400))
        .interval(Duration::from_millis(5), Duration::from_millis(20))
        .multiplier(2.0)
}

#[tokio::test]
async fn waiter_follows_a_job_to_success_and_reports_progress() {
    let (client, jobs) = jobs_server().await;
    jobs.scripts.lock().expect("lock").insert("j1".into(), (vec!["pending", "running", "running", "success"], 0));
    let mut seen = Vec::new();
    let job = client
        .ges()
        .show_job()
        .graph_id("g-1")
        .wait_for("j1", &quick(), |p| seen.push((p.status.to_owned(), p.status_changed)))
        .await
        .expect("job succeeds");
    assert_eq!(job.job_id.as_deref(), Some("j1"));
    let changes: Vec<&str> = seen.iter().filter(|(_, changed)| *changed).map(|(s, _)| s.as_str()).collect();
    assert_eq!(changes, ["pending", "running", "success"], "status changes are marked");
    assert_eq!(seen.len(), 4, "every poll is reported");
}

#[tokio::test]
async fn waiter_surfaces_the_servers_failure_reason() {
    let (client, jobs) = jobs_server().await;
    jobs.scripts.lock().expect("lock").insert("j2".into(), (vec!["running", "failed"], 0));
    let err = client.ges().show_job().graph_id("g-1").wait_for("j2", &quick(), |_| {}).await.expect_err("fails");
    match err {
        Error::JobFailed { job_id, status, reason, .. } => {
            assert_eq!((job_id.as_str(), status.as_str(), reason.as_deref()), ("j2", "failed", Some("disk full")));
        }
        other => panic!("expected JobFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn waiter_gives_up_with_the_last_status() {
    let (client, jobs) = jobs_server().await;
    jobs.scripts.lock().expect("lock").insert("j3".into(), (vec!["running"], 0));
    let started = std::time::Instant::now();
    let err = client.ges().show_job().graph_id("g-1").wait_for("j3", &quick(), |_| {}).await.expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(3), "bounded by the caller's limit");
    match err {
        Error::JobTimedOut { job_id, last_status, .. } => {
            assert_eq!((job_id.as_str(), last_status.as_deref()), ("j3", Some("running")));
        }
        other => panic!("expected JobTimedOut, got {other:?}"),
    }
}

#[tokio::test]
async fn send_and_wait_polls_the_graph_the_backup_was_started_on() {
    let (client, jobs) = jobs_server().await;
    let (started, finished) = client
        .ges()
        .create_backup()
        .graph_id("g-1")
        .send_and_wait(&quick(), |_| {})
        .await
        .expect("backup job succeeds");
    assert_eq!(started.job_id.as_deref(), Some("job-created-0"));
    assert_eq!(finished.status.map(|s| s.to_string()).as_deref(), Some("success"));
    assert_eq!(jobs.created.load(Ordering::SeqCst), 1, "created once");
}
