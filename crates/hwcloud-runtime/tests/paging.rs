//! The pager (stop rules, servers that ignore `offset`) and the job waiter.

mod support;

use futures::{StreamExt, TryStreamExt};
use hwcloud_runtime::pager::{self, Page};
use hwcloud_runtime::waiter::{wait_for_job, JobProgress, JobState, JobView, WaitOptions};
use hwcloud_runtime::{decode, Error, Request};
use serde::Deserialize;
use std::cell::RefCell;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Deserialize)]
struct Backups {
    backups: Vec<String>,
    #[serde(default)]
    backup_count: Option<i64>,
}

impl Page for Backups {
    type Item = String;
    fn item_count(&self) -> usize {
        self.backups.len()
    }
    fn total(&self) -> Option<i64> {
        self.backup_count
    }
    fn into_items(self) -> Vec<String> {
        self.backups
    }
    fn fingerprint(&self) -> u64 {
        pager::fingerprint(&self.backups)
    }
}

/// A listing of `n` items served by offset; `with_total` decides whether the total is reported.
fn listing(n: i64, with_total: bool) -> impl Fn(i64, i64) -> Backups {
    move |offset, limit| {
        let end = (offset + limit).min(n);
        Backups {
            backups: (offset.min(n)..end).map(|i| format!("b{i}")).collect(),
            backup_count: with_total.then_some(n),
        }
    }
}

/// Runs `pages` over a synchronous page source, recording every (offset, limit) fetched.
async fn walk(source: impl Fn(i64, i64) -> Backups, limit: i64) -> (Result<Vec<String>, Error>, Vec<(i64, i64)>) {
    let calls = RefCell::new(Vec::new());
    let stream = pager::pages(&support::LIST, 0, limit, |offset, limit| {
        calls.borrow_mut().push((offset, limit));
        let page = source(offset, limit);
        async move { Ok::<_, Error>(page) }
    });
    let items = pager::items(stream).try_collect().await;
    (items, calls.into_inner())
}

fn names(range: std::ops::Range<i64>) -> Vec<String> {
    range.map(|i| format!("b{i}")).collect()
}

#[tokio::test]
async fn stop_rules_with_and_without_a_total() {
    for with_total in [true, false] {
        // Nothing at all: one fetch.
        let (items, calls) = walk(listing(0, with_total), 10).await;
        assert_eq!((items.unwrap(), calls), (vec![], vec![(0, 10)]));
        // One item: a short page ends it.
        let (items, calls) = walk(listing(1, with_total), 10).await;
        assert_eq!((items.unwrap(), calls), (names(0..1), vec![(0, 10)]));
        // Many pages, the last one short.
        let (items, calls) = walk(listing(25, with_total), 10).await;
        assert_eq!((items.unwrap(), calls), (names(0..25), vec![(0, 10), (10, 10), (20, 10)]));
    }
    // Exactly one full page: the total ends it without asking for an empty page...
    let (items, calls) = walk(listing(10, true), 10).await;
    assert_eq!((items.unwrap(), calls), (names(0..10), vec![(0, 10)]));
    // ...without a total, the empty page that follows does.
    let (items, calls) = walk(listing(10, false), 10).await;
    assert_eq!((items.unwrap(), calls), (names(0..10), vec![(0, 10), (10, 10)]));
}

#[tokio::test]
async fn pages_are_fetched_lazily_and_the_first_empty_page_is_yielded() {
    let fetched = RefCell::new(0);
    let mut stream = pager::pages(&support::LIST, 0, 2, |offset, limit| {
        *fetched.borrow_mut() += 1;
        let page = listing(5, true)(offset, limit);
        async move { Ok::<_, Error>(page) }
    });
    assert_eq!(*fetched.borrow(), 0);
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!((first.backups.len(), first.total(), *fetched.borrow()), (2, Some(5), 1));
    drop(stream);

    let pages: Vec<Backups> = pager::pages(&support::LIST, 0, 5, |offset, limit| {
        let page = listing(0, true)(offset, limit);
        async move { Ok::<_, Error>(page) }
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].total(), Some(0));
}

#[tokio::test]
async fn a_server_ignoring_offset_ends_in_an_error_not_a_loop() {
    for with_total in [true, false] {
        let ignoring = move |_offset: i64, limit: i64| listing(100, with_total)(0, limit);
        let (items, calls) = walk(ignoring, 10).await;
        let err = items.unwrap_err();
        assert!(
            matches!(&err, Error::Paging { operation, message } if operation.name == "list_backups" && message.contains("offset")),
            "{err:?}"
        );
        assert_eq!(calls.len(), 2, "stopped at the first repeated page");
    }
}

#[tokio::test]
async fn a_server_cycling_through_pages_is_caught_too() {
    // Offset taken modulo 20: pages A, B, A, B... and no total to stop at.
    let cycling = |offset: i64, limit: i64| listing(100, false)(offset % 20, limit);
    let (items, calls) = walk(cycling, 10).await;
    assert!(matches!(items, Err(Error::Paging { .. })), "{items:?}");
    assert_eq!(calls, vec![(0, 10), (10, 10), (20, 10)]);
}

#[tokio::test]
async fn a_listing_longer_than_its_total_is_cut_off() {
    // A server whose total grows with every page never reaches it; the first total bounds the walk.
    let growing = |offset: i64, limit: i64| Backups {
        backups: (offset..offset + limit).map(|i| format!("b{i}")).collect(),
        backup_count: Some(offset + limit + 1),
    };
    let (items, calls) = walk(growing, 10).await;
    assert!(matches!(items, Err(Error::Paging { .. })), "{items:?}");
    assert_eq!(calls.len(), 3, "total 11 with limit 10 allows at most 2 pages");
}

#[tokio::test]
async fn errors_and_bad_limits_end_the_walk() {
    let failing = pager::pages(&support::LIST, 0, 10, |offset, limit| async move {
        if offset == 0 {
            Ok(listing(100, false)(offset, limit))
        } else {
            Err(Error::Config("boom".into()))
        }
    });
    let results: Vec<_> = failing.collect().await;
    assert_eq!(results.len(), 2);
    assert!(matches!(results[1], Err(Error::Config(_))));

    let zero: Vec<_> =
        pager::pages(&support::LIST, 0, 0, |o, l| async move { Ok(listing(5, true)(o, l)) }).collect().await;
    assert!(matches!(zero.as_slice(), [Err(Error::Paging { .. })]));
}

#[tokio::test]
async fn numbered_pages_count_pages_not_items() {
    let calls = RefCell::new(Vec::new());
    let by_page = |page: i64, limit: i64| {
        calls.borrow_mut().push(page);
        let page = listing(25, true)((page - 1) * limit, limit);
        async move { Ok::<_, Error>(page) }
    };
    let items: Vec<String> =
        pager::items(pager::numbered_pages(&support::LIST, 1, 10, by_page)).try_collect().await.unwrap();
    assert_eq!(items, names(0..25));
    assert_eq!(calls.into_inner(), vec![1, 2, 3]);
}

#[tokio::test]
async fn pages_through_a_real_server() {
    use axum::extract::Query;
    use std::collections::HashMap;
    let router = axum::Router::new().fallback(|Query(q): Query<HashMap<String, i64>>| async move {
        let page = listing(7, true)(q["offset"], q["limit"]);
        format!(
            r#"{{"backup_count": {}, "backups": {}}}"#,
            page.backup_count.unwrap(),
            serde_json::to_string(&page.backups).unwrap()
        )
    });
    let client = support::builder(support::serve(router).await).build().unwrap();
    let fetch = |offset: i64, limit: i64| {
        let client = client.clone();
        async move {
            let mut request = Request::new(&support::LIST, "/v2/p/graphs/backups".into());
            request.query = vec![("offset", offset.to_string()), ("limit", limit.to_string())];
            let raw = client.send(request).await?;
            decode::<Backups>(&support::LIST, &raw)
        }
    };
    let items: Vec<String> = pager::items(pager::pages(&support::LIST, 0, 3, fetch)).try_collect().await.unwrap();
    assert_eq!(items, names(0..7));
}

#[derive(Debug, Clone, PartialEq)]
struct Job {
    status: &'static str,
    reason: Option<&'static str>,
}

fn classify(job: &Job) -> JobView {
    let state = match job.status {
        "Success" => JobState::Succeeded,
        "Failed" => JobState::Failed,
        _ => JobState::InProgress,
    };
    let progress = (job.status == "Running").then(|| "50%".to_owned());
    JobView { state, status: job.status.to_owned(), reason: job.reason.map(str::to_owned), progress }
}

fn quick(timeout_ms: u64) -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_millis(timeout_ms))
        .interval(Duration::from_millis(5), Duration::from_millis(20))
        .multiplier(2.0)
}

/// What the progress callback saw on one poll.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    status: String,
    changed: bool,
    progress: Option<String>,
    polls: u32,
    elapsed: Duration,
}

fn record(seen: &mut Vec<Seen>) -> impl FnMut(&JobProgress<'_, Job>) + '_ {
    move |p| {
        assert_eq!(p.job_id, "job-1");
        assert_eq!(p.job.status, p.status);
        seen.push(Seen {
            status: p.status.to_owned(),
            changed: p.status_changed,
            progress: p.progress.map(str::to_owned),
            polls: p.polls,
            elapsed: p.elapsed,
        });
    }
}

/// A job that reports `statuses` in turn, repeating the last one forever.
fn scripted(
    statuses: &'static [(&'static str, Option<&'static str>)],
) -> impl FnMut(&str) -> std::future::Ready<Result<Job, Error>> {
    let mut polls = 0usize;
    move |job_id: &str| {
        assert_eq!(job_id, "job-1");
        let (status, reason) = statuses[polls.min(statuses.len() - 1)];
        polls += 1;
        std::future::ready(Ok(Job { status, reason }))
    }
}

#[tokio::test]
async fn a_job_that_succeeds_is_returned_with_every_poll_reported() {
    let script: &[_] = &[("Pending", None), ("Running", None), ("Running", None), ("Running", None), ("Success", None)];
    let mut progress = Vec::new();
    let job = wait_for_job("job-1", scripted(script), classify, &quick(10_000), record(&mut progress)).await.unwrap();
    assert_eq!(job.status, "Success");
    let seen: Vec<(&str, bool, Option<&str>, u32)> =
        progress.iter().map(|p| (p.status.as_str(), p.changed, p.progress.as_deref(), p.polls)).collect();
    assert_eq!(
        seen,
        [
            ("Pending", true, None, 1),
            ("Running", true, Some("50%"), 2),
            ("Running", false, Some("50%"), 3),
            ("Running", false, Some("50%"), 4),
            ("Success", true, None, 5)
        ]
    );
    assert!(progress.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
}

#[tokio::test]
async fn a_failed_job_surfaces_the_servers_reason() {
    let script: &[_] = &[("Running", None), ("Failed", Some("OBS bucket not found"))];
    let err = wait_for_job("job-1", scripted(script), classify, &quick(10_000), |_: &JobProgress<'_, Job>| {})
        .await
        .unwrap_err();
    let Error::JobFailed { job_id, status, reason, .. } = &err else { panic!("{err:?}") };
    assert_eq!(
        (job_id.as_str(), status.as_str(), reason.as_deref()),
        ("job-1", "Failed", Some("OBS bucket not found"))
    );
    assert!(err.to_string().contains("OBS bucket not found"), "{err}");
}

#[tokio::test]
async fn a_job_that_never_finishes_times_out_with_its_last_status() {
    let script: &[_] = &[("Pending", None), ("Running", None)];
    let started = Instant::now();
    let err = wait_for_job("job-1", scripted(script), classify, &quick(300), |_: &JobProgress<'_, Job>| {})
        .await
        .unwrap_err();
    let Error::JobTimedOut { job_id, last_status, waited_ms, .. } = &err else { panic!("{err:?}") };
    assert_eq!((job_id.as_str(), last_status.as_deref()), ("job-1", Some("Running")));
    assert!(*waited_ms >= 300, "{waited_ms}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(err.to_string().contains("Running"), "{err}");
}

#[tokio::test]
async fn a_fetch_error_ends_the_wait_naming_the_job() {
    let fetch = |_: &str| std::future::ready(Err::<Job, _>(Error::Config("gone".into())));
    let err = wait_for_job("job-1", fetch, classify, &quick(1_000), |_: &JobProgress<'_, Job>| {}).await.unwrap_err();
    let Error::JobPollFailed { job_id, source, .. } = &err else { panic!("{err:?}") };
    assert_eq!(job_id, "job-1");
    assert!(matches!(**source, Error::Config(_)));
    assert_eq!(err.job_id(), Some("job-1"));
}

#[test]
fn default_wait_options_are_sensible() {
    let o = WaitOptions::default();
    assert!(o.initial_interval <= o.max_interval && o.max_interval < o.timeout && o.multiplier >= 1.0);
}
