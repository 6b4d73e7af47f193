//! Waiting for an asynchronous job (a backup being created, exported, deleted...) to finish.
//!
//! The waiter polls with growing intervals, reports status changes, and stops at the first final state or when
//! the caller's time limit runs out. It knows nothing about a service's job format: the generated code supplies
//! how to fetch a job and how to read its state.

use crate::error::Error;
use std::future::Future;
use std::time::{Duration, Instant};

/// How long and how often to poll.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    /// Give up (with [`Error::JobTimedOut`]) after this long; the job may still finish on the server.
    pub timeout: Duration,
    /// Wait before the second poll (the first is immediate).
    pub initial_interval: Duration,
    /// Upper bound of the wait between polls.
    pub max_interval: Duration,
    /// Growth of the wait after each poll (values below 1 are treated as 1).
    pub multiplier: f64,
}

impl Default for WaitOptions {
    /// 30 minutes overall, polling after 2 s, then 1.5 times longer each time, at most every 30 s.
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(30 * 60),
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            multiplier: 1.5,
        }
    }
}

/// Where a job is, as far as waiting is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Not finished yet: keep polling.
    InProgress,
    /// Finished successfully.
    Succeeded,
    /// Finished unsuccessfully.
    Failed,
}

/// Reported to the progress callback whenever the job's status text changes (and on the first poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobProgress {
    /// The job being waited for.
    pub job_id: String,
    /// Its status as the server printed it, e.g. `Running`.
    pub status: String,
    /// Time since waiting started.
    pub elapsed: Duration,
    /// Polls so far, this one included.
    pub polls: u32,
}

/// Polls `fetch(job_id)` until `classify` says the job succeeded (returns the last job read) or failed
/// ([`Error::JobFailed`] with the server's reason), or `options.timeout` passes ([`Error::JobTimedOut`] with the last
/// status seen). An error from `fetch` ends the wait with that error (the client has already retried it).
///
/// `classify` returns the state, the status text as printed by the server, and the failure reason if any.
/// The last poll happens at the time limit; waiting can exceed it by at most the duration of that one fetch.
pub async fn wait_for_job<J, F, Fut, C, P>(
    job_id: &str,
    mut fetch: F,
    classify: C,
    options: &WaitOptions,
    mut on_progress: P,
) -> Result<J, Error>
where
    F: FnMut(&str) -> Fut,
    Fut: Future<Output = Result<J, Error>>,
    C: Fn(&J) -> (JobState, String, Option<String>),
    P: FnMut(&JobProgress),
{
    let started = Instant::now();
    let multiplier = options.multiplier.max(1.0);
    let mut interval = options.initial_interval.max(Duration::from_millis(1));
    let mut polls = 0u32;
    let mut last_status: Option<String> = None;
    loop {
        let job = fetch(job_id).await?;
        polls = polls.saturating_add(1);
        let (state, status, reason) = classify(&job);
        let elapsed = started.elapsed();
        tracing::debug!(job_id, status = status.as_str(), polls, elapsed_ms = millis(elapsed), "polled job");
        if last_status.as_deref() != Some(status.as_str()) {
            on_progress(&JobProgress { job_id: job_id.to_owned(), status: status.clone(), elapsed, polls });
        }
        match state {
            JobState::Succeeded => return Ok(job),
            JobState::Failed => return Err(Error::JobFailed { job_id: job_id.to_owned(), status, reason }),
            JobState::InProgress => last_status = Some(status),
        }
        let remaining = options.timeout.saturating_sub(elapsed);
        if remaining.is_zero() {
            return Err(Error::JobTimedOut { job_id: job_id.to_owned(), last_status, waited_ms: millis(elapsed) });
        }
        tokio::time::sleep(interval.min(remaining)).await;
        interval = Duration::try_from_secs_f64(interval.as_secs_f64() * multiplier)
            .unwrap_or(options.max_interval)
            .min(options.max_interval);
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
